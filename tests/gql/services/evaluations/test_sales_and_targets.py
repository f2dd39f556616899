"""Issue 15, defects 6 and 7: sales belong to the manager of their day; targets are loaded,
checked and optional (a missing one is an explicit no-target business part)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
from sqlalchemy.orm import Session

from gql.domain.evaluations import PeriodKind
from gql.domain.territories import ProposalAssignment, ProposalKind
from gql.services.directory.importing import ImportRejected, import_retailers, import_targets
from gql.services.directory.retailer_admin import RetailerAdminService, RetailerChange
from gql.services.directory.spatial import SpatialIndex
from gql.services.errors import Forbidden, InvalidInput, NotFound
from gql.services.evaluations.targets import TargetCommand
from gql.store.repositories import AssignmentRepository, RetailerRepository, StaffRepository
from gql.store.repositories.territories import ProposalDraft, ProposalRepository
from tests.gql.services.evaluations.world import World, at, build_world, month_start

if TYPE_CHECKING:
    from pathlib import Path

MONTH = PeriodKind.MONTH


@pytest.fixture
def world(db_session: Session) -> World:
    """The small company, rolled back after the test."""
    return build_world(db_session)


def _business(world: World, manager: int, month: str, now: datetime) -> float:
    value = world.services(world.marketing, now).evaluations.month(manager, month).values
    business = value["business"]
    assert isinstance(business, float)
    return business


# -- defect 6: sales in time -----------------------------------------------------------------


def test_a_reassignment_never_moves_past_sales(world: World) -> None:
    """A and B each have a June target of 100 cartons / 10,000 yuan. A's shop sells that on
    5 June; on 15 June it moves to B (by a reference-data edit) and sells it again on 20 June.
    June: A 100 (its sale of the 5th), B 100 (the 20th); in December the shop moves back and
    June is unchanged (it used to become 50/50, or 0/100)."""
    first = world.departments[0]
    a, b = world.managers[first][:2]
    shop = world.retailers[a][0]
    world.target(a, date(2026, 6, 1), 100, "10000.00")
    world.target(b, date(2026, 6, 1), 100, "10000.00")
    world.sell(shop, date(2026, 6, 5), 100, "10000.00")
    edit = RetailerAdminService(
        world.session, world.marketing, SpatialIndex(), now=at(date(2026, 6, 15))
    )
    current = RetailerRepository(world.session).get_many([shop])[0]
    assert current is not None
    edit.update(shop, RetailerChange(expected_version=current.version, manager_id=b))
    world.sell(shop, date(2026, 6, 20), 100, "10000.00")
    june = at(date(2026, 6, 25))
    assert (_business(world, a, "2026-06", june), _business(world, b, "2026-06", june)) == (
        100.0,
        100.0,
    )
    moved = RetailerRepository(world.session).get_many([shop])[0]
    assert moved is not None
    RetailerAdminService(
        world.session, world.marketing, SpatialIndex(), now=at(date(2026, 12, 1))
    ).update(shop, RetailerChange(expected_version=moved.version, manager_id=a))
    assert (_business(world, a, "2026-06", june), _business(world, b, "2026-06", june)) == (
        100.0,
        100.0,
    )
    history = AssignmentRepository(world.session).history([shop])[shop]
    assert [(h.manager_id, h.valid_from, h.valid_to) for h in history] == [
        (a, date(1900, 1, 1), date(2026, 6, 15)),
        (b, date(2026, 6, 15), date(2026, 12, 1)),
        (a, date(2026, 12, 1), None),
    ]


def test_a_territory_apply_writes_the_history_too(world: World) -> None:
    """Applying a territory proposal on 10 June closes A's period of the shop on that day."""
    first = world.departments[0]
    a, b = world.managers[first][:2]
    shop = world.retailers[a][1]
    proposals = ProposalRepository(world.session)
    proposal = proposals.add(
        ProposalDraft(
            kind=ProposalKind.TERRITORIES,
            department_id=first,
            based_on_id=None,
            parameters={},
            metrics={},
            created_by=world.marketing.staff_id,
            assignments=[ProposalAssignment(shop, b, a)],
        ),
        now=at(date(2026, 6, 9)),
    )
    assert proposals.reassign_retailers(proposal, now=at(date(2026, 6, 10))) == (1, 0)
    history = AssignmentRepository(world.session).history([shop])[shop]
    assert [(h.manager_id, h.valid_to) for h in history] == [(a, date(2026, 6, 10)), (b, None)]


def test_a_retailer_import_writes_the_history_too(world: World, tmp_path: Path) -> None:
    """Re-importing a retailer with another manager's staff number starts a new period."""
    first = world.departments[0]
    a, b = world.managers[first][:2]
    shop = RetailerRepository(world.session).get_many([world.retailers[a][2]])[0]
    assert shop is not None
    staff_b = StaffRepository(world.session).get(b)
    assert staff_b is not None
    path = tmp_path / "retailers.csv"
    path.write_text(
        "licence_no,name,address,lat,lon,business_type,grade,opening_hours,order_weekday,"
        "manager_staff_no\n"
        f"{shop.licence_no},{shop.name},{shop.address},{shop.lat},{shop.lon},ORDINARY,5,"
        f"08:00-20:00,{shop.order_weekday},{staff_b.staff_no}\n",
        encoding="utf-8",
    )
    import_retailers(world.session, path, now=at(date(2026, 6, 18)))
    history = AssignmentRepository(world.session).history([shop.id])[shop.id]
    assert [(h.manager_id, h.valid_from) for h in history][-1] == (b, date(2026, 6, 18))


# -- defect 7: targets -----------------------------------------------------------------------


