"""Position fixes: what a device or a carrier said about where the phone was, and when."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from geo._validate import check_accuracy_m, check_lat_lon
from geo.convert import to_wgs84
from geo.coords import CoordSystem, Wgs84, point_in
from geo.errors import InvalidArgument, InvalidTimestamp

__all__ = ["FixSource", "PositionFix", "aware"]


class FixSource(enum.Enum):
    """Where a fix came from (R3.2); each has its own rule in :class:`geo.VisitPolicy`."""

    DEVICE_GPS = "DEVICE_GPS"
    DEVICE_WIFI = "DEVICE_WIFI"
    CARRIER_CELL = "CARRIER_CELL"
    CARRIER_AGPS = "CARRIER_AGPS"

    @property
    def is_carrier(self) -> bool:
        """True for fixes the carrier's network produced (not the handset's own report)."""
        return self in (FixSource.CARRIER_CELL, FixSource.CARRIER_AGPS)


def aware(value: datetime, name: str) -> datetime:
    """Return ``value`` if it carries a time zone; naive datetimes are ambiguous and refused."""
    if not isinstance(value, datetime):
        raise InvalidTimestamp(f"{name}={value!r} is not a datetime")
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidTimestamp(f"{name}={value.isoformat()} has no time zone")
    return value


@dataclass(frozen=True, slots=True)
class PositionFix:
    """One position report, in the coordinate system it arrived in.

    Parameters
    ----------
    lat, lon
        Degrees in ``system``, latitude first.
    system
        The coordinate system of ``lat``/``lon`` (carriers and web maps often answer in
        GCJ-02); a name is accepted and parsed.
    accuracy_m
        The source's stated horizontal accuracy radius in metres (> 0). Its confidence
        level is a property of the source, set in the policy's :class:`geo.SourceRule`.
    source
        Which of the four sources produced the fix.
    captured_at
        When the position was measured (time-zone aware).
    stale
        The source itself says this is an old or "last known" position.
    raw
        The carrier's raw answer, kept as evidence (R3.4).

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> fix = PositionFix(28.0, 120.7, "GCJ02", 150.0, FixSource.CARRIER_CELL,
    ...                   datetime(2026, 5, 1, 9, 30, tzinfo=timezone.utc))
    >>> fix.system, round(fix.wgs84().lat, 3)
    (<CoordSystem.GCJ02: 'GCJ02'>, 28.003)
    """

    lat: float
    lon: float
    system: CoordSystem
    accuracy_m: float
    source: FixSource
    captured_at: datetime
    stale: bool = False
    raw: str | None = None

    def __post_init__(self) -> None:
        lat, lon = check_lat_lon(self.lat, self.lon)
        object.__setattr__(self, "lat", lat)
        object.__setattr__(self, "lon", lon)
        object.__setattr__(self, "system", CoordSystem.parse(self.system))
        object.__setattr__(self, "accuracy_m", check_accuracy_m(self.accuracy_m))
        if not isinstance(self.source, FixSource):
            try:
                object.__setattr__(self, "source", FixSource(self.source))
            except ValueError:
                raise InvalidArgument(
                    f"unknown fix source {self.source!r}; expected one of "
                    + ", ".join(s.value for s in FixSource)
                ) from None
        aware(self.captured_at, "captured_at")

    def wgs84(self) -> Wgs84:
        """Return the fix's position in WGS-84."""
        return to_wgs84(point_in(self.system, self.lat, self.lon))
