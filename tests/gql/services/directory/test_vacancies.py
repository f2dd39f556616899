"""Vacant cells for a new licence: known areas, independent distances."""

from __future__ import annotations

import math

import pytest

import geo
from gql.services.directory.vacancies import TooLargeGrid, vacant_cells

LAT, LON = 28.0, 120.65


def _east(metres: float) -> float:
    return LON + metres / (111_320.0 * math.cos(math.radians(LAT)))


def test_one_shop_leaves_the_ring_between_the_spacing_and_the_reach() -> None:
    """A lone shop, spacing 300 m, reach 500 m: the qualifying cells fill the 300..500 m ring
    (π(0.5² − 0.3²) km² ≈ 201 cells of 50 m), each centre's gap measured again by haversine."""
    cells, total = vacant_cells(
        [LAT], [LON], [LAT], [LON], cell_m=50.0, min_spacing_m=300.0, reach_m=500.0, limit=1000
    )
    assert total == pytest.approx(math.pi * (0.5**2 - 0.3**2) * 1e6 / 50.0**2, rel=0.08)
    assert len(cells) == total
    for c in cells:
        gap = geo.haversine_m(LAT, LON, c.lat, c.lon)
        assert 300.0 - 1.0 <= gap <= 500.0 + 1.0
        assert c.nearest_licence_m == pytest.approx(gap, rel=0.005)
        assert c.retailers_within_reach == 1
    gaps = [c.nearest_licence_m for c in cells]
    assert gaps == sorted(gaps, reverse=True)  # equally busy: widest gap first


def test_the_widest_gap_between_two_shops_comes_first_and_a_neighbour_outside_counts() -> None:
    """Two district shops 1 km apart: the cells within reach of both come first, the widest
    gap among them halfway between the two. A licensed shop of another district opened there
    takes that room: spacing knows no boundary."""
    far = _east(1000.0)
    cells, _ = vacant_cells(
        [LAT, LAT], [LON, far], [LAT, LAT], [LON, far],
        cell_m=20.0, min_spacing_m=300.0, reach_m=600.0, limit=5,
    )  # fmt: skip
    best = cells[0]
    to_west = geo.haversine_m(LAT, LON, best.lat, best.lon)
    to_east = geo.haversine_m(LAT, far, best.lat, best.lon)
    assert abs(to_west - to_east) <= 30.0  # on the line halfway between them
    assert 500.0 - 15.0 <= best.nearest_licence_m <= 600.0
    assert best.retailers_within_reach == 2
    closed, _ = vacant_cells(
        [LAT, LAT], [LON, far], [LAT, LAT, best.lat], [LON, far, best.lon],
        cell_m=20.0, min_spacing_m=300.0, reach_m=600.0, limit=50,
    )  # fmt: skip
    assert all(geo.haversine_m(best.lat, best.lon, c.lat, c.lon) >= 299.0 for c in closed)
    assert closed[0].retailers_within_reach == 3


def test_too_fine_a_grid_over_a_wide_area_is_refused() -> None:
    with pytest.raises(TooLargeGrid, match="use larger cells"):
        vacant_cells(
            [LAT, LAT + 0.5], [LON, LON + 0.5], [LAT], [LON],
            cell_m=20.0, min_spacing_m=50.0, reach_m=500.0, limit=10,
        )  # fmt: skip
    assert vacant_cells(
        [], [], [LAT], [LON], cell_m=50, min_spacing_m=50, reach_m=100, limit=1
    ) == (
        [],
        0,
    )
