"""Evidence past retention is reduced to verdict, distance and accuracy (frozen clock)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from gql.domain import Visit
from gql.services.errors import InvalidInput
from gql.services.privacy.retention import reduce_evidence, reduced_flags
from gql.store.models import AuditRecordRow, PositionFixRow, VisitRow
from gql.store.repositories.visits import VisitRepository
from tests.gql.conftest import DemoPeople
from tests.gql.services.privacy.conftest import NOW, add_audit_record


def _positioned_fixes(session: Session, visit_id: int) -> int:
    return (
        session.scalar(
            sa.select(sa.func.count())
            .select_from(PositionFixRow)
            .where(PositionFixRow.visit_id == visit_id, PositionFixRow.lat.is_not(None))
        )
        or 0
    )


def _raw_texts(session: Session, visit_id: int) -> int:
    return (
        session.scalar(
            sa.select(sa.func.count())
            .select_from(PositionFixRow)
            .where(PositionFixRow.visit_id == visit_id, PositionFixRow.raw_answer.is_not(None))
        )
        or 0
    )


def test_a_visit_past_retention_loses_positions_and_carrier_text_but_keeps_its_verdict(
    session: Session, aged_visits: tuple[Visit, Visit]
) -> None:
    """Before: 2 positioned fixes, 1 carrier text; after: none, verdict/distance/accuracy kept."""
    old, _ = aged_visits
    assert (_positioned_fixes(session, old.id), _raw_texts(session, old.id)) == (2, 1)

    report = reduce_evidence(session, now=NOW, retention_days=180)

    assert (report.visits, report.fixes) == (1, 2)
    assert report.cutoff == NOW - timedelta(days=180)
    assert (_positioned_fixes(session, old.id), _raw_texts(session, old.id)) == (0, 0)
    reduced = VisitRepository(session).get_many([old.id])[0]
    assert reduced is not None
    assert reduced.evidence_reduced_at == NOW
    assert (reduced.verdict, reduced.distance_m, reduced.probability) == (
        old.verdict,
        old.distance_m,
        old.probability,
    )
    assert reduced.reasons == old.reasons
    assert [
        (f.phase, f.source, f.accuracy_m, f.captured_at, f.carrier, f.outcome_code)
        for f in reduced.fixes
    ] == [
        (f.phase, f.source, f.accuracy_m, f.captured_at, f.carrier, f.outcome_code)
        for f in old.fixes
    ]
    assert all(f.lat is None and f.lon is None and f.raw_request is None for f in reduced.fixes)
    check_in = reduced.flags["check_in"]
    assert check_in["estimate"] is None
    assert check_in["nearer_retailers"] == []
    assert (check_in["distance_m"], check_in["sigma_m"], check_in["flags"]) == (
        12.5,
        6.0,
        ["NEARER_RETAILER"],
    )
    assert reduced.flags["carrier"] == {"outcome": "TIMEOUT", "detail": "no answer"}


def test_a_visit_inside_retention_is_untouched(
    session: Session, aged_visits: tuple[Visit, Visit]
) -> None:
    """The 10-day-old visit reads back exactly as it was stored."""
    _, recent = aged_visits
    reduce_evidence(session, now=NOW, retention_days=180)
    assert VisitRepository(session).get_many([recent.id]) == [recent]


def test_a_second_run_reduces_nothing_and_keeps_the_first_runs_time(
    session: Session, aged_visits: tuple[Visit, Visit]
) -> None:
    """Idempotent: a later run finds nothing left to reduce; the reduction time stays."""
    old, _ = aged_visits
    reduce_evidence(session, now=NOW, retention_days=180)
    again = reduce_evidence(session, now=NOW + timedelta(days=1), retention_days=180)
    assert (again.visits, again.fixes) == (0, 0)
    assert (
        session.scalar(sa.select(VisitRow.evidence_reduced_at).where(VisitRow.id == old.id)) == NOW
    )


def test_retention_zero_keeps_everything(
    session: Session, aged_visits: tuple[Visit, Visit]
) -> None:
    """0 days means keep forever: nothing is reduced however old."""
    old, _ = aged_visits
    report = reduce_evidence(session, now=NOW, retention_days=0)
    assert (report.cutoff, report.visits) == (None, 0)
    assert _positioned_fixes(session, old.id) == 2


@pytest.mark.parametrize("days", [1, 30, 34])
def test_a_retention_shorter_than_the_look_back_is_refused_and_writes_nothing(
    session: Session, aged_visits: tuple[Visit, Visit], days: int
) -> None:
    """Verification reads 30 days of fixes; a shorter retention would break it."""
    old, _ = aged_visits
    with pytest.raises(InvalidInput, match="at least 35 days"):
        reduce_evidence(session, now=NOW, retention_days=days)
    assert _positioned_fixes(session, old.id) == 2


def test_reduced_flags_keep_unknown_parts_and_tolerate_missing_ones() -> None:
    """Flags without verdict or carrier parts (old rows) pass through unchanged."""
    assert reduced_flags({"record_flags": ["SHORT_DWELL"]}) == {"record_flags": ["SHORT_DWELL"]}
    assert reduced_flags({"check_in": None}) == {"check_in": None}


def test_reused_coordinate_checks_skip_reduced_fixes(
    session: Session, aged_visits: tuple[Visit, Visit]
) -> None:
    """device_points_since returns the recent device fix only, never a position-less one."""
    old, recent = aged_visits
    visits = VisitRepository(session)
    since = NOW - timedelta(days=400)
    assert len(visits.device_points_since(old.manager_id, since)) == 2
    reduce_evidence(session, now=NOW, retention_days=180)
    points = visits.device_points_since(old.manager_id, since)
    assert points == [(recent.fixes[0].lat, recent.fixes[0].lon, recent.fixes[0].coordinate_system)]


def test_reduced_flags_strip_the_check_out_and_the_end_lookup_too() -> None:
    """Both verdicts lose their estimate and nearer shops; both lookups their carrier text."""
    flags = {
        "check_out": {"kind": "IN_PLACE", "estimate": [28.0, 120.6], "nearer_retailers": [{}]},
        "carrier_at_end": {"outcome": "OK", "raw_request": "<r/>", "raw_answer": "<a/>"},
        "record_flags": ["SHORT_DWELL"],
    }
    assert reduced_flags(flags) == {
        "check_out": {"kind": "IN_PLACE", "estimate": None, "nearer_retailers": []},
        "carrier_at_end": {"outcome": "OK"},
        "record_flags": ["SHORT_DWELL"],
    }


def test_an_audit_record_past_retention_loses_the_auditors_position_once(
    session: Session, people: DemoPeople
) -> None:
    """The auditor's fix and estimate go; verdict, distance and accuracy stay; idempotent."""
    old = add_audit_record(session, people, NOW - timedelta(days=200))
    recent = add_audit_record(session, people, NOW - timedelta(days=10))
    assert reduce_evidence(session, now=NOW, retention_days=180).audit_records == 1
    assert reduce_evidence(session, now=NOW, retention_days=180).audit_records == 0
    rows = {
        r.id: r
        for r in session.execute(
            sa.select(AuditRecordRow.__table__).where(AuditRecordRow.id.in_([old, recent]))
        )
    }
    assert (rows[old].fix_lat, rows[old].fix_lon, rows[old].evidence_reduced_at) == (
        None,
        None,
        NOW,
    )
    assert rows[old].auditor_evidence == {"kind": "IN_PLACE", "distance_m": 9.0, "estimate": None}
    assert (rows[old].auditor_verdict, rows[old].auditor_distance_m) == ("IN_PLACE", 9.0)
    assert rows[old].fix_accuracy_m == 7.0
    assert (rows[recent].fix_lat, rows[recent].evidence_reduced_at) == (28.0013, None)
