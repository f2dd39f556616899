"""A manager-month totals its days exactly: every measure from months equals it from the days.

Three hand-made days of one manager in November and one in December (an even count of first
starts, so the median is a mean of two; a day without visits; a day with a τ and one without),
rolled up per month and read back from their stored form.
"""

from dataclasses import fields
from datetime import date

import pytest

from gql.services.reports import rules
from gql.services.reports.effect_report import DayFacts
from gql.services.reports.manager_days import ManagerDay
from gql.services.reports.manager_months import (
    day_facts,
    from_json,
    full_months,
    month_end,
    months_of,
    to_json,
    unit_of_day,
    units_of_bytes,
    units_to_bytes,
    work_of_day,
)


def _day(
    day: date, *, visits: int, first: int | None, dwells: tuple[int, ...], tau: float | None
) -> ManagerDay:
    discipline = rules.DisciplineDay(
        manager_id=7,
        day=day,
        planned=5,
        visited=min(5, visits),
        verified=min(4, visits),
        skip_reasons={"closed": 1} if visits < 5 else {},
        verdicts={"IN_PLACE": visits - 1, "PENDING": 1} if visits else {},
        visits=visits,
        unplanned=1 if visits else 0,
        late_uploads=visits // 3,
        outside_hours=1 if visits else 0,
        hours_unknown=0,
        first_start_s=first,
        last_end_s=None if first is None else first + 7 * 3600,
        dwells_s=dwells,
        flags={"STALE_FIX": 1} if visits > 3 else {},
    )
    route = rules.RouteDay(
        manager_id=7,
        day=day,
        plan_m=10_000 + visits,
        baseline_m=0 if visits == 0 else 12_500,
        compared_stops=visits,
        planned_order_m=9_000,
        own_order_m=9_500 + 100 * visits,
        travelled_m=8_000,
        travelled_points=max(0, visits - 1),
        tau=tau,
        in_order=max(0, visits - 2),
    )
    return ManagerDay(discipline, route, travel_s=600 * visits)


DAYS = [
    _day(date(2026, 11, 2), visits=5, first=8 * 3600, dwells=(300, 600, 900), tau=0.8),
    _day(date(2026, 11, 3), visits=0, first=None, dwells=(), tau=None),
    _day(date(2026, 11, 4), visits=4, first=9 * 3600 + 7, dwells=(120, 2500), tau=1 / 3),
    _day(date(2026, 12, 1), visits=3, first=7 * 3600, dwells=(45,), tau=-0.2),
]


def _round_trip(days: list[ManagerDay]) -> list[rules.DisciplineMonth]:
    return [from_json(*m.key, to_json(m)).discipline for m in months_of(days)]


def test_discipline_from_months_equals_discipline_from_days() -> None:
    from_days = rules.discipline_of_days(d.discipline for d in DAYS)
    from_months = rules.discipline_of_days([], months=_round_trip(DAYS))
    assert from_months == from_days
    # by hand: 4 manager-days (each has a plan, one no visit)
    assert from_days.manager_days == 4
    assert from_days.first_start_median_s == 8 * 3600  # (7:00, 8:00, 9:00:07): the middle one
    assert from_days.dwell_median_s == 450  # (45, 120, 300, 600, 900, 2500): (300 + 600) / 2
    assert from_days.skip_reasons == {"closed": 3}


def test_months_and_days_mix() -> None:
    """December as loose days, November as its month: the same totals."""
    november = [m for m in months_of(DAYS) if m.key[1] == date(2026, 11, 1)]
    mixed = rules.discipline_of_days([DAYS[3].discipline], months=[m.discipline for m in november])
    assert mixed == rules.discipline_of_days(d.discipline for d in DAYS)
    routes = rules.routes([DAYS[3].route], [m.route for m in november])
    assert routes == rules.routes([d.route for d in DAYS])


def test_routes_from_months_equal_routes_from_days() -> None:
    months = [from_json(*m.key, to_json(m)).route for m in months_of(DAYS)]
    from_days = rules.routes([d.route for d in DAYS])
    assert rules.routes([], months) == from_days
    assert from_days.tau_mean == pytest.approx((0.8 + 1 / 3 - 0.2) / 3)
    assert from_days.tau_days == 3
    # the day without a baseline is left out of the planner's saving
    assert from_days.baseline_saving_pct == pytest.approx(
        100 * (3 * 12_500 - (10_005 + 10_004 + 10_003)) / (3 * 12_500)
    )


def test_work_and_effect_units_of_a_month() -> None:
    stored = months_of(DAYS)[0]
    november = from_json(*stored.key, to_json(stored), units_to_bytes(stored.unit_rows))
    works = [work_of_day(d) for d in DAYS[:3]]
    assert november.work == (7, 2, 9, 300 + 600 + 900 + 120 + 2500, 600 * 9)
    assert november.work[1:] == tuple(sum(w[i] for w in works) for i in range(1, 5))
    assert november.units() == [(d.key[1], day_facts(d)) for d in DAYS[:3]]


def test_a_days_unit_row_holds_its_effect_facts_in_order() -> None:
    for d in DAYS:
        facts = day_facts(d)
        assert [facts.manager_id, *unit_of_day(d)] == [
            getattr(facts, f.name) for f in fields(DayFacts)
        ]


def test_stored_units_are_exact_and_keep_a_missing_length_missing() -> None:
    """The packed float64 units read back as the days' own whole numbers, None as NaN."""
    december = months_of(DAYS)[1]
    no_plan = [2, *[0] * (len(fields(DayFacts)) - 3), None, None]  # a day without a plan
    rows = [*december.unit_rows, no_plan]
    table = units_of_bytes(units_to_bytes(rows))
    assert table.shape == (2, len(fields(DayFacts)))
    for row, unit in zip(table.tolist(), rows, strict=True):
        assert [None if v != v else int(v) for v in row] == list(unit)
    assert from_json(*december.key, to_json(december)).unit_rows == []  # not asked for
    with pytest.raises(ValueError, match="full refresh"):
        units_of_bytes(b"\x00" * 8)


def test_stored_months_of_another_layout_are_refused() -> None:
    stored = to_json(months_of(DAYS)[0])
    with pytest.raises(ValueError, match="full refresh"):
        from_json(7, date(2026, 11, 1), [1, *stored[1:]])
    with pytest.raises(ValueError, match="full refresh"):
        from_json(7, date(2026, 11, 1), stored[:-1])


def test_full_months_of_a_period() -> None:
    assert full_months(rules.ReportPeriod(date(2026, 1, 1), date(2026, 12, 31))) == [
        date(2026, m, 1) for m in range(1, 13)
    ]
    assert full_months(rules.ReportPeriod(date(2026, 1, 2), date(2026, 3, 30))) == [
        date(2026, 2, 1)
    ]
    assert full_months(rules.ReportPeriod(date(2026, 2, 1), date(2026, 2, 27))) == []
    assert month_end(date(2028, 2, 1)) == date(2028, 2, 29)
    assert month_end(date(2026, 12, 1)) == date(2026, 12, 31)
