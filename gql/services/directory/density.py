"""Retailer density on a square grid: the console's offline basemap and the licensing view.

A grid in local metres (equirectangular about the points' mean latitude, good to well under 1 %
across a city), so a cell is ``cell_m`` on a side wherever it lies; each cell reports its centre
(WGS-84) and how many retailers fall in it. Aggregating on the server keeps a 50,000-retailer
district to a few thousand cells on the wire.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["MAX_CELLS", "MAX_CELL_M", "MIN_CELL_M", "DensityCell", "TooManyCells", "density_cells"]

MIN_CELL_M = 50.0
MAX_CELL_M = 20_000.0
MAX_CELLS = 20_000
"""More occupied cells than this is a request for a point list, not a density: refused."""
_M_PER_DEG_LAT = 110_574.0
_M_PER_DEG_LON_EQUATOR = 111_320.0


@dataclass(frozen=True, slots=True)
class DensityCell:
    """One occupied cell: its centre (WGS-84) and the retailers in it."""

    lat: float
    lon: float
    retailers: int


class TooManyCells(ValueError):
    """The grid would have more occupied cells than :data:`MAX_CELLS`."""


def density_cells(lats: Sequence[float], lons: Sequence[float], cell_m: float) -> list[DensityCell]:
    """Occupied cells of a ``cell_m`` grid over the points, densest first (ties: south-west)."""
    if not MIN_CELL_M <= cell_m <= MAX_CELL_M:
        raise ValueError(f"cell size must be {MIN_CELL_M:g}..{MAX_CELL_M:g} m, got {cell_m:g}")
    if not lats:
        return []
    lat = np.asarray(lats, dtype=np.float64)
    lon = np.asarray(lons, dtype=np.float64)
    lat0 = float(lat.mean())
    m_per_deg_lon = _M_PER_DEG_LON_EQUATOR * math.cos(math.radians(lat0))
    row = np.floor((lat - lat0) * _M_PER_DEG_LAT / cell_m).astype(np.int64)
    col = np.floor((lon - float(lon.mean())) * m_per_deg_lon / cell_m).astype(np.int64)
    cells, counts = np.unique(np.stack([row, col], axis=1), axis=0, return_counts=True)
    if len(cells) > MAX_CELLS:
        raise TooManyCells(
            f"{len(cells)} occupied cells at {cell_m:g} m (at most {MAX_CELLS}): use larger cells"
        )
    lon0 = float(lon.mean())
    found = [
        DensityCell(
            lat=lat0 + (r + 0.5) * cell_m / _M_PER_DEG_LAT,
            lon=lon0 + (c + 0.5) * cell_m / m_per_deg_lon,
            retailers=int(n),
        )
        for (r, c), n in zip(cells.tolist(), counts.tolist(), strict=True)
    ]
    found.sort(key=lambda x: (-x.retailers, x.lat, x.lon))
    return found
