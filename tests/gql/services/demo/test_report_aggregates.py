"""Reports over the maintained aggregates equal reports over the raw tables (issue 17 item 8).

On the small history city of each store: every visit report (discipline, routes, workload,
effect) at every grain and grouping, read once from the raw tables and once from the
aggregates a full refresh built; a visit checked in and out after the refresh shows in the very
next report (its write marked the day stale); an incremental refresh folds the marks in.
Everything runs inside an outer transaction that is rolled back: the shared city stays as seeded.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from gql.domain import Role
from gql.services.access import Principal
from gql.services.calendar import LOCAL_TZ
from gql.services.directory.spatial import SpatialIndex
from gql.services.privacy.retention import reduce_evidence
from gql.services.reports import rules
from gql.services.reports.aggregates import refresh
from gql.services.reports.effect_report import EffectRequest
from gql.services.reports.manager_days import from_json, summarise
from gql.services.reports.manager_months import months_of, units_of_bytes, units_to_bytes
from gql.services.reports.manager_months import to_json as month_to_json
from gql.services.reports.service import (
    LATE_UPLOAD_MARGIN,
    GroupBy,
    ReportRequest,
    ReportService,
)
from gql.services.visits.device_fixes import DeviceFix
from gql.services.visits.service import CheckIn, CheckOut, VisitService
from gql.store.models import (
    ReportManagerDayRow,
    ReportManagerMonthRow,
    ReportRetailerMonthRow,
    ReportStaleDayRow,
    RetailerRow,
    StaffRow,
)
from gql.store.repositories import ManagerRepository
from gql.store.repositories.report_days import ReportDayRepository
from tests.gql.services.demo.conftest import TODAY, SeededHistory

FIRST = date(2026, 11, 1)
"""Before the history's first visit (three weeks back from 4 December)."""


