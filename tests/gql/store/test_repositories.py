from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from gql.domain import (
    BusinessType,
    Carrier,
    CoordinateSystem,
    DepartmentKind,
    FixPhase,
    FixSource,
    OpeningWindow,
    RetailerDraft,
    RetailerStatus,
    Role,
    SalesOrderDraft,
    Verdict,
)
from gql.store.models import ReportRetailerDayRow, ReportRetailerMonthRow, RetailerRow, VisitRow
from gql.store.repositories import (
    BoundingBox,
    DepartmentRepository,
    InvalidPageRequest,
    ManagerRepository,
    RetailerFilter,
    RetailerRepository,
    SalesRepository,
    StaffRepository,
    StaleRetailer,
)
from gql.store.repositories.planning_inputs import PlanningInputRepository
from gql.store.repositories.sales_rollup import SalesRollupRepository
from gql.store.repositories.visits import FixDraft, VisitDraft, VisitRepository

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sqlalchemy.orm import Session

NOW = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


@contextmanager
def count_statements(session: Session) -> Iterator[list[str]]:
    """Collect the SQL statements the session's connection runs inside the block."""
    statements: list[str] = []
    connection = session.connection()

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(connection, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(connection, "before_cursor_execute", record)


def draft(n: int, **overrides: object) -> RetailerDraft:
    values: dict[str, object] = {
        "licence_no": f"3303021{n:05d}",
        "name": f"第{n}号烟酒店",
        "address": f"鹿城区解放路{n}号",
        "lat": 28.0 + n * 0.001,
        "lon": 120.6 + n * 0.001,
        "business_type": BusinessType.ORDINARY,
        "grade": 1 + n % 30,
        "key_customer": n % 10 == 0,
        "service_time_s": 300,
        "order_weekday": n % 5,
        "status": RetailerStatus.ACTIVE,
        "manager_id": None,
        "area_code": "330302",
        "opening_windows": (OpeningWindow(7 * 3600, 12 * 3600), OpeningWindow(14 * 3600, 75_600)),
    }
    values.update(overrides)
    return RetailerDraft(**values)  # type: ignore[arg-type]


@pytest.fixture
def organisation(db_session: Session) -> tuple[int, list[int]]:
    """One department with a head and three managers; returns (department id, manager ids)."""
    departments = DepartmentRepository(db_session)
    company = departments.add(code="WZ", name="公司", kind=DepartmentKind.COMPANY, parent_id=None)
    service = departments.add(
        code="KF01", name="客户服务一部", kind=DepartmentKind.CUSTOMER_SERVICE, parent_id=company.id
    )
    staff = StaffRepository(db_session)
    staff.add(
        staff_no="H01",
        name="主任",
        role=Role.DEPARTMENT_HEAD,
        department_id=service.id,
        joined_on=date(2010, 1, 1),
    )
    managers = ManagerRepository(db_session)
    ids = []
    for n in range(3):
        person = staff.add(
            staff_no=f"M0{n}",
            name=f"经理{n}",
            role=Role.ACCOUNT_MANAGER,
            department_id=service.id,
            joined_on=date(2015, 1, 1),
        )
        managers.add(
            staff_id=person.id,
            msisdn=f"1890000000{n}",
            carrier=Carrier.TELECOM if n % 2 else Carrier.MOBILE,
            start_lat=28.0,
            start_lon=120.6,
            start_label="办公室",
        )
        ids.append(person.id)
    return service.id, ids


@pytest.fixture
def retailers(db_session: Session, organisation: tuple[int, list[int]]) -> list[int]:
    """Sixty retailers spread over three managers and several types."""
    _, managers = organisation
    types = list(BusinessType)
    drafts = [
        draft(n, manager_id=managers[n % 3], business_type=types[n % len(types)]) for n in range(60)
    ]
    return RetailerRepository(db_session).add_many(drafts, now=NOW)


def test_get_many_keeps_order_and_marks_missing_ids_in_one_statement(
    db_session: Session, retailers: list[int]
) -> None:
    """DataLoader batches: one SQL statement, results aligned with ids, None for unknown."""
    repository = RetailerRepository(db_session)
    wanted = [retailers[5], 999_999, retailers[0], retailers[5]]
    with count_statements(db_session) as statements:
        found = repository.get_many(wanted)
    assert len(statements) == 1
    assert [r.id if r else None for r in found] == [retailers[5], None, retailers[0], retailers[5]]
    assert found[0] is not None
    assert found[0].opening_windows == (
        OpeningWindow(7 * 3600, 12 * 3600),
        OpeningWindow(14 * 3600, 75_600),
    )


def test_keyset_pages_cover_every_match_exactly_once(
    db_session: Session, retailers: list[int], organisation: tuple[int, list[int]]
) -> None:
    """Walking pages by cursor returns each filtered retailer once, with a stable total."""
    _, managers = organisation
    repository = RetailerRepository(db_session)
    where = RetailerFilter(manager_ids=[managers[1]])
    seen: list[int] = []
    after = None
    while True:
        page = repository.page(where, first=7, after=after)
        assert page.total_count == 20
        seen.extend(key for key, _ in page.items)
        if not page.has_next:
            break
        after = page.items[-1][0]
    assert seen == sorted(seen)
    assert len(seen) == len(set(seen)) == 20
    assert all(r.manager_id == managers[1] for r in repository.get_many(seen) if r)
    past_the_end = repository.page(where, first=7, after=seen[-1])
    assert (past_the_end.items, past_the_end.total_count) == ([], 20)
    nothing = repository.page(RetailerFilter(text="no such shop"), first=7)
    assert (nothing.items, nothing.total_count, nothing.has_next) == ([], 0, False)


def test_filters_combine_type_grade_status_box_and_text(
    db_session: Session, retailers: list[int]
) -> None:
    """Each filter narrows the result to exactly the retailers that satisfy all of them."""
    repository = RetailerRepository(db_session)
    everything = [r for r in repository.get_many(retailers) if r]
    where = RetailerFilter(
        business_types=[BusinessType.ORDINARY, BusinessType.CONVENIENCE],
        grade_min=5,
        grade_max=40 // 2,
        statuses=[RetailerStatus.ACTIVE],
        bbox=(28.0, 120.6, 28.045, 120.645),
    )
    expected = {
        r.id
        for r in everything
        if r.business_type in (BusinessType.ORDINARY, BusinessType.CONVENIENCE)
        and 5 <= r.grade <= 20
        and r.lat <= 28.045
        and r.lon <= 120.645
    }
    page = repository.page(where, first=100)
    assert {key for key, _ in page.items} == expected
    assert page.total_count == len(expected) > 0
    by_text = repository.page(RetailerFilter(text="第12号"), first=100)
    assert [r.name for _, r in by_text.items] == ["第12号烟酒店"]
    by_licence = repository.page(RetailerFilter(text="330302100007"), first=100)
    assert [r.licence_no for _, r in by_licence.items] == ["330302100007"]


def test_text_search_treats_wildcards_literally(db_session: Session, retailers: list[int]) -> None:
    """A % or _ in the search text matches itself, not everything."""
    page = RetailerRepository(db_session).page(RetailerFilter(text="%"), first=10)
    assert page.total_count == 0


@pytest.mark.parametrize(("first", "after"), [(0, None), (501, None), (10, -1)])
def test_bad_page_requests_are_refused(db_session: Session, first: int, after: int | None) -> None:
    """Page sizes outside 1..500 and negative cursors raise InvalidPageRequest."""
    with pytest.raises(InvalidPageRequest):
        RetailerRepository(db_session).page(first=first, after=after)


@pytest.mark.parametrize(
    "kwargs",
    [{"grade_min": 0}, {"grade_max": 31}, {"grade_min": 9, "grade_max": 3}],
)
def test_impossible_grade_ranges_are_refused(kwargs: dict[str, int]) -> None:
    """A grade range outside 1..30 or running backwards is a ValueError."""
    with pytest.raises(ValueError, match="grade range"):
        RetailerFilter(**kwargs)  # type: ignore[arg-type]


def test_bounding_box_with_swapped_corners_is_refused() -> None:
    """South must not exceed north, nor west east."""
    with pytest.raises(ValueError, match="south_lat"):
        BoundingBox(28.2, 120.5, 27.8, 121.0)


def test_staff_and_managers_are_found_by_id_number_and_department(
    db_session: Session, organisation: tuple[int, list[int]]
) -> None:
    """Staff and manager lookups return domain objects, or None when absent."""
    department_id, managers = organisation
    staff = StaffRepository(db_session)
    head = staff.get_by_staff_no("H01")
    assert head is not None
    assert head.role is Role.DEPARTMENT_HEAD
    assert staff.get(head.id) == head
    assert staff.get_by_staff_no("NOPE") is None
    assert [s.staff_no for s in staff.by_department(department_id)] == ["H01", "M00", "M01", "M02"]
    repository = ManagerRepository(db_session)
    assert [m.staff_id if m else None for m in repository.get_many([managers[2], head.id])] == [
        managers[2],
        None,
    ]
    manager = repository.get_by_staff_no("M01")
    assert manager is not None
    assert (manager.msisdn, manager.carrier) == ("18900000001", Carrier.TELECOM)
    assert repository.ids_by_staff_no(["M00", "H01", "X"]) == {"M00": managers[0]}
    assert repository.ids_in_department(department_id) == managers
    page = repository.page(first=2, department_id=department_id)
    assert page.total_count == 3
    assert page.has_next
    assert [m.staff_no for _, m in page.items] == ["M00", "M01"]


def test_departments_list_and_lookup(
    db_session: Session, organisation: tuple[int, list[int]]
) -> None:
    """Departments come back ordered by code, filterable by kind, and by code."""
    departments = DepartmentRepository(db_session)
    assert [d.code for d in departments.all()] == ["KF01", "WZ"]
    service = departments.all(kind=DepartmentKind.CUSTOMER_SERVICE)
    assert [d.code for d in service] == ["KF01"]
    assert departments.by_code("KF01") == service[0]
    assert departments.get_many([service[0].id, 424_242]) == [service[0], None]


def test_watermark_changes_when_retailers_change(db_session: Session, retailers: list[int]) -> None:
    """Adding or updating a retailer changes the (highest id, latest update) watermark."""
    repository = RetailerRepository(db_session)
    assert repository.watermark() == (max(retailers), NOW)
    later = datetime(2026, 11, 5, tzinfo=UTC)
    repository.upsert_many([draft(0, name="改名")], now=later)
    assert repository.watermark() == (max(retailers), later)
    [added] = repository.add_many([draft(60)], now=NOW)
    assert repository.watermark() == (added, later)  # an insert stamped in the past too
    ids, lats, lons = repository.positions()
    assert len(ids) == len(lats) == len(lons) == 61


def test_sales_upsert_counts_and_targets_round_trip_money_exactly(
    db_session: Session, retailers: list[int], organisation: tuple[int, list[int]]
) -> None:
    """Orders upsert by (retailer, day) and amounts survive as exact Decimal yuan."""
    sales = SalesRepository(db_session)
    day = date(2026, 10, 5)
    counts = sales.upsert_orders([SalesOrderDraft(retailers[0], day, 10, Decimal("1234.56"))])
    assert (counts.inserted, counts.updated, counts.unchanged) == (1, 0, 0)
    counts = sales.upsert_orders([SalesOrderDraft(retailers[0], day, 10, Decimal("1234.57"))])
    assert (counts.inserted, counts.updated, counts.unchanged) == (0, 1, 0)
    assert [o.amount_yuan for o in sales.orders_for(retailers[0], day, day)] == [Decimal("1234.57")]
    _, managers = organisation
    sales.add_target(
        manager_id=managers[0],
        month=date(2026, 10, 1),
        volume_cartons=2_000,
        amount_yuan=Decimal("450000.10"),
    )
    assert [t.amount_yuan for t in sales.targets_for(managers[0])] == [Decimal("450000.10")]


def test_sub_fen_amounts_are_refused_before_reaching_the_database() -> None:
    """An amount with fractions of a fen is a ValueError, never silently rounded."""
    with pytest.raises(ValueError, match="fen"):
        SalesOrderDraft(1, date(2026, 10, 5), 1, Decimal("0.001"))


def test_upsert_counts_new_changed_and_unchanged_retailers(
    db_session: Session, retailers: list[int]
) -> None:
    """Upserts insert new licences, update changed ones (version + 1), leave equal ones."""
    repository = RetailerRepository(db_session)
    same, other = (r.draft() for r in repository.get_many(retailers[1:3]) if r)
    counts = repository.upsert_many([same, replace(other, grade=30), draft(999)], now=NOW)
    assert (counts.inserted, counts.updated, counts.unchanged) == (1, 1, 1)
    updated = repository.get_many([retailers[2]])[0]
    assert updated is not None
    assert (updated.grade, updated.version) == (30, 2)
    assert db_session.scalar(sa.text("SELECT count(*) FROM opening_windows")) == 2 * 61


def test_update_of_a_retailer_changed_meanwhile_is_refused(
    db_session: Session, retailers: list[int]
) -> None:
    """An upsert whose row version moved on underneath raises StaleRetailer, writes nothing."""
    repository = RetailerRepository(db_session)
    current = repository.get_many([retailers[3]])[0]
    assert current is not None
    db_session.execute(
        sa.text("UPDATE retailers SET version = version + 1 WHERE id = :id"), {"id": current.id}
    )
    changed = replace(current.draft(), name="新名字")
    with pytest.raises(StaleRetailer, match=current.licence_no):
        repository.upsert_many([changed], now=NOW, existing={current.licence_no: current})
    after = repository.get_many([retailers[3]])[0]
    assert after is not None
    assert (after.name, after.version) == (current.name, current.version + 1)


def test_replace_is_visible_to_later_reads_in_the_same_session(
    db_session: Session, retailers: list[int]
) -> None:
    """A replace bumps the version and later reads see it, even with the row in the session."""
    repository = RetailerRepository(db_session)
    held = db_session.get(RetailerRow, retailers[4])  # keep the old row in the identity map
    assert held is not None
    current = repository.get_many([retailers[4]])[0]
    assert current is not None
    new_windows = (OpeningWindow(8 * 3600, 20 * 3600),)
    changed = replace(current.draft(), name="新店名", opening_windows=new_windows)
    later = datetime(2026, 11, 9, tzinfo=UTC)
    assert repository.replace(current.id, changed, expected_version=1, now=later) == 2
    after = repository.get_many([retailers[4]])[0]
    assert after is not None
    assert (after.name, after.version, after.updated_at) == ("新店名", 2, later)
    assert after.opening_windows == new_windows
    assert after.created_at == NOW
    with pytest.raises(StaleRetailer):
        repository.replace(current.id, changed, expected_version=1, now=later)


def _visit_draft(manager_id: int, retailer_id: int, key: str) -> VisitDraft:
    return VisitDraft(
        manager_id=manager_id,
        retailer_id=retailer_id,
        plan_stop_id=None,
        idempotency_key=key,
        started_at=NOW,
        device_started_at=NOW.replace(second=30),
        late_upload=False,
        verdict=Verdict.IN_PLACE,
        distance_m=7.5,
        probability=0.98,
        reasons=("SHARP_FIX",),
        flags={"check_in": {"estimate": (28.0, 120.6)}, "carrier": {"outcome": "OK"}},
    )


def test_an_added_visit_is_what_a_later_read_returns(
    db_session: Session, organisation: tuple[int, list[int]], retailers: list[int]
) -> None:
    """``add`` builds the visit from what it inserted; reading it back gives the same object."""
    manager = organisation[1][0]
    fix = FixDraft(
        phase=FixPhase.START,
        source=FixSource.DEVICE_GPS,
        lat=28.0001,
        lon=120.6001,
        coordinate_system=CoordinateSystem.WGS84,
        accuracy_m=6.0,
        captured_at=NOW,
    )
    visits = VisitRepository(db_session)
    added = visits.add(_visit_draft(manager, retailers[0], "k-1"), [fix, replace(fix, lat=28.0002)])
    assert added is not None
    assert len({f.id for f in added.fixes}) == 2
    assert visits.get_many([added.id]) == [added]


def test_a_taken_idempotency_key_adds_nothing_and_keeps_the_transaction_usable(
    db_session: Session, organisation: tuple[int, list[int]], retailers: list[int]
) -> None:
    """The losing side of a retry race gets ``None``, no rows, and can still read the winner."""
    manager = organisation[1][0]
    visits = VisitRepository(db_session)
    first = visits.add(_visit_draft(manager, retailers[0], "k-2"), [])
    assert first is not None
    assert visits.add(_visit_draft(manager, retailers[1], "k-2"), []) is None
    assert visits.find_by_key(manager, "k-2") == first
    count = db_session.scalar(sa.select(sa.func.count()).select_from(VisitRow))
    assert count == 1


def test_a_finished_visit_is_what_a_later_read_returns(
    db_session: Session, organisation: tuple[int, list[int]], retailers: list[int]
) -> None:
    """``finish`` returns the visit as stored (JSON flags included), without reading it back."""
    visits = VisitRepository(db_session)
    added = visits.add(_visit_draft(organisation[1][0], retailers[0], "k-3"), [])
    assert added is not None
    finished = visits.finish(
        added,
        ended_at=NOW.replace(minute=20),
        device_ended_at=None,
        late_upload=True,
        verdict=Verdict.NOT_IN_PLACE,
        reasons=("SHARP_FIX", "END_FAR"),
        flags={**added.flags, "check_out": {"estimate": (28.1, 120.7)}},
        dwell_s=1200,
    )
    assert visits.get_many([added.id]) == [finished]


def _month_totals(session: Session) -> dict[tuple[int, date], tuple[int, int]]:
    rows = session.execute(
        sa.select(
            ReportRetailerMonthRow.retailer_id,
            ReportRetailerMonthRow.month,
            ReportRetailerMonthRow.volume_cartons,
            ReportRetailerMonthRow.orders,
        )
    )
    return {(r, m): (v, n) for r, m, v, n in rows}


def _add_autumn_orders(sales: SalesRepository, a: int) -> None:
    """Retailer ``a``: 10 cartons on 5 Oct, 4 on 31 Oct, 7 on 1 Nov."""
    sales.add_orders(
        [
            SalesOrderDraft(a, date(2026, 10, 5), 10, Decimal("100")),
            SalesOrderDraft(a, date(2026, 10, 31), 4, Decimal("40")),
            SalesOrderDraft(a, date(2026, 11, 1), 7, Decimal("70")),
        ]
    )


def _correct_autumn_orders(sales: SalesRepository, a: int, b: int) -> None:
    """An upsert: ``a``'s 5 Oct order corrected from 10 to 1 carton, ``b`` 3 cartons on 2 Nov."""
    sales.upsert_orders(
        [
            SalesOrderDraft(a, date(2026, 10, 5), 1, Decimal("10")),
            SalesOrderDraft(b, date(2026, 11, 2), 3, Decimal("30")),
        ]
    )


def test_sales_writes_keep_the_monthly_totals(db_session: Session, retailers: list[int]) -> None:
    """Every sales write recomputes the retailer-months it touched; a rebuild agrees."""
    sales = SalesRepository(db_session)
    a, b = retailers[0], retailers[1]
    _add_autumn_orders(sales, a)
    assert _month_totals(db_session) == {
        (a, date(2026, 10, 1)): (14, 2),
        (a, date(2026, 11, 1)): (7, 1),
    }
    _correct_autumn_orders(sales, a, b)
    expected = {
        (a, date(2026, 10, 1)): (5, 2),
        (a, date(2026, 11, 1)): (7, 1),
        (b, date(2026, 11, 1)): (3, 1),
    }
    assert _month_totals(db_session) == expected
    SalesRollupRepository(db_session).rebuild()
    assert _month_totals(db_session) == expected


def test_a_bulk_load_rolls_up_once_at_its_end(db_session: Session, retailers: list[int]) -> None:
    """Orders added without roll-up leave the totals alone until one rebuild (the demo seed)."""
    sales = SalesRepository(db_session)
    a = retailers[0]
    for day, cartons in ((date(2026, 10, 5), 10), (date(2026, 10, 31), 4), (date(2026, 11, 1), 7)):
        sales.add_orders([SalesOrderDraft(a, day, cartons, Decimal(10 * cartons))], roll_up=False)
    assert _month_totals(db_session) == {}
    sales.rebuild_roll_ups()
    assert _month_totals(db_session) == {
        (a, date(2026, 10, 1)): (14, 2),
        (a, date(2026, 11, 1)): (7, 1),
    }


def _day_cartons(session: Session) -> dict[tuple[int, date], dict[int, int]]:
    """Each retailer-month's non-zero day columns (``report_retailer_days``), by day."""
    d = ReportRetailerDayRow
    out = {}
    for row in session.scalars(sa.select(d)):
        days = {k: getattr(row, f"d{k:02d}") for k in range(1, 32)}
        out[(row.retailer_id, row.month)] = {k: v for k, v in days.items() if v}
    return out


def test_sales_writes_keep_the_day_columns_apart(db_session: Session, retailers: list[int]) -> None:
    """The day columns live in their own table, kept by every sales write; a rebuild agrees."""
    sales = SalesRepository(db_session)
    a, b = retailers[0], retailers[1]
    _add_autumn_orders(sales, a)
    assert _day_cartons(db_session) == {
        (a, date(2026, 10, 1)): {5: 10, 31: 4},
        (a, date(2026, 11, 1)): {1: 7},
    }
    _correct_autumn_orders(sales, a, b)
    expected = {
        (a, date(2026, 10, 1)): {5: 1, 31: 4},
        (a, date(2026, 11, 1)): {1: 7},
        (b, date(2026, 11, 1)): {2: 3},
    }
    assert _day_cartons(db_session) == expected
    SalesRollupRepository(db_session).rebuild()
    assert _day_cartons(db_session) == expected


def test_volumes_from_monthly_totals_equal_volumes_from_orders(
    db_session: Session, retailers: list[int], organisation: tuple[int, list[int]]
) -> None:
    """A period of whole months and two partial ones sums the same either way."""
    sales = SalesRepository(db_session)
    days = [date(2026, 9, 29), date(2026, 9, 30), date(2026, 10, 1), date(2026, 10, 17)]
    days += [date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 3)]
    sales.add_orders(
        [
            SalesOrderDraft(r, day, 1 + (i * 7 + k) % 11, Decimal("1"))
            for i, r in enumerate(retailers[:5])
            for k, day in enumerate(days)
        ]
    )
    _, managers = organisation
    inputs = PlanningInputRepository(db_session)
    for first, last in [
        (date(2026, 9, 30), date(2026, 12, 2)),  # two partial ends, two whole months
        (date(2026, 10, 1), date(2026, 11, 30)),  # whole months only
        (date(2026, 10, 2), date(2026, 10, 30)),  # inside one month
    ]:
        raw = inputs.volumes(managers, include_unassigned=True, first=first, last=last)
        monthly = inputs.volumes(
            managers, include_unassigned=True, first=first, last=last, monthly_sales=True
        )
        assert monthly == raw
        assert sum(raw.values()) > 0


