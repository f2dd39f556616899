"""Evidence retention (stripping raw positions) and the evidence access log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from gql.domain.privacy import EvidencePart, EvidenceRead
from gql.store.models import Base, EvidenceReadRow
from gql.store.repositories._paging import Keyset, Page

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from datetime import datetime

    from sqlalchemy.orm import Session

_VISITS = Base.metadata.tables["visits"]
_FIXES = Base.metadata.tables["position_fixes"]
_AUDITS = Base.metadata.tables["audit_records"]

__all__ = ["EvidenceReadFilter", "EvidenceRepository", "ReadDraft"]


@dataclass(frozen=True, slots=True)
class ReadDraft:
    """An access-log entry to write."""

    read_at: datetime
    reader_id: int
    subject_id: int
    visit_ids: Sequence[int]
    parts: Sequence[EvidencePart]


@dataclass(frozen=True, slots=True)
class EvidenceReadFilter:
    """Conditions for :meth:`EvidenceRepository.page_reads`; ``None`` means any."""

    subject_ids: Sequence[int] | None = None
    reader_ids: Sequence[int] | None = None
    read_from: datetime | None = None
    read_before: datetime | None = None


class EvidenceRepository:
    """Reads and strips visits' raw evidence; writes and pages the access log."""

    def __init__(self, session: Session) -> None:
        self._session = session

    # -- retention ------------------------------------------------------------------------

    def unreduced_before(self, cutoff: datetime, *, limit: int) -> list[tuple[int, dict[str, Any]]]:
        """Up to ``limit`` visits started before ``cutoff`` still holding raw evidence."""
        rows = self._session.execute(
            sa.select(_VISITS.c.id, _VISITS.c.flags)
            .where(_VISITS.c.started_at < cutoff, _VISITS.c.evidence_reduced_at.is_(None))
            .order_by(_VISITS.c.id)
            .limit(limit)
        )
        return [(visit_id, dict(flags or {})) for visit_id, flags in rows]

    def reduce(self, flags_by_visit: Mapping[int, Mapping[str, Any]], at: datetime) -> int:
        """Store the reduced flags, mark the visits reduced at ``at``, strip their fixes.

        Returns how many fixes lost their position (each fix keeps phase, source, accuracy,
        time, carrier and outcome).
        """
        if not flags_by_visit:
            return 0
        ids = sorted(flags_by_visit)
        # Core tables: one executemany, no ORM bulk-update-by-primary-key rules
        self._session.execute(
            sa.update(_VISITS)
            .where(_VISITS.c.id == sa.bindparam("b_id"))
            .values(
                flags=sa.bindparam("b_flags", type_=_VISITS.c.flags.type),
                evidence_reduced_at=at,
            ),
            [{"b_id": i, "b_flags": dict(flags_by_visit[i])} for i in ids],
        )
        stripped = self._session.execute(
            sa.update(_FIXES)
            .where(_FIXES.c.visit_id.in_(ids))
            .values(lat=None, lon=None, raw_request=None, raw_answer=None)
        )
        return int(getattr(stripped, "rowcount", 0) or 0)

    def unreduced_audits_before(
        self, cutoff: datetime, *, limit: int
    ) -> list[tuple[int, dict[str, Any]]]:
        """Up to ``limit`` audit records made before ``cutoff`` still holding the position."""
        rows = self._session.execute(
            sa.select(_AUDITS.c.id, _AUDITS.c.auditor_evidence)
            .where(_AUDITS.c.audited_at < cutoff, _AUDITS.c.evidence_reduced_at.is_(None))
            .order_by(_AUDITS.c.id)
            .limit(limit)
        )
        return [(record_id, dict(evidence or {})) for record_id, evidence in rows]

    def reduce_audits(
        self, evidence_by_record: Mapping[int, Mapping[str, Any]], at: datetime
    ) -> None:
        """Store the reduced evidence, drop the auditor's fix position, mark them reduced."""
        if not evidence_by_record:
            return
        self._session.execute(
            sa.update(_AUDITS)
            .where(_AUDITS.c.id == sa.bindparam("b_id"))
            .values(
                auditor_evidence=sa.bindparam("b_evidence", type_=_AUDITS.c.auditor_evidence.type),
                fix_lat=None,
                fix_lon=None,
                evidence_reduced_at=at,
            ),
            [
                {"b_id": i, "b_evidence": dict(evidence_by_record[i])}
                for i in sorted(evidence_by_record)
            ],
        )

    # -- access log -----------------------------------------------------------------------

    def add_reads(self, drafts: Sequence[ReadDraft]) -> None:
        """One multi-row insert for a request's reads."""
        if not drafts:
            return
        self._session.execute(
            sa.insert(EvidenceReadRow),
            [
                {
                    "read_at": d.read_at,
                    "reader_id": d.reader_id,
                    "subject_id": d.subject_id,
                    "visit_ids": sorted(set(d.visit_ids)),
                    "parts": sorted({p.value for p in d.parts}),
                }
                for d in drafts
            ],
        )

    def page_reads(
        self,
        where: EvidenceReadFilter,
        *,
        first: int = 50,
        after: int | None = None,
        last: int | None = None,
        before: int | None = None,
    ) -> Page[EvidenceRead]:
        """Log entries matching ``where``, newest first (a larger id was written later)."""
        keys = Keyset.of(first, after, last, before, descending=True)
        conditions: list[sa.ColumnElement[bool]] = []
        if where.subject_ids is not None:
            conditions.append(EvidenceReadRow.subject_id.in_(list(where.subject_ids)))
        if where.reader_ids is not None:
            conditions.append(EvidenceReadRow.reader_id.in_(list(where.reader_ids)))
        if where.read_from is not None:
            conditions.append(EvidenceReadRow.read_at >= where.read_from)
        if where.read_before is not None:
            conditions.append(EvidenceReadRow.read_at < where.read_before)
        total = self._session.scalar(
            sa.select(sa.func.count()).select_from(EvidenceReadRow).where(*conditions)
        )
        rows, has_next, has_previous = keys.cut(
            list(
                self._session.scalars(
                    sa.select(EvidenceReadRow)
                    .where(*conditions, *keys.conditions(EvidenceReadRow.id))
                    .order_by(keys.order(EvidenceReadRow.id))
                    .limit(keys.size + 1)
                )
            )
        )
        return Page(
            items=[(r.id, _read_to_domain(r)) for r in rows],
            has_next=has_next,
            has_previous=has_previous,
            total_count=total or 0,
        )


def _read_to_domain(row: EvidenceReadRow) -> EvidenceRead:
    return EvidenceRead(
        id=row.id,
        read_at=row.read_at,
        reader_id=row.reader_id,
        subject_id=row.subject_id,
        visit_ids=tuple(int(i) for i in row.visit_ids or ()),
        parts=frozenset(EvidencePart(p) for p in row.parts or ()),
    )
