"""How close to the district's mean volume the territories wholly on a one-link island can be.

Issue 20 promises order volume within ±15 % of the mean with workload within ±5 %. On an
island joined by a single link (one bridge, one ferry) only one territory can span the link,
so the territories wholly on the island share its volume, less what the spanner's island part
sells. This prints the best that sharing allows: the inner territories at the workload limit,
the spanner's island part holding the island's poorest shops (volume per workload) of the rest
of its workload, contiguity ignored — so the bound is optimistic; a plan can only do worse.

    PYTHONPATH=. .venv/bin/python contrib/bench/island_volume_bound.py --seed 5 --zone estuary
"""

from __future__ import annotations

import argparse
import math

import numpy as np

from contrib.bench.realistic_city import realistic_city
from gql.services.territories.rules import estimate_workload

WORKLOAD_LIMITS = (0.05, 0.045, 0.025)
"""The promise, the search's hard limit and its band."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--zone", default="estuary", help="a zone of the generator's `zone` column")
    parser.add_argument("--retailers", type=int, default=25_000)
    parser.add_argument("--managers", type=int, default=125)
    args = parser.parse_args()
    k = args.managers
    city = realistic_city(args.retailers, k, seed=args.seed)
    r = city.retailers
    workload = estimate_workload(r, None, city.barriers).total_min
    here = city.zone == args.zone
    if not here.any():
        parser.error(f"seed {args.seed} has no retailers in zone {args.zone!r}")
    w = workload[here] / (workload.sum() / k)  # in territories' worth
    v = r.order_volume[here] / (r.order_volume.sum() / k)
    print(
        f"seed {args.seed}, {args.zone}: {here.sum()} shops, workload {w.sum():.3f} and volume "
        f"{v.sum():.3f} territories' worth ({v.sum() / w.sum():.2f} x the district's ratio)"
    )
    for limit in WORKLOAD_LIMITS:
        for inner, rest, least, mean in island_bounds(w, v, limit):
            print(
                f"  workload within ±{limit:.1%}, {inner} wholly on it: the spanner holds "
                f">= {rest:.3f} of its workload selling >= {least:.3f}; those "
                f"{inner} average at best {mean:+.1%} volume"
            )


def island_bounds(
    workload: np.ndarray, volume: np.ndarray, limit: float
) -> list[tuple[int, float, float, float]]:
    """For each feasible number of territories wholly on the island: that number, the least
    workload and volume the spanner's island part holds, and the best mean volume deviation
    of those territories (``workload`` and ``volume`` per shop, in territories' worth)."""
    poorest = np.argsort(volume / workload, kind="stable")
    cum_w = np.r_[0.0, np.cumsum(workload[poorest])]
    cum_v = np.r_[0.0, np.cumsum(volume[poorest])]
    total_w, total_v = float(cum_w[-1]), float(cum_v[-1])
    # the spanner holds at most 1 + limit, each territory wholly on the island at least 1 - limit
    lo = max(1, math.ceil(total_w / (1 + limit) - 1 - 1e-9))
    hi = math.floor(total_w / (1 - limit))
    out = []
    for inner in range(lo, hi + 1):
        rest = max(total_w - inner * (1 + limit), 0.0)  # at least this much is the spanner's
        # the poorest shops first, the last one in part: no whole set of shops sells less
        least = float(np.interp(rest, cum_w, cum_v))
        out.append((inner, rest, least, (total_v - least) / inner - 1))
    return out


if __name__ == "__main__":
    main()
