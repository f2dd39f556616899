"""The retailer assignment history: every write of a retailer's manager is kept in time.

The retailer repository and the territory apply call :meth:`AssignmentRepository.sync` after
they write ``retailers.manager_id``; it closes the current period of each retailer whose
manager changed (on the company day of the change) and opens the next. A retailer new to the
books starts with its first manager since records began (:data:`EARLIEST_DAY`), so sales
imported for it before it was registered are that manager's. Sales are attributed by this
history (``ActivityRepository``), so a reassignment never moves past sales.
"""

from __future__ import annotations

import builtins
from collections import defaultdict
from typing import TYPE_CHECKING

import sqlalchemy as sa

from gql.domain.assignments import EARLIEST_DAY, Assignment
from gql.services.calendar import local_day
from gql.store.models import Base

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from datetime import datetime

    from sqlalchemy.orm import Session

__all__ = ["AssignmentRepository"]

_HISTORY = Base.metadata.tables["retailer_assignments"]
_RETAILERS = Base.metadata.tables["retailers"]
_CHUNK = 500


def _chunks(values: Sequence[int]) -> Iterator[Sequence[int]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


class AssignmentRepository:
    """Writes and reads the history; never commits."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def sync(self, retailer_ids: Sequence[int], *, now: datetime) -> int:
        """Bring the history of these retailers in line with their current manager.

        A retailer with no history starts one at :data:`EARLIEST_DAY`; one whose current
        period names another manager has it closed on ``now``'s company day and a new one
        opened from that day. Returns how many periods were opened.
        """
        ids = sorted(set(retailer_ids))
        if not ids:
            return 0
        current: dict[int, int | None] = {}
        open_rows: dict[int, tuple[int, int | None]] = {}
        known: set[int] = set()
        for chunk in _chunks(ids):
            for rid, manager in self._session.execute(
                sa.select(_RETAILERS.c.id, _RETAILERS.c.manager_id).where(
                    _RETAILERS.c.id.in_(chunk)
                )
            ):
                current[rid] = manager
            for row_id, rid, manager, valid_to in self._session.execute(
                sa.select(
                    _HISTORY.c.id,
                    _HISTORY.c.retailer_id,
                    _HISTORY.c.manager_id,
                    _HISTORY.c.valid_to,
                ).where(_HISTORY.c.retailer_id.in_(chunk))
            ):
                known.add(rid)
                if valid_to is None:
                    open_rows[rid] = (row_id, manager)
        day = local_day(now)
        closing: list[int] = []
        opening: list[dict[str, object]] = []
        for rid, manager in current.items():
            if rid not in known:
                opening.append(_row(rid, manager, EARLIEST_DAY, now))
                continue
            row = open_rows.get(rid)
            if row is not None and row[1] == manager:
                continue
            if row is not None:
                closing.append(row[0])
            opening.append(_row(rid, manager, day, now))
        for chunk in _chunks(closing):
            self._session.execute(
                sa.update(_HISTORY).where(_HISTORY.c.id.in_(chunk)).values(valid_to=day)
            )
        if opening:
            self._session.execute(sa.insert(_HISTORY).returning(_HISTORY.c.id), opening)
        return len(opening)

    def history(self, retailer_ids: Sequence[int]) -> dict[int, builtins.list[Assignment]]:
        """Each retailer's periods, oldest first."""
        found: defaultdict[int, builtins.list[Assignment]] = defaultdict(builtins.list)
        for chunk in _chunks(sorted(set(retailer_ids))):
            statement = (
                sa.select(_HISTORY)
                .where(_HISTORY.c.retailer_id.in_(chunk))
                .order_by(_HISTORY.c.retailer_id, _HISTORY.c.valid_from, _HISTORY.c.id)
            )
            for row in self._session.execute(statement):
                found[row.retailer_id].append(
                    Assignment(
                        row.id,
                        row.retailer_id,
                        row.manager_id,
                        row.valid_from,
                        row.valid_to,
                        row.recorded_at,
                    )
                )
        return dict(found)


def _row(retailer_id: int, manager_id: int | None, day: object, now: datetime) -> dict[str, object]:
    return {
        "retailer_id": retailer_id,
        "manager_id": manager_id,
        "valid_from": day,
        "valid_to": None,
        "recorded_at": now,
    }
