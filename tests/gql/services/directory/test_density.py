"""The density grid, worked by hand: cells are ``cell_m`` on a side wherever they lie."""

from __future__ import annotations

import math

import pytest

from gql.services.directory.density import MAX_CELLS, TooManyCells, density_cells

M_PER_DEG_LAT = 110_574.0


def test_shops_in_one_cell_are_counted_together_and_far_ones_apart() -> None:
    lat0, lon0 = 28.0, 120.6
    lats = [
        lat0,
        lat0 + 10 / M_PER_DEG_LAT,
        lat0 + 20 / M_PER_DEG_LAT,
        lat0 + 5_000 / M_PER_DEG_LAT,
    ]
    lons = [lon0, lon0, lon0, lon0]
    cells = density_cells(lats, lons, 1_000.0)
    assert [c.retailers for c in cells] == [3, 1]  # densest first
    assert sum(c.retailers for c in cells) == len(lats)
    # the lone shop 5 km north lies in the cell whose centre is within half a cell of it
    assert abs(cells[1].lat - lats[3]) * M_PER_DEG_LAT <= 500.0 + 1e-6


def test_a_grid_is_metric_at_any_latitude() -> None:
    """Shops 0, 300 and 600 m east of each other: the grid starts at their mean (300 m), so
    with 1 km cells the first falls one cell west and the other two share a cell — at the
    equator as at 45° N, where a degree of longitude is 30 % shorter."""
    for lat in (0.0, 45.0):
        m_per_deg_lon = 111_320.0 * math.cos(math.radians(lat))
        lons = [120.0 + x / m_per_deg_lon for x in (0.0, 300.0, 600.0)]
        assert [c.retailers for c in density_cells([lat] * 3, lons, 1_000.0)] == [2, 1]


def test_nothing_to_count_and_bad_sizes() -> None:
    assert density_cells([], [], 500.0) == []
    with pytest.raises(ValueError, match=r"cell size must be 50\.\.20000 m, got 10"):
        density_cells([28.0], [120.0], 10.0)


def test_more_cells_than_a_map_needs_is_refused() -> None:
    n = MAX_CELLS + 1
    lats = [28.0 + k * 100 / M_PER_DEG_LAT for k in range(n)]  # one shop per 50 m cell
    with pytest.raises(TooManyCells, match="use larger cells"):
        density_cells(lats, [120.0] * n, 50.0)
