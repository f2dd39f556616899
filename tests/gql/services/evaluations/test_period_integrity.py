"""Issue 15, defect 1: periods close when they are over, reopen with history, reviews tracked."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from gql.domain.evaluations import PeriodKind, ScoreEventKind
from gql.services.errors import Forbidden, InvalidInput
from gql.services.evaluations.periods import parse_period
from gql.services.evaluations.score_events import EventCommand
from tests.gql.services.evaluations.world import World, at, build_world

MONTH, QUARTER, YEAR = PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR


@pytest.fixture
def world(db_session: Session) -> World:
    """The small company, rolled back after the test."""
    return build_world(db_session)


def _breach(manager: int, day: date) -> EventCommand:
    return EventCommand(
        manager_id=manager, kind=ScoreEventKind.RULE_BREACH, occurred_on=day, breach="ordinary"
    )


def test_a_running_month_cannot_be_closed(world: World) -> None:
    """On 4 December, December and January are refused naming the first day they can close;
    nothing is written. From 1 January (the day after Thursday 31 December) December closes."""
    periods = world.services(world.marketing, at(date(2026, 12, 4))).periods
    with pytest.raises(InvalidInput, match="close it from 2027-01-01") as info:
        periods.close(MONTH, "2026-12", None)
    assert info.value.field == ("period",)
    with pytest.raises(
        InvalidInput, match="last business day 2027-01-29: close it from 2027-01-30"
    ):
        periods.close(MONTH, "2027-01", None)
    store = world.services(world.marketing, at(date(2026, 12, 4))).evaluations.store
    assert store.results(kind=MONTH, periods=["2026-12", "2027-01"]) == []
    closed = world.services(world.marketing, at(date(2027, 1, 1), 9)).periods.close(
        MONTH, "2026-12", None
    )
    assert len(closed) == len(world.all_managers)


def test_a_month_ending_on_a_weekend_closes_after_its_last_business_day(world: World) -> None:
    """February 2026 ends on Saturday 28: its last business day is Friday 27, so it closes on
    the 28th but not on the 27th."""
    with pytest.raises(InvalidInput, match="2026-02-27"):
        world.services(world.marketing, at(date(2026, 2, 27), 18)).periods.close(
            MONTH, "2026-02", None
        )
    done = world.services(world.marketing, at(date(2026, 2, 28))).periods.close(
        MONTH, "2026-02", None
    )
    assert {v.result.period for v in done} == {"2026-02"}


def test_a_year_or_quarter_closes_only_once_each_of_its_months_is(world: World) -> None:
    """With January alone closed, the year is refused (it used to extrapolate January ×12);
    the first quarter needs February and March too; nothing is written."""
    world.close_months(["2026-01"], at(date(2026, 2, 2)))
    periods = world.services(world.marketing, at(date(2027, 1, 5))).periods
    with pytest.raises(InvalidInput, match="close 2026-02 first"):
        periods.close(YEAR, "2026", None)
    with pytest.raises(InvalidInput, match="close 2026-02 first"):
        periods.close(QUARTER, "2026-Q1", None)
    world.close_months(["2026-02", "2026-03"], at(date(2026, 4, 1)))
    quarter = periods.close(QUARTER, "2026-Q1", None)
    assert len(quarter) == len(world.all_managers)
    store = world.services(world.marketing, at(date(2027, 1, 5))).evaluations.store
    assert store.results(kind=YEAR, periods=["2026"]) == []


def test_reopening_keeps_every_result_and_the_next_closing_is_a_new_revision(
    world: World,
) -> None:
    """June closes; a breach is then refused; marketing reopens with a reason; the breach is
    accepted; closing again writes revision 2 (discipline 35) and the file keeps revision 1,
    marked reopened with its reason. Only marketing reopens, and only with a reason."""
    manager = world.managers[world.departments[0]][0]
    world.close_months(["2026-06"], at(date(2026, 7, 1)))
    july = world.services(world.marketing, at(date(2026, 7, 2)))
    with pytest.raises(InvalidInput, match="2026-06 is closed"):
        july.evaluations.record(_breach(manager, date(2026, 6, 29)))
    head = world.services(world.heads[world.departments[0]], at(date(2026, 7, 2)))
    with pytest.raises(Forbidden):
        head.periods.reopen(MONTH, "2026-06", None, "late breach")
    with pytest.raises(InvalidInput, match="say why") as info:
        july.periods.reopen(MONTH, "2026-06", None, "  ")
    assert info.value.field == ("reason",)
    reopened = july.periods.reopen(MONTH, "2026-06", None, "late breach report from the head")
    assert len(reopened.results) == len(world.all_managers)
    assert all(v.result.reopening is not None for v in reopened.results)
    july.evaluations.record(_breach(manager, date(2026, 6, 29)))
    again = july.periods.close(MONTH, "2026-06", None)
    mine = next(v for v in again if v.result.manager_id == manager)
    assert (mine.result.revision, mine.current["discipline"]) == (2, 35.0)
    file = july.evaluations.file(manager, MONTH)
    assert [(v.result.revision, v.result.reopening is None) for v in file] == [
        (1, False),
        (2, True),
    ]
    first = file[0].result
    assert first.reopening is not None
    assert first.reopening.reason == "late breach report from the head"
    assert first.values["discipline"] == 40.0  # never overwritten


def test_a_month_of_a_closed_quarter_is_reopened_only_after_the_quarter(world: World) -> None:
    """Reopening September while Q3 is closed is refused: reopen the quarter first."""
    world.close_months(["2026-07", "2026-08", "2026-09"], at(date(2026, 10, 1)))
    october = world.services(world.marketing, at(date(2026, 10, 5)))
    october.periods.close(QUARTER, "2026-Q3", None)
    with pytest.raises(InvalidInput, match="2026-Q3 is closed: reopen it first"):
        october.periods.reopen(MONTH, "2026-09", None, "recount")
    october.periods.reopen(QUARTER, "2026-Q3", None, "recount")
    october.periods.reopen(MONTH, "2026-09", None, "recount")


def test_review_deadlines_are_tracked_and_overdue_reviews_listed(world: World) -> None:
    """October closes on 2 November. On 5 November both departments' monthly reviews are
    overdue (deadline 3 November); department 1's head records theirs (held 3 November, on
    time) and it leaves the list; department 2's head sees only their own; a manager may not
    look; a review of an open month is refused."""
    first, second = world.departments
    world.close_months(["2026-10"], at(date(2026, 11, 2)))
    marketing = world.services(world.marketing, at(date(2026, 11, 5))).periods
    overdue = marketing.overdue_reviews(date(2026, 11, 1))
    assert [(o.kind, o.period, o.department_id, o.deadline, o.closed) for o in overdue] == [
        (MONTH, "2026-10", first, date(2026, 11, 3), True),
        (MONTH, "2026-10", second, date(2026, 11, 3), True),
    ]
    head = world.services(world.heads[first], at(date(2026, 11, 5))).periods
    review = head.record_review(MONTH, "2026-10", first, date(2026, 11, 3), "all present")
    assert review.held_on <= marketing.deadline(MONTH, parse_period(MONTH, "2026-10"))
    assert [o.department_id for o in marketing.overdue_reviews(date(2026, 11, 1))] == [second]
    other = world.services(world.heads[second], at(date(2026, 11, 5))).periods
    assert [o.department_id for o in other.overdue_reviews(date(2026, 11, 1))] == [second]
    with pytest.raises(InvalidInput, match="already recorded"):
        head.record_review(MONTH, "2026-10", first, date(2026, 11, 4))
    with pytest.raises(InvalidInput, match="close 2026-11"):
        world.services(world.heads[first], at(date(2026, 12, 2))).periods.record_review(
            MONTH, "2026-11", first, date(2026, 12, 1)
        )
    manager = world.principal(world.managers[first][0])
    with pytest.raises(Forbidden):
        world.services(manager, at(date(2026, 11, 5))).periods.overdue_reviews()


def test_a_month_without_targets_closes_with_the_no_target_treatment(
    world: World,
) -> None:
    """A month without targets closes with every manager's no-target business part."""
    done = world.services(world.marketing, at(date(2027, 1, 4))).periods.close(
        MONTH, "2026-12", world.departments[0]
    )
    assert len(done) == 3
    assert all(v.current["no_target"] is True for v in done)
