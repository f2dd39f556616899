"""Reduce old visits' and audits' evidence to verdict, distance and accuracy (PIPL retention).

Precise location is sensitive personal information: after the retention period a visit keeps
why it was judged as it was (verdict, distance, probability, reasons, flags) and each fix's
phase, source, accuracy, time, carrier and outcome code, but no longer where the phone was
nor the carrier's text. An audit record likewise loses the auditor's position and estimate.
Verification reads only the last 30 days, so it is unaffected.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from gql.services.errors import InvalidInput
from gql.services.reports.stale import mark_visits
from gql.settings import MIN_EVIDENCE_RETENTION_DAYS
from gql.store.repositories.privacy import EvidenceRepository

if TYPE_CHECKING:
    from collections.abc import Mapping

    from sqlalchemy.orm import Session

__all__ = ["ReductionReport", "reduce_evidence", "reduced_flags"]

_BATCH = 500
"""Visits reduced per statement pair; bounds memory and statement size."""
_VERDICT_PARTS = ("check_in", "check_out")
_CARRIER_PARTS = ("carrier", "carrier_at_end")
_LOCATING_KEYS = ("estimate", "nearer_retailers")
"""The estimate is a position; distances to named shops near it would triangulate it."""
_CARRIER_TEXT = ("raw_request", "raw_answer")


@dataclass(frozen=True, slots=True)
class ReductionReport:
    """What one run reduced; ``cutoff`` is ``None`` when evidence is kept forever."""

    cutoff: datetime | None
    visits: int
    fixes: int
    audit_records: int = 0

    def __str__(self) -> str:
        if self.cutoff is None:
            return "evidence retention is 0 (keep forever): nothing reduced"
        return (
            f"reduced {self.visits} visits started before {self.cutoff.isoformat()} "
            f"({self.fixes} fixes lost their position) and {self.audit_records} audit records"
        )


def reduced_flags(flags: Mapping[str, Any]) -> dict[str, Any]:
    """The visit's recorded evidence without positions and carrier text (pure)."""
    out = dict(flags)
    for part in _VERDICT_PARTS:
        verdict = out.get(part)
        if isinstance(verdict, dict):
            out[part] = _reduced_verdict(verdict)
    for part in _CARRIER_PARTS:
        carrier = out.get(part)
        if isinstance(carrier, dict):
            out[part] = {k: v for k, v in carrier.items() if k not in _CARRIER_TEXT}
    return out


def _reduced_verdict(verdict: Mapping[str, Any]) -> dict[str, Any]:
    return {
        k: ([] if k == "nearer_retailers" else None) if k in _LOCATING_KEYS else v
        for k, v in verdict.items()
    }


def reduce_evidence(session: Session, *, now: datetime, retention_days: int) -> ReductionReport:
    """Reduce every visit started before ``now - retention_days``; idempotent.

    Writes in the caller's transaction (the CLI commits once). ``retention_days`` 0 keeps
    everything; anything between 1 and 34 is refused (verification looks back 30 days).
    """
    if now.tzinfo is None:
        raise InvalidInput("now needs a UTC offset", field=("now",))
    if retention_days == 0:
        return ReductionReport(cutoff=None, visits=0, fixes=0)
    if retention_days < MIN_EVIDENCE_RETENTION_DAYS:
        raise InvalidInput(
            f"retention must be 0 (keep forever) or at least {MIN_EVIDENCE_RETENTION_DAYS} days",
            field=("retention_days",),
        )
    cutoff = now - timedelta(days=retention_days)
    evidence = EvidenceRepository(session)
    visits = fixes = audits = 0
    while batch := evidence.unreduced_before(cutoff, limit=_BATCH):
        fixes += evidence.reduce({i: reduced_flags(f) for i, f in batch}, now)
        mark_visits(session, [i for i, _ in batch])  # their check-in estimates are gone
        visits += len(batch)
    while records := evidence.unreduced_audits_before(cutoff, limit=_BATCH):
        evidence.reduce_audits({i: _reduced_verdict(e) for i, e in records}, now)
        audits += len(records)
    return ReductionReport(cutoff=cutoff, visits=visits, fixes=fixes, audit_records=audits)
