"""Pair re-splits: two neighbouring territories merged and cut again, where exchanges fail."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from gql.services.territories.rules import (
    InvalidRetailersError,
    PartitionSettings,
    partition_territories,
    synthetic_city,
)
from gql.services.territories.rules.contiguity import count_fragmented
from gql.services.territories.rules.objective import RebalanceProblem
from gql.services.territories.rules.resplit import resplit_pairs

from ._heavy_city import assert_improved_and_whole, heavy_tailed_problem
from ._two_grid import deviation, two_territories

ROWS, COLS = 8, 16
HEAVY = ((2, 15), (5, 15))
"""Two supermarkets at the far side of B, eight steps from the border."""


def _poor_beside_rich() -> tuple[RebalanceProblem, np.ndarray, np.ndarray]:
    """An 8 x 16 grid: A (left 8 columns, corner shops only) beside B (two supermarkets).

    Every retailer costs 1 unit of workload; shops sell 1, supermarkets 30. Both territories
    hold 64 of workload; A sells 64 and B 122 (mean 93: A -31 %, B +31 %).
    """
    return two_territories(
        ROWS, COLS // 2, COLS // 2, HEAVY, heavy_workload=1.0, heavy_volume=30.0, seed=3
    )


def test_a_resplit_gives_each_territory_one_supermarket() -> None:
    """Merged and cut again, each side holds one supermarket: volume and workload even, in one
    step (a single round, no boundary search after it)."""
    problem, assignment, heavy = _poor_beside_rich()
    after = resplit_pairs(problem, assignment, rounds=1)
    workload_dev, volume_dev = deviation(problem, after)
    assert volume_dev <= 0.05
    assert workload_dev <= 0.025
    assert count_fragmented(problem.graph, after, 2) == 0
    assert sorted(after[heavy].tolist()) == [0, 1]


def test_locked_retailers_stay_in_a_resplit() -> None:
    """With both supermarkets locked to B, no cut gives A one: the split stays as it was."""
    problem, assignment, heavy = _poor_beside_rich()
    fixed = np.where(heavy, assignment, -1).astype(np.int64)
    after = resplit_pairs(replace(problem, fixed=fixed), assignment)
    assert (after[heavy] == 1).all()
    assert count_fragmented(problem.graph, after, 2) == 0


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_resplits_keep_territories_whole_and_workload_within_its_limit(seed: int) -> None:
    """On a heavy-tailed city cut into 12 contiguous territories, re-splits never leave a
    territory in pieces, never push workload past its outer limit, and only lower the
    objective's balance terms."""
    problem, assignment = heavy_tailed_problem(seed)
    assert count_fragmented(problem.graph, assignment, 12) == 0
    assert_improved_and_whole(problem, assignment, resplit_pairs(problem, assignment))


def test_resplit_rounds_must_not_be_negative() -> None:
    with pytest.raises(InvalidRetailersError, match="resplit_rounds"):
        PartitionSettings(resplit_rounds=-1)


def test_a_workload_only_cold_start_re_splits_without_secondary_criteria() -> None:
    """With ``secondary_weight=0`` workload is the only criterion: the re-splits seed their
    cuts without a biggest retailer (they once failed on the empty secondary columns), and
    the plan is balanced and whole."""
    city = synthetic_city(1200, seed=5)
    settings = PartitionSettings(warm_start=False, secondary_weight=0.0)
    plan = partition_territories(city, 8, settings=settings)
    assert plan.metrics.workload.worst_deviation <= 0.05
    assert plan.metrics.fragmented_territories == 0
