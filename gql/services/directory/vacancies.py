"""Where a new licence could go (合理布局): grid cells that respect the spacing rule.

Marketing plans the licensing layout as well as judging single applications: which parts of a
district's trading area still have room for a shop under the spacing rule, and where the gaps
are widest. A cell qualifies when its centre is at least the minimum spacing from every
registered retailer (of any district: spacing knows no boundary) and within ``reach_m`` of one of
the district's retailers (its trading area, not open fields). Cells are listed busiest first
(most licensed retailers within ``reach_m``: where trade is, and applications come from), then
widest gap, so a planner sees first where the rule still leaves room on busy streets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy.spatial import cKDTree

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["MAX_GRID_CELLS", "TooLargeGrid", "VacantCell", "vacant_cells"]

MAX_GRID_CELLS = 400_000
"""Cells examined at most (a 40 × 40 km district at 65 m); larger grids are refused."""
_M_PER_DEG = 6_371_008.8 * math.pi / 180.0
"""On the sphere haversine distances use, so gaps agree with the site check's."""


@dataclass(frozen=True, slots=True)
class VacantCell:
    """A grid cell whose centre respects the spacing rule (WGS-84)."""

    lat: float
    lon: float
    nearest_licence_m: float
    """Distance from the centre to the nearest licensed retailer."""
    retailers_within_reach: int
    """Licensed retailers within ``reach_m`` of the centre."""


class TooLargeGrid(ValueError):
    """The district's area holds more than :data:`MAX_GRID_CELLS` cells of that size."""


def vacant_cells(
    area_lat: Sequence[float],
    area_lon: Sequence[float],
    licensed_lat: Sequence[float],
    licensed_lon: Sequence[float],
    *,
    cell_m: float,
    min_spacing_m: float,
    reach_m: float,
    limit: int,
) -> tuple[list[VacantCell], int]:
    """The ``limit`` busiest qualifying cells and how many qualify in all.

    Among equally busy cells the widest gap comes first.

    ``area_*`` are the district's retailers (its trading area), ``licensed_*`` every licensed
    retailer the spacing rule counts.
    """
    if not area_lat:
        return [], 0
    lat0 = float(np.mean(area_lat))
    lon0 = float(np.mean(area_lon))
    m_per_deg_lon = _M_PER_DEG * math.cos(math.radians(lat0))

    def project(lat: Sequence[float], lon: Sequence[float]) -> np.ndarray:
        return np.column_stack(
            [
                (np.asarray(lat, dtype=np.float64) - lat0) * _M_PER_DEG,
                (np.asarray(lon, dtype=np.float64) - lon0) * m_per_deg_lon,
            ]
        )

    area = project(area_lat, area_lon)
    low, high = area.min(axis=0) - reach_m, area.max(axis=0) + reach_m
    rows, cols = np.ceil((high - low) / cell_m).astype(np.int64)
    if rows * cols > MAX_GRID_CELLS:
        raise TooLargeGrid(
            f"the district's area holds {rows * cols:,} cells of {cell_m:g} m "
            f"(at most {MAX_GRID_CELLS:,}): use larger cells"
        )
    north = low[0] + (np.arange(rows) + 0.5) * cell_m
    east = low[1] + (np.arange(cols) + 0.5) * cell_m
    centres = np.column_stack([np.repeat(north, cols), np.tile(east, rows)])
    near_area, _ = cKDTree(area).query(centres, distance_upper_bound=reach_m)
    centres = centres[np.isfinite(near_area)]
    licensed = cKDTree(project(licensed_lat, licensed_lon)) if licensed_lat else None
    if licensed is None:
        gap = np.full(len(centres), np.inf)
    else:
        gap, _ = licensed.query(centres)
    room = gap >= min_spacing_m
    centres, gap = centres[room], gap[room]
    crowd = (
        np.zeros(len(centres), dtype=np.int64)
        if licensed is None
        else np.asarray(licensed.query_ball_point(centres, reach_m, return_length=True))
    )
    order = np.lexsort((centres[:, 1], centres[:, 0], -gap, -crowd))[:limit]
    found = [
        VacantCell(
            lat=lat0 + float(centres[i, 0]) / _M_PER_DEG,
            lon=lon0 + float(centres[i, 1]) / m_per_deg_lon,
            nearest_licence_m=float(gap[i]),
            retailers_within_reach=int(n),
        )
        for i, n in zip(order.tolist(), crowd[order].tolist(), strict=True)
    ]
    return found, int(room.sum())
