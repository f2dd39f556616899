from __future__ import annotations

import numpy as np
import pytest

from gql.services.territories.rules import (
    InvalidRetailersError,
    RetailerSet,
    WorkloadClass,
    WorkloadPolicy,
    estimate_workload,
)


def _line(n: int, spacing_deg: float, **cols: object) -> RetailerSet:
    return RetailerSet.build(
        retailer_id=np.arange(n),
        lat_deg=30 + spacing_deg * np.arange(n),
        lon_deg=np.full(n, 120.0),
        **cols,
    )  # type: ignore[arg-type]


def test_visit_frequency_follows_grade_type_and_key_status() -> None:
    """Grade sets the base frequency, business type a floor and key customers go weekly."""
    rs = _line(
        5,
        0.001,
        grade=[1, 3, 5, 5, 5],
        is_key=[False, False, False, True, False],
        business_type=[0, 0, 0, 0, int(WorkloadClass.SUPERMARKET_CHAIN)],
    )
    assert estimate_workload(rs).visits_per_cycle.tolist() == [4, 2, 1, 4, 2]


def test_key_and_large_stores_get_longer_service() -> None:
    """Key customers and large stores add service minutes over the type default."""
    rs = _line(3, 0.001, is_key=[False, True, False], order_volume=[0.0, 0.0, 10_000.0])
    service = estimate_workload(rs).service_min
    assert service[1] > service[0]
    assert service[2] > service[0]


def test_own_service_time_overrides_the_default() -> None:
    """A retailer's own service_min is used as given."""
    rs = _line(2, 0.001, service_min=[33.0, np.nan])
    assert estimate_workload(rs).service_min[0] == 33.0


def test_sparse_retailers_cost_more_travel_per_visit() -> None:
    """Travel per visit grows with the spacing between retailers."""
    dense = estimate_workload(_line(10, 0.001)).travel_min_per_visit.mean()
    sparse = estimate_workload(_line(10, 0.01)).travel_min_per_visit.mean()
    assert sparse == pytest.approx(10 * dense, rel=1e-3)


def test_road_factor_scales_travel() -> None:
    """Doubling the road factor doubles the travel estimate."""
    rs = _line(10, 0.002)
    one = estimate_workload(rs, WorkloadPolicy(road_factor=1.0)).travel_min_per_visit
    two = estimate_workload(rs, WorkloadPolicy(road_factor=2.0)).travel_min_per_visit
    np.testing.assert_allclose(two, 2 * one)


def test_policy_rejects_frequencies_the_calendar_cannot_hold() -> None:
    """Only weekly, fortnightly and monthly visits fit a 4-week calendar."""
    with pytest.raises(InvalidRetailersError, match="frequencies"):
        WorkloadPolicy(visits_by_grade=(4, 3, 2, 2, 1))


def test_an_area_road_factor_prices_its_retailers_legs() -> None:
    """Factors equal to the policy's change nothing; a slow old town costs its legs more."""
    policy = WorkloadPolicy(road_factor=1.3)
    plain = estimate_workload(_line(6, 0.002), policy).travel_min_per_visit
    same = estimate_workload(_line(6, 0.002, road_factor=np.full(6, 1.3)), policy)
    assert np.allclose(same.travel_min_per_visit, plain)
    slow = np.array([2.6, 2.6, 2.6, 1.3, 1.3, 1.3])
    priced = estimate_workload(_line(6, 0.002, road_factor=slow), policy).travel_min_per_visit
    # six in a line: each one's 5th-nearest neighbour (the leg the model prices) lies in the
    # other half, so every leg runs old town ↔ ring road at (2.6 + 1.3) / 2 = 1.5 × 1.3
    assert np.allclose(priced / plain, 1.5)


def test_road_factors_outside_one_to_five_are_refused() -> None:
    with pytest.raises(InvalidRetailersError, match="road_factor"):
        _line(3, 0.001, road_factor=[1.3, 0.5, 1.3])
    with pytest.raises(InvalidRetailersError, match="road_factor"):
        _line(3, 0.001, road_factor=[1.3, np.nan, 1.3])


def test_neighbours_across_a_river_do_not_count() -> None:
    """Two rows of shops 200 m apart with a river between them and no bridge: each shop's legs
    are priced from its own row, so shops gain travel; without the river nothing changes."""
    from gql.services.territories.rules.barriers import Barrier, Barriers

    lon = np.tile(120.0 + 0.0012 * np.arange(8), 2)
    lat = np.repeat([30.0, 30.0018], 8)
    rs = RetailerSet.build(retailer_id=np.arange(16), lat_deg=lat, lon_deg=lon)
    river = Barrier("river", "river", (30.0009, 30.0009), (119.99, 120.02))
    plain = estimate_workload(rs).travel_min_per_visit
    assert np.allclose(estimate_workload(rs, barriers=Barriers()).travel_min_per_visit, plain)
    apart = estimate_workload(rs, barriers=Barriers(barriers=(river,))).travel_min_per_visit
    assert (apart >= plain - 1e-9).all()
    assert (apart > plain + 1e-9).any()
    # a shop at a row's end: its 6th-nearest on its own bank is 6 shops along (≈ 692 m)
    policy = WorkloadPolicy()
    along_m = 6 * 0.0012 * 111_195 * np.cos(np.radians(30.0))
    expected = along_m * policy.road_factor / policy.speed_mps / 60
    assert apart[0] == pytest.approx(expected, rel=0.01)
