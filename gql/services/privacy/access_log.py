"""Who read whose location evidence: collected per request, written once, read by oversight.

Queries run on a read-only connection, so a request only *collects* what it returned
(:class:`EvidenceReads`); the wiring writes the collection in one short transaction of its own
when the request ends (:func:`record_reads`), one multi-row insert per request however many
visits and fields were read. A person reading their own visits is not logged: the log answers
"who looked at my location", and the handheld reads its own visits all day.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from gql.domain import Role
from gql.services.access import Principal, require_role, signed_in
from gql.services.errors import InvalidInput
from gql.store.repositories.privacy import EvidenceReadFilter, EvidenceRepository, ReadDraft

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session

    from gql.domain.privacy import EvidencePart, EvidenceRead
    from gql.services.paging import Page, PageRequest

__all__ = [
    "LOG_READERS",
    "EvidenceLogService",
    "EvidenceReadQuery",
    "EvidenceReads",
    "record_reads",
]

LOG_READERS = frozenset({Role.MARKETING, Role.ADMIN})
"""Who may read the access log: oversight (marketing) and the administrators."""


@dataclass
class EvidenceReads:
    """What one request returned of other people's location evidence (in memory)."""

    _visits: defaultdict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    _parts: defaultdict[int, set[EvidencePart]] = field(default_factory=lambda: defaultdict(set))

    def note(self, visit_id: int, subject_id: int, part: EvidencePart) -> None:
        """Remember that ``part`` of a visit of ``subject_id`` was returned."""
        self._visits[subject_id].add(visit_id)
        self._parts[subject_id].add(part)

    def drain(self, reader_id: int, at: datetime) -> list[ReadDraft]:
        """One entry per person read (not the reader), and forget them."""
        drafts = [
            ReadDraft(
                read_at=at,
                reader_id=reader_id,
                subject_id=subject,
                visit_ids=sorted(visits),
                parts=sorted(self._parts[subject]),
            )
            for subject, visits in sorted(self._visits.items())
            if subject != reader_id
        ]
        self._visits.clear()
        self._parts.clear()
        return drafts


def record_reads(session: Session, drafts: list[ReadDraft]) -> None:
    """Write a request's entries (one statement); the caller commits."""
    EvidenceRepository(session).add_reads(drafts)


@dataclass(frozen=True, slots=True)
class EvidenceReadQuery:
    """Filters of the access log; ``None`` means any."""

    subject_id: int | None = None
    reader_id: int | None = None
    read_from: datetime | None = None
    read_before: datetime | None = None


class EvidenceLogService:
    """The access log as oversight reads it."""

    def __init__(self, session: Session, principal: Principal | None) -> None:
        self._principal = principal
        self._evidence = EvidenceRepository(session)

    def reads(self, query: EvidenceReadQuery, page: PageRequest) -> Page[EvidenceRead]:
        """Entries matching ``query``, newest first (marketing and administrators)."""
        require_role(signed_in(self._principal), LOG_READERS, "read the evidence access log")
        if (
            query.read_from is not None
            and query.read_before is not None
            and query.read_from >= query.read_before
        ):
            raise InvalidInput(
                "the start of the period must be before its end", field=("read_from",)
            )
        return self._evidence.page_reads(
            EvidenceReadFilter(
                subject_ids=None if query.subject_id is None else [query.subject_id],
                reader_ids=None if query.reader_id is None else [query.reader_id],
                read_from=query.read_from,
                read_before=query.read_before,
            ),
            **page.keys,
        )