@pytest.fixture
def session(history_city: SeededHistory) -> Iterator[Session]:
    """A session whose commits are savepoints of an outer transaction rolled back at the end."""
    connection = history_city.engine.connect()
    outer = connection.begin()
    opened = Session(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield opened
    finally:
        opened.close()
        outer.rollback()
        connection.close()


def _principal(session: Session, role: Role) -> Principal:
    row = session.scalars(
        sa.select(StaffRow).where(StaffRow.role == role, StaffRow.active.is_(True))
    ).first()
    assert row is not None
    return Principal(row.id, row.staff_no, row.name, row.role, row.department_id)


def _reports(session: Session, *, raw: bool) -> dict[str, Any]:
    """Every visit report over the history, keyed by what was asked."""
    service = ReportService(session, _principal(session, Role.ADMIN), raw=raw)
    out: dict[str, Any] = {}
    for grain in rules.Grain:
        for by in GroupBy:
            request = ReportRequest(FIRST, TODAY, grain=grain, by=by)
            out[f"discipline {grain.value} {by.value}"] = service.discipline(request)
            out[f"routes {grain.value} {by.value}"] = service.routes(request)
    out["workload"] = service.workload(ReportRequest(FIRST, TODAY))
    split = TODAY - timedelta(days=10)
    effect = EffectRequest(FIRST, split, split + timedelta(days=1), TODAY, resamples=200)
    out["effect"] = service.effect(effect)
    out["effect by department"] = service.effect_by_department(effect)
    return out


def _visits(session: Session, *, raw: bool) -> int:
    service = ReportService(session, _principal(session, Role.ADMIN), raw=raw)
    report = service.discipline(ReportRequest(FIRST, TODAY, by=GroupBy.COMPANY))
    return report.totals[0].measures.visits


def test_reports_over_aggregates_equal_reports_over_raw_tables(session: Session) -> None:
    raw = _reports(session, raw=True)
    assert _reports(session, raw=False) == raw  # not built yet: the raw tables are read
    done = refresh(session, full=True, margin=LATE_UPLOAD_MARGIN)
    session.commit()
    stored = session.scalar(sa.select(sa.func.count()).select_from(ReportManagerDayRow))
    assert done.full
    assert done.days_written == stored
    assert (stored or 0) > 50
    assert session.scalar(sa.select(sa.func.count()).select_from(ReportStaleDayRow)) == 0
    aggregated = _reports(session, raw=False)
    for key, report in raw.items():
        assert aggregated[key] == report, key
    assert raw[f"discipline {rules.Grain.MONTH.value} COMPANY"].totals[0].measures.visits > 100


def test_the_aggregate_path_reads_the_stored_facts(session: Session) -> None:
    """Tampering with one stored day shows in the aggregate report and not in the raw one.

    A December day: the period ends on 4 December, so December is read as days.
    """
    refresh(session, full=True, margin=LATE_UPLOAD_MARGIN)
    before = _visits(session, raw=False)
    row = session.scalars(
        sa.select(ReportManagerDayRow).where(ReportManagerDayRow.day >= date(2026, 12, 1)).limit(1)
    ).one()
    facts = list(row.facts)
    facts[6] += 1000  # visits: after the version and six counts (manager_days.to_json)
    row.facts = facts
    session.flush()
    assert _visits(session, raw=False) == before + 1000
    assert _visits(session, raw=True) == before


def _tamper_month(session: Session) -> ReportManagerMonthRow:
    """Add 1000 visits to one stored November manager-month (a whole month of the period)."""
    row = session.scalars(
        sa.select(ReportManagerMonthRow).where(ReportManagerMonthRow.month == date(2026, 11, 1))
    ).first()
    assert row is not None
    facts = list(row.facts)
    facts[7] += 1000  # visits: after the version, manager-days and six counts (manager_months)
    row.facts = facts
    session.flush()
    return row


def test_a_whole_month_is_read_from_its_roll_up(session: Session) -> None:
    """The stored November months equal their stored days totalled, and monthly reports read
    them (tampering shows); a weekly report reads the days."""
    refresh(session, full=True, margin=LATE_UPLOAD_MARGIN)
    store = ReportDayRepository(session)
    stored = {(m, d): f for m, d, f in store.months([*_manager_ids(session)], FIRST, FIRST)}
    days = [
        from_json(*row) for row in store.facts([*_manager_ids(session)], FIRST, date(2026, 11, 30))
    ]
    assert stored == {m.key: month_to_json(m) for m in months_of(days)}
    assert len(stored) >= 5
    before = _visits(session, raw=False)
    _tamper_month(session)
    assert _visits(session, raw=False) == before + 1000
    weekly = ReportService(session, _principal(session, Role.ADMIN)).discipline(
        ReportRequest(FIRST, TODAY, grain=rules.Grain.WEEK, by=GroupBy.COMPANY)
    )
    assert weekly.totals[0].measures.visits == before


def test_a_stale_day_makes_its_month_read_as_days_until_the_refresh_rebuilds_it(
    session: Session,
) -> None:
    refresh(session, full=True, margin=LATE_UPLOAD_MARGIN)
    before = _visits(session, raw=False)
    row = _tamper_month(session)
    store = ReportDayRepository(session)
    store.mark_stale([(row.manager_id, date(2026, 11, 16))])
    assert _visits(session, raw=False) == before  # the month is read as its days
    assert _reports(session, raw=False) == _reports(session, raw=True)
    done = refresh(session, full=False, margin=LATE_UPLOAD_MARGIN)
    assert (done.full, done.marks) == (False, 1)
    session.expire_all()
    rebuilt = store.months([row.manager_id], date(2026, 11, 1), date(2026, 11, 1))
    days = store.facts([row.manager_id], date(2026, 11, 1), date(2026, 11, 30))
    assert [f for _, _, f in rebuilt] == [
        month_to_json(m) for m in months_of([from_json(*d) for d in days])
    ]
    assert _visits(session, raw=False) == before
    assert _reports(session, raw=False) == _reports(session, raw=True)


def _manager_ids(session: Session) -> list[int]:
    return [m.staff_id for m in ManagerRepository(session).all()]


def test_a_visit_committed_after_a_refresh_shows_in_the_next_report(session: Session) -> None:
    refresh(session, full=True, margin=LATE_UPLOAD_MARGIN)
    session.commit()
    before = _visits(session, raw=False)
    manager = _principal(session, Role.ACCOUNT_MANAGER)
    retailer = session.scalars(
        sa.select(RetailerRow).where(RetailerRow.manager_id == manager.staff_id).limit(1)
    ).one()
    at = datetime.combine(TODAY, datetime.min.time(), LOCAL_TZ).replace(hour=19).astimezone(UTC)
    clock = iter([at, at + timedelta(minutes=12)])
    visits = VisitService(session, manager, spatial=SpatialIndex(), clock=lambda: next(clock))

    def fix(when: datetime) -> DeviceFix:
        return DeviceFix(retailer.lat, retailer.lon, "WGS84", 10.0, when)

    started = asyncio.run(visits.start(CheckIn(retailer.id, "agg-test-1", fix(at), at)))
    session.commit()
    end_at = at + timedelta(minutes=12)
    asyncio.run(visits.end(CheckOut(started.visit.id, fix(end_at), end_at)))
    session.commit()
    marks = ReportDayRepository(session).stale(None, None, None)
    assert {(m, d) for _, m, d in marks} == {(manager.staff_id, TODAY)}
    assert _visits(session, raw=False) == before + 1 == _visits(session, raw=True)
    assert _reports(session, raw=False) == _reports(session, raw=True)
    done = refresh(session, full=False, margin=LATE_UPLOAD_MARGIN)
    session.commit()
    assert (done.full, done.marks) == (False, len(marks))
    assert ReportDayRepository(session).stale(None, None, None) == []
    assert _visits(session, raw=False) == before + 1


def test_the_history_writes_marked_every_manager_day_they_made(session: Session) -> None:
    """The demo history is written through the plan and visit services: their marks name
    exactly the manager-days the reports find (nothing built, nothing refreshed yet)."""
    managers = ManagerRepository(session).all()
    days = summarise(session, managers, rules.ReportPeriod(FIRST, TODAY), LATE_UPLOAD_MARGIN)
    marks = ReportDayRepository(session).stale(None, None, None)
    assert {(m, d) for _, m, d in marks} == {d.key for d in days}
    assert len(days) > 50


def test_a_refresh_keeps_the_marks_added_while_it_ran(session: Session) -> None:
    """Marks are cleared by the ids read, so a later write's mark survives for the next run."""
    days = ReportDayRepository(session)
    manager = _principal(session, Role.ACCOUNT_MANAGER)
    days.mark_stale([(manager.staff_id, TODAY)])
    read = days.stale(None, None, None)
    days.mark_stale([(manager.staff_id, TODAY - timedelta(days=1))])
    days.clear_marks(mark_id for mark_id, _, _ in read)
    left = days.stale(None, None, None)
    assert [(m, d) for _, m, d in left] == [(manager.staff_id, TODAY - timedelta(days=1))]


def test_reduced_evidence_reaches_the_aggregates(session: Session) -> None:
    """Evidence reduction drops check-in estimates (travelled km): it marks the visits' days."""
    refresh(session, full=True, margin=LATE_UPLOAD_MARGIN)
    before = _reports(session, raw=False)
    now = datetime.combine(TODAY, datetime.min.time(), UTC) + timedelta(days=40)
    assert reduce_evidence(session, now=now, retention_days=40).visits > 100
    after = _reports(session, raw=False)
    key = f"routes {rules.Grain.MONTH.value} COMPANY"
    assert after[key] != before[key]
    assert after == _reports(session, raw=True)


def _volume(session: Session, *, raw: bool) -> float:
    service = ReportService(session, _principal(session, Role.ADMIN), raw=raw)
    report = service.workload(ReportRequest(FIRST, TODAY))
    return report.balance[-1].balance.volume_cartons


def test_sales_sums_read_the_monthly_totals(session: Session) -> None:
    """The history's November orders are summed from the retailer-months once built (the
    refresh rebuilt them from the orders the seed wrote): tampering with one shows there and
    not in the raw report."""
    before_refresh = _volume(session, raw=False)
    refresh(session, full=True, margin=LATE_UPLOAD_MARGIN)
    assert _volume(session, raw=False) == before_refresh == _volume(session, raw=True) > 0
    month = ReportRetailerMonthRow
    held = sa.select(RetailerRow.id).where(RetailerRow.manager_id.is_not(None))
    row = session.scalars(
        sa.select(month).where(month.month == date(2026, 11, 1), month.retailer_id.in_(held))
    ).first()
    assert row is not None
    row.volume_cartons += 1000
    session.flush()
    assert _volume(session, raw=False) == before_refresh + 1000
    assert _volume(session, raw=True) == before_refresh


def _coverage(session: Session, *, raw: bool) -> float | None:
    """The effect report's coverage in November (a whole month) before December."""
    service = ReportService(session, _principal(session, Role.ADMIN), raw=raw)
    report = service.effect(
        EffectRequest(FIRST, date(2026, 11, 30), date(2026, 12, 1), TODAY, resamples=100)
    )
    before = next(m for m in report.measures if m.name == "coverage_pct").effect.before
    return before


def test_the_effect_reads_the_stored_units_and_a_stale_day_its_raw_tables(
    session: Session,
) -> None:
    """A whole November month's units are read from their bytes (tampering shows); a day of
    that month marked stale makes the month read as its days, recomputed; the next refresh
    stores the month's units again as its days give them."""
    refresh(session, full=True, margin=LATE_UPLOAD_MARGIN)
    before = _coverage(session, raw=False)
    assert before == _coverage(session, raw=True)
    assert before is not None
    row = session.scalars(
        sa.select(ReportManagerMonthRow).where(ReportManagerMonthRow.month == FIRST)
    ).first()
    assert row is not None
    kept = row.units
    table = units_of_bytes(row.units).copy()
    table[:, 2] = 0.0  # no stop visited on any day of this manager's November
    row.units = units_to_bytes(table.tolist())
    session.flush()
    assert _coverage(session, raw=False) < before
    store = ReportDayRepository(session)
    store.mark_stale([(row.manager_id, FIRST + timedelta(days=int(table[0, 0]) - 1))])
    assert _coverage(session, raw=False) == before  # read as its days
    refresh(session, full=False, margin=LATE_UPLOAD_MARGIN)
    session.expire_all()
    assert store.month_units([row.manager_id], FIRST, FIRST)[0][2] == kept
    assert _coverage(session, raw=False) == before


def test_the_effect_reads_a_stored_days_unit(session: Session) -> None:
    """December is not whole in the period: its days' units are read from their bytes."""
    refresh(session, full=True, margin=LATE_UPLOAD_MARGIN)
    service = ReportService(session, _principal(session, Role.ADMIN))
    request = EffectRequest(FIRST, date(2026, 11, 30), date(2026, 12, 1), TODAY, resamples=100)
    after = next(m for m in service.effect(request).measures if m.name == "dwell_min")
    row = session.scalars(
        sa.select(ReportManagerDayRow).where(ReportManagerDayRow.day >= date(2026, 12, 1)).limit(1)
    ).one()
    values = list(np.frombuffer(row.unit, dtype="<f8"))
    values[4] += 600_000.0  # dwell seconds: after the counts (manager_months.unit_of_day)
    row.unit = np.array(values, dtype="<f8").tobytes()
    session.flush()
    tampered = next(m for m in service.effect(request).measures if m.name == "dwell_min")
    assert after.effect.after is not None
    assert tampered.effect.after is not None
    assert tampered.effect.after > after.effect.after
    assert tampered.effect.before == after.effect.before
