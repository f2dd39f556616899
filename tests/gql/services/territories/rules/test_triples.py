"""Triple re-splits: a poor-poor-rich chain merged and cut into three, where pairs get stuck."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from gql.services.territories.rules import (
    InvalidRetailersError,
    PartitionSettings,
)
from gql.services.territories.rules.contiguity import count_fragmented
from gql.services.territories.rules.objective import RebalanceProblem
from gql.services.territories.rules.resplit import resplit_pairs
from gql.services.territories.rules.triples import resplit_triples

from ._heavy_city import assert_improved_and_whole, heavy_tailed_problem, objective
from ._two_grid import column_territories, deviation

HEAVY = ((1, 16), (4, 16), (6, 16))
"""Three supermarkets in C's first column, next to B."""


def _chain() -> tuple[RebalanceProblem, np.ndarray, np.ndarray]:
    """An 8 x 24 grid cut into A | B | C (8 columns each): A and B corner shops only, C with
    three supermarkets. Every retailer costs 1 of workload; shops sell 1, supermarkets 30.
    Each territory holds 64 of workload; volumes 64 / 64 / 151 (mean 93: -31 / -31 / +62 %).
    """
    return column_territories(8, (8, 8, 8), HEAVY, heavy_workload=1.0, heavy_volume=30.0, seed=3)


def test_pairs_get_stuck_on_the_chain_and_a_triple_evens_it() -> None:
    """Pairs leave the chain at about -29 / 0 / +29 % (a supermarket cannot be halved, so no
    pair gains); one round of triples gives each territory one supermarket: volume and
    workload even, every territory connected."""
    problem, assignment, heavy = _chain()
    pairs = resplit_pairs(problem, assignment)
    assert deviation(problem, pairs)[1] >= 0.25
    after = resplit_triples(problem, pairs, rounds=1)
    workload_dev, volume_dev = deviation(problem, after)
    assert volume_dev <= 0.05
    assert workload_dev <= 0.025
    assert count_fragmented(problem.graph, after, 3) == 0
    assert sorted(after[heavy].tolist()) == [0, 1, 2]
    assert objective(problem, after) < objective(problem, pairs)


def test_locked_retailers_stay_in_a_triple_resplit() -> None:
    """With the supermarkets locked to C, no cut hands one over: they stay, parts stay whole."""
    problem, assignment, heavy = _chain()
    fixed = np.where(heavy, assignment, -1).astype(np.int64)
    after = resplit_triples(replace(problem, fixed=fixed), assignment)
    assert (after[heavy] == 2).all()
    assert count_fragmented(problem.graph, after, 3) == 0


@pytest.mark.parametrize("seed", [1, 2])
def test_triples_keep_territories_whole_and_only_lower_the_objective(seed: int) -> None:
    """On a heavy-tailed city cut into 12 contiguous territories and re-split in pairs, triple
    re-splits still find cuts, never leave a territory in pieces, and lower the objective."""
    problem, assignment = heavy_tailed_problem(seed)
    pairs = resplit_pairs(problem, assignment)
    assert_improved_and_whole(problem, pairs, resplit_triples(problem, pairs))


def test_triple_passes_must_not_be_negative() -> None:
    with pytest.raises(InvalidRetailersError, match="triple_passes"):
        PartitionSettings(triple_passes=-1)
