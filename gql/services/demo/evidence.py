"""Recorded position evidence for demo check-ins: the handheld's fix and the carrier's answer.

Seeding never calls a carrier. :class:`RecordedLocator` is a :class:`CarrierLocator` that
returns the answer it was primed with (what a carrier said, masked, as a recorded exchange),
so each check-in goes through the visit service exactly as a live one, with evidence a person
can re-judge.
"""

from __future__ import annotations

import enum
import math
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import geo
from gql.services.visits.carrier_lookup import CarrierLookup
from gql.services.visits.device_fixes import DeviceFix

if TYPE_CHECKING:
    import random

    from gql.domain import AccountManager, Retailer

__all__ = ["RecordedLocator", "Scenario", "carrier_answer", "device_fix", "pick_scenario"]

_M_PER_DEG_LAT = 111_320.0


class Scenario(enum.StrEnum):
    """What really happened at a check-in (the verdict is then the service's to find)."""

    AT_SHOP = "AT_SHOP"  # GPS outdoors at the shop, the carrier's cell agrees
    INDOOR = "INDOOR"  # no GPS indoors: only the carrier's coarse cell fix
    FAR_AWAY = "FAR_AWAY"  # pressed "start visit" kilometres away
    SPOOFED = "SPOOFED"  # a fake-GPS app puts the phone on the shop; the network says otherwise
    LATE_UPLOAD = "LATE_UPLOAD"  # captured offline at the shop, synced hours later


_MIX = (
    (Scenario.AT_SHOP, 0.80),
    (Scenario.INDOOR, 0.10),
    (Scenario.FAR_AWAY, 0.03),
    (Scenario.SPOOFED, 0.02),
    (Scenario.LATE_UPLOAD, 0.05),
)


def pick_scenario(rng: random.Random) -> Scenario:
    """Draw a check-in's scenario from the demo's mix (mostly honest, at the shop)."""
    return rng.choices([s for s, _ in _MIX], [w for _, w in _MIX])[0]


def _offset(lat: float, lon: float, distance_m: float, bearing: float) -> tuple[float, float]:
    north, east = distance_m * math.cos(bearing), distance_m * math.sin(bearing)
    m_per_deg_lon = _M_PER_DEG_LAT * math.cos(math.radians(lat))
    return round(lat + north / _M_PER_DEG_LAT, 7), round(lon + east / m_per_deg_lon, 7)


def device_fix(
    rng: random.Random, retailer: Retailer, at: datetime, scenario: Scenario
) -> DeviceFix | None:
    """The handheld's own fix for a scenario (``None`` indoors: no satellite in view)."""
    if scenario is Scenario.INDOOR:
        return None
    if scenario is Scenario.SPOOFED:  # exactly the registered point, impossibly precise
        return DeviceFix(retailer.lat, retailer.lon, "WGS84", 3.0, at)
    far = scenario is Scenario.FAR_AWAY
    distance_m = rng.uniform(1_500, 4_000) if far else abs(rng.gauss(0, 6))
    lat, lon = _offset(retailer.lat, retailer.lon, distance_m, rng.uniform(0, 2 * math.pi))
    accuracy_m = round(rng.uniform(6, 18), 1)
    return DeviceFix(lat, lon, "WGS84", accuracy_m, at - timedelta(seconds=rng.randint(2, 40)))


def carrier_answer(
    rng: random.Random,
    manager: AccountManager,
    retailer: Retailer,
    at: datetime,
    scenario: Scenario,
    device: DeviceFix | None,
) -> CarrierLookup:
    """What the manager's carrier answered (a late upload never reaches one)."""
    if scenario is Scenario.SPOOFED:
        lat, lon = _offset(retailer.lat, retailer.lon, rng.uniform(3_000, 8_000), rng.random() * 6)
        radius_m = rng.uniform(150, 300)
    elif scenario is Scenario.FAR_AWAY and device is not None:
        lat, lon = _offset(device.lat, device.lon, rng.uniform(50, 200), rng.random() * 6)
        radius_m = rng.uniform(150, 300)
    elif scenario is Scenario.INDOOR:
        lat, lon = _offset(retailer.lat, retailer.lon, rng.uniform(100, 500), rng.random() * 6)
        radius_m = rng.uniform(400, 900)
    else:
        lat, lon = _offset(retailer.lat, retailer.lon, rng.uniform(20, 150), rng.random() * 6)
        radius_m = rng.uniform(150, 300)
    fix = geo.PositionFix(
        lat, lon, geo.CoordSystem.WGS84, round(radius_m), geo.FixSource.CARRIER_CELL, at
    )
    masked = manager.msisdn[:3] + "****" + manager.msisdn[-4:]
    return CarrierLookup(
        outcome_code="OK",
        detail=f"CELL fix, radius {radius_m:.0f} m",
        fix=fix,
        carrier=manager.carrier,
        raw_request=f"<recorded demo exchange> locate {masked}",
        raw_answer=(
            f"<recorded demo exchange> {masked} lat={lat} lon={lon} radius={radius_m:.0f} "
            f"method=CELL time={at.isoformat()}"
        ),
    )


class RecordedLocator:
    """A carrier locator that answers what it was primed with (no network)."""

    def __init__(self) -> None:
        self._next: CarrierLookup | None = None

    def prime(self, lookup: CarrierLookup) -> None:
        """Answer ``lookup`` to the next check-in or check-out."""
        self._next = lookup

    async def locate(self, manager: AccountManager, *, deadline_s: float) -> CarrierLookup:
        """Return the primed answer (or 'not configured' when none was primed)."""
        answer, self._next = self._next, None
        if answer is None:
            return CarrierLookup(outcome_code="NOT_CONFIGURED", detail="no recorded answer")
        return answer
