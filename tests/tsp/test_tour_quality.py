"""Tour quality of the local search on fixed kick budgets (deterministic, clock-free)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pytest

from tests.tsp.known import TSPLIB_OPTIMA
from tsp import Problem, read_tsplib, solve
from tsp._ils_kernels import ils_plain
from tsp._move_kernels import path_cost
from tsp.bounds import lower_bound

if TYPE_CHECKING:
    from pathlib import Path

# Rounds of 50 kicks; with seed 0 each instance below needs at most 430 here (4-427: rat195
# is the slowest since the band starts at half width, which suits most instances), so 450
# leaves margin. The solver before issue 21 missed every one of them even with a 1 s budget.
_ROUNDS = 450


def _points(seed: int, n: int) -> np.ndarray:
    xy = np.random.default_rng(seed).integers(0, 10_000, size=(n, 2))
    return np.rint(np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))).astype(np.int64)


@pytest.mark.parametrize("name", ["kroE100", "ch150", "kroB150", "pr152", "rat195"])
def test_tsplib_instance_reaches_its_optimum_within_a_fixed_kick_budget(
    name: str, tsplib_dir: Path
) -> None:
    """250 rounds of kicks find the proven optimum of these harder TSPLIB instances."""
    _, cost = read_tsplib(tsplib_dir / f"{name}.tsp")
    r = solve(Problem(cost), method="heuristic", iterations=_ROUNDS)
    assert r.cost == TSPLIB_OPTIMA[name][1]
    assert r.rounds == _ROUNDS


def test_thousand_random_stops_come_within_two_percent_of_the_one_tree_bound() -> None:
    """n = 1,000 uniform stops: 150 rounds (about 0.6 s here) land within 2 % of the bound."""
    cost = _points(7, 1000)
    problem = Problem(cost)
    r = solve(problem, method="heuristic", iterations=150)
    assert sorted(r.order) == list(range(1000))
    assert r.cost == problem.route_cost(r.order)
    assert r.lower_bound == lower_bound(problem, upper_bound=r.cost)  # Held–Karp 1-tree
    assert r.cost <= 1.02 * r.lower_bound


@pytest.mark.parametrize("symmetric", [True, False])
def test_ils_reports_the_cost_of_the_routes_it_leaves(symmetric: bool) -> None:
    """The incrementally kept best and current costs equal the routes' real costs."""
    rng = np.random.default_rng(5)
    n = 80
    cost = _points(11, n)
    if not symmetric:
        cost = cost + rng.integers(0, 3_000, size=cost.shape)
        np.fill_diagonal(cost, 0)
    sym = np.minimum(cost, cost.T).astype(np.float64)
    np.fill_diagonal(sym, np.inf)
    neigh = np.argsort(sym, axis=1, kind="stable")[:, :10].astype(np.int64)
    route = rng.permutation(n).astype(np.int64)
    ends = (route[0], route[-1])
    best = route.copy()
    wake = route[1 : n - 1].copy()
    best_cost, current_cost = ils_plain(
        cost, route, best, 1, n - 2, neigh, wake, 2_000, 3, 30, 5, 3_000, True, symmetric, 1 << 62
    )
    assert best_cost == path_cost(cost, best)
    assert current_cost == path_cost(cost, route)
    assert best_cost <= current_cost
    assert (route[0], route[-1]) == (best[0], best[-1]) == ends
    assert sorted(best.tolist()) == sorted(route.tolist()) == list(range(n))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_d198_reaches_its_optimum_for_every_seed_within_a_fixed_kick_budget(
    seed: int, tsplib_dir: Path
) -> None:
    """d198 (clustered, wants a narrow band) takes 22-271 rounds for seeds 0-2 (seed 1
    missed it at 1 s before the cooling band cycle); 350 rounds take about 0.4 s."""
    _, cost = read_tsplib(tsplib_dir / "d198.tsp")
    r = solve(Problem(cost), method="heuristic", iterations=350, seed=seed)
    assert r.cost == TSPLIB_OPTIMA["d198"][1]


@pytest.mark.parametrize(("name", "seed"), [("kroB200", 7), ("rat195", 5)])
def test_former_seed_traps_reach_the_optimum_within_a_fixed_kick_budget(
    name: str, seed: int, tsplib_dir: Path
) -> None:
    """These two missed the optimum within 800 rounds with one band scale (kroB200 +1,
    rat195 +5); moving the scale on after 60 rounds without a new best finds both in 75 and
    213 rounds, so 300 (about 0.35 s each) leaves margin and would fail without the levels."""
    _, cost = read_tsplib(tsplib_dir / f"{name}.tsp")
    r = solve(Problem(cost), method="heuristic", iterations=300, seed=seed)
    assert r.cost == TSPLIB_OPTIMA[name][1]
