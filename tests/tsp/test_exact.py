from __future__ import annotations

import itertools

import numpy as np
import pytest

from tests.tsp import naive
from tsp import MemoryBudgetExceeded, Problem, held_karp, held_karp_bytes, solve


def _random(rng: np.random.Generator, n: int, *, symmetric: bool) -> np.ndarray:
    cost = rng.integers(0, 1_000, size=(n, n))
    if symmetric:
        cost = np.triu(cost, 1)
        cost = cost + cost.T
    np.fill_diagonal(cost, 0)
    return cost


def _route_cost(cost: np.ndarray, order: list[int], closed: bool) -> int:
    total = sum(int(cost[a, b]) for a, b in itertools.pairwise(order))
    return total + (int(cost[order[-1], order[0]]) if closed else 0)


@pytest.mark.parametrize("n", range(4, 10))
@pytest.mark.parametrize("symmetric", [True, False])
def test_closed_tour_cost_equals_brute_force(
    n: int, symmetric: bool, rng: np.random.Generator
) -> None:
    """Held–Karp closed tours match exhaustive search, symmetric and asymmetric."""
    for _ in range(3):
        cost = _random(rng, n, symmetric=symmetric)
        start = int(rng.integers(n))
        best, order = held_karp(cost, start=start)
        assert best == naive.best_cost(cost, start=start)
        assert sorted(order) == list(range(n))
        assert order[0] == start
        assert _route_cost(cost, order, True) == best


@pytest.mark.parametrize("n", range(4, 10))
@pytest.mark.parametrize("symmetric", [True, False])
def test_open_path_with_free_end_equals_brute_force(
    n: int, symmetric: bool, rng: np.random.Generator
) -> None:
    """Open paths from a fixed start (any end) match exhaustive search."""
    for _ in range(3):
        cost = _random(rng, n, symmetric=symmetric)
        start = int(rng.integers(n))
        best, order = held_karp(cost, start=start, closed=False)
        assert best == naive.best_cost(cost, start=start, closed=False)
        assert _route_cost(cost, order, False) == best


@pytest.mark.parametrize("n", range(4, 10))
def test_open_path_with_fixed_end_equals_brute_force(n: int, rng: np.random.Generator) -> None:
    """Open paths with a fixed end finish there and match exhaustive search."""
    for _ in range(3):
        cost = _random(rng, n, symmetric=False)
        start, end = (int(v) for v in rng.choice(n, size=2, replace=False))
        best, order = held_karp(cost, start=start, closed=False, end=end)
        assert best == naive.best_cost(cost, start=start, closed=False, end=end)
        assert order[0] == start
        assert order[-1] == end
        assert _route_cost(cost, order, False) == best


def test_huge_costs_use_the_wide_tables_and_stay_exact(rng: np.random.Generator) -> None:
    """Costs too large for 32-bit tables still give the exact optimum (int64 path)."""
    cost = _random(rng, 8, symmetric=False) * (1 << 30)
    best, _ = held_karp(cost)
    assert best == naive.best_cost(cost)


def test_memory_budget_is_refused_before_allocating() -> None:
    """A budget below the table size raises MemoryBudgetExceeded with the sizes."""
    cost = np.ones((22, 22), dtype=np.int64)
    with pytest.raises(MemoryBudgetExceeded) as info:
        held_karp(cost, memory_budget_bytes=1 << 20)
    assert info.value.needed_bytes == held_karp_bytes(22, symmetric_closed=True, cost_bound=23)
    assert info.value.needed_bytes > 1 << 20


def test_twenty_five_stops_fit_the_default_budget_when_symmetric() -> None:
    """The layout keeps a 25-stop symmetric tour under 1 GiB (the issue's target)."""
    assert held_karp_bytes(25, symmetric_closed=True) < 1 << 30


def test_exact_method_on_too_large_instance_raises_not_swaps() -> None:
    """solve(method='exact') on 40 stops refuses clearly instead of allocating."""
    with pytest.raises(MemoryBudgetExceeded):
        solve(Problem(np.ones((40, 40), dtype=np.int64)), method="exact")


def test_solve_reports_exact_results_as_proven(rng: np.random.Generator) -> None:
    """solve() on a small instance proves optimality and reports a zero gap."""
    cost = _random(rng, 9, symmetric=True)
    r = solve(Problem(cost))
    assert r.method == "held-karp"
    assert r.proven_optimal
    assert r.gap == 0.0
    assert r.cost == r.lower_bound == naive.best_cost(cost)
