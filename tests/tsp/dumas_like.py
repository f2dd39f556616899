"""Seeded TSPTW instances in the style of Dumas et al. (1995), for tests and benchmarks.

Points uniform in a 50 × 50 square, integer (floor) Euclidean travel times; a short random
tour (each step to one of the 4 nearest unvisited, at random: Dumas's optima average ~10 per
hop, between a nearest-neighbour and a random tour)
is walked and each customer gets a window of total width up to ``width_s`` around its arrival
on that tour, so the instance is feasible by construction. The depot is node 0.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import numpy as np

from tsp import Problem

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["dumas_like", "dumas_like_with_tour", "write_dumas"]

_CHOICE = 4


def dumas_like(n_customers: int, width_s: int, seed: int) -> Problem:
    """A closed windowed tour problem with ``n_customers`` customers besides the depot."""
    return dumas_like_with_tour(n_customers, width_s, seed)[0]


def dumas_like_with_tour(n_customers: int, width_s: int, seed: int) -> tuple[Problem, list[int]]:
    """:func:`dumas_like` and the tour its windows were built around (a feasible witness)."""
    rng = np.random.default_rng(seed)
    n = n_customers + 1
    pts = rng.uniform(0, 50, size=(n, 2))
    diff = pts[:, None, :] - pts[None, :, :]
    travel = np.floor(np.hypot(diff[..., 0], diff[..., 1])).astype(np.int64)
    left = set(range(1, n))
    cur = int(rng.integers(1, n))
    tour = [0, cur]
    left.remove(cur)
    while left:
        near = sorted(left, key=lambda v: (int(travel[cur, v]), v))[:_CHOICE]
        cur = near[int(rng.integers(0, len(near)))]
        tour.append(cur)
        left.remove(cur)
    windows: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    t = 0
    for a, b in itertools.pairwise(tour):
        t += int(travel[a, b])
        before = int(rng.integers(0, width_s // 2 + 1))
        after = int(rng.integers(0, width_s // 2 + 1))
        windows[b] = [(max(0, t - before), t + after)]
    back = t + int(travel[tour[-1], 0])
    windows[0] = [(0, back + width_s)]
    return Problem(travel, windows=windows), tour


def write_dumas(problem: Problem, path: Path) -> None:
    """Write a one-window-per-stop problem in the Dumas file format (for the CLI)."""
    assert problem.windows is not None
    lines = [str(problem.n)]
    lines += [" ".join(str(int(x)) for x in row) for row in problem.travel_s]
    lines += [f"{w[0][0]} {w[0][1]}" for w in problem.windows]
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
