"""``python -m tsp``: solve a TSPLIB or Dumas TSPTW file and print the answer."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from tsp.errors import ProblemError, TsplibFormatError
from tsp.problem import Problem
from tsp.solve import solve
from tsp.tsplib import read_dumas, read_tsplib

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m tsp",
        description="Solve a TSPLIB .tsp file (or a Dumas TSPTW file with --windows).",
    )
    p.add_argument("file", help="TSPLIB .tsp file (EUC_2D, GEO, ATT, EXPLICIT) or Dumas file")
    p.add_argument(
        "--time-limit",
        type=float,
        default=1.0,
        metavar="S",
        help="time budget in seconds for heuristics (default 1)",
    )
    p.add_argument("--open", action="store_true", help="open path: do not return to the start")
    p.add_argument(
        "--end", type=int, default=None, metavar="I", help="with --open: fixed last stop (0-based)"
    )
    p.add_argument("--start", type=int, default=0, metavar="I", help="start stop (0-based)")
    p.add_argument(
        "--windows",
        action="store_true",
        help="read FILE as a Dumas et al. TSPTW instance (matrix + time windows)",
    )
    p.add_argument("--method", choices=("auto", "exact", "heuristic"), default="auto")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument(
        "--iterations",
        type=int,
        default=None,
        metavar="K",
        help="run K local-search rounds, ignoring the clock: the same tour on every machine",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object instead")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code (2 on bad input)."""
    args = _parser().parse_args(argv)
    try:
        if args.windows:
            name, matrix, wins = read_dumas(args.file)
            problem = Problem(
                matrix,
                start=args.start,
                closed=not args.open,
                end=args.end,
                windows=[[w] for w in wins],
            )
        else:
            name, matrix = read_tsplib(args.file)
            problem = Problem(matrix, start=args.start, closed=not args.open, end=args.end)
        result = solve(
            problem,
            time_limit_s=args.time_limit,
            seed=args.seed,
            method=args.method,
            iterations=args.iterations,
        )
    except (TsplibFormatError, ProblemError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        payload = {
            "name": name,
            "n": problem.n,
            "cost": result.cost,
            "method": result.method,
            "reason": result.reason,
            "rounds": result.rounds,
            "proven_optimal": result.proven_optimal,
            "lower_bound": result.lower_bound,
            "gap": result.gap,
            "elapsed_s": round(result.elapsed_s, 4),
            "order": list(result.order),
            "unserved": [
                {"stop": u.stop, "reason": u.reason.value, "detail": u.detail}
                for u in result.unserved
            ],
        }
        print(json.dumps(payload))
        return 0
    print(f"cost: {result.cost}")
    print(f"method: {result.method}")
    if result.proven_optimal:
        print("optimal: proven")
    elif result.gap is not None:
        print(f"optimal: not proven, gap <= {100 * result.gap:.2f}% (bound {result.lower_bound})")
    else:
        print("optimal: not proven, no bound")
    print("order: " + " ".join(str(v) for v in result.order))
    for u in result.unserved:
        print(f"unserved: {u.stop} {u.reason.value}: {u.detail}")
    print(f"why: {result.reason}")
    print(f"elapsed_s: {result.elapsed_s:.3f}")
    return 0
