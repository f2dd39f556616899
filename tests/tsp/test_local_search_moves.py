"""Or-3opt segment swaps and anchor rotation in the local search."""

from __future__ import annotations

import numpy as np
import pytest

from tsp import Problem, solve
from tsp._ils_kernels import ils_plain
from tsp._move_kernels import (
    exchange_reversed,
    path_cost,
    swap_segments,
    try_or3,
    try_or3_reversed,
)


def _points(rng: np.random.Generator, n: int) -> np.ndarray:
    xy = rng.integers(0, 10_000, size=(n, 2))
    return np.rint(np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))).astype(np.int64)


def _neighbours(cost: np.ndarray, k: int) -> np.ndarray:
    sym = np.minimum(cost, cost.T).astype(np.float64)
    np.fill_diagonal(sym, np.inf)
    return np.argsort(sym, axis=1, kind="stable")[:, :k].astype(np.int64)


def test_swap_segments_exchanges_two_adjacent_blocks() -> None:
    """swap_segments turns A B C D into A C B D and keeps positions in step."""
    route = np.arange(10, dtype=np.int64)
    pos = np.arange(10, dtype=np.int64)
    swap_segments(route, 2, 4, 7, np.empty(10, dtype=np.int64), pos)
    assert route.tolist() == [0, 1, 5, 6, 7, 2, 3, 4, 8, 9]
    assert all(route[pos[v]] == v for v in range(10))


@pytest.mark.parametrize("symmetric", [True, False])
def test_or3_delta_equals_the_real_change_in_path_cost(
    symmetric: bool, rng: np.random.Generator
) -> None:
    """Every improving Or-3opt move found reports exactly the cost change it makes."""
    found = 0
    for _ in range(20):
        n = 40
        cost = _points(rng, n)
        if not symmetric:
            cost = cost + rng.integers(0, 2_000, size=cost.shape)
            np.fill_diagonal(cost, 0)
        route = rng.permutation(n).astype(np.int64)
        pos = np.empty(n, dtype=np.int64)
        pos[route] = np.arange(n)
        neigh = _neighbours(cost, 8)
        lo, hi = 1, n - 2
        for p1 in range(lo - 1, hi):
            delta, p2, p3 = try_or3(cost, route, lo, hi, neigh, pos, p1, symmetric)
            if delta < 0:
                before = path_cost(cost, route)
                ends = (route[0], route[-1])
                swap_segments(route, p1 + 1, p2, p3, np.empty(n, dtype=np.int64), pos)
                assert path_cost(cost, route) - before == delta
                assert (route[0], route[-1]) == ends
                found += 1
    assert found > 0


def test_local_search_with_or3_is_deterministic_for_a_fixed_kick_count(
    rng: np.random.Generator,
) -> None:
    """Two runs with the same seed and number of kicks give the same route and cost."""
    cost = _points(rng, 60)
    neigh = _neighbours(cost, 10)
    runs = []
    for _ in range(2):
        route = np.arange(60, dtype=np.int64)
        wake = route[1:59].copy()
        best = route.copy()
        c, _ = ils_plain(
            cost, route, best, 1, 58, neigh, wake, 300, 7, 30, 3, 300, True, True, 1 << 62
        )
        runs.append((int(c), best.tolist()))
        assert int(c) == path_cost(cost, best)
    assert runs[0] == runs[1]


@pytest.mark.parametrize("start", [0, 17, 59])
def test_closed_heuristic_tour_starts_at_start_after_anchor_rotation(
    start: int, rng: np.random.Generator
) -> None:
    """Re-anchoring the tour inside the search still reports it from ``start``, costed right."""
    cost = _points(rng, 60)
    problem = Problem(cost, start=start)
    r = solve(problem, method="heuristic", time_limit_s=0.2)
    assert r.order[0] == start
    assert sorted(r.order) == list(range(60))
    assert r.cost == problem.route_cost(r.order)
    assert r.lower_bound is not None
    assert r.lower_bound <= r.cost


def test_reversed_exchange_delta_equals_the_real_change_in_path_cost(
    rng: np.random.Generator,
) -> None:
    """Every improving 3-opt move with reversal (all three kinds) reports its exact change."""
    kinds = set()
    for _ in range(20):
        n = 40
        cost = _points(rng, n)
        route = rng.permutation(n).astype(np.int64)
        pos = np.empty(n, dtype=np.int64)
        pos[route] = np.arange(n)
        neigh = _neighbours(cost, 8)
        lo, hi = 1, n - 2
        for p1 in range(lo - 1, hi):
            delta, kind, q, p3 = try_or3_reversed(cost, route, lo, hi, neigh, pos, p1)
            if delta < 0:
                before = path_cost(cost, route)
                ends = (route[0], route[-1])
                exchange_reversed(route, p1, kind, q, p3, np.empty(n, dtype=np.int64), pos)
                assert path_cost(cost, route) - before == delta
                assert (route[0], route[-1]) == ends
                assert all(route[pos[v]] == v for v in range(n))
                kinds.add(int(kind))
    assert kinds == {1, 2, 3}
