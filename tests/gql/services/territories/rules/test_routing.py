from __future__ import annotations

import itertools

import numpy as np
import pytest

import geo
from gql.services.territories.rules import route_day


def _stops(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return 30 + rng.uniform(0, 0.03, n), 120 + rng.uniform(0, 0.03, n)


def _brute_force_m(lat: np.ndarray, lon: np.ndarray) -> float:
    la, lo = np.r_[30.015, lat], np.r_[120.015, lon]
    d = np.array([geo.haversine_m_to_many(a, b, la, lo) for a, b in zip(la, lo, strict=True)])
    best = np.inf
    for perm in itertools.permutations(range(1, la.size)):
        path = (0, *perm, 0)
        best = min(best, sum(d[a, b] for a, b in itertools.pairwise(path)))
    return float(best)


@pytest.mark.parametrize("seed", range(5))
def test_route_visits_each_stop_once_and_is_near_optimal(seed: int) -> None:
    """The day route is a permutation within 5 % of the brute-force optimum (wide windows)."""
    lat, lon = _stops(7, seed)
    n = lat.size
    route = route_day(
        30.015,
        120.015,
        lat,
        lon,
        np.full(n, 10.0),
        np.full(n, 0.0),
        np.full(n, 1440.0),
        speed_mps=7.0,
        road_factor=1.0,
    )
    assert sorted(route.order.tolist()) == list(range(n))
    assert route.travel_m <= 1.05 * _brute_force_m(lat, lon)


def test_opening_hours_are_respected_when_possible() -> None:
    """A stop that closes early is visited first, so no stop is late."""
    lat, lon = _stops(6, 9)
    n = lat.size
    close = np.full(n, 1440.0)
    far = int(np.argmax(np.hypot(lat - 30.015, lon - 120.015)))
    direct_min = geo.haversine_m(30.015, 120.015, float(lat[far]), float(lon[far])) / 10.0 / 60
    # the 5-minute visit only finishes before closing as the first stop
    close[far] = 8.5 * 60 + direct_min + 5 + 1
    route = route_day(
        30.015,
        120.015,
        lat,
        lon,
        np.full(n, 5.0),
        np.zeros(n),
        close,
        speed_mps=10.0,
        road_factor=1.0,
    )
    assert route.late_stops == 0
    assert route.order[0] == far


def test_hours_include_service_and_waiting() -> None:
    """A stop that opens at 10:00 makes the 08:30 day last at least until after 10:00."""
    route = route_day(
        30.0,
        120.0,
        np.array([30.001]),
        np.array([120.0]),
        np.array([15.0]),
        np.array([600.0]),
        np.array([1200.0]),
        speed_mps=10.0,
        road_factor=1.0,
    )
    assert route.hours >= (600 + 15 - 510) / 60


def test_an_empty_day_costs_nothing() -> None:
    """No stops: no travel and zero hours."""
    empty = np.array([], dtype=float)
    route = route_day(
        30.0, 120.0, empty, empty, empty, empty, empty, speed_mps=7.0, road_factor=1.3
    )
    assert route.order.size == 0
    assert route.travel_m == 0.0
    assert route.hours == 0.0


def test_warm_up_compiles_without_error() -> None:
    """warm_up routes a tiny day and returns nothing."""
    from gql.services.territories.rules import warm_up

    assert warm_up() is None
