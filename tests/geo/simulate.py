"""Simulated check-ins for the verification-quality tests (documented in docs/geo.md).

Every generator is seeded and draws retailers uniformly over a 30 km × 30 km box around
Wenzhou. Position error follows the model the verifier assumes, with the stated accuracy
radius being the 68 % circle: σ = accuracy / 1.5096 on each axis.

* genuine: the phone is inside the shop (uniformly within ``shop_m`` of the registered
  point); GPS accuracy uniform in [5, 40] m (R3.2 "5–40 m in good conditions").
* away: the phone is ``away_min_m``–``away_max_m`` from the retailer in a uniform direction.
* cell: a carrier cell fix of exactly 150 m stated accuracy for a phone inside the shop.
* spoof: the device reports the retailer's position (plus GPS-like noise) while the carrier
  locates the real phone 1–3 km away, cell accuracy uniform in [100, 200] m (R3.2 "100–200 m
  in dense cities"), taken within ±60 s of the device fix.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

from geo import FixSource, PositionFix, Wgs84

__all__ = [
    "EVENT_AT",
    "NOW",
    "SimVisit",
    "away",
    "cell_at_shop",
    "genuine",
    "honest_pair",
    "spoof_pair",
]

CIRCLE_68 = math.sqrt(-2.0 * math.log(1.0 - 0.68))
EVENT_AT = datetime(2026, 5, 11, 9, 30, tzinfo=UTC)
"""When the manager pressed the button."""
NOW = EVENT_AT + timedelta(minutes=2)
"""When the server evaluates (after every fix, carrier ones included, has arrived)."""
_CENTRE = (27.99, 120.70)
_M_PER_DEG_LAT = 111_195.0


@dataclass(frozen=True)
class SimVisit:
    """One simulated event: the claimed retailer and the fixes sent for it."""

    retailer: Wgs84
    fixes: tuple[PositionFix, ...]
    true_distance_m: float


def _offset(lat: float, lon: float, north_m: float, east_m: float) -> tuple[float, float]:
    return (
        lat + north_m / _M_PER_DEG_LAT,
        lon + east_m / (_M_PER_DEG_LAT * math.cos(math.radians(lat))),
    )


def _retailer(rng: np.random.Generator) -> Wgs84:
    north, east = rng.uniform(-15_000.0, 15_000.0, size=2)
    return Wgs84(*_offset(*_CENTRE, north, east))


def _noisy_fix(
    rng: np.random.Generator,
    lat: float,
    lon: float,
    accuracy_m: float,
    source: FixSource,
    captured_at: datetime = EVENT_AT,
) -> PositionFix:
    sigma = accuracy_m / CIRCLE_68
    north, east = rng.normal(0.0, sigma, size=2)
    f_lat, f_lon = _offset(lat, lon, north, east)
    return PositionFix(f_lat, f_lon, "WGS84", accuracy_m, source, captured_at)


def _phone_near(
    rng: np.random.Generator, shop: Wgs84, min_m: float, max_m: float
) -> tuple[float, float, float]:
    # uniform over the annulus area
    r = math.sqrt(rng.uniform(min_m**2, max_m**2))
    theta = rng.uniform(0.0, 2.0 * math.pi)
    lat, lon = _offset(shop.lat, shop.lon, r * math.cos(theta), r * math.sin(theta))
    return lat, lon, r


def genuine(rng: np.random.Generator, n: int, *, shop_m: float = 10.0) -> list[SimVisit]:
    """On-site check-ins with GPS noise matching the stated accuracy."""
    out = []
    for _ in range(n):
        shop = _retailer(rng)
        lat, lon, r = _phone_near(rng, shop, 0.0, shop_m)
        fix = _noisy_fix(rng, lat, lon, rng.uniform(5.0, 40.0), FixSource.DEVICE_GPS)
        out.append(SimVisit(shop, (fix,), r))
    return out


def away(
    rng: np.random.Generator, n: int, *, away_min_m: float = 300.0, away_max_m: float = 1_000.0
) -> list[SimVisit]:
    """Check-ins made from ``away_min_m`` or more away, with honest GPS noise."""
    out = []
    for _ in range(n):
        shop = _retailer(rng)
        lat, lon, r = _phone_near(rng, shop, away_min_m, away_max_m)
        fix = _noisy_fix(rng, lat, lon, rng.uniform(5.0, 40.0), FixSource.DEVICE_GPS)
        out.append(SimVisit(shop, (fix,), r))
    return out


def cell_at_shop(rng: np.random.Generator, n: int, *, accuracy_m: float = 150.0) -> list[SimVisit]:
    """Carrier cell fixes of ``accuracy_m`` for a phone that really is in the shop."""
    out = []
    for _ in range(n):
        shop = _retailer(rng)
        lat, lon, r = _phone_near(rng, shop, 0.0, 10.0)
        fix = _noisy_fix(rng, lat, lon, accuracy_m, FixSource.CARRIER_CELL)
        out.append(SimVisit(shop, (fix,), r))
    return out


def _carrier_time(rng: np.random.Generator) -> datetime:
    return EVENT_AT + timedelta(seconds=float(rng.uniform(-60.0, 60.0)))


def spoof_pair(rng: np.random.Generator, n: int) -> list[SimVisit]:
    """Device claims the shop; the carrier sees the phone 1–3 km away."""
    out = []
    for _ in range(n):
        shop = _retailer(rng)
        device = _noisy_fix(rng, shop.lat, shop.lon, rng.uniform(5.0, 40.0), FixSource.DEVICE_GPS)
        lat, lon, r = _phone_near(rng, shop, 1_000.0, 3_000.0)
        carrier = _noisy_fix(
            rng, lat, lon, rng.uniform(100.0, 200.0), FixSource.CARRIER_CELL, _carrier_time(rng)
        )
        out.append(SimVisit(shop, (device, carrier), r))
    return out


def honest_pair(rng: np.random.Generator, n: int) -> list[SimVisit]:
    """Device GPS and carrier cell fix of the same phone, inside the shop."""
    out = []
    for _ in range(n):
        shop = _retailer(rng)
        lat, lon, r = _phone_near(rng, shop, 0.0, 10.0)
        device = _noisy_fix(rng, lat, lon, rng.uniform(5.0, 40.0), FixSource.DEVICE_GPS)
        carrier = _noisy_fix(
            rng, lat, lon, rng.uniform(100.0, 200.0), FixSource.CARRIER_CELL, _carrier_time(rng)
        )
        out.append(SimVisit(shop, (device, carrier), r))
    return out


def _report(n: int = 10_000) -> None:
    """Print the verification-quality rates of the simulated set (docs/geo.md)."""
    from collections import Counter

    from geo import Flag, VerdictKind, VisitPolicy, verify_visit

    policy = VisitPolicy()

    def kinds(visits: list[SimVisit], radius_m: float) -> str:
        c = Counter(
            verify_visit(
                v.fixes, v.retailer, policy, now=NOW, event_at=EVENT_AT, radius_m=radius_m
            ).kind
            for v in visits
        )
        return "  ".join(f"{k.value} {100.0 * c[k] / len(visits):6.2f} %" for k in VerdictKind)

    def flagged(visits: list[SimVisit]) -> str:
        hits = sum(
            Flag.POSSIBLE_SPOOFING
            in verify_visit(v.fixes, v.retailer, policy, now=NOW, event_at=EVENT_AT).flags
            for v in visits
        )
        return f"POSSIBLE_SPOOFING {100.0 * hits / len(visits):6.2f} %"

    rng = np.random.default_rng(20260511)
    for radius in (50.0, 100.0):
        print(f"genuine GPS, radius {radius:5.0f} m:  {kinds(genuine(rng, n), radius)}")
    for radius in (50.0, 100.0, 150.0):
        print(f"300-1000 m away, radius {radius:5.0f} m:  {kinds(away(rng, n), radius)}")
    print(f"150 m cell at the shop, radius 50 m:  {kinds(cell_at_shop(rng, n), 50.0)}")
    print(f"spoof (device at shop, carrier 1-3 km away): {flagged(spoof_pair(rng, n))}")
    print(f"honest device + carrier pair:                {flagged(honest_pair(rng, n))}")


if __name__ == "__main__":
    _report()
