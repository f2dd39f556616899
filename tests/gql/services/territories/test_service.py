"""Territory service on the demo city: inputs, locks, warm starts and bad input."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from gql.domain import Role
from gql.domain.retailers import parse_opening_hours
from gql.domain.territories import PlanningRetailer, ProposalStatus
from gql.services.access import Principal
from gql.services.errors import Forbidden, InvalidInput
from gql.services.territories.inputs import planning_grade, planning_inputs
from gql.services.territories.rules import NO_MANAGER
from gql.services.territories.service import ScheduleCommand, TerritoryCommand, TerritoryService
from gql.store.models import RetailerRow
from gql.store.repositories import DepartmentRepository, StaffRepository


@pytest.fixture
def session(demo_engine: sa.Engine) -> Iterator[Session]:
    """A session on the demo city whose work is rolled back after the test."""
    connection = demo_engine.connect()
    outer = connection.begin()
    s = Session(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield s
    finally:
        s.close()
        outer.rollback()
        connection.close()


def _principal(session: Session, role: Role) -> Principal:
    staff = next(s for _, s in StaffRepository(session).page(first=500).items if s.role is role)
    return Principal.from_staff(staff)


def _department_id(session: Session) -> int:
    department = DepartmentRepository(session).by_code("KF01")
    assert department is not None
    return department.id


def test_store_grades_map_to_planning_grades_best_first() -> None:
    """Grade 30 (largest purchases) is planning grade 1; grade 1 is 5; the map is monotone."""
    grades = [planning_grade(g) for g in range(1, 31)]
    assert grades[0] == 5
    assert grades[-1] == 1
    assert all(a >= b for a, b in itertools.pairwise(grades))


def test_retailers_of_managers_outside_the_plan_start_unassigned() -> None:
    """A retailer whose manager gets no territory has no current territory index."""
    facts = [
        PlanningRetailer(1, 28.0, 120.6, 10, "ORDINARY", False, 600, 1, 7, None, None, 5.0),
        PlanningRetailer(2, 28.01, 120.61, 30, "OTHER", True, 900, 6, 9, 3600, 7200, 0.0),
    ]
    inputs = planning_inputs(facts, [7])
    assert inputs.retailers.current_manager.tolist() == [0, NO_MANAGER]
    assert inputs.retailers.order_weekday.tolist() == [1, -1]  # Sunday is no weekday order
    assert inputs.previous_manager_ids == (7, 9)


def test_every_stored_opening_window_reaches_the_planning_core() -> None:
    """Lunch breaks, past-midnight hours and closed days survive; no windows: the span."""
    ktv = parse_opening_hours("0-6@14:00-24:00;00:00-02:00")
    lunch_no_monday = parse_opening_hours("1-6@08:00-12:00;1-6@14:00-20:00")
    facts = [
        PlanningRetailer(1, 28.0, 120.6, 10, "OTHER", False, 600, 1, 7, 0, 86_400, 0.0, ktv),
        PlanningRetailer(
            2, 28.01, 120.6, 10, "ORDINARY", False, 600, 1, 7, 28_800, 72_000, 0.0, lunch_no_monday
        ),
        PlanningRetailer(3, 28.02, 120.6, 10, "ORDINARY", False, 600, 1, 7, 3600, 7200, 0.0),
    ]
    rs = planning_inputs(facts, [7]).retailers
    assert rs.window_open_s is not None
    assert rs.window_close_s is not None
    h = 3600
    assert rs.window_open_s[0, 2].tolist() == [0, 14 * h]
    assert rs.window_close_s[0, 2].tolist() == [2 * h, 24 * h]
    assert rs.window_open_s[1, 0].tolist() == [-1, -1]  # closed on Mondays
    assert rs.window_open_s[1, 1].tolist() == [8 * h, 14 * h]
    assert rs.window_close_s[1, 1].tolist() == [12 * h, 20 * h]
    assert rs.window_open_s[2, 4].tolist() == [h, -1]
    assert rs.window_close_s[2, 4].tolist() == [2 * h, -1]


def test_locked_retailers_keep_their_manager_in_the_proposal(session: Session) -> None:
    """Every locked retailer is assigned to the manager it had when the proposal was made."""
    service = TerritoryService(session, _principal(session, Role.MARKETING))
    department_id = _department_id(session)
    probe = service.territory_job(TerritoryCommand(department_id=department_id))
    ids = probe.inputs.retailers.retailer_id.tolist()
    locked = tuple(ids[::7])
    with pytest.raises(InvalidInput, match="has no manager among the 4 planned") as orphans:
        service.territory_job(
            TerritoryCommand(department_id=department_id, locked_retailer_ids=locked, managers=4)
        )
    assert {p.field[0] for p in orphans.value.problems} == {"locked_retailer_ids"}
    proposal = asyncio.run(
        service.create_territories(
            TerritoryCommand(department_id=department_id, locked_retailer_ids=locked)
        )
    )
    assignments = {a.retailer_id: a for a in service.assignments(proposal.id)}
    assert all(assignments[r].manager_id == assignments[r].previous_manager_id for r in locked)
    assert proposal.parameters["lockedRetailerIds"] == sorted(locked)


def test_retailers_locked_by_licence_keep_their_manager(session: Session) -> None:
    """Locks given as licence numbers hold; an unknown licence is named and stops the plan."""
    service = TerritoryService(session, _principal(session, Role.MARKETING))
    department_id = _department_id(session)
    probe = service.territory_job(TerritoryCommand(department_id=department_id))
    ids = probe.inputs.retailers.retailer_id.tolist()[::5]
    rows = session.execute(
        sa.select(RetailerRow.id, RetailerRow.licence_no).where(RetailerRow.id.in_(ids))
    )
    licence_of = {int(r.id): str(r.licence_no) for r in rows}
    licences = tuple(licence_of.values())
    with pytest.raises(InvalidInput, match="licence NO-SUCH") as bad:
        service.territory_job(
            TerritoryCommand(department_id=department_id, locked_licence_nos=(*licences, "NO-SUCH"))
        )
    assert [p.field for p in bad.value.problems] == [("locked_licence_nos", len(licences))]
    proposal = asyncio.run(
        service.create_territories(
            TerritoryCommand(
                department_id=department_id, locked_licence_nos=licences, managers=None
            )
        )
    )
    assignments = {a.retailer_id: a for a in service.assignments(proposal.id)}
    assert all(assignments[r].manager_id == assignments[r].previous_manager_id for r in licence_of)
    assert proposal.parameters["lockedRetailerIds"] == sorted(licence_of)


def test_a_warm_start_after_applying_moves_few_retailers(session: Session) -> None:
    """Re-planning right after applying a proposal, with nothing changed, moves no one."""
    service = TerritoryService(session, _principal(session, Role.MARKETING))
    command = TerritoryCommand(department_id=_department_id(session))
    first = asyncio.run(service.create_territories(command))
    applied, moved = service.apply(first.id)
    assert applied.status is ProposalStatus.APPLIED
    assert moved == first.metrics["movedRetailers"]
    second = asyncio.run(service.create_territories(command))
    assert second.metrics["movedRetailers"] == 0


def test_a_negative_move_cap_is_refused(session: Session) -> None:
    """``max_moves`` below 0 is a clear input error before anything is computed."""
    service = TerritoryService(session, _principal(session, Role.MARKETING))
    command = TerritoryCommand(department_id=_department_id(session), max_moves=-1)
    with pytest.raises(InvalidInput, match="max moves"):
        service.territory_job(command)


def test_a_retailer_without_a_position_is_named(session: Session) -> None:
    """A retailer at (0, 0) stops the proposal with its id and what to do."""
    service = TerritoryService(session, _principal(session, Role.MARKETING))
    department_id = _department_id(session)
    job = service.territory_job(TerritoryCommand(department_id=department_id))
    victim = int(job.inputs.retailers.retailer_id[3])
    session.execute(sa.update(RetailerRow).where(RetailerRow.id == victim).values(lat=0, lon=0))
    with pytest.raises(InvalidInput, match=rf"{victim}.*geocode"):
        service.territory_job(TerritoryCommand(department_id=department_id))


def test_only_marketing_may_create_and_apply(session: Session) -> None:
    """Heads and managers are refused before anything is computed or written."""
    for role in (Role.DEPARTMENT_HEAD, Role.ACCOUNT_MANAGER, Role.ADMIN):
        service = TerritoryService(session, _principal(session, role))
        with pytest.raises(Forbidden):
            service.territory_job(TerritoryCommand())
        with pytest.raises(Forbidden):
            service.schedule_job(ScheduleCommand())


def test_an_apply_after_retailers_changed_hands_is_refused_whole(session: Session) -> None:
    """A proposal older than someone else's change is stale: nothing of it is written."""
    service = TerritoryService(
        session, _principal(session, Role.MARKETING), now=lambda: datetime.now(UTC)
    )
    command = TerritoryCommand(department_id=_department_id(session), managers=3)
    older = asyncio.run(service.create_territories(command))
    newer = asyncio.run(service.create_territories(command))
    service.apply(newer.id)
    before = dict(session.execute(sa.select(RetailerRow.id, RetailerRow.manager_id)).all())
    with pytest.raises(InvalidInput, match="changed manager"):
        service.apply(older.id)
    after = dict(session.execute(sa.select(RetailerRow.id, RetailerRow.manager_id)).all())
    assert before == after
    assert service.proposal(older.id).status is ProposalStatus.PROPOSED  # type: ignore[union-attr]


