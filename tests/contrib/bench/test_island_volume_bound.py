"""The one-link island bound of contrib/bench/island_volume_bound.py on a toy island."""

from __future__ import annotations

import numpy as np
import pytest

from contrib.bench.island_volume_bound import island_bounds


def test_two_territories_wholly_on_the_island_share_what_the_spanner_leaves() -> None:
    """2.3 territories of workload: at ±5 % exactly two lie wholly on the island and the
    spanner holds at least 0.2; its poorest 0.2 (two thirds of a shop that sells nothing)
    sells nothing, so the two share all 1.4 of volume: -30 % each at best."""
    workload = np.array([1.0, 1.0, 0.3])
    volume = np.array([0.7, 0.7, 0.0])
    ((inner, rest, least, mean),) = island_bounds(workload, volume, 0.05)
    assert inner == 2
    assert rest == pytest.approx(0.2)
    assert least == pytest.approx(0.0)
    assert mean == pytest.approx(-0.3)


def test_the_spanner_takes_the_poorest_part_of_a_shop_at_most() -> None:
    """Shops selling 0.5 and 1.0 per unit of workload: the spanner's least 0.2 of workload
    comes from the poorer one (0.1 of volume), never less."""
    workload = np.array([1.2, 1.1])
    volume = np.array([0.6, 1.1])
    bounds = dict(
        (inner, (rest, least)) for inner, rest, least, _ in island_bounds(workload, volume, 0.05)
    )
    assert bounds[2] == pytest.approx((0.2, 0.1))
