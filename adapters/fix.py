"""The position a carrier reports, normalised to WGS-84 and metres."""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime

__all__ = ["PositionFix", "PositionMethod"]


class PositionMethod(enum.Enum):
    """How the carrier produced the fix; verification weighs a cell fix differently."""

    CELL = "cell"
    AGPS = "a-gps"
    GPS = "gps"
    WIFI = "wifi"
    NETWORK = "network"  # OTDOA, U-TDOA, E-OTD, AFLT ...: network measurements finer than cell
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class PositionFix:
    """A carrier's answer, already converted to WGS-84.

    Parameters
    ----------
    lat, lon : float
        WGS-84 degrees (lat before lon, as everywhere in the project).
    radius_m : float
        The carrier's uncertainty circle.
    method : PositionMethod
        Positioning technique.
    fix_time : datetime
        When the carrier measured the position (timezone-aware), not when we received it:
        freshness is judged against this.
    carrier : str
        Configured carrier id that answered (e.g. ``"telecom"``).
    stale : bool
        True for a last-known position or one older than the requested maximum age.
    source_crs : str
        Datum the carrier answered in (``"WGS84"``, ``"GCJ02"``, ``"BD09"``), kept as evidence.
    """

    lat: float
    lon: float
    radius_m: float
    method: PositionMethod
    fix_time: datetime
    carrier: str
    stale: bool = False
    source_crs: str = "WGS84"
    confidence_pct: int | None = None
    address: str | None = None

    def __post_init__(self) -> None:
        if not (math.isfinite(self.lat) and -90.0 <= self.lat <= 90.0):
            raise ValueError(f"lat out of range: {self.lat!r}")
        if not (math.isfinite(self.lon) and -180.0 <= self.lon <= 180.0):
            raise ValueError(f"lon out of range: {self.lon!r}")
        if not (math.isfinite(self.radius_m) and self.radius_m >= 0.0):
            raise ValueError(f"radius_m must be finite and >= 0: {self.radius_m!r}")
        if self.fix_time.tzinfo is None:
            raise ValueError("fix_time must be timezone-aware")

    def age_s(self, now: datetime) -> float:
        """Seconds between the carrier's measurement and ``now`` (never negative)."""
        return max(0.0, (now - self.fix_time).total_seconds())