def _csv(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "targets.csv"
    path.write_text("manager_staff_no,month,volume_cartons,amount_yuan\n" + body, "utf-8")
    return path


def test_targets_import_checks_every_row_writes_nothing_on_a_bad_file_and_is_idempotent(
    world: World, tmp_path: Path
) -> None:
    """Unknown manager, bad month, zero volume, sub-fen amount, a duplicate row and a closed
    month are each reported by line and column; nothing is written. A good file inserts, the
    same file again changes nothing, a changed figure updates."""
    first = world.departments[0]
    a, b = world.managers[first][:2]
    staff = StaffRepository(world.session)
    no_a, no_b = (staff.get(a).staff_no, staff.get(b).staff_no)  # type: ignore[union-attr]
    world.close_months(["2026-05"], at(date(2026, 6, 1)))
    bad = _csv(
        tmp_path,
        f"X999,2026-07,100,1000.00\n{no_a},2026-13,100,1000.00\n{no_a},2026-07,0,1000.00\n"
        f"{no_b},2026-07,100,1000.005\n{no_b},2026-08,100,1000.00\n{no_b},2026-08,90,900.00\n"
        f"{no_a},2026-05,100,1000.00\n",
    )
    with pytest.raises(ImportRejected) as info:
        import_targets(world.session, bad, now=at(date(2026, 6, 2)))
    assert [(e.line, e.field) for e in info.value.errors] == [
        (2, "manager_staff_no"),
        (3, "month"),
        (4, "volume_cartons"),
        (5, "amount_yuan"),
        (7, "month"),
        (8, "month"),
    ]
    sales = world.services(world.marketing, at(date(2026, 6, 2))).evaluations.sales
    assert sales.targets(None, date(2026, 1, 1), date(2026, 12, 1)) == []
    good = _csv(tmp_path, f"{no_a},2026-07,1200,245000.00\n{no_b},2026-07,900,180000.50\n")
    first_run = import_targets(world.session, good, now=at(date(2026, 6, 2)))
    assert (first_run.inserted, first_run.updated, first_run.unchanged) == (2, 0, 0)
    again = import_targets(world.session, good, now=at(date(2026, 6, 3)))
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)
    changed = _csv(tmp_path, f"{no_a},2026-07,1300,245000.00\n")
    assert import_targets(world.session, changed, now=at(date(2026, 6, 4))).updated == 1
    stored = sales.targets([a], date(2026, 7, 1), date(2026, 7, 1))
    assert [(t.volume_cartons, t.amount_yuan) for t in stored] == [(1300, Decimal("245000.00"))]


def test_marketing_sets_targets_others_read_them_within_their_scope(world: World) -> None:
    """salesTargetSet: marketing only, ranges checked, closed month refused, idempotent;
    managers read their own, heads their department."""
    first, second = world.departments
    a, b = world.managers[first][0], world.managers[second][0]
    s = world.services(world.marketing, at(date(2026, 6, 2)))
    target = s.targets.set(TargetCommand(a, "2026-07", 1200, Decimal("245000.00")))
    assert (target.month, target.set_by) == (date(2026, 7, 1), world.marketing.staff_id)
    s.targets.set(TargetCommand(a, "2026-07", 1200, Decimal("245000.00")))  # same: no change
    s.targets.set(TargetCommand(b, "2026-07", 800, Decimal("99000.00")))
    with pytest.raises(InvalidInput) as info:
        s.targets.set(TargetCommand(a, "2026-08", 0, Decimal("1.001")))
    assert info.value.field == ("volume_cartons",)
    with pytest.raises(InvalidInput) as info:
        s.targets.set(TargetCommand(a, "2026-08", 10, Decimal("-1")))
    assert info.value.field == ("amount_yuan",)
    world.close_months(["2026-05"], at(date(2026, 6, 1)))
    with pytest.raises(InvalidInput, match="2026-05 is closed"):
        s.targets.set(TargetCommand(a, "2026-05", 10, Decimal("10")))
    head = world.services(world.heads[first], at(date(2026, 6, 2)))
    with pytest.raises(Forbidden):
        head.targets.set(TargetCommand(a, "2026-07", 1, Decimal("1")))
    assert [t.manager_id for t in head.targets.targets("2026-Q3")] == [a]
    with pytest.raises(NotFound):
        head.targets.targets("2026-07", manager_id=b)
    mine = world.services(world.principal(a), at(date(2026, 6, 2)))
    assert [t.manager_id for t in mine.targets.targets("2026")] == [a]
    assert sorted(t.manager_id for t in s.targets.targets("2026-07")) == sorted([a, b])


def test_a_manager_without_a_target_gets_an_explicit_no_target_part(world: World) -> None:
    """Only A has a July target: B's preview is scored (no_target, quality alone, an explained
    no_target line) instead of failing, and the whole department closes."""
    first = world.departments[0]
    a, b = world.managers[first][:2]
    world.target(a, month_start("2026-07"), 100, "10000.00")
    s = world.services(world.marketing, at(date(2026, 7, 20)))
    view = s.evaluations.month(b, "2026-07")
    assert view.values["no_target"] is True
    assert view.values["total"] == pytest.approx(100.0)
    assert [line.rule for line in view.lines if line.part.value == "business"] == ["no_target"]
    assert [f.flag.value for f in view.explanation.flags] == ["NO_TARGET"]
    board = s.boards.scoreboard(first, MONTH, "2026-07")
    assert board.unscored == ()
    closed = world.services(world.marketing, at(date(2026, 8, 3))).periods.close(
        MONTH, "2026-07", first
    )
    assert {v.result.manager_id: v.current["no_target"] for v in closed}[a] is False