def test_every_28_day_window_from_the_day_columns_equals_the_orders(
    db_session: Session, retailers: list[int], organisation: tuple[int, list[int]]
) -> None:
    """The planner's window ends on any day: read from the roll-up's day columns, kept by
    inserts and by an upsert that changes a day, it sums what the orders do."""
    sales = SalesRepository(db_session)
    start = date(2026, 1, 20)
    days = [start + timedelta(days=k) for k in range(0, 75, 2)]  # late January … early April
    sales.add_orders(
        [
            SalesOrderDraft(r, day, 1 + (i * 5 + k) % 9, Decimal("1"))
            for i, r in enumerate(retailers[:4])
            for k, day in enumerate(days)
        ]
    )
    sales.upsert_orders(
        [
            SalesOrderDraft(retailers[0], days[10], 40, Decimal("1")),  # a changed day
            SalesOrderDraft(retailers[5], date(2026, 2, 28), 7, Decimal("1")),  # a new one
        ]
    )
    _, managers = organisation
    inputs = PlanningInputRepository(db_session)
    for end in (start + timedelta(days=k) for k in range(0, 80, 3)):
        first = end - timedelta(days=27)
        raw = inputs.volumes(managers, include_unassigned=True, first=first, last=end)
        monthly = inputs.volumes(
            managers, include_unassigned=True, first=first, last=end, monthly_sales=True
        )
        assert monthly == raw, end
    february = inputs.volumes(
        managers,
        include_unassigned=True,
        first=date(2026, 2, 1),
        last=date(2026, 2, 28),
        monthly_sales=True,
    )
    assert february[retailers[5]] == 7  # a 28-day window that is a whole month
