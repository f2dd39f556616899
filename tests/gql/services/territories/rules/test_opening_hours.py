"""Opening hours in the 4-week schedule: several windows a day, past midnight, closed days."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

import geo
from gql.services.territories.rules import (
    InvalidRetailersError,
    RetailerSet,
    Schedule,
    WorkloadPolicy,
    estimate_workload,
    plan_schedule,
    route_day,
    synthetic_city,
)

H = 3600
KTV = [[(0, 2 * H), (14 * H, 24 * H)]] * 7  # 14:00-02:00 every day
BREAK = [[(8 * H, 12 * H), (14 * H, 20 * H)]] * 7  # closed for lunch
NO_MONDAY = [[]] + [[(8 * H, 21 * H)]] * 6
N_MANAGERS = 2
START_S = round(8.5 * H)


def _windows(days: list[list[list[tuple[int, int]]]]) -> tuple[np.ndarray, np.ndarray]:
    width = max(1, *(len(d) for per in days for d in per))
    opens = np.full((len(days), 7, width), -1, dtype=np.int64)
    closes = opens.copy()
    for i, per in enumerate(days):
        for d, day in enumerate(per):
            for k, (a, b) in enumerate(day):
                opens[i, d, k], closes[i, d, k] = a, b
    return opens, closes


@pytest.fixture(scope="module")
def shops() -> tuple[RetailerSet, dict[str, np.ndarray]]:
    """300 retailers: 20 KTVs (14:00-02:00), 40 with a lunch break, 30 closed on Mondays."""
    base = synthetic_city(300, seed=5)
    kinds = {"ktv": np.arange(0, 20), "break": np.arange(20, 60), "no_monday": np.arange(60, 90)}
    days = [[[(8 * H, 21 * H)]] * 7 for _ in range(base.n)]
    business = base.business_type.copy()
    for i in kinds["ktv"]:
        days[i] = KTV
        business[i] = 2  # hotel & entertainment
    for i in kinds["break"]:
        days[i] = BREAK
    for i in kinds["no_monday"]:
        days[i] = NO_MONDAY
    opens, closes = _windows(days)
    city = RetailerSet.build(
        retailer_id=base.retailer_id,
        lat_deg=base.lat_deg,
        lon_deg=base.lon_deg,
        grade=base.grade,
        business_type=business,
        is_key=base.is_key,
        order_weekday=base.order_weekday,
        order_volume=base.order_volume,
        window_open_s=opens,
        window_close_s=closes,
    )
    return city, kinds


@pytest.fixture(scope="module")
def schedule(shops: tuple[RetailerSet, dict[str, np.ndarray]]) -> Schedule:
    city = shops[0]
    territory = (city.lon_deg > np.median(city.lon_deg)).astype(np.int64)
    return plan_schedule(city, territory, N_MANAGERS)


def _visits(city: RetailerSet, schedule: Schedule) -> Iterator[tuple[int, int, int, int]]:
    """Replay every routed day: (retailer position, weekday, arrival s, finish s)."""
    policy = WorkloadPolicy()
    service_s = np.rint(estimate_workload(city, policy).service_min * 60).astype(np.int64)
    position = {r: i for i, r in enumerate(city.retailer_id.tolist())}
    territory = schedule.plan.territory
    for day in schedule.days:
        stops = np.array([position[r] for r in day.retailer_id.tolist()], dtype=np.int64)
        if stops.size == 0:
            continue
        mine = np.flatnonzero(territory == day.manager)
        c_lat, c_lon = city.lat_deg[mine].mean(), city.lon_deg[mine].mean()
        depot = mine[
            np.argmin((city.lat_deg[mine] - c_lat) ** 2 + (city.lon_deg[mine] - c_lon) ** 2)
        ]
        lat = np.r_[city.lat_deg[depot], city.lat_deg[stops]]
        lon = np.r_[city.lon_deg[depot], city.lon_deg[stops]]
        travel = geo.cost_matrix(
            lat, lon, unit="s", speed_mps=policy.speed_mps, road_factor=policy.road_factor
        )
        t, prev = START_S, 0
        for pos, i in enumerate(stops.tolist(), start=1):
            t += int(travel[prev, pos])
            windows = [
                (int(a), int(b))
                for a, b in zip(
                    city.window_open_s[i, day.weekday],
                    city.window_close_s[i, day.weekday],
                    strict=True,
                )
                if a >= 0
            ]
            start = next((max(t, a) for a, b in windows if max(t, a) + service_s[i] <= b), t)
            t = start + int(service_s[i])
            yield i, day.weekday, start, t
            prev = pos


def _inside(city: RetailerSet, i: int, weekday: int, start: int, finish: int) -> bool:
    opens, closes = city.window_open_s[i, weekday], city.window_close_s[i, weekday]
    return any(a <= start and finish <= b for a, b in zip(opens, closes, strict=True) if a >= 0)


def test_a_ktv_is_never_scheduled_while_closed(
    shops: tuple[RetailerSet, dict[str, np.ndarray]], schedule: Schedule
) -> None:
    """Every KTV visit starts after 14:00 and finishes before closing, all 4 weeks."""
    city, kinds = shops
    ktv = set(kinds["ktv"].tolist())
    seen = 0
    for i, weekday, start, finish in _visits(city, schedule):
        if i in ktv:
            seen += 1
            assert start >= 14 * H, (city.retailer_id[i], start / H)
            assert _inside(city, i, weekday, start, finish)
    assert seen >= len(ktv)
    assert schedule.metrics.late_stops == 0
    assert schedule.metrics.unvisitable_retailers == 0


def test_no_visit_falls_outside_opening_hours(
    shops: tuple[RetailerSet, dict[str, np.ndarray]], schedule: Schedule
) -> None:
    """No shop with a lunch break is visited 12:00-14:00; no visit at all while closed."""
    city, kinds = shops
    lunch = set(kinds["break"].tolist())
    for i, weekday, start, finish in _visits(city, schedule):
        assert _inside(city, i, weekday, start, finish), (city.retailer_id[i], start / H)
        if i in lunch:
            assert finish <= 12 * H or start >= 14 * H


def test_a_shop_closed_on_mondays_is_not_on_a_monday(
    shops: tuple[RetailerSet, dict[str, np.ndarray]], schedule: Schedule
) -> None:
    city, kinds = shops
    closed = set(city.retailer_id[kinds["no_monday"]].tolist())
    assert (schedule.plan.weekday[kinds["no_monday"]] != 0).all()
    for day in schedule.days:
        if day.weekday == 0:
            assert not closed & set(day.retailer_id.tolist())


def test_a_shop_open_only_after_work_is_reported_unvisitable() -> None:
    """A bar open 19:00-23:00 cannot be visited in an 08:30-16:30 day: counted, not hidden."""
    opens, closes = _windows([[[(8 * H, 21 * H)]] * 7] * 5 + [[[(19 * H, 23 * H)]] * 7])
    city = RetailerSet.build(
        retailer_id=np.arange(6),
        lat_deg=30.0 + 0.001 * np.arange(6),
        lon_deg=np.full(6, 120.0),
        window_open_s=opens,
        window_close_s=closes,
    )
    schedule = plan_schedule(city, np.zeros(6, dtype=np.int64), 1)
    assert schedule.metrics.unvisitable_retailers == 1
    assert schedule.metrics.late_stops >= 1


def test_a_day_route_waits_out_the_lunch_break() -> None:
    """Leaving at 11:50 for a 15-minute visit, the route waits until 14:00."""
    opens, closes = _windows([BREAK])
    route = route_day(
        30.0,
        120.0,
        np.array([30.001]),
        np.array([120.0]),
        np.array([15.0]),
        np.array([0.0]),
        np.array([1440.0]),
        start_min=11 * 60 + 50,
        speed_mps=10.0,
        road_factor=1.0,
        window_open_s=opens[:, 0],
        window_close_s=closes[:, 0],
    )
    assert route.late_stops == 0
    assert route.hours >= (14 * 60 + 15 - (11 * 60 + 50)) / 60


def test_past_midnight_window_alone_cannot_take_a_day_visit() -> None:
    """Only 00:00-02:00 left: a daytime arrival fits no window and counts as late."""
    route = route_day(
        30.0,
        120.0,
        np.array([30.001]),
        np.array([120.0]),
        np.array([15.0]),
        np.array([0.0]),
        np.array([1440.0]),
        speed_mps=10.0,
        road_factor=1.0,
        window_open_s=np.array([[0]]),
        window_close_s=np.array([[2 * H]]),
    )
    assert route.late_stops == 1


def test_one_window_every_day_matches_the_legacy_columns(
    city: RetailerSet,
) -> None:
    """open_min/close_min and the same window given per weekday plan the same schedule."""
    small = city.subset(np.arange(300))
    opens = np.rint(small.open_min * 60).astype(np.int64)
    closes = np.rint(small.close_min * 60).astype(np.int64)
    explicit = RetailerSet.build(
        retailer_id=small.retailer_id,
        lat_deg=small.lat_deg,
        lon_deg=small.lon_deg,
        grade=small.grade,
        business_type=small.business_type,
        is_key=small.is_key,
        order_weekday=small.order_weekday,
        order_volume=small.order_volume,
        window_open_s=np.repeat(opens[:, None, None], 7, axis=1),
        window_close_s=np.repeat(closes[:, None, None], 7, axis=1),
    )
    territory = (small.lon_deg > np.median(small.lon_deg)).astype(np.int64)
    legacy = plan_schedule(small, territory, 2)
    windowed = plan_schedule(explicit, territory, 2)
    assert legacy.metrics == windowed.metrics
    for a, b in zip(legacy.days, windowed.days, strict=True):
        np.testing.assert_array_equal(a.retailer_id, b.retailer_id)


@pytest.mark.parametrize(
    ("opens", "closes", "message"),
    [
        ([[[9 * H, 8 * H]]], [[[12 * H, 20 * H]]], "sorted"),
        ([[[9 * H]]], [[[8 * H]]], "open_s < close_s"),
        ([[[-1, 9 * H]]], [[[-1, 12 * H]]], "padding"),
        ([[[9 * H]]], [[[-1]]], "padded"),
        ([[9 * H]], [[12 * H]], "expected"),
    ],
)
def test_bad_windows_are_rejected(opens: list, closes: list, message: str) -> None:
    with pytest.raises(InvalidRetailersError, match=message):
        RetailerSet.build(
            retailer_id=[1],
            lat_deg=[30.0],
            lon_deg=[120.0],
            window_open_s=np.repeat(np.array(opens), 7, axis=1) if np.ndim(opens) == 3 else opens,
            window_close_s=np.repeat(np.array(closes), 7, axis=1)
            if np.ndim(closes) == 3
            else closes,
        )
