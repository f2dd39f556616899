"""The process's R-tree over retailer positions, kept in step with the database.

Every process keeps its own index (the R-tree lives in memory). Before a query it compares a
cheap watermark of the retailer table — highest id and latest change, two index lookups —
with the one it was built from, and rebuilds when another process or a bulk import changed
retailers, so a search never answers from a stale map.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import numpy as np

import geo
from gql.store.repositories import RetailerRepository

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session

__all__ = ["SpatialIndex"]


class SpatialIndex:
    """Thread-safe facade over :class:`geo.RetailerIndex` with database freshness checks."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._index: geo.RetailerIndex | None = None
        self._watermark: tuple[int | None, datetime | None] | None = None

    def _fresh(self, session: Session) -> geo.RetailerIndex:
        repository = RetailerRepository(session)
        watermark = repository.watermark()
        with self._lock:
            if self._index is None or watermark != self._watermark:
                ids, lat, lon = repository.positions()
                self._index = geo.RetailerIndex.from_arrays(
                    np.asarray(ids, dtype=np.int64),
                    np.asarray(lat, dtype=np.float64),
                    np.asarray(lon, dtype=np.float64),
                )
                self._watermark = watermark
            return self._index

    def within(self, session: Session, lat: float, lon: float, radius_m: float) -> list[int]:
        """Retailer ids within ``radius_m`` metres (great-circle), nearest first."""
        return self._fresh(session).within(lat, lon, radius_m)

    def nearest_with_distance(
        self, session: Session, lat: float, lon: float, k: int
    ) -> list[tuple[int, float]]:
        """The ``k`` nearest retailer ids with their distances in metres."""
        ids, distance_m = self._fresh(session).nearest_with_distance(lat, lon, k)
        return list(zip(ids.tolist(), distance_m.tolist(), strict=True))

    def index(self, session: Session) -> geo.RetailerIndex:
        """The current index (for verification's neighbourhood and spacing checks)."""
        return self._fresh(session)
