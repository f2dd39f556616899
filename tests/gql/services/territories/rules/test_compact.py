"""The compactness pass: boundary retailers move to nearer centres, within every cap."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from gql.services.territories.rules import (
    InvalidRetailersError,
    PartitionSettings,
    partition_territories,
)
from gql.services.territories.rules.allocation import update_centres
from gql.services.territories.rules.compact import compact
from gql.services.territories.rules.contiguity import count_fragmented
from gql.services.territories.rules.objective import RebalanceProblem

from ._heavy_city import heavy_tailed_city, heavy_tailed_problem
from ._two_grid import column_territories

CAPS = np.array([0.02, 0.08, 0.13])


def _mean_distance_m(problem: RebalanceProblem, assignment: np.ndarray) -> float:
    """Mean distance to the territory's plain centroid, as the partition's metrics report it."""
    k = problem.targets.shape[0]
    ones = np.ones(assignment.size)
    centre = update_centres(problem.xy_m, ones, assignment, np.zeros((k, 2)))
    return float(np.linalg.norm(problem.xy_m - centre[assignment], axis=1).mean())


def _deviation(problem: RebalanceProblem, assignment: np.ndarray) -> np.ndarray:
    """Each territory's relative deviation per criterion (rows: territories)."""
    per = problem.territory_loads(assignment)
    return np.asarray(np.abs(per / problem.targets - 1.0))


def _zigzag() -> tuple[RebalanceProblem, np.ndarray]:
    """Two territories of a 10 x 20 grid whose border zigzags three columns deep: every row
    trades a run of shops across it, so both stay even while each reaches into the other."""
    problem, assignment, _ = column_territories(
        10, (10, 10), (), heavy_workload=1.0, heavy_volume=1.0, seed=4
    )
    cols = np.round(problem.xy_m[:, 1] / 100.0).astype(int)
    rows = np.round(problem.xy_m[:, 0] / 100.0).astype(int)
    deep = np.abs(cols - 9.5) <= 3.5
    swapped = np.where(deep & (rows % 2 == 0), 1 - assignment, assignment)
    return problem, swapped.astype(np.int64)


def test_a_zigzag_border_straightens_and_balance_holds() -> None:
    """The interleaved rows go back to their own side: shorter distances, both territories
    whole, every criterion still within its cap."""
    problem, assignment = _zigzag()
    assert (_deviation(problem, assignment) <= 1e-9).all()  # even to start with
    after = compact(problem, assignment, np.array([0.02, 0.10]))
    assert _mean_distance_m(problem, after) < 0.9 * _mean_distance_m(problem, assignment)
    assert count_fragmented(problem.graph, after, 2) == 0
    assert (_deviation(problem, after) <= np.array([0.02, 0.10]) + 1e-9).all()


def test_with_no_slack_only_one_for_one_swaps_straighten_the_border() -> None:
    """With both territories even and zero caps no single move is allowed, but a shop of each
    side nearer the other's centre can swap: the border straightens, balance stays exact."""
    problem, assignment = _zigzag()
    after = compact(problem, assignment, np.zeros(2))
    assert _mean_distance_m(problem, after) < 0.9 * _mean_distance_m(problem, assignment)
    assert (_deviation(problem, after) <= 1e-9).all()
    assert count_fragmented(problem.graph, after, 2) == 0


def test_locked_retailers_stay() -> None:
    problem, assignment = _zigzag()
    fixed = assignment.copy()
    after = compact(replace(problem, fixed=fixed), assignment, np.array([0.02, 0.10]))
    assert (after == assignment).all()


@pytest.mark.parametrize("seed", [1, 2])
def test_heavy_tailed_city_gets_shorter_and_no_territory_further_out(seed: int) -> None:
    """On a heavy-tailed city the pass shortens distances; a territory already beyond a cap
    does not move further out, one within it stays within."""
    problem, assignment = heavy_tailed_problem(seed)
    before = _deviation(problem, assignment)
    after_assignment = compact(problem, assignment, CAPS)
    after = _deviation(problem, after_assignment)
    assert _mean_distance_m(problem, after_assignment) < _mean_distance_m(problem, assignment)
    assert (after <= np.maximum(before, CAPS[None, :]) + 1e-9).all()
    assert count_fragmented(problem.graph, after_assignment, problem.targets.shape[0]) == 0


def test_a_cold_start_ends_compacter_with_the_pass() -> None:
    """The whole partition of a heavy-tailed city: the pass shortens the mean distance to the
    centre and leaves count and volume within its caps or where the plan stood without it."""
    city = heavy_tailed_city()
    without = partition_territories(
        city, 8, settings=PartitionSettings(warm_start=False, compact_rounds=0)
    ).metrics
    with_pass = partition_territories(city, 8, settings=PartitionSettings(warm_start=False)).metrics
    assert with_pass.mean_distance_to_centre_m < without.mean_distance_to_centre_m
    assert with_pass.fragmented_territories == 0
    for criterion, cap in (("retailer_count", 0.09), ("order_volume", 0.14)):
        worst = getattr(with_pass, criterion).worst_deviation
        assert worst <= max(cap, getattr(without, criterion).worst_deviation) + 0.01


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"compact_rounds": -1}, "compact_rounds"),
        ({"compact_caps": (0.09, 1.0)}, "compact_caps"),
        ({"compact_caps": (0.09,)}, "compact_caps"),
    ],
)
def test_compact_settings_are_checked(settings: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidRetailersError, match=message):
        PartitionSettings(**settings)  # type: ignore[arg-type]
