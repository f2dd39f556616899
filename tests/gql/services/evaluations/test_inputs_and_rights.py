"""Issue 15, defects 2, 3, 4 and 8 (and issue 14 item 3): amendments recompute, inputs are
range-checked, events have a lifecycle, findings cite real evidence, rights as essay 7 says."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import pytest
from sqlalchemy.orm import Session

from gql.domain.audits import RetailerAnswer
from gql.domain.evaluations import PeriodKind, ScoreEventKind, ScoreEventStatus
from gql.services.audits.commands import AuditDesign, AuditPlanCreate, AuditRecordSubmit
from gql.services.audits.service import AuditService
from gql.services.errors import Forbidden, InvalidInput, NotFound
from gql.services.evaluations.score_events import EventCommand
from tests.gql.services.evaluations.world import (
    World,
    at,
    audit_plan,
    audit_record,
    build_world,
)

MONTH = PeriodKind.MONTH
JUNE_20 = at(date(2026, 6, 20))


@pytest.fixture
def world(db_session: Session) -> World:
    """The small company, rolled back after the test."""
    return build_world(db_session)


def _event(manager: int, kind: ScoreEventKind, day: date, **fields: Any) -> EventCommand:
    return EventCommand(manager_id=manager, kind=kind, occurred_on=day, **fields)


# -- defect 2: amendments recompute ----------------------------------------------------------


def _closed_june(world: World, manager: int) -> int:
    world.close_months(["2026-06"], at(date(2026, 7, 1)))
    store = world.services(world.marketing, JUNE_20).evaluations.store
    return store.results(kind=MONTH, periods=["2026-06"], manager_ids=[manager])[0].id


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"total": 150}, "total"),
        ({"total": -5}, "total"),
        ({"business": 250}, "business"),
        ({"policy_version": "x"}, "policy_version"),
        ({"discipline": 41}, "discipline"),
    ],
)
def test_amendments_are_range_checked_and_totals_not_amendable(
    world: World, changes: dict[str, Any], field: str
) -> None:
    """Each refused with the field named; the result keeps no amendment."""
    manager = world.managers[world.departments[0]][0]
    result_id = _closed_june(world, manager)
    evaluations = world.services(world.marketing, at(date(2026, 7, 3))).evaluations
    with pytest.raises(InvalidInput) as info:
        evaluations.amend(result_id, "recount", changes)
    assert info.value.field == ("changes", field)
    assert evaluations.result(result_id).result.amendments == ()


def test_amending_a_part_derives_the_total_so_the_file_never_contradicts_itself(
    world: World,
) -> None:
    """June without a target is scored on quality alone (100); discipline 40 → 30 moves the
    total to 90, the history shows both, the month's lines still add up, and the scoreboard
    ranks the amended total."""
    first = world.departments[0]
    manager = world.managers[first][0]
    result_id = _closed_june(world, manager)
    s = world.services(world.marketing, at(date(2026, 7, 3)))
    view = s.evaluations.amend(result_id, "breach found late", {"discipline": 30.0})
    assert view.current["discipline"] == 30.0
    assert view.current["total"] == pytest.approx(90.0)
    assert [c.field for c in view.history[1].changes] == ["discipline", "total"]
    month = s.evaluations.month(manager, "2026-06")
    assert sum(line.weighted_points for line in month.lines) == pytest.approx(90.0)
    assert [line.rule for line in month.lines][-1] == "amendment"
    board = s.boards.scoreboard(first, MONTH, "2026-06")
    row = next(r for r in board.rows if r.manager_id == manager)
    assert (row.total, row.rank) == (pytest.approx(90.0), 3)


# -- defect 3: input ranges ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "day", "fields", "field"),
    [
        (
            ScoreEventKind.TRAINING_RESULT,
            date(2026, 6, 10),
            {"training": "exam", "exam_score": 150.0},
            "exam_score",
        ),
        (ScoreEventKind.LEAVE, date(2026, 6, 10), {"days": 400}, "days"),
        (ScoreEventKind.RULE_BREACH, date(2031, 6, 10), {"breach": "ordinary"}, "occurred_on"),
        (ScoreEventKind.RULE_BREACH, date(1999, 6, 10), {"breach": "ordinary"}, "occurred_on"),
        (
            ScoreEventKind.RULE_BREACH,
            date(2026, 6, 10),
            {"breach": "ordinary", "note": "x" * 501},
            "note",
        ),
        (
            ScoreEventKind.BASIC_WORK_CHECK,
            date(2026, 6, 10),
            {"item": "y" * 121, "passed": False},
            "item",
        ),
    ],
)
def test_inputs_out_of_range_are_refused_naming_the_field(
    world: World, kind: ScoreEventKind, day: date, fields: dict[str, Any], field: str
) -> None:
    """An exam of 150, a 400-day leave, 2031, 1999, overlong texts: refused, nothing stored."""
    manager = world.managers[world.departments[0]][0]
    evaluations = world.services(world.marketing, JUNE_20).evaluations
    with pytest.raises(InvalidInput) as info:
        evaluations.record(_event(manager, kind, day, **fields))
    assert info.value.field == (field,)
    assert evaluations.store.events([manager], date(1990, 1, 1), date(2040, 1, 1)) == []


# -- defect 8: rights as essay 7 describes --------------------------------------------------


def test_heads_record_discipline_and_basic_work_for_their_department_only(world: World) -> None:
    """The head records a breach and a basic-work check (recorded_by = the head); training and
    vetoes stay marketing's; another department's manager is as missing as a stranger; an
    auditor records no breach; a manager records nothing."""
    first, second = world.departments
    mine, theirs = world.managers[first][0], world.managers[second][0]
    head = world.services(world.heads[first], JUNE_20).evaluations
    breach = head.record(
        _event(mine, ScoreEventKind.RULE_BREACH, date(2026, 6, 3), breach="ordinary")
    )
    assert breach.recorded_by == world.heads[first].staff_id
    deputy = world.services(world.deputies[first], JUNE_20).evaluations
    deputy.record(
        _event(mine, ScoreEventKind.BASIC_WORK_CHECK, date(2026, 6, 4), item="files", passed=False)
    )
    with pytest.raises(Forbidden):
        head.record(
            _event(
                mine,
                ScoreEventKind.TRAINING_RESULT,
                date(2026, 6, 5),
                training="practical",
                passed=False,
            )
        )
    with pytest.raises(Forbidden):
        head.record(
            _event(
                mine,
                ScoreEventKind.COMPLIANCE_VETO,
                date(2026, 6, 5),
                veto="resale",
                bad_effect=True,
            )
        )
    with pytest.raises(NotFound):
        head.record(_event(theirs, ScoreEventKind.RULE_BREACH, date(2026, 6, 3), breach="ordinary"))
    auditor = world.services(world.auditor, JUNE_20).evaluations
    with pytest.raises(Forbidden):
        auditor.record(
            _event(mine, ScoreEventKind.RULE_BREACH, date(2026, 6, 3), breach="ordinary")
        )
    manager = world.services(world.principal(mine), JUNE_20).evaluations
    with pytest.raises(Forbidden):
        manager.record(_event(mine, ScoreEventKind.LEAVE, date(2026, 6, 3), days=1))
    score = world.services(world.marketing, JUNE_20).evaluations.month(mine, "2026-06")
    assert (score.values["discipline"], score.values["basic_work"]) == (35.0, 35.0)


# -- defect 4: events have a lifecycle -------------------------------------------------------


def test_a_mistaken_event_is_retracted_while_the_month_is_open(world: World) -> None:
    """The head retracts their own breach (reason, by whom kept; the score is whole again);
    a manager may not; after the month closes nothing is retracted (amend instead)."""
    first = world.departments[0]
    mine = world.managers[first][0]
    head = world.services(world.heads[first], JUNE_20).evaluations
    breach = head.record(
        _event(mine, ScoreEventKind.RULE_BREACH, date(2026, 6, 3), breach="ordinary")
    )
    other = head.record(
        _event(mine, ScoreEventKind.RULE_BREACH, date(2026, 6, 4), breach="ordinary")
    )
    with pytest.raises(Forbidden):
        world.services(world.principal(mine), JUNE_20).evaluations.retract(breach.id, "mine")
    done = head.retract(breach.id, "wrong manager")
    assert (done.status, done.decided_by, done.decision_reason) == (
        ScoreEventStatus.RETRACTED,
        world.heads[first].staff_id,
        "wrong manager",
    )
    assert head.month(mine, "2026-06").values["discipline"] == 35.0
    with pytest.raises(InvalidInput, match="RETRACTED"):
        head.retract(breach.id, "again")
    world.close_months(["2026-06"], at(date(2026, 7, 1)))
    with pytest.raises(InvalidInput, match="2026-06 is closed"):
        world.services(world.marketing, at(date(2026, 7, 2))).evaluations.retract(other.id, "x")


def test_a_finding_must_cite_an_audit_record_of_the_callers_own_plan(world: World) -> None:
    """Issue 14 item 3: a made-up record, a record of someone else's plan, of another manager,
    or one that does not show the finding are refused; a true one is recorded once."""
    first = world.departments[0]
    manager, colleague = world.managers[first][:2]
    shop = world.retailers[manager][0]
    other_auditor = world.principal(world.marketing.staff_id)  # any other staff member
    plan = audit_plan(world, date(2026, 6, 10), world.auditor, [shop])
    record = audit_record(
        world, plan, shop, world.auditor, date(2026, 6, 10), price_tags_shown=False
    )
    foreign_plan = audit_plan(
        world, date(2026, 6, 10), other_auditor, [world.retailers[manager][1]]
    )
    foreign = audit_record(
        world,
        foreign_plan,
        world.retailers[manager][1],
        other_auditor,
        date(2026, 6, 10),
        price_tags_shown=False,
    )
    auditor = world.services(world.auditor, at(date(2026, 6, 11))).evaluations

    def finding(
        audit_id: int, kind: str, who: int = manager, day: date = date(2026, 6, 10)
    ) -> EventCommand:
        return _event(who, ScoreEventKind.AUDIT_FINDING, day, finding=kind, audit_id=str(audit_id))

    for command, field in (
        (finding(987_654, "price_tags_missing"), "audit_id"),
        (finding(foreign, "price_tags_missing"), "audit_id"),
        (finding(record, "price_tags_missing", who=colleague), "audit_id"),
        (finding(record, "policy_not_promoted"), "finding"),
        (finding(record, "price_tags_missing", day=date(2026, 6, 9)), "occurred_on"),
    ):
        with pytest.raises(InvalidInput) as info:
            auditor.record(command)
        assert info.value.field == (field,)
    event = auditor.record(finding(record, "price_tags_missing"))
    assert event.status is ScoreEventStatus.RECORDED
    with pytest.raises(InvalidInput, match="already recorded"):
        auditor.record(finding(record, "price_tags_missing"))
    marketing = world.services(world.marketing, at(date(2026, 6, 11))).evaluations
    assert marketing.month(manager, "2026-06").values["basic_work"] == 35.0


def test_findings_of_an_auditor_not_in_place_are_held_and_closed_months_get_proposals(
    world: World,
) -> None:
    """A finding whose auditor's own check was NOT_IN_PLACE is HELD and does not score; one for
    a closed month is PROPOSED; marketing accepts: the held one scores in its open month, the
    proposal amends the closed result (basic work −5, total derived) citing the event."""
    first = world.departments[0]
    manager = world.managers[first][0]
    shops = world.retailers[manager]
    marketing = world.services(world.marketing, at(date(2026, 6, 12))).evaluations
    plan = audit_plan(world, date(2026, 6, 10), world.auditor, shops[:2])
    away = audit_record(
        world,
        plan,
        shops[0],
        world.auditor,
        date(2026, 6, 10),
        price_tags_shown=False,
        auditor_verdict="NOT_IN_PLACE",
    )
    held = marketing.record(
        _event(
            manager,
            ScoreEventKind.AUDIT_FINDING,
            date(2026, 6, 10),
            finding="price_tags_missing",
            audit_id=str(away),
        )
    )
    assert held.status is ScoreEventStatus.HELD
    assert "NOT_IN_PLACE" in (held.status_reason or "")
    assert marketing.month(manager, "2026-06").values["basic_work"] == 40.0
    assert [e.id for e in marketing.pending()] == [held.id]
    marketing.decide(held.id, accept=True, reason="position fix was indoors")
    assert marketing.month(manager, "2026-06").values["basic_work"] == 35.0
    world.close_months(["2026-06"], at(date(2026, 7, 1)))
    july = world.services(world.marketing, at(date(2026, 7, 2))).evaluations
    late = audit_record(
        world, plan, shops[1], world.auditor, date(2026, 6, 10), policy_promoted=False
    )
    proposal = july.record(
        _event(
            manager,
            ScoreEventKind.AUDIT_FINDING,
            date(2026, 6, 10),
            finding="policy_not_promoted",
            audit_id=str(late),
        )
    )
    assert proposal.status is ScoreEventStatus.PROPOSED
    before = july.month(manager, "2026-06").values
    with pytest.raises(Forbidden):
        world.services(world.heads[first], at(date(2026, 7, 2))).evaluations.decide(
            proposal.id, accept=True, reason="x"
        )
    july.decide(proposal.id, accept=True, reason="confirmed by the team")
    after = july.month(manager, "2026-06")
    assert after.values["basic_work"] == before["basic_work"] - 5.0
    # June has no target: quality alone (weight 1) makes the total move with the part
    assert after.values["total"] == pytest.approx(float(before["total"]) - 5.0)
    amendment = after.result.amendments[-1] if after.result else None
    assert amendment is not None
    assert amendment.event_id == proposal.id


def test_audit_plans_are_not_dated_in_the_past_or_in_closed_months(world: World) -> None:
    """A plan for yesterday or for a closed month is refused before anything is drawn."""
    world.close_months(["2026-06"], at(date(2026, 7, 1)))
    audits = AuditService(world.session, world.auditor, clock=lambda: at(date(2026, 7, 2)))

    def plan(day: date) -> AuditPlanCreate:
        return AuditPlanCreate(
            plan_date=day,
            design=AuditDesign(size=2),
            start_lat=28.0,
            start_lon=120.6,
            start_label="office",
            department_id=world.departments[0],
        )

    with pytest.raises(InvalidInput, match="in the past"):
        asyncio.run(audits.create(plan(date(2026, 6, 30))))
    audits = AuditService(world.session, world.auditor, clock=lambda: at(date(2026, 6, 29)))
    with pytest.raises(InvalidInput, match="2026-06 is closed"):
        asyncio.run(audits.create(plan(date(2026, 6, 30))))


def test_an_audit_record_is_dated_when_made_and_only_near_its_plan_day(world: World) -> None:
    """A record made eighteen months after its plan's day is refused."""
    manager = world.managers[world.departments[0]][0]
    shop = world.retailers[manager][0]
    plan = audit_plan(world, date(2025, 1, 10), world.auditor, [shop])
    audits = AuditService(world.session, world.auditor, clock=lambda: at(date(2026, 7, 10)))
    with pytest.raises(InvalidInput, match="the plan is for 2025-01-10"):
        audits.submit(
            AuditRecordSubmit(
                plan_id=plan,
                retailer_id=shop,
                price_tags_shown=True,
                policy_promoted=True,
                satisfaction=4,
                manager_visited=RetailerAnswer.YES,
            )
        )