def test_a_schedule_with_a_tiny_cap_says_what_to_change(session: Session) -> None:
    """An infeasible cap is a user error naming a manager by staff id and the remedies."""
    service = TerritoryService(session, _principal(session, Role.MARKETING))
    job = service.schedule_job(ScheduleCommand(department_id=_department_id(session), cap_hours=1))
    with pytest.raises(InvalidInput, match=r"manager \d+ .*raise the cap") as raised:
        service.compute_now(job)
    staff_id = int(str(raised.value).split("manager ")[1].split()[0])
    assert staff_id in job.inputs.manager_ids


def test_a_schedule_on_unapplied_territories_waits_for_them(session: Session) -> None:
    """Applying a schedule before its territory proposal is refused; afterwards it applies."""
    service = TerritoryService(session, _principal(session, Role.MARKETING))
    department_id = _department_id(session)
    territories = asyncio.run(
        service.create_territories(TerritoryCommand(department_id=department_id))
    )
    assert territories.metrics["movedRetailers"] > 0
    schedule = asyncio.run(
        service.create_schedule(ScheduleCommand(territory_proposal_id=territories.id))
    )
    assert schedule.department_id == department_id
    with pytest.raises(InvalidInput, match="apply its territory proposal first"):
        service.apply(schedule.id)
    service.apply(territories.id)
    applied, moved = service.apply(schedule.id)
    assert (applied.status, moved) == (ProposalStatus.APPLIED, 0)


