from __future__ import annotations

import numpy as np

from gql.services.territories.rules import (
    NO_ORDER_DAY,
    RetailerSet,
    TerritoryProposal,
    district_zones,
    estimate_workload,
    split_weekdays,
)


def test_delivery_is_the_next_working_day(city: RetailerSet, proposal: TerritoryProposal) -> None:
    """Orders taken on weekday d are delivered on d + 1, Friday's on Monday."""
    plan = split_weekdays(city, proposal.territory, 6, estimate_workload(city))
    zones = district_zones(city, plan)
    ordering = zones.order_weekday != NO_ORDER_DAY
    np.testing.assert_array_equal(
        zones.delivery_weekday[ordering], (zones.order_weekday[ordering] + 1) % 5
    )
    assert (zones.delivery_weekday[~ordering] == NO_ORDER_DAY).all()
    assert ((city.order_volume > 0) == ordering).all()


def test_weekday_totals_add_up_and_are_balanced(
    city: RetailerSet, proposal: TerritoryProposal
) -> None:
    """Per-weekday totals sum to the district's and each is within ±3 % of the mean."""
    plan = split_weekdays(city, proposal.territory, 6, estimate_workload(city))
    zones = district_zones(city, plan)
    assert zones.ordering_retailers.sum() == (city.order_volume > 0).sum()
    np.testing.assert_allclose(zones.order_volume.sum(), city.order_volume.sum())
    assert zones.ordering_balance.worst_deviation <= 0.03
    assert zones.volume_balance.worst_deviation <= 0.03
    assert zones.orders_balance.cv <= 0.03
