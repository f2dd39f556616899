"""Visits with raw evidence at chosen times, over the demo city, rolled back after each test."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from gql.domain import CoordinateSystem, FixPhase, FixSource, Verdict, Visit
from gql.domain.audits import AuditPlanStatus, RetailerAnswer
from gql.domain.organisation import Carrier
from gql.store.models import AuditPlanRow, AuditRecordRow, RetailerRow
from gql.store.repositories import StaffRepository
from gql.store.repositories.visits import FixDraft, VisitDraft, VisitRepository
from tests.gql.conftest import DemoPeople

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
"""The frozen clock of the retention tests."""


@pytest.fixture
def session(demo_engine: sa.Engine) -> Iterator[Session]:
    """A session over the demo city inside an outer transaction rolled back at the end."""
    connection = demo_engine.connect()
    outer = connection.begin()
    db = Session(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield db
    finally:
        db.close()
        outer.rollback()
        connection.close()


def add_visit(session: Session, staff_no: str, started_at: datetime, key: str) -> Visit:
    """A visit of ``staff_no`` at one of their retailers with a device and a carrier fix."""
    staff = StaffRepository(session).get_by_staff_no(staff_no)
    assert staff is not None
    retailer_id = session.scalar(
        sa.select(RetailerRow.id).where(RetailerRow.manager_id == staff.id).limit(1)
    )
    assert retailer_id is not None
    draft = VisitDraft(
        manager_id=staff.id,
        retailer_id=retailer_id,
        plan_stop_id=None,
        idempotency_key=key,
        started_at=started_at,
        device_started_at=started_at,
        late_upload=False,
        verdict=Verdict.IN_PLACE,
        distance_m=12.5,
        probability=0.97,
        reasons=("SHARP_FIX",),
        flags={
            "check_in": {
                "kind": "IN_PLACE",
                "radius_m": 50.0,
                "distance_m": 12.5,
                "probability_within": 0.97,
                "sigma_m": 6.0,
                "estimate": [28.0012, 120.6534],
                "reasons": ["SHARP_FIX"],
                "flags": ["NEARER_RETAILER"],
                "nearer_retailers": [{"retailer_id": retailer_id, "distance_m": 4.0}],
                "event_at": started_at.isoformat(),
            },
            "carrier": {
                "outcome": "TIMEOUT",
                "detail": "no answer",
                "raw_request": "<req msisdn='189****0001'/>",
                "raw_answer": "<fault/>",
            },
        },
    )
    fixes = [
        FixDraft(
            phase=FixPhase.START,
            source=FixSource.DEVICE_GPS,
            lat=28.0012,
            lon=120.6534,
            coordinate_system=CoordinateSystem.WGS84,
            accuracy_m=6.0,
            captured_at=started_at,
        ),
        FixDraft(
            phase=FixPhase.START,
            source=FixSource.CARRIER_CELL,
            lat=28.0019,
            lon=120.6541,
            coordinate_system=CoordinateSystem.WGS84,
            accuracy_m=150.0,
            captured_at=started_at - timedelta(seconds=20),
            carrier=Carrier.TELECOM,
            outcome_code="OK",
            raw_request="<req msisdn='189****0001'/>",
            raw_answer="<pos lat='28.0019' lon='120.6541'/>",
        ),
    ]
    visit = VisitRepository(session).add(draft, fixes)
    assert visit is not None
    return visit


@pytest.fixture
def aged_visits(session: Session, people: DemoPeople) -> tuple[Visit, Visit]:
    """One visit 200 days before NOW (past 180-day retention), one 10 days before (inside)."""
    old = add_visit(session, people.manager, NOW - timedelta(days=200), "privacy-old")
    recent = add_visit(session, people.manager, NOW - timedelta(days=10), "privacy-recent")
    return old, recent


def add_audit_record(session: Session, people: DemoPeople, audited_at: datetime) -> int:
    """An auditor's record at the demo manager's retailer, with the auditor's own fix."""
    staff = StaffRepository(session)
    manager, auditor = staff.get_by_staff_no(people.manager), staff.get_by_staff_no(people.auditor)
    assert manager is not None
    assert auditor is not None
    retailer_id = session.scalar(
        sa.select(RetailerRow.id).where(RetailerRow.manager_id == manager.id).limit(1)
    )
    plan = AuditPlanRow(
        plan_date=audited_at.date(),
        seed="s",
        design={},
        inputs_digest="d",
        manager_ids=[manager.id],
        auditor_ids=[auditor.id],
        status=AuditPlanStatus.COMPLETED,
        start_lat=28.0,
        start_lon=120.6,
        start_label="office",
        method="test",
        length_m=0,
        duration_s=0,
        optimised_against={},
        sample={},
        created_by=auditor.id,
        created_at=audited_at,
    )
    session.add(plan)
    session.flush()
    record = AuditRecordRow(
        plan_id=plan.id,
        retailer_id=retailer_id,
        manager_id=manager.id,
        auditor_id=auditor.id,
        audited_on=audited_at.date(),
        audited_at=audited_at,
        recorded_at=audited_at,
        price_tags_shown=True,
        policy_promoted=True,
        satisfaction=5,
        manager_visited=RetailerAnswer.YES,
        auditor_verdict=Verdict.IN_PLACE,
        auditor_distance_m=9.0,
        fix_lat=28.0013,
        fix_lon=120.6535,
        fix_coordinate_system=CoordinateSystem.WGS84,
        fix_accuracy_m=7.0,
        fix_captured_at=audited_at,
        auditor_evidence={"kind": "IN_PLACE", "distance_m": 9.0, "estimate": [28.0013, 120.6535]},
    )
    session.add(record)
    session.flush()
    return record.id
