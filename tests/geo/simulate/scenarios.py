"""Seeded simulated check-ins: who stood where, and which fixes they sent.

Retailers are drawn uniformly over a 30 km × 30 km box around Wenzhou. Fix errors come from a
model in :mod:`tests.geo.simulate.noise` (default: the Gaussian the verifier used to assume).
The five original sets (``genuine``, ``away``, ``cell_at_shop``, ``spoof_pair``,
``honest_pair``) draw exactly the random numbers they always drew with their defaults, so the
figures published before issue 21 are reproduced seed for seed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

from geo import FixSource, Neighbour, PositionFix, Wgs84
from tests.geo.simulate.noise import GAUSSIAN, Multipath, Noise

__all__ = [
    "EVENT_AT",
    "NOW",
    "SimVisit",
    "away",
    "carrier_only",
    "cell_at_shop",
    "dense_street",
    "future_carrier",
    "genuine",
    "honest_pair",
    "repeated_fix",
    "same_building",
    "spoof_pair",
    "urban_canyon",
]

EVENT_AT = datetime(2026, 5, 11, 9, 30, tzinfo=UTC)
"""When the manager pressed the button."""
NOW = EVENT_AT + timedelta(minutes=2)
"""When the server evaluates (after every fix, carrier ones included, has arrived)."""
CLAIMED_ID = 0
"""Retailer id of the claimed shop in the sets with neighbours."""
_CENTRE = (27.99, 120.70)
_M_PER_DEG_LAT = 111_195.0


@dataclass(frozen=True)
class SimVisit:
    """One simulated event: the claimed retailer, the fixes sent for it, and the truth."""

    retailer: Wgs84
    fixes: tuple[PositionFix, ...]
    true_distance_m: float
    neighbours: tuple[Neighbour, ...] = ()
    tag: str = ""
    event_at: datetime = EVENT_AT
    now: datetime = NOW


def _offset(lat: float, lon: float, north_m: float, east_m: float) -> tuple[float, float]:
    return (
        lat + north_m / _M_PER_DEG_LAT,
        lon + east_m / (_M_PER_DEG_LAT * math.cos(math.radians(lat))),
    )


def _retailer(rng: np.random.Generator) -> Wgs84:
    north, east = rng.uniform(-15_000.0, 15_000.0, size=2)
    return Wgs84(*_offset(*_CENTRE, north, east))


def _fix_at(
    lat: float,
    lon: float,
    offset_m: tuple[float, float],
    accuracy_m: float,
    source: FixSource,
    captured_at: datetime,
) -> PositionFix:
    f_lat, f_lon = _offset(lat, lon, *offset_m)
    return PositionFix(f_lat, f_lon, "WGS84", accuracy_m, source, captured_at)


def _noisy_fix(
    rng: np.random.Generator,
    lat: float,
    lon: float,
    accuracy_m: float,
    source: FixSource,
    captured_at: datetime = EVENT_AT,
    noise: Noise = GAUSSIAN,
) -> PositionFix:
    return _fix_at(lat, lon, noise.offset_m(rng, accuracy_m), accuracy_m, source, captured_at)


def _phone_near(
    rng: np.random.Generator, shop: Wgs84, min_m: float, max_m: float
) -> tuple[float, float, float]:
    # uniform over the annulus area
    r = math.sqrt(rng.uniform(min_m**2, max_m**2))
    theta = rng.uniform(0.0, 2.0 * math.pi)
    lat, lon = _offset(shop.lat, shop.lon, r * math.cos(theta), r * math.sin(theta))
    return lat, lon, r


def genuine(
    rng: np.random.Generator, n: int, *, shop_m: float = 10.0, noise: Noise = GAUSSIAN
) -> list[SimVisit]:
    """On-site check-ins: phone within ``shop_m``, GPS accuracy U[5, 40] m (R3.2)."""
    out = []
    for _ in range(n):
        shop = _retailer(rng)
        lat, lon, r = _phone_near(rng, shop, 0.0, shop_m)
        fix = _noisy_fix(rng, lat, lon, rng.uniform(5.0, 40.0), FixSource.DEVICE_GPS, noise=noise)
        out.append(SimVisit(shop, (fix,), r))
    return out


def urban_canyon(
    rng: np.random.Generator, n: int, *, shop_m: float = 10.0, noise: Multipath | None = None
) -> list[SimVisit]:
    """On-site check-ins among tall buildings; fixes with an NLOS bias are tagged "multipath"."""
    model = noise or Multipath()
    out = []
    for _ in range(n):
        shop = _retailer(rng)
        lat, lon, r = _phone_near(rng, shop, 0.0, shop_m)
        accuracy_m = rng.uniform(5.0, 40.0)
        north, east, biased = model.draw(rng, accuracy_m)
        fix = _fix_at(lat, lon, (north, east), accuracy_m, FixSource.DEVICE_GPS, EVENT_AT)
        out.append(SimVisit(shop, (fix,), r, tag="multipath" if biased else ""))
    return out


def away(
    rng: np.random.Generator,
    n: int,
    *,
    away_min_m: float = 300.0,
    away_max_m: float = 1_000.0,
    noise: Noise = GAUSSIAN,
) -> list[SimVisit]:
    """Check-ins made from ``away_min_m`` or more away, with honest GPS noise."""
    out = []
    for _ in range(n):
        shop = _retailer(rng)
        lat, lon, r = _phone_near(rng, shop, away_min_m, away_max_m)
        fix = _noisy_fix(rng, lat, lon, rng.uniform(5.0, 40.0), FixSource.DEVICE_GPS, noise=noise)
        out.append(SimVisit(shop, (fix,), r))
    return out


def cell_at_shop(
    rng: np.random.Generator, n: int, *, accuracy_m: float = 150.0, noise: Noise = GAUSSIAN
) -> list[SimVisit]:
    """Carrier cell fixes of ``accuracy_m`` for a phone that really is in the shop."""
    out = []
    for _ in range(n):
        shop = _retailer(rng)
        lat, lon, r = _phone_near(rng, shop, 0.0, 10.0)
        fix = _noisy_fix(rng, lat, lon, accuracy_m, FixSource.CARRIER_CELL, noise=noise)
        out.append(SimVisit(shop, (fix,), r))
    return out


def carrier_only(rng: np.random.Generator, n: int, *, noise: Noise = GAUSSIAN) -> list[SimVisit]:
    """GPS off, the phone in the shop: only a cell fix, accuracy U[100, 200] m (R3.2)."""
    out = []
    for _ in range(n):
        shop = _retailer(rng)
        lat, lon, r = _phone_near(rng, shop, 0.0, 10.0)
        accuracy_m = rng.uniform(100.0, 200.0)
        fix = _noisy_fix(rng, lat, lon, accuracy_m, FixSource.CARRIER_CELL, noise=noise)
        out.append(SimVisit(shop, (fix,), r))
    return out


def _carrier_time(rng: np.random.Generator) -> datetime:
    return EVENT_AT + timedelta(seconds=float(rng.uniform(-60.0, 60.0)))


def _cell_fix(rng: np.random.Generator, lat: float, lon: float, noise: Noise) -> PositionFix:
    """A cell fix of accuracy U[100, 200] m (R3.2 "in dense cities"), taken within ±60 s."""
    accuracy_m = rng.uniform(100.0, 200.0)
    return _noisy_fix(rng, lat, lon, accuracy_m, FixSource.CARRIER_CELL, _carrier_time(rng), noise)


def spoof_pair(
    rng: np.random.Generator, n: int, *, carrier_noise: Noise = GAUSSIAN
) -> list[SimVisit]:
    """Device claims the shop; the carrier sees the phone 1–3 km away."""
    out = []
    for _ in range(n):
        shop = _retailer(rng)
        device = _noisy_fix(rng, shop.lat, shop.lon, rng.uniform(5.0, 40.0), FixSource.DEVICE_GPS)
        lat, lon, r = _phone_near(rng, shop, 1_000.0, 3_000.0)
        carrier = _cell_fix(rng, lat, lon, carrier_noise)
        out.append(SimVisit(shop, (device, carrier), r))
    return out


def honest_pair(
    rng: np.random.Generator, n: int, *, carrier_noise: Noise = GAUSSIAN
) -> list[SimVisit]:
    """Device GPS and carrier cell fix of the same phone, inside the shop."""
    out = []
    for _ in range(n):
        shop = _retailer(rng)
        lat, lon, r = _phone_near(rng, shop, 0.0, 10.0)
        device = _noisy_fix(rng, lat, lon, rng.uniform(5.0, 40.0), FixSource.DEVICE_GPS)
        carrier = _cell_fix(rng, lat, lon, carrier_noise)
        out.append(SimVisit(shop, (device, carrier), r))
    return out


def repeated_fix(
    rng: np.random.Generator,
    n: int,
    *,
    copies: int = 19,
    accuracy_m: float = 150.0,
    jitter_m: float = 0.0,
    source: FixSource = FixSource.CARRIER_CELL,
    noise: Noise = GAUSSIAN,
) -> list[SimVisit]:
    """One fix of a phone in the shop sent ``copies`` times (each moved by up to ``jitter_m``).

    A handheld that re-sends its last cell answer, or a carrier cache that answers every poll
    with the same centroid: the copies carry the information of one fix.
    """
    out = []
    for _ in range(n):
        shop = _retailer(rng)
        lat, lon, r = _phone_near(rng, shop, 0.0, 10.0)
        first = _noisy_fix(rng, lat, lon, accuracy_m, source, noise=noise)
        fixes = [first]
        for _ in range(copies - 1):
            theta = rng.uniform(0.0, 2.0 * math.pi)
            j = jitter_m * math.sqrt(rng.uniform())
            f_lat, f_lon = _offset(first.lat, first.lon, j * math.cos(theta), j * math.sin(theta))
            fixes.append(PositionFix(f_lat, f_lon, "WGS84", accuracy_m, source, EVENT_AT))
        out.append(SimVisit(shop, tuple(fixes), r))
    return out


def future_carrier(rng: np.random.Generator, n: int, *, ahead_s: float) -> list[SimVisit]:
    """A live check-in whose only fix is a sharp carrier A-GPS fix dated ``ahead_s`` ahead.

    The button press and the evaluation are the same moment; the device sent nothing and
    the phone is in the shop. A fix dated beyond the clock-skew allowance is a wrong clock
    or a replay: it says nothing about where the phone was when the button was pressed.
    """
    out = []
    at = EVENT_AT + timedelta(seconds=ahead_s)
    for _ in range(n):
        shop = _retailer(rng)
        lat, lon, r = _phone_near(rng, shop, 0.0, 10.0)
        fix = _noisy_fix(rng, lat, lon, rng.uniform(10.0, 30.0), FixSource.CARRIER_AGPS, at)
        out.append(SimVisit(shop, (fix,), r, event_at=EVENT_AT, now=EVENT_AT))
    return out


def _shops_around(shop: Wgs84, offsets_m: list[tuple[float, float]]) -> tuple[Neighbour, ...]:
    return tuple(
        Neighbour(CLAIMED_ID + 1 + i, Wgs84(*_offset(shop.lat, shop.lon, north, east)))
        for i, (north, east) in enumerate(offsets_m)
    )


def dense_street(rng: np.random.Generator, n: int, *, noise: Noise = GAUSSIAN) -> list[SimVisit]:
    """A shop in a row of shops: frontages U[8, 20] m wide, the row across a 20 m street.

    The phone is anywhere inside the claimed shop (along the frontage, up to 8 m deep). Six
    neighbours share the row (three each side), seven face it across the street.
    """
    out = []
    for _ in range(n):
        shop = _retailer(rng)
        width = rng.uniform(8.0, 20.0)
        along, depth = rng.uniform(-width / 2.0, width / 2.0), rng.uniform(0.0, 8.0)
        lat, lon = _offset(shop.lat, shop.lon, -depth, along)
        row = [(0.0, k * width) for k in (-3, -2, -1, 1, 2, 3)]
        across = [(20.0, k * width + rng.uniform(-3.0, 3.0)) for k in range(-3, 4)]
        fix = _noisy_fix(rng, lat, lon, rng.uniform(5.0, 40.0), FixSource.DEVICE_GPS, noise=noise)
        out.append(
            SimVisit(
                shop,
                (fix,),
                math.hypot(depth, along),
                neighbours=_shops_around(shop, row + across),
            )
        )
    return out


def same_building(rng: np.random.Generator, n: int, *, noise: Noise = GAUSSIAN) -> list[SimVisit]:
    """Two to four other retailers registered within 5 m of the claimed one (one building)."""
    out = []
    for _ in range(n):
        shop = _retailer(rng)
        lat, lon, r = _phone_near(rng, shop, 0.0, 5.0)
        others = []
        for _ in range(int(rng.integers(2, 5))):
            d, theta = 5.0 * math.sqrt(rng.uniform()), rng.uniform(0.0, 2.0 * math.pi)
            others.append((d * math.cos(theta), d * math.sin(theta)))
        fix = _noisy_fix(rng, lat, lon, rng.uniform(5.0, 40.0), FixSource.DEVICE_GPS, noise=noise)
        out.append(SimVisit(shop, (fix,), r, neighbours=_shops_around(shop, others)))
    return out
