from __future__ import annotations

import numpy as np
import pytest

from gql.services.territories.rules import (
    InfeasibleCapError,
    InvalidRetailersError,
    RetailerSet,
    Schedule,
    TerritoryProposal,
    estimate_workload,
    plan_schedule,
    split_weekdays,
    visit_weeks,
)
from gql.services.territories.rules.weekdays import WeekdayPlan

from .conftest import with_columns


@pytest.fixture(scope="module")
def schedule(city: RetailerSet, proposal: TerritoryProposal) -> Schedule:
    """The 4-week schedule of the shared 6-territory proposal."""
    return plan_schedule(city, proposal.territory, 6)


def test_every_retailer_is_visited_as_often_as_its_policy_says(
    city: RetailerSet, schedule: Schedule
) -> None:
    """Across the 120 routed days each retailer appears exactly visits_per_cycle times."""
    visits = np.concatenate([d.retailer_id for d in schedule.days])
    ids, counts = np.unique(visits, return_counts=True)
    expected = estimate_workload(city).visits_per_cycle
    order = np.argsort(city.retailer_id)
    np.testing.assert_array_equal(ids, city.retailer_id[order])
    np.testing.assert_array_equal(counts, expected[order])


def test_each_manager_only_visits_own_territory(
    city: RetailerSet, proposal: TerritoryProposal, schedule: Schedule
) -> None:
    """A day's retailers all belong to that day's manager."""
    owner = dict(zip(city.retailer_id.tolist(), proposal.territory.tolist(), strict=True))
    for day in schedule.days:
        assert {owner[r] for r in day.retailer_id.tolist()} <= {day.manager}


def test_no_day_exceeds_the_cap_and_no_stop_is_late(schedule: Schedule) -> None:
    """All days are within 8 h and every stop is reached before closing."""
    assert len(schedule.days) == 6 * 20
    assert max(d.hours for d in schedule.days) <= 8.0
    assert schedule.metrics.days_over_cap == 0
    assert schedule.metrics.late_stops == 0


def test_weekday_is_fixed_and_phases_spread_the_visits(schedule: Schedule) -> None:
    """Weekly retailers appear every week on one weekday; phases give the right weeks."""
    plan = schedule.plan
    weeks = visit_weeks(plan)
    np.testing.assert_array_equal(weeks.sum(axis=1), plan.visits_per_cycle)
    fortnightly = plan.visits_per_cycle == 2
    assert (weeks[fortnightly][:, 0] == weeks[fortnightly][:, 2]).all()
    assert ((plan.weekday >= 0) & (plan.weekday < 5)).all()


def test_weekday_zones_balance_workload_within_each_territory(
    city: RetailerSet, proposal: TerritoryProposal
) -> None:
    """Each territory's five weekday zones carry workload within ±10 % of their mean."""
    workload = estimate_workload(city)
    plan = split_weekdays(city, proposal.territory, 6, workload)
    for t in range(6):
        mine = plan.territory == t
        per_day = np.bincount(plan.weekday[mine], weights=workload.total_min[mine], minlength=5)
        assert np.abs(per_day / per_day.mean() - 1).max() <= 0.10


def test_schedule_for_manager_returns_that_managers_week(schedule: Schedule) -> None:
    """for_manager(2, week=1) returns the five weekdays of manager 2 in week 1."""
    days = schedule.for_manager(2, week=1)
    assert [(d.manager, d.week, d.weekday) for d in days] == [(2, 1, w) for w in range(5)]


def test_a_cap_below_the_average_day_is_a_clear_error(
    city: RetailerSet, proposal: TerritoryProposal
) -> None:
    """A 2 h cap cannot hold ~5 h of average daily work; the error names the fix."""
    with pytest.raises(InfeasibleCapError, match="add managers"):
        plan_schedule(city, proposal.territory, 6, cap_hours=2.0)


def test_a_non_positive_cap_is_rejected(city: RetailerSet, proposal: TerritoryProposal) -> None:
    """cap_hours must be positive."""
    with pytest.raises(InfeasibleCapError, match="positive"):
        plan_schedule(city, proposal.territory, 6, cap_hours=0.0)


def test_depots_must_be_one_per_manager(city: RetailerSet, proposal: TerritoryProposal) -> None:
    """Depot arrays of the wrong length are rejected with the expected count."""
    with pytest.raises(InvalidRetailersError, match="6 finite"):
        plan_schedule(city, proposal.territory, 6, depot_lat_deg=[30.0], depot_lon_deg=[120.0])


def test_territory_index_out_of_range_is_rejected(city: RetailerSet) -> None:
    """A territory index ≥ n_managers is rejected before any work."""
    with pytest.raises(InvalidRetailersError, match=r"0\.\.2"):
        split_weekdays(city, np.full(city.n, 3), 3, estimate_workload(city))


def test_tiny_territories_still_get_valid_weekdays() -> None:
    """A territory with fewer retailers than weekdays gives each its own weekday."""
    rs = RetailerSet.build(
        retailer_id=[1, 2, 3], lat_deg=[30.0, 30.01, 30.02], lon_deg=[120.0, 120.0, 120.0]
    )
    plan = split_weekdays(rs, np.zeros(3, dtype=np.int64), 1, estimate_workload(rs))
    assert isinstance(plan, WeekdayPlan)
    assert len(set(plan.weekday.tolist())) == 3


