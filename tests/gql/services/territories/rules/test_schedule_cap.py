"""The 8 h cap when a weekday is over it only because of its weekly visits (issue 20)."""

from __future__ import annotations

import numpy as np
import pytest

from gql.services.territories.rules import (
    InfeasibleCapError,
    RetailerSet,
    WeekdayPlan,
    estimate_workload,
    route_schedule,
)

N = 40
MONDAY_SHOPS = 24  # 24 weekly shops x 20 min = 8 h of service alone on every Monday
FRIDAY_ONLY = np.arange(6)  # of the Monday shops: closed Tuesday to Thursday


def _territory() -> tuple[RetailerSet, WeekdayPlan]:
    """One manager, 40 weekly shops on a 1 km grid; Monday holds 24 of them, the other
    weekdays 4 each; every shop orders on its weekday; six Monday shops are closed Tue-Thu."""
    rows, cols = np.divmod(np.arange(N), 8)
    weekday = np.r_[np.zeros(MONDAY_SHOPS), np.repeat(np.arange(1, 5), 4)].astype(np.int64)
    opens = np.full((N, 7, 1), 8 * 3600, dtype=np.int64)
    closes = np.full((N, 7, 1), 21 * 3600, dtype=np.int64)
    opens[FRIDAY_ONLY, 1:4], closes[FRIDAY_ONLY, 1:4] = -1, -1
    shops = RetailerSet.build(
        retailer_id=np.arange(1, N + 1),
        lat_deg=30.0 + rows * 0.002,
        lon_deg=120.0 + cols * 0.002,
        grade=np.ones(N, dtype=np.int64),  # weekly
        service_min=np.full(N, 20.0),
        order_weekday=weekday,
        order_volume=np.full(N, 10.0),
        window_open_s=opens,
        window_close_s=closes,
    )
    plan = WeekdayPlan(
        territory=np.zeros(N, dtype=np.int64),
        weekday=weekday,
        phase=np.zeros(N, dtype=np.int64),
        visits_per_cycle=estimate_workload(shops).visits_per_cycle,
    )
    return shops, plan


def _route(share: float | None, depot_lat_deg: float = 30.004) -> object:
    shops, plan = _territory()
    return route_schedule(
        shops,
        plan,
        1,
        estimate_workload(shops),
        depot_lat_deg=[depot_lat_deg],
        depot_lon_deg=[120.007],
        max_order_day_change_share=share,
    )


def test_a_weekday_over_the_cap_with_weekly_visits_only_moves_some_to_lighter_days() -> None:
    """Monday needs > 8 h of weekly visits alone: some move to other weekdays (all four weeks),
    every day ends within the cap, every shop keeps its four visits on one weekday, the
    shops closed Tuesday to Thursday go only to Friday, within a 50 % order-day cap."""
    shops, plan = _territory()
    assert plan.visits_per_cycle.tolist() == [4] * N
    schedule = route_schedule(
        shops,
        plan,
        1,
        estimate_workload(shops),
        depot_lat_deg=[30.004],
        depot_lon_deg=[120.007],
        max_order_day_change_share=0.5,
    )
    assert schedule.metrics.max_day_hours <= 8.0
    assert schedule.metrics.days_over_cap == 0
    assert schedule.metrics.late_stops == 0
    moved = schedule.plan.weekday != plan.weekday
    assert moved.any()
    assert moved.sum() <= 0.5 * N
    assert (plan.weekday[moved] == 0).all()  # only Monday shops left their day
    assert set(schedule.plan.weekday[FRIDAY_ONLY].tolist()) <= {0, 4}
    seen: dict[int, list[int]] = {}
    for day in schedule.days:
        for rid in day.retailer_id.tolist():
            seen.setdefault(rid, []).append(day.weekday)
    for pos, rid in enumerate(shops.retailer_id.tolist()):
        assert seen[rid] == [int(schedule.plan.weekday[pos])] * 4


def test_without_the_weekly_moves_the_same_territory_was_over_the_cap() -> None:
    """The test above means something: routed as planned, every Monday is over 8 h."""
    shops, plan = _territory()
    schedule = route_schedule(
        shops, plan, 1, estimate_workload(shops), cap_hours=24.0,
        depot_lat_deg=[30.004], depot_lon_deg=[120.007],
    )  # fmt: skip
    mondays = [d.hours for d in schedule.days if d.weekday == 0]
    assert min(mondays) > 8.0
    assert schedule.metrics.phase_moves == 0


def test_an_order_day_cap_of_zero_keeps_the_overloaded_day_and_says_why() -> None:
    """Every shop orders on its weekday and no order day may change: Monday cannot be
    relieved, and the error names the day and the order-day cap; nothing else happens."""
    with pytest.raises(InfeasibleCapError, match=r"manager 0, week 1, weekday 0 .*order-day"):
        _route(0.0)


def test_a_depot_too_far_for_any_day_is_infeasible_with_a_clear_message() -> None:
    """A depot 66 km north: the drive alone makes the routed days average over the cap,
    whatever is moved, and the error says so (with the kilometres driven a day)."""
    with pytest.raises(InfeasibleCapError, match=r"manager 0's routed days average .* km of"):
        _route(None, depot_lat_deg=30.6)


def test_when_no_single_move_fits_a_long_visit_swaps_with_a_shorter_one() -> None:
    """Monday: 16 weekly 30-min visits (8 h plus driving); Tuesday to Friday: 23 weekly 20-min
    visits each (7.7 h plus driving). Moving any Monday shop overloads its new day, but
    swapping it with a 20-min shop fits both days under the cap."""
    n = 16 + 4 * 23
    rows, cols = np.divmod(np.arange(n), 12)
    weekday = np.r_[np.zeros(16), np.repeat(np.arange(1, 5), 23)].astype(np.int64)
    shops = RetailerSet.build(
        retailer_id=np.arange(1, n + 1),
        lat_deg=30.0 + rows * 0.0003,
        lon_deg=120.0 + cols * 0.0003,
        grade=np.ones(n, dtype=np.int64),
        service_min=np.where(weekday == 0, 30.0, 20.0),
    )
    workload = estimate_workload(shops)
    plan = WeekdayPlan(
        territory=np.zeros(n, dtype=np.int64),
        weekday=weekday,
        phase=np.zeros(n, dtype=np.int64),
        visits_per_cycle=workload.visits_per_cycle,
    )
    depot = {"depot_lat_deg": [30.0015], "depot_lon_deg": [120.0015]}
    as_planned = route_schedule(shops, plan, 1, workload, cap_hours=24.0, **depot)
    assert min(d.hours for d in as_planned.days if d.weekday == 0) > 8.0
    assert max(d.hours for d in as_planned.days if d.weekday > 0) > 8.0 - 0.5  # no room

    schedule = route_schedule(shops, plan, 1, workload, **depot)
    assert schedule.metrics.max_day_hours <= 8.0
    left_monday = (plan.weekday == 0) & (schedule.plan.weekday != 0)
    joined_monday = (plan.weekday != 0) & (schedule.plan.weekday == 0)
    assert left_monday.sum() == joined_monday.sum() >= 1
