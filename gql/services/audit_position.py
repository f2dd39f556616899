"""The auditor's own position at a retailer, verified like a manager's check-in (R5.3).

Auditors are audited too: the handheld's fix is judged by :func:`geo.verify_visit` with the
same policy as a manager's visit, and the verdict and its reasons are kept as evidence.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import TYPE_CHECKING, Any

import geo
from gql.services.errors import InvalidQuery

if TYPE_CHECKING:
    from gql.domain import Retailer
    from gql.services.audit_commands import AuditFix

__all__ = [
    "LOCAL_TZ",
    "event_time",
    "geo_check",
    "local_day",
    "local_midnight",
    "position_fix",
    "verdict_json",
    "verify_position",
]

LOCAL_TZ = timezone(timedelta(hours=8), "CST")
"""China Standard Time (no daylight saving): the calendar that days and months follow."""


def local_day(at: datetime) -> date:
    """The calendar day (China Standard Time) of an instant."""
    return at.astimezone(LOCAL_TZ).date()


def local_midnight(day: date) -> datetime:
    """The UTC instant at which a local calendar day starts."""
    return datetime.combine(day, time(), LOCAL_TZ).astimezone(UTC)


def geo_check(lat: float, lon: float) -> None:
    """Refuse a start point off the globe."""
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        raise InvalidQuery(f"start: ({lat}, {lon}) is not a WGS-84 position")


def event_time(device_time: datetime | None, now: datetime) -> datetime:
    """When the auditor pressed the button: the device time if sane, else now."""
    if device_time is None:
        return now
    if device_time.tzinfo is None:
        raise InvalidQuery("deviceTime needs a UTC offset")
    if device_time - now > timedelta(minutes=5):
        raise InvalidQuery("deviceTime is in the future; check the handheld's clock")
    return device_time


def position_fix(fix: AuditFix | None) -> geo.PositionFix | None:
    """The handheld's fix as ``geo`` takes it; a malformed one is a clear input error."""
    if fix is None:
        return None
    if fix.source not in ("DEVICE_GPS", "DEVICE_WIFI"):
        raise InvalidQuery("fix source must be DEVICE_GPS or DEVICE_WIFI")
    try:
        return geo.PositionFix(
            fix.lat,
            fix.lon,
            geo.CoordSystem.parse(fix.coordinate_system),
            fix.accuracy_m,
            geo.FixSource(fix.source),
            fix.captured_at,
        )
    except geo.GeoError as exc:
        raise InvalidQuery(f"fix: {exc}") from exc


def verify_position(
    fix: geo.PositionFix | None,
    retailer: Retailer,
    policy: geo.VisitPolicy,
    *,
    now: datetime,
    event_at: datetime,
) -> geo.Verdict:
    """Judge the auditor's position exactly as a manager's check-in is judged."""
    return geo.verify_visit(
        [] if fix is None else [fix],
        geo.Wgs84(retailer.lat, retailer.lon),
        policy,
        now=now,
        event_at=event_at,
        business_type=retailer.business_type.value.lower(),
        area=retailer.area_code or None,
        retailer_id=retailer.id,
    )


def verdict_json(verdict: geo.Verdict) -> dict[str, Any]:
    """The parts of the verdict kept as evidence beside the record."""
    return {
        "kind": verdict.kind.value,
        "radius_m": verdict.radius_m,
        "distance_m": None if verdict.distance_m is None else round(verdict.distance_m, 1),
        "probability_within": verdict.probability_within,
        "reasons": [r.value for r in verdict.reasons],
        "flags": [f.value for f in verdict.flags],
        "event_at": verdict.event_at.isoformat(),
    }
