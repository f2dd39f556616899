"""Exchange moves: a heavy retailer for light ones across a border, where single moves fail."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from gql.services.territories.rules.contiguity import count_fragmented
from gql.services.territories.rules.exchange import exchange
from gql.services.territories.rules.rebalance import RebalanceProblem, rebalance

from ._two_grid import deviation, two_territories

ROWS, COLS_A, COLS_B = 4, 5, 6
HEAVY = ((1, 4), (2, 1))
"""Two supermarkets in territory A: one on the border with B, one inside."""


def _two_territories() -> tuple[RebalanceProblem, np.ndarray, np.ndarray]:
    """A 4 x 11 grid: A (5 columns, two heavy retailers) beside B (6 columns, all light).

    Heavy retailers cost 3 units of workload and sell 30; light ones 1 and 1. Both
    territories have workload 24; A sells 78 and B 24 (the mean is 51, A is 53 % over).
    """
    problem, assignment, heavy = two_territories(
        ROWS, COLS_A, COLS_B, HEAVY, heavy_workload=3.0, heavy_volume=30.0, seed=5
    )
    per = problem.territory_loads(assignment)
    assert per[:, 0].tolist() == [24.0, 24.0]
    return problem, assignment, heavy


def test_single_moves_cannot_balance_a_heavy_tailed_volume() -> None:
    """The boundary search alone leaves volume far out (the premise of exchanges)."""
    problem, assignment, _ = _two_territories()
    after = rebalance(problem, assignment)
    assert deviation(problem, after)[1] > 0.3


def test_exchange_trades_a_heavy_retailer_for_light_ones() -> None:
    """One supermarket goes to B, light shops come back: volume and workload both in band."""
    problem, assignment, heavy = _two_territories()
    after = exchange(problem, assignment)
    workload_dev, volume_dev = deviation(problem, after)
    assert volume_dev <= 0.10
    assert workload_dev <= 0.025
    assert count_fragmented(problem.graph, after, 2) == 0
    assert (after[heavy] == [0, 1]).all() or (after[heavy] == [1, 0]).all()
    assert 2 <= int((after != assignment).sum()) <= 1 + 16


def test_exchange_reaches_a_heavy_retailer_inside_its_territory() -> None:
    """With the border supermarket locked, the inner one leaves with its corridor."""
    problem, assignment, _ = _two_territories()
    cells = [(r, c) for c in range(COLS_A + COLS_B) for r in range(ROWS)]
    outer = cells.index(HEAVY[0])
    inner = cells.index(HEAVY[1])
    fixed = problem.fixed.copy()
    fixed[outer] = 0
    after = exchange(replace(problem, fixed=fixed), assignment)
    assert after[outer] == 0
    assert after[inner] == 1
    assert deviation(problem, after)[1] <= 0.15
    assert count_fragmented(problem.graph, after, 2) == 0


@pytest.mark.parametrize("cap", [0, 1])
def test_exchange_respects_the_move_cap(cap: int) -> None:
    """On a re-plan capped below one exchange's size, nothing moves."""
    problem, assignment, _ = _two_territories()
    capped = replace(problem, current=assignment, max_moves=cap, move_cost=0.02)
    assert (exchange(capped, assignment) == assignment).all()


def test_locked_heavy_retailers_stay() -> None:
    """Locked supermarkets never move, so volume stays where single moves leave it."""
    problem, assignment, heavy = _two_territories()
    fixed = np.where(heavy, assignment, -1).astype(np.int64)
    after = exchange(replace(problem, fixed=fixed), assignment)
    assert (after[heavy] == assignment[heavy]).all()


def test_workload_alone_needs_no_exchange() -> None:
    """With no secondary criterion (secondary_weight 0) exchange changes nothing."""
    problem, assignment, _ = _two_territories()
    lean = replace(
        problem,
        loads=problem.loads[:, :1],
        targets=problem.targets[:, :1],
        weights=problem.weights[:1],
        bands=problem.bands[:1],
    )
    assert (exchange(lean, assignment) == assignment).all()
