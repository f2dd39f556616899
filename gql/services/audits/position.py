"""The auditor's own position at a retailer, verified like a manager's check-in (R5.3).

Auditors are audited too: the handheld's fix is judged by :func:`geo.verify_visit` with the
same policy as a manager's visit, and the verdict and its reasons are kept as evidence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import geo
from gql.services.errors import ErrorCode, InvalidInput

if TYPE_CHECKING:
    from datetime import datetime

    from gql.domain import Retailer

__all__ = ["geo_check", "verify_position"]


def geo_check(lat: float, lon: float) -> None:
    """Refuse a start point off the globe."""
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        raise InvalidInput(
            f"({lat}, {lon}) is not a WGS-84 position",
            field=("start_lat",),
            code=ErrorCode.INVALID_COORDINATE,
        )


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