def test_planning_prices_travel_as_day_plans_do(session: Session) -> None:
    """The routing settings' speed and area road factors reach the schedule: a slow area
    makes its retailers' legs, and so the schedule's kilometres, longer."""
    from gql.services.territories.rules.barriers import NO_BARRIERS
    from gql.services.travel import RoutingSettings

    principal = _principal(session, Role.MARKETING)
    command = ScheduleCommand(department_id=_department_id(session), cap_hours=10)
    plain = TerritoryService(session, principal, routing=RoutingSettings())
    plain_job = plain.schedule_job(command)
    ids = plain_job.inputs.retailers.retailer_id.tolist()
    rows = session.execute(
        sa.select(RetailerRow.id, RetailerRow.area_code).where(RetailerRow.id.in_(ids))
    )
    area_of = {retailer_id: area for retailer_id, area in rows}
    busiest = max(set(area_of.values()), key=list(area_of.values()).count)
    routing = RoutingSettings(speed_mps=5.0, road_factor=1.4, area_road_factors=((busiest, 2.0),))
    slow = TerritoryService(session, principal, routing=routing)
    slow_job = slow.schedule_job(command)
    factor = slow_job.inputs.retailers.road_factor
    assert factor is not None
    expected = [2.0 if area_of[i] == busiest else 1.4 for i in ids]
    assert factor.tolist() == expected
    assert (slow_job.policy.speed_mps, slow_job.policy.road_factor) == (5.0, 1.4)
    assert slow_job.barriers == NO_BARRIERS
    plain_km = plain.compute_now(plain_job).schedule.metrics.total_travel_m  # type: ignore[union-attr]
    slow_km = slow.compute_now(slow_job).schedule.metrics.total_travel_m  # type: ignore[union-attr]
    assert slow_km > plain_km * 1.05
