from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pytest

from tests.tsp import naive
from tests.tsp.known import TSPLIB_OPTIMA
from tsp import Problem, read_tsplib, solve

if TYPE_CHECKING:
    from pathlib import Path


def _points(rng: np.random.Generator, n: int) -> np.ndarray:
    xy = rng.integers(0, 10_000, size=(n, 2))
    return np.rint(np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))).astype(np.int64)


@pytest.mark.parametrize("closed", [True, False])
@pytest.mark.parametrize("symmetric", [True, False])
def test_heuristic_is_a_valid_route_never_below_the_optimum(
    closed: bool, symmetric: bool, rng: np.random.Generator
) -> None:
    """Local search returns a permutation whose cost is correct and >= the optimum."""
    for _ in range(3):
        cost = _points(rng, 9)
        if not symmetric:
            cost = cost + rng.integers(0, 500, size=cost.shape)
            np.fill_diagonal(cost, 0)
        problem = Problem(cost, closed=closed, start=2)
        r = solve(problem, method="heuristic", time_limit_s=0.05)
        assert sorted(r.order) == list(range(9))
        assert r.order[0] == 2
        assert r.cost == problem.route_cost(r.order)
        best = naive.best_cost(cost, start=2, closed=closed)
        assert r.cost >= best
        assert r.lower_bound is not None
        assert r.lower_bound <= best


def test_fixed_end_is_respected_by_the_heuristic(rng: np.random.Generator) -> None:
    """An open path with a fixed end finishes there."""
    cost = _points(rng, 30)
    r = solve(Problem(cost, closed=False, start=3, end=7), method="heuristic", time_limit_s=0.05)
    assert r.order[0] == 3
    assert r.order[-1] == 7
    assert sorted(r.order) == list(range(30))


def test_one_tree_bound_is_below_the_optimum_and_tight_on_tsplib(tsplib_dir: Path) -> None:
    """On gr24 the 1-tree bound is valid (<= 1272) and the heuristic finds 1272."""
    _, cost = read_tsplib(tsplib_dir / "gr24.tsp")
    r = solve(Problem(cost), method="heuristic", time_limit_s=0.3)
    optimum = TSPLIB_OPTIMA["gr24"][1]
    assert r.lower_bound is not None
    assert r.lower_bound <= optimum <= r.cost
    assert r.cost <= 1.01 * optimum


@pytest.mark.parametrize("name", ["eil51", "kroA100"])
def test_heuristic_is_within_one_percent_on_tsplib(name: str, tsplib_dir: Path) -> None:
    """With half a second the local search lands within 1% of the optimum."""
    _, cost = read_tsplib(tsplib_dir / f"{name}.tsp")
    r = solve(Problem(cost), time_limit_s=0.5)
    optimum = TSPLIB_OPTIMA[name][1]
    assert optimum <= r.cost <= 1.01 * optimum
    assert r.gap is not None
    assert r.gap >= (r.cost - optimum) / optimum - 1e-12


def test_same_seed_and_budget_give_the_same_route_for_few_kicks(rng: np.random.Generator) -> None:
    """Determinism: the local optimum before any kick depends only on the input and seed."""
    cost = _points(rng, 12)
    a = solve(Problem(cost, closed=False), method="heuristic", time_limit_s=1e-6)
    b = solve(Problem(cost, closed=False), method="heuristic", time_limit_s=1e-6)
    assert a.order == b.order
