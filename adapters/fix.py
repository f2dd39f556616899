"""The position a carrier reports, normalised to WGS-84 and metres."""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime

__all__ = ["MAX_RADIUS_M", "PositionFix", "PositionMethod"]

MAX_RADIUS_M = 200_000.0
"""Widest uncertainty a fix may claim. The largest extended-range GSM cell is ~120 km; a wider
circle cannot place anyone in any territory, so past this a radius is noise (or an attack:
1e308 overflowed the verifier, issue 14)."""
_FIRST_YEAR, _LAST_YEAR = 2000, 2999  # a fix time outside these is corrupt, not old or new
_MAX_UTC_OFFSET = timedelta(hours=14)


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
    confidence_pct : int, optional
        The carrier's confidence that the phone is inside the circle (0-100).
    address : str, optional
        The carrier's reverse-geocoded text.

    Raises
    ------
    ValueError
        A field is not finite or out of range (radius above :data:`MAX_RADIUS_M`, fix time
        outside 2000-2999 or offset beyond 14 h); mappers turn it into ``MalformedAnswer``.
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
        if not (math.isfinite(self.radius_m) and 0.0 <= self.radius_m <= MAX_RADIUS_M):
            raise ValueError(f"radius_m must be within [0, {MAX_RADIUS_M:g}]: {self.radius_m!r}")
        offset = self.fix_time.utcoffset()
        if offset is None:
            raise ValueError("fix_time must be timezone-aware")
        if abs(offset) > _MAX_UTC_OFFSET:
            raise ValueError(f"fix_time offset {offset} is beyond 14 h")
        if not _FIRST_YEAR <= self.fix_time.year <= _LAST_YEAR:
            raise ValueError(f"fix_time {self.fix_time.isoformat()} is not a plausible fix time")
        if self.confidence_pct is not None and not 0 <= self.confidence_pct <= 100:
            raise ValueError(f"confidence_pct must be within [0, 100]: {self.confidence_pct!r}")

    def age_s(self, now: datetime) -> float:
        """Seconds between the carrier's measurement and ``now`` (never negative)."""
        return max(0.0, (now - self.fix_time).total_seconds())