def _day_spread(work: np.ndarray, day: np.ndarray, territory: np.ndarray, k: int) -> float:
    """The worst weekday's workload deviation from its territory's mean day, over territories."""
    worst = 0.0
    for t in range(k):
        per = np.bincount(day[territory == t], weights=work[territory == t], minlength=5)
        worst = max(worst, float(np.abs(per / per.mean() - 1.0).max()))
    return worst


def test_a_capped_schedule_keeps_order_days_and_changes_only_what_balance_needs(
    city: RetailerSet, proposal: TerritoryProposal
) -> None:
    """Order days lopsided towards Monday: with a 10 % cap each territory changes at most a
    tenth of its ordering retailers' days and its weekdays end more even than they started;
    a 0 cap changes none; without a cap the zones are drawn afresh and most days change."""
    rng = np.random.default_rng(8)
    order_day = rng.choice(5, size=city.n, p=[0.3, 0.2, 0.2, 0.15, 0.15]).astype(np.int64)
    order_day[rng.choice(city.n, size=40, replace=False)] = -1  # no fixed order day
    rs = with_columns(city, order_weekday=order_day)
    workload = estimate_workload(rs)
    territory = np.asarray(proposal.territory)
    ordering = order_day >= 0

    def changed(plan: WeekdayPlan) -> np.ndarray:
        return ordering & (plan.weekday != order_day)

    capped = split_weekdays(rs, territory, 6, workload, max_order_day_change_share=0.1)
    for t in range(6):
        mine = territory == t
        assert changed(capped)[mine].sum() <= int(0.1 * (ordering & mine).sum())
    before = _day_spread(workload.total_min, np.where(ordering, order_day, 0), territory, 6)
    after = _day_spread(workload.total_min, capped.weekday, territory, 6)
    assert changed(capped).sum() > 0  # lopsided days were evened out ...
    assert after < before  # ... and it helped

    frozen = split_weekdays(rs, territory, 6, workload, max_order_day_change_share=0.0)
    assert changed(frozen).sum() == 0
    assert set(frozen.weekday[~ordering].tolist()) <= set(range(5))

    free = split_weekdays(rs, territory, 6, workload)
    assert changed(free).sum() > 0.5 * ordering.sum()
    with pytest.raises(InvalidRetailersError, match=r"\[0, 1\]"):
        split_weekdays(rs, territory, 6, workload, max_order_day_change_share=1.5)


def test_a_river_makes_the_schedule_drive_to_its_bridge(
    city: RetailerSet, proposal: TerritoryProposal
) -> None:
    """A river through the district, one bridge mid-town: territories on both banks drive
    over it, so the schedule's kilometres grow, and every day still keeps the cap and hours."""
    from gql.services.territories.rules.barriers import Barrier, Barriers, Crossing

    lat0 = float(np.median(city.lat_deg))
    mid = float(np.median(city.lon_deg))
    west, east = float(city.lon_deg.min()) - 0.1, float(city.lon_deg.max()) + 0.1
    river = Barrier("river", "river", (lat0, lat0), (west, east))
    bridge = Crossing("bridge", "bridge", (lat0 - 0.002, lat0 + 0.002), (mid, mid))
    plain = plan_schedule(city, proposal.territory, 6, cap_hours=10.0)
    bridged = plan_schedule(
        city,
        proposal.territory,
        6,
        cap_hours=10.0,
        barriers=Barriers(barriers=(river,), crossings=(bridge,)),
    )
    assert bridged.metrics.total_travel_m > plain.metrics.total_travel_m * 1.01
    assert bridged.metrics.days_over_cap == 0
    assert bridged.metrics.late_stops == 0
    north = city.lat_deg > lat0
    straddling = {
        j for j in range(6) if len(set(north[np.asarray(proposal.territory) == j].tolist())) == 2
    }
    assert straddling  # the test means something only if some territory spans the river


def test_fortnightly_and_monthly_shops_are_phased_by_place() -> None:
    """Twelve shops along a street on one weekday, weekly at the ends aside: the fortnightly
    ones on the west half share weeks 1 & 3, the east half weeks 2 & 4; the monthly ones of
    each half split again (weeks 1 | 3 west, 2 | 4 east), each week carrying equal load."""
    from gql.services.territories.rules.weekdays import _phases

    n = 12
    xy = np.column_stack([np.zeros(n), 100.0 * np.arange(n)])  # west → east
    visits = np.array([2, 2, 1, 1, 2, 2, 2, 2, 1, 1, 2, 2])
    per_visit = np.ones(n)
    phase = _phases(np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64), visits,
                    per_visit, xy)  # fmt: skip
    west, east = np.arange(n) < 6, np.arange(n) >= 6
    fortnightly, monthly = visits == 2, visits == 1
    assert len(set(phase[west & fortnightly])) == 1
    assert len(set(phase[east & fortnightly])) == 1
    assert phase[west & fortnightly][0] != phase[east & fortnightly][0]
    # each half's two monthly shops take the two weeks of that half's fortnightly phase
    for half in (west, east):
        p = phase[half & fortnightly][0]
        assert sorted(phase[half & monthly].tolist()) == [p, p + 2]
    week_load = np.zeros(4)
    for i in range(n):
        weeks = [phase[i], phase[i] + 2] if visits[i] == 2 else [phase[i]]
        week_load[weeks] += per_visit[i]
    assert week_load.tolist() == [5.0, 5.0, 5.0, 5.0]
