"""The auditor's own position at a retailer, verified like a manager's check-in (R5.3).

Auditors are audited too: the handheld's fix is judged by :func:`geo.verify_visit` with the
same policy as a manager's visit, and the verdict and its reasons are kept as evidence.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import TYPE_CHECKING

import geo
from gql.services.errors import InvalidQuery

if TYPE_CHECKING:
    from gql.domain import Retailer

__all__ = [
    "LOCAL_TZ",
    "geo_check",
    "local_day",
    "local_midnight",
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
