"""The organisation's change log: appended, read newest first per subject or as a page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from gql.store.models import OrgChangeRow
from gql.store.repositories._paging import Keyset, Page

if TYPE_CHECKING:
    from datetime import date, datetime

    from sqlalchemy.orm import Session

__all__ = ["OrgChange", "OrgChangeRepository"]


@dataclass(frozen=True, slots=True)
class OrgChange:
    """One recorded change: who (``None``: the command line), when, to what, and how."""

    id: int
    at: datetime
    actor_id: int | None
    subject: str
    subject_id: int
    action: str
    effective_on: date
    detail: dict[str, Any]


class OrgChangeRepository:
    """Appends to and reads ``org_changes``; rows are never changed."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(
        self,
        *,
        at: datetime,
        actor_id: int | None,
        subject: str,
        subject_id: int,
        action: str,
        effective_on: date,
        detail: dict[str, Any],
    ) -> OrgChange:
        """Record one change."""
        row = OrgChangeRow(
            at=at,
            actor_id=actor_id,
            subject=subject,
            subject_id=subject_id,
            action=action,
            effective_on=effective_on,
            detail=detail,
        )
        self._session.add(row)
        self._session.flush()
        return _to_domain(row)

    def page(
        self,
        *,
        first: int = 50,
        after: int | None = None,
        last: int | None = None,
        before: int | None = None,
        subject: str | None = None,
        subject_id: int | None = None,
    ) -> Page[OrgChange]:
        """Changes with id greater than ``after``, oldest first, optionally of one subject."""
        keys = Keyset.of(first, after, last, before)
        conditions: list[sa.ColumnElement[bool]] = []
        if subject is not None:
            conditions.append(OrgChangeRow.subject == subject)
        if subject_id is not None:
            conditions.append(OrgChangeRow.subject_id == subject_id)
        total = self._session.scalar(
            sa.select(sa.func.count()).select_from(OrgChangeRow).where(*conditions)
        )
        rows, has_next, has_previous = keys.cut(
            list(
                self._session.scalars(
                    sa.select(OrgChangeRow)
                    .where(*conditions, *keys.conditions(OrgChangeRow.id))
                    .order_by(keys.order(OrgChangeRow.id))
                    .limit(keys.size + 1)
                )
            )
        )
        return Page(
            items=[(row.id, _to_domain(row)) for row in rows],
            has_next=has_next,
            has_previous=has_previous,
            total_count=total or 0,
        )


def _to_domain(row: OrgChangeRow) -> OrgChange:
    return OrgChange(
        id=row.id,
        at=row.at,
        actor_id=row.actor_id,
        subject=row.subject,
        subject_id=row.subject_id,
        action=row.action,
        effective_on=row.effective_on,
        detail=dict(row.detail),
    )
