"""Issue 15, defects 9 and 10: quarters and years ranked company-wide (the unit of essay 7) with
the department view kept; breaches counted over the policy's window; results explain why."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from gql.domain.evaluations import PeriodKind, RankScope, ScoreEventKind
from gql.services.errors import InvalidInput
from gql.services.evaluations import rules as scoring
from gql.services.evaluations.explanations import FlagKind
from gql.services.evaluations.score_events import EventCommand
from tests.gql.services.evaluations.world import World, at, build_world

MONTH, QUARTER, YEAR = PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR


@pytest.fixture
def world(db_session: Session) -> World:
    """The small company, rolled back after the test."""
    return build_world(db_session)


def _checks(world: World, manager: int, day: date, failed: int) -> None:
    """``failed`` failed basic-work checks (−5 each) recorded on ``day``."""
    evaluations = world.services(world.marketing, at(day + timedelta(days=1))).evaluations
    for _ in range(failed):
        evaluations.record(
            EventCommand(
                manager_id=manager,
                kind=ScoreEventKind.BASIC_WORK_CHECK,
                occurred_on=day,
                item="retailer files",
                passed=False,
            )
        )


def _month_texts(year: int, months: range) -> list[str]:
    return [f"{year}-{m:02d}" for m in months]


def _first_business_day_after(month: scoring.Month) -> date:
    return month.last_day + timedelta(days=1)


def _close_each(world: World, year: int, months: range) -> None:
    for m in months:
        month = scoring.Month(year, m)
        world.close_months([str(month)], at(_first_business_day_after(month)))


def test_a_quarter_eliminates_the_two_lowest_of_the_company_not_of_each_department(
    world: World,
) -> None:
    """Department 1 scores 270, 285, 300 over Q3 (no targets: quality alone), department 2 scores
    300 each. Company-wide only the two lowest are flagged (it used to flag two per department);
    the department board of department 2 keeps its own ranks and shows the company's; a
    department cannot be given when the policy ranks the company."""
    first, second = world.departments
    low, lower = world.managers[first][1], world.managers[first][0]
    for m in (7, 8, 9):
        _checks(world, lower, date(2026, m, 10), 2)
        _checks(world, low, date(2026, m, 10), 1)
    _close_each(world, 2026, range(7, 10))
    october = world.services(world.marketing, at(date(2026, 10, 2)))
    with pytest.raises(InvalidInput, match="company-wide") as info:
        october.periods.close(QUARTER, "2026-Q3", first)
    assert info.value.field == ("department_id",)
    closed = october.periods.close(QUARTER, "2026-Q3", None)
    flagged = sorted(v.result.manager_id for v in closed if v.current["eliminated"])
    assert flagged == sorted([low, lower])
    assert {v.result.scope for v in closed} == {RankScope.COMPANY}
    board = october.boards.scoreboard(second, QUARTER, "2026-Q3")
    assert [(r.rank, r.company_rank) for r in board.rows] == [(1, 1), (1, 1), (1, 1)]
    company = october.boards.scoreboard(None, QUARTER, "2026-Q3")
    assert [r.company_rank for r in company.rows] == [1, 1, 1, 1, 5, 6]
    explained = october.evaluations.explain(next(v for v in closed if v.result.manager_id == lower))
    assert [(f.flag, f.reason) for f in explained.flags] == [
        (FlagKind.ELIMINATION, "lowest_quarterly_total")
    ]
    assert [t for _, t in explained.monthly_totals] == [90.0, 90.0, 90.0]


def test_a_department_scope_policy_ranks_each_department(world: World) -> None:
    """The same quarter under ``scope.quarterly_elimination = "department"``: department 1's
    two lowest are flagged and department 2 (all tied at 300) flags its three at the cut."""
    world.policy = dataclasses.replace(
        world.policy, scope=scoring.policy.ScopePolicy("department", "department")
    )
    first, second = world.departments
    for m in (7, 8, 9):
        _checks(world, world.managers[first][0], date(2026, m, 10), 2)
        _checks(world, world.managers[first][1], date(2026, m, 10), 1)
    _close_each(world, 2026, range(7, 10))
    october = world.services(world.marketing, at(date(2026, 10, 2)))
    closed = october.periods.close(QUARTER, "2026-Q3", None)
    flagged = {v.result.manager_id for v in closed if v.current["eliminated"]}
    assert flagged == {*world.managers[first][:2], *world.managers[second]}
    assert {v.result.scope for v in closed} == {RankScope.DEPARTMENT}


def test_a_year_names_one_model_worker_of_the_company_and_says_why_others_are_not(
    world: World,
) -> None:
    """2025: department 1 loses 10, 5, 0 points, department 2 loses 15, 20 and has a month void
    by veto. One model worker (department 1's best) and two advanced workers for the company;
    the void manager is not eligible, naming the month; the department board keeps ranks."""
    first, second = world.departments
    d1, d2 = world.managers[first], world.managers[second]
    _checks(world, d1[0], date(2025, 3, 10), 2)
    _checks(world, d1[1], date(2025, 3, 10), 1)
    _checks(world, d2[0], date(2025, 3, 10), 3)
    _checks(world, d2[1], date(2025, 3, 10), 4)
    world.services(world.marketing, at(date(2025, 5, 12))).evaluations.record(
        EventCommand(
            manager_id=d2[2],
            kind=ScoreEventKind.COMPLIANCE_VETO,
            occurred_on=date(2025, 5, 11),
            veto="split_orders",
            bad_effect=False,
        )
    )
    _close_each(world, 2025, range(1, 12))
    january = world.services(world.marketing, at(date(2026, 1, 5)))
    with pytest.raises(InvalidInput, match="close 2025-12 first"):
        january.periods.close(YEAR, "2025", None)
    world.close_months(["2025-12"], at(date(2026, 1, 1)))
    closed = {v.result.manager_id: v for v in january.periods.close(YEAR, "2025", None)}
    honours = {m: v.current["honour"] for m, v in closed.items() if v.current["honour"]}
    assert honours == {
        d1[2]: "model_worker",
        d1[1]: "advanced_worker",
        d1[0]: "advanced_worker",
    }
    void = january.evaluations.explain(closed[d2[2]])
    assert [(f.flag, f.reason, f.months) for f in void.flags] == [
        (FlagKind.NOT_ELIGIBLE, "void_month", ("2025-05",))
    ]
    best = january.evaluations.explain(closed[d1[2]])
    assert [(f.flag, f.reason) for f in best.flags] == [(FlagKind.HONOUR, "model_worker")]
    assert best.honour_rank == 1
    assert len(best.monthly_totals) == 12
    board = january.boards.scoreboard(second, YEAR, "2025")
    assert [r.rank for r in board.rows] == [1, 2, 3]
    assert [r.company_rank for r in board.rows] == [4, 5, 6]


def test_breaches_count_over_the_policy_window_across_months(world: World) -> None:
    """Two breaches in November and one in December: December's discipline is zeroed and a
    dismissal flag raised citing all three (the count used to restart each month); with a
    monthly window December only costs 5."""
    manager = world.managers[world.departments[0]][0]
    for day in (date(2026, 11, 3), date(2026, 11, 17), date(2026, 12, 2)):
        world.services(world.marketing, at(day)).evaluations.record(
            EventCommand(
                manager_id=manager,
                kind=ScoreEventKind.RULE_BREACH,
                occurred_on=day,
                breach="ordinary",
            )
        )
    december = world.services(world.marketing, at(date(2026, 12, 4))).evaluations
    view = december.month(manager, "2026-12")
    assert view.values["discipline"] == 0.0
    assert [d.reason.value for d in view.dismissals] == ["breach_limit"]
    assert len(view.dismissals[0].event_ids) == 3
    world.policy = dataclasses.replace(
        world.policy,
        discipline=dataclasses.replace(world.policy.discipline, breach_window="month"),
    )
    monthly = world.services(world.marketing, at(date(2026, 12, 4))).evaluations
    assert monthly.month(manager, "2026-12").values["discipline"] == 35.0
