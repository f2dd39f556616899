"""Benchmark tsp/ against its peers in one process: exact, heuristic, time windows.

Usage (from the project root):

    .venv/bin/python contrib/bench/bench_tsp.py exact      # Held–Karp vs fast-tsp vs python-tsp
    .venv/bin/python contrib/bench/bench_tsp.py heuristic [--seeds 0-3]  # TSPLIB n=24..202 at
        # 1 s and 0.25 s, then n=1000 random stops at 1 s vs the 1-tree bound; fast-tsp and
        # OR-Tools beside (once per instance and budget: they take no seed)
    .venv/bin/python contrib/bench/bench_tsp.py rounds --seeds 0-11  # kick rounds (and CPU s)
        # to each TSPLIB optimum per seed: robustness without the clock (no peer: no rounds)
    .venv/bin/python contrib/bench/bench_tsp.py windows    # 75 Dumas TSPTW: exact + 1 s heuristic
    .venv/bin/python contrib/bench/bench_tsp.py large      # Dumas-style n=80/100 proofs, bounds
    .venv/bin/python contrib/bench/bench_tsp.py all

Peers (fast-tsp, python-tsp, OR-Tools) are imported only here, never by tsp/.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import tsp  # noqa: E402
from tsp.bounds import lower_bound  # noqa: E402

DATA = ROOT / "tests" / "tsp" / "data"  # instances and optima tables, with provenance


def _optima_tsplib() -> dict[str, tuple[int, int]]:
    out = {}
    for line in (DATA / "tsplib" / "README.md").read_text().splitlines():
        m = re.match(r"\| (\w+) \| (\d+) \| [^|]+\| (\d+) \| (yes|no)", line)
        if m:
            out[m[1]] = (int(m[2]), int(m[3]))
    return out


def _optima_tsptw() -> dict[str, int]:
    out = {}
    for line in (DATA / "tsptw" / "README.md").read_text().splitlines():
        m = re.match(r"\| (n\d+w\d+\.\d+) \| (\d+) \| (\d+) \| (\d+) \|", line)
        if m:
            out[m[1]] = int(m[4])
    return out


def _seeds(text: str) -> list[int]:
    """``"0-11"`` or ``"0,3,5"`` (or a mix) as a list of seeds."""
    out: list[int] = []
    for part in text.split(","):
        lo, _, hi = part.partition("-")
        out.extend(range(int(lo), int(hi or lo) + 1))
    return out


def _euclid(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    xy = rng.integers(0, 10_000, size=(n, 2))
    d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    return np.rint(d).astype(np.int64)


def _tour_cost(d: np.ndarray, order: list[int]) -> int:
    return int(sum(d[order[i], order[(i + 1) % len(order)]] for i in range(len(order))))


def _row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _timed(fn):  # type: ignore[no-untyped-def]
    tracemalloc.start()
    t = time.perf_counter()
    out = fn()
    elapsed = time.perf_counter() - t
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return out, elapsed, peak


def bench_exact(sizes: list[int], repeats: int) -> None:
    import fast_tsp
    from python_tsp.exact import solve_tsp_dynamic_programming

    tsp.warm_up()
    print(
        "## exact (closed symmetric random Euclidean, integer costs;", repeats, "interleaved runs)"
    )
    print(
        "ours = tsp.solve(method='exact') (auto: 2 threads from n = 20);"
        " 1 thr = tsp.held_karp(threads=1);"
        " ratios are per run (ours/fast-tsp in the same repeat): median [min-max]"
    )
    print(
        _row(
            "n",
            "ours s (best)",
            "ours 1 thr s (best)",
            "ours peak MiB",
            "fast-tsp exact s (best)",
            "ratio ours/fast-tsp median [range]",
            "ratio 1 thr/fast-tsp median [range]",
            "python-tsp DP s",
            "cost equal",
        )
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for n in sizes:
        d = _euclid(n, seed=n)
        ours_t: list[float] = []
        one_t: list[float] = []
        fast_t: list[float] = []
        fast_cost = None
        for _ in range(repeats):  # interleaved, so load swings hit both sides alike
            t0 = time.perf_counter()
            res = tsp.solve(tsp.Problem(d), method="exact")
            ours_t.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            one_cost, _ = tsp.held_karp(d, threads=1)
            one_t.append(time.perf_counter() - t0)
            assert one_cost == res.cost
            if n <= 23:
                t0 = time.perf_counter()
                tour = fast_tsp.solve_tsp_exact(d)
                fast_t.append(time.perf_counter() - t0)
                fast_cost = _tour_cost(d, tour)
        # Peak memory in a separate, untimed run: tracemalloc slows allocation.
        _, _, peak = _timed(lambda d=d: tsp.solve(tsp.Problem(d), method="exact"))
        py_t = None
        if n <= 12:
            t0 = time.perf_counter()
            _, py_cost = solve_tsp_dynamic_programming(d)
            py_t = time.perf_counter() - t0
            assert int(py_cost) == res.cost
        same = "yes" if fast_cost in (None, res.cost) else f"NO ({fast_cost})"
        fast_s = f"{min(fast_t):.4f}" if fast_t else "n/a (n > 23)"
        py_s = f"{py_t:.3f}" if py_t is not None else "n/a (n > 12)"
        print(
            _row(
                n,
                f"{min(ours_t):.4f}",
                f"{min(one_t):.4f}",
                f"{peak / 2**20:.0f}",
                fast_s,
                _ratios(ours_t, fast_t),
                _ratios(one_t, fast_t),
                py_s,
                same,
            ),
            flush=True,
        )
    print(f"process peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


def _ratios(ours: list[float], peer: list[float]) -> str:
    if not peer:
        return "n/a"
    r = sorted(a / b for a, b in zip(ours, peer, strict=True))
    return f"{float(np.median(r)):.2f} [{r[0]:.2f}-{r[-1]:.2f}]"


def _ortools_gls(d: np.ndarray, seconds: float) -> int:
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    n = d.shape[0]
    manager = pywrapcp.RoutingIndexManager(n, 1, 0)
    routing = pywrapcp.RoutingModel(manager)
    dl = d.tolist()

    def cb(i: int, j: int) -> int:
        return dl[manager.IndexToNode(i)][manager.IndexToNode(j)]

    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitCallback(cb))
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(int(seconds * 1000))
    sol = routing.SolveWithParameters(params)
    return int(sol.ObjectiveValue())


def bench_heuristic(budgets: list[float], seeds: list[int]) -> None:
    """TSPLIB n = 24..202 at each budget, then n = 1,000 random stops; peers beside.

    One seed prints the full table; several print one gap per seed (the peers, which take
    no seed, run once per instance and budget) and the per-seed hit counts.
    """
    import fast_tsp

    tsp.warm_up()
    print(f"load average at start: {os.getloadavg()}")
    for seconds in budgets:
        if len(seeds) == 1:
            _bench_tsplib(seconds, seeds[0], fast_tsp)
        else:
            _bench_tsplib_seeds(seconds, seeds, fast_tsp)
        print(f"load average: {os.getloadavg()}", flush=True)
    for seed in seeds:
        _bench_thousand(budgets[0], seed, fast_tsp)
    print(f"load average at end: {os.getloadavg()}")


def _peer_gaps(d: np.ndarray, o: int, seconds: float, fast_tsp: Any) -> tuple[float, float]:
    """OR-Tools GLS and fast-tsp gaps (%) to the optimum ``o`` with the same budget."""
    go = 100 * (_ortools_gls(d, seconds) - o) / o
    if int(d.max()) >= 2**16:  # fast-tsp takes 16-bit costs
        return go, float("nan")
    return go, 100 * (_tour_cost(d, fast_tsp.find_tour(d, seconds)) - o) / o


def _bench_tsplib_seeds(seconds: float, seeds: list[int], fast_tsp: Any) -> None:
    opt = _optima_tsplib()
    names = [k for k, (n, _) in opt.items() if 24 <= n <= 202]
    print(f"## heuristic (TSPLIB n=24..202, {seconds:g} s each, seeds {seeds}, gap to optimum %)")
    print(_row("instance", "n", *(f"ours s{s}" for s in seeds), "fast-tsp", "OR-Tools GLS"))
    print("|" + "---|" * (len(seeds) + 4))
    ours = np.zeros((len(names), len(seeds)))
    peers = np.zeros((len(names), 2))
    for i, name in enumerate(names):
        _, o = opt[name]
        _, d = tsp.read_tsplib(DATA / "tsplib" / f"{name}.tsp")
        for j, seed in enumerate(seeds):
            r = tsp.solve(tsp.Problem(d), method="heuristic", time_limit_s=seconds, seed=seed)
            ours[i, j] = 100 * (r.cost - o) / o
        peers[i] = _peer_gaps(d, o, seconds, fast_tsp)
        cells = [f"{g:.3f}" if g else "0" for g in ours[i]]
        print(_row(name, opt[name][0], *cells, f"{peers[i, 1]:.3f}", f"{peers[i, 0]:.2f}"))
    for j, seed in enumerate(seeds):
        g = ours[:, j]
        print(
            f"{seconds:g} s ours seed {seed}: mean gap {g.mean():.4f}%  worst {g.max():.3f}%"
            f"  optimal {int((g == 0).sum())}/{len(g)}"
        )
    print(
        f"{seconds:g} s ours over {len(seeds)} seeds: mean gap {ours.mean():.4f}%"
        f" (per-seed means {ours.mean(axis=0).min():.4f}-{ours.mean(axis=0).max():.4f}%),"
        f" optimal {int((ours == 0).sum())}/{ours.size}"
    )
    for k, label in ((1, "fast-tsp"), (0, "OR-Tools GLS")):
        a = peers[:, k][~np.isnan(peers[:, k])]
        print(
            f"{seconds:g} s {label}: mean gap {a.mean():.4f}%  worst {a.max():.3f}%"
            f"  optimal {int((a == 0).sum())}/{len(a)}"
        )


def _bench_tsplib(seconds: float, seed: int, fast_tsp: Any) -> None:
    opt = _optima_tsplib()
    names = [k for k, (n, _) in opt.items() if 24 <= n <= 202]
    print(f"## heuristic (TSPLIB n=24..202, {seconds:g} s each, seed {seed}, gap to optimum %)")
    print(
        _row(
            "instance",
            "n",
            "optimum",
            "ours",
            "ours gap %",
            "ours s",
            "ours rounds",
            "bound gap %",
            "OR-Tools GLS gap %",
            "fast-tsp gap %",
        )
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    gaps: dict[str, list[float]] = {"ours": [], "ortools": [], "fast-tsp": []}
    for name in names:
        n, o = opt[name]
        _, d = tsp.read_tsplib(DATA / "tsplib" / f"{name}.tsp")
        r = tsp.solve(tsp.Problem(d), method="heuristic", time_limit_s=seconds, seed=seed)
        g = 100 * (r.cost - o) / o
        go, gf = _peer_gaps(d, o, seconds, fast_tsp)
        gaps["ours"].append(g)
        gaps["ortools"].append(go)
        gaps["fast-tsp"].append(gf)
        bound = 100 * r.gap if r.gap is not None else float("nan")
        print(
            _row(
                name,
                n,
                o,
                r.cost,
                f"{g:.3f}",
                f"{r.elapsed_s:.2f}",
                r.rounds,
                f"{bound:.2f}",
                f"{go:.2f}",
                f"{gf:.3f}",
            ),
            flush=True,
        )
    for k, v in gaps.items():
        a = np.array(v)
        a = a[~np.isnan(a)]
        print(
            f"{seconds:g} s {k}: mean gap {a.mean():.4f}%  worst {a.max():.3f}%  "
            f"optimal {int((a == 0).sum())}/{len(a)}"
        )


def _bench_thousand(seconds: float, seed: int, fast_tsp: Any) -> None:
    """Random uniform n = 1,000 (three instances): gap to the Held–Karp 1-tree bound."""
    print(f"## n = 1,000 random Euclidean stops, {seconds:g} s each, gap to the 1-tree bound")
    print(
        _row(
            "instance seed",
            "1-tree bound",
            "ours",
            "ours gap %",
            "ours rounds",
            "fast-tsp",
            "fast-tsp gap %",
        )
    )
    print("|---|---|---|---|---|---|---|")
    ours_gaps, fast_gaps = [], []
    for instance in (7, 8, 9):
        d = _euclid(1000, instance)
        r = tsp.solve(tsp.Problem(d), method="heuristic", time_limit_s=seconds, seed=seed)
        fast = _tour_cost(d, fast_tsp.find_tour(d, seconds))
        # One bound for both tours, steered by the better one (any iterate is a valid bound).
        lb = lower_bound(tsp.Problem(d), upper_bound=min(r.cost, fast))
        ours_gaps.append(100 * (r.cost - lb) / lb)
        fast_gaps.append(100 * (fast - lb) / lb)
        print(
            _row(
                instance,
                lb,
                r.cost,
                f"{ours_gaps[-1]:.2f}",
                r.rounds,
                fast,
                f"{fast_gaps[-1]:.2f}",
            ),
            flush=True,
        )
    print(
        f"n=1000, {seconds:g} s: ours mean {np.mean(ours_gaps):.2f}% over the 1-tree bound"
        f" (worst {np.max(ours_gaps):.2f}%), fast-tsp mean {np.mean(fast_gaps):.2f}%"
    )


def bench_rounds(seeds: list[int], max_rounds: int, names: list[str] | None) -> None:
    """Kick rounds (50 kicks each) until each TSPLIB optimum, per seed; clock-free.

    A round count is the same on any machine, so this measures robustness on a loaded one;
    CPU seconds (process time) are printed beside to relate rounds to the 1 s budget.
    """
    from tsp.budget import Budget
    from tsp.heuristic import Extended, local_search

    tsp.warm_up()
    opt = _optima_tsplib()
    names = names or [k for k, (n, _) in opt.items() if 24 <= n <= 202]
    print(f"load average at start: {os.getloadavg()}")
    print(f"## rounds to the optimum (cap {max_rounds}; '-' = missed), seeds {seeds}")
    print(_row("instance", "n", *seeds, "worst", "worst CPU s"))
    print("|" + "---|" * (len(seeds) + 4))
    all_rounds: list[int] = []
    cpu: list[float] = []
    misses: list[str] = []
    for name in names:
        n, o = opt[name]
        _, d = tsp.read_tsplib(DATA / "tsplib" / f"{name}.tsp")
        ext = Extended(tsp.Problem(d), np.arange(n, dtype=np.int64))
        cells, worst_s = [], 0.0
        for seed in seeds:
            t = time.process_time()
            _, cost, rounds = local_search(
                ext, budget=Budget(None, max_rounds), seed=seed, stop_cost=o
            )
            s = time.process_time() - t
            worst_s = max(worst_s, s)
            cpu.append(s)
            if cost == o:
                cells.append(rounds)
                all_rounds.append(rounds)
            else:
                cells.append(f"- (+{cost - o})")
                misses.append(f"{name} seed {seed} +{cost - o}")
        hit = [c for c in cells if isinstance(c, int)]
        worst = max(hit) if len(hit) == len(cells) else "miss"
        print(_row(name, n, *cells, worst, f"{worst_s:.2f}"), flush=True)
    r = np.array(all_rounds)
    print(
        f"hits {len(r)}/{len(r) + len(misses)}; rounds median {np.median(r):.0f},"
        f" p90 {np.percentile(r, 90):.0f}, max {r.max()}; CPU s median {np.median(cpu):.3f},"
        f" p90 {np.percentile(cpu, 90):.3f}, max {max(cpu):.2f}"
    )
    print("misses:", ", ".join(misses) or "none")
    print(f"load average at end: {os.getloadavg()}")


def bench_windows(seconds: float) -> None:
    tsp.warm_up()
    opt = _optima_tsptw()
    print(f"## time windows (75 Dumas instances): exact DP and {seconds:g} s heuristic")
    print(
        _row(
            "instance",
            "optimum",
            "exact cost",
            "proven",
            "exact s",
            "heuristic cost",
            "heuristic gap %",
            "heuristic s",
        )
    )
    print("|---|---|---|---|---|---|---|---|")
    worst: dict[int, float] = {}
    hgaps = []
    for name, o in opt.items():
        _, d, w = tsp.read_dumas(DATA / "tsptw" / f"{name}.txt")
        p = tsp.Problem(d, windows=[[x] for x in w])
        r = tsp.solve(p, method="exact")
        h = tsp.solve(p, method="heuristic", time_limit_s=seconds)
        hg = 100 * (h.cost - o) / o if h.feasible else float("inf")
        hgaps.append(hg)
        n = p.n - 1
        worst[n] = max(worst.get(n, 0.0), r.elapsed_s)
        print(
            _row(
                name,
                o,
                r.cost,
                r.proven_optimal,
                f"{r.elapsed_s:.3f}",
                h.cost,
                f"{hg:.2f}",
                f"{h.elapsed_s:.2f}",
            ),
            flush=True,
        )
        assert r.cost == o, name
        assert r.proven_optimal, name
    print("exact worst time per n:", {k: round(v, 3) for k, v in worst.items()})
    print(f"heuristic mean gap {np.mean(hgaps):.3f}%  worst {np.max(hgaps):.3f}%")


def bench_large() -> None:
    """Windowed DP beyond 63 stops (Dumas-style instances) and the window-aware bound."""
    from tests.tsp.dumas_like import dumas_like

    tsp.warm_up()
    print("## Dumas-style n = 80 / 100 (seeded generator, tests/tsp/dumas_like.py), exact DP")
    print(_row("n", "width", "seeds", "proven", "worst s", "median s"))
    print("|---|---|---|---|---|---|")
    for n in (80, 100):
        for width in (20, 40, 60, 80, 100):
            times, proven = [], 0
            for seed in range(5):
                r = tsp.solve(dumas_like(n, width, seed), method="exact")
                times.append(r.elapsed_s)
                proven += r.proven_optimal
            print(
                _row(n, width, 5, proven, f"{max(times):.2f}", f"{np.median(times):.2f}"),
                flush=True,
            )
    from tsp.bounds import window_lower_bound
    from tsp.solve import _without_windows
    from tsp.windows import TimedData, earliest_starts

    ratios_plain, ratios_win = [], []
    for name, o in _optima_tsptw().items():
        _, d, w = tsp.read_dumas(DATA / "tsptw" / f"{name}.txt")
        p = tsp.Problem(d, windows=[[x] for x in w])
        data = TimedData.of(p)
        plain = lower_bound(_without_windows(p), upper_bound=10**9)
        win = window_lower_bound(
            p, earliest_starts(p, data), data.latest_start, data.service, upper_bound=10**9
        )
        assert plain <= win <= o, name
        ratios_plain.append(plain / o)
        ratios_win.append(win / o)
    print(
        f"Dumas 75: bound / optimum, window-free mean {np.mean(ratios_plain):.3f}"
        f" (min {np.min(ratios_plain):.3f}); with windows mean {np.mean(ratios_win):.3f}"
        f" (min {np.min(ratios_win):.3f}); never above the optimum"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "what",
        choices=["exact", "heuristic", "rounds", "windows", "large", "all"],
        nargs="?",
        default="all",
    )
    ap.add_argument("--sizes", default="12,16,20,23,25")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument(
        "--budgets", default="1,0.25", help="heuristic: seconds per TSPLIB instance, comma list"
    )
    ap.add_argument("--seed", type=int, default=0, help="heuristic: one seed of ours")
    ap.add_argument(
        "--seeds",
        default=None,
        help="heuristic: several seeds of ours, e.g. 0-11; rounds: default 0-11",
    )
    ap.add_argument("--max-rounds", type=int, default=800, help="rounds: cap per run")
    ap.add_argument("--instances", default=None, help="rounds: TSPLIB names, comma list")
    a = ap.parse_args()
    if a.what in ("exact", "all"):
        bench_exact([int(s) for s in a.sizes.split(",")], a.repeats)
    if a.what in ("heuristic", "all"):
        bench_heuristic([float(x) for x in a.budgets.split(",")], _seeds(a.seeds or str(a.seed)))
    if a.what == "rounds":
        names = a.instances.split(",") if a.instances else None
        bench_rounds(_seeds(a.seeds or "0-11"), a.max_rounds, names)
    if a.what in ("windows", "all"):
        bench_windows(a.seconds)
    if a.what in ("large", "all"):
        bench_large()


if __name__ == "__main__":
    main()
