"""What a handheld sends with a button press, turned into what ``geo`` judges.

Shared by managers' check-ins and auditors' records: both are verified the same way, so both
accept the same fix, the same clock rule and keep the same evidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import geo
from gql.services.errors import FieldPath, InvalidInput

if TYPE_CHECKING:
    from collections.abc import Collection

__all__ = [
    "DEVICE_SOURCES",
    "MAX_CLOCK_AHEAD",
    "DeviceFix",
    "event_time",
    "to_geo_fix",
    "verdict_json",
]

DEVICE_SOURCES = frozenset({"DEVICE_GPS", "DEVICE_WIFI"})
MAX_CLOCK_AHEAD = timedelta(minutes=5)
"""A handheld clock this far ahead of the server is wrong, not early."""


@dataclass(frozen=True, slots=True)
class DeviceFix:
    """The handheld's own fix, in the datum it reports."""

    lat: float
    lon: float
    coordinate_system: str
    accuracy_m: float
    captured_at: datetime
    source: str = "DEVICE_GPS"


def event_time(
    device_time: datetime | None, now: datetime, *, field: FieldPath = ("device_time",)
) -> datetime:
    """When the button was pressed: the handheld's time if sane, else the server's."""
    if device_time is None:
        return now
    if device_time.tzinfo is None:
        raise InvalidInput("the device time needs a UTC offset", field=field)
    if device_time - now > MAX_CLOCK_AHEAD:
        raise InvalidInput(
            "the device time is in the future; check the handheld's clock", field=field
        )
    return device_time


def to_geo_fix(
    fix: DeviceFix | None, *, field: FieldPath = ("device_fix",)
) -> geo.PositionFix | None:
    """The fix as ``geo`` takes it; a malformed one is a clear input error naming it."""
    if fix is None:
        return None
    if fix.source not in DEVICE_SOURCES:
        raise InvalidInput(
            f"source must be one of {sorted(DEVICE_SOURCES)}", field=(*field, "source")
        )
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
        raise InvalidInput(str(exc), field=field) from exc


MAX_NEARER_SHOWN = 5
"""Nearer retailers kept as evidence: a handful is enough to review a check-in."""


def verdict_json(
    verdict: geo.Verdict, own_retailer_ids: Collection[int] | None = None
) -> dict[str, Any]:
    """The parts of a verdict kept as evidence beside the stored fixes.

    ``own_retailer_ids``: the nearer retailers the evidence may name (the manager's own); the
    evidence is read by everyone who may see the visit, so other managers' shops and distances
    stay out of it (issue 14: one check-in listed 871 ids, 642 of them other managers').
    """
    nearer = [
        n
        for n in verdict.nearer_retailers
        if own_retailer_ids is None or n.retailer_id in own_retailer_ids
    ][:MAX_NEARER_SHOWN]
    estimate = verdict.estimate
    return {
        "kind": verdict.kind.value,
        "radius_m": verdict.radius_m,
        "distance_m": None if verdict.distance_m is None else round(verdict.distance_m, 1),
        "probability_within": verdict.probability_within,
        "sigma_m": verdict.sigma_m,
        "estimate": None if estimate is None else [estimate.lat, estimate.lon],
        "reasons": [r.value for r in verdict.reasons],
        "flags": [f.value for f in verdict.flags],
        "nearer_retailers": [
            {"retailer_id": n.retailer_id, "distance_m": round(n.distance_m, 1)} for n in nearer
        ],
        "event_at": verdict.event_at.isoformat(),
    }
