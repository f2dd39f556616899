"""Retailer status over time and the sources of a day plan's retailers (issue 16)."""

from __future__ import annotations

import builtins
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa

from gql.domain import PlanStatus
from gql.domain.plan_sources import PlanSource, PlanSourceEntry
from gql.domain.retailers import RetailerStatusChange
from gql.store.models import (
    PlanRetailerSourceRow,
    PlanStopRow,
    PlanStopSkipRow,
    RetailerRow,
    RetailerStatusChangeRow,
    VisitPlanRow,
)

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date, datetime

    from sqlalchemy.orm import Session

    from gql.domain import RetailerStatus

__all__ = [
    "PlanSourceRepository",
    "RetailerStatusRepository",
    "StopAhead",
    "open_stops",
    "status_on",
]

_CHUNK = 500


@dataclass(frozen=True, slots=True)
class StopAhead:
    """A stop of a current plan (draft or published) at a retailer."""

    stop_id: int
    plan_id: int
    manager_id: int
    plan_date: date


def status_on(
    changes: Sequence[RetailerStatusChange], current: RetailerStatus, day: date
) -> RetailerStatus:
    """A retailer's status on ``day`` from its changes (any order) and its stored status.

    The newest change in force by ``day`` decides; before the first change, the status that
    change replaced; with no changes, the stored status.
    """
    ordered = sorted(changes, key=lambda c: (c.effective_on, c.id))
    in_force = [c for c in ordered if c.effective_on <= day]
    if in_force:
        return in_force[-1].status
    return ordered[0].previous_status if ordered else current


class RetailerStatusRepository:
    """Appends status changes and answers a retailer's status on a day; never commits."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(
        self,
        retailer_id: int,
        *,
        status: RetailerStatus,
        previous_status: RetailerStatus,
        effective_on: date,
        reason: str,
        by: int | None,
        now: datetime,
    ) -> RetailerStatusChange:
        """Record one change (the stored status is settled separately)."""
        row = RetailerStatusChangeRow(
            retailer_id=retailer_id,
            status=status,
            previous_status=previous_status,
            effective_on=effective_on,
            reason=reason,
            changed_by=by,
            changed_at=now,
        )
        self._session.add(row)
        self._session.flush()
        return _change(row)

    def history(
        self, retailer_ids: Sequence[int]
    ) -> dict[int, builtins.list[RetailerStatusChange]]:
        """Each retailer's changes, by effective day then record order."""
        found: defaultdict[int, builtins.list[RetailerStatusChange]] = defaultdict(builtins.list)
        ids = sorted(set(retailer_ids))
        for start in range(0, len(ids), _CHUNK):
            statement = (
                sa.select(RetailerStatusChangeRow)
                .where(RetailerStatusChangeRow.retailer_id.in_(ids[start : start + _CHUNK]))
                .order_by(
                    RetailerStatusChangeRow.retailer_id,
                    RetailerStatusChangeRow.effective_on,
                    RetailerStatusChangeRow.id,
                )
            )
            for row in self._session.scalars(statement):
                found[row.retailer_id].append(_change(row))
        return dict(found)

    def statuses_on(
        self, current: dict[int, RetailerStatus], day: date
    ) -> dict[int, RetailerStatus]:
        """The status on ``day`` of each retailer given with its stored status."""
        history = self.history(list(current))
        return {rid: status_on(history.get(rid, []), now, day) for rid, now in current.items()}

    def settle(self, today: date, *, now: datetime) -> int:
        """Bring stored statuses in line with the changes in force ``today``; how many moved.

        A moved retailer's version increases, so an editor holding the old one is told.
        """
        changed = sa.select(RetailerStatusChangeRow.retailer_id).distinct()
        current = dict(
            self._session.execute(
                sa.select(RetailerRow.id, RetailerRow.status).where(RetailerRow.id.in_(changed))
            ).all()
        )
        wanted = self.statuses_on(current, today)
        moved = [rid for rid, status in wanted.items() if status is not current[rid]]
        for rid in moved:
            self._session.execute(
                sa.update(RetailerRow)
                .where(RetailerRow.id == rid)
                .values(status=wanted[rid], version=RetailerRow.version + 1, updated_at=now)
                .execution_options(synchronize_session=False)
            )
        if moved:
            self._session.expire_all()
        return len(moved)


class PlanSourceRepository:
    """Why each retailer is on a plan; written with the plan, read per plan."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, plan_id: int, entries: Sequence[PlanSourceEntry]) -> None:
        """Record a plan's composition."""
        if entries:
            self._session.execute(
                sa.insert(PlanRetailerSourceRow),
                [
                    {"plan_id": plan_id, "retailer_id": e.retailer_id, "source": e.source}
                    for e in entries
                ],
            )

    def for_plan(self, plan_id: int) -> builtins.list[PlanSourceEntry]:
        """A plan's composition, by retailer id (empty for plans made before it was kept)."""
        rows = self._session.execute(
            sa.select(PlanRetailerSourceRow.retailer_id, PlanRetailerSourceRow.source)
            .where(PlanRetailerSourceRow.plan_id == plan_id)
            .order_by(PlanRetailerSourceRow.retailer_id)
        ).all()
        return [PlanSourceEntry(int(rid), PlanSource(source)) for rid, source in rows]


def _change(row: RetailerStatusChangeRow) -> RetailerStatusChange:
    return RetailerStatusChange(
        id=row.id,
        retailer_id=row.retailer_id,
        status=row.status,
        previous_status=row.previous_status,
        effective_on=row.effective_on,
        reason=row.reason,
        changed_by=row.changed_by,
        changed_at=row.changed_at,
    )


def open_stops(session: Session, retailer_id: int, from_day: date) -> builtins.list[StopAhead]:
    """Stops at a retailer in draft or published plans from ``from_day`` on, not yet skipped."""
    rows = session.execute(
        sa.select(PlanStopRow.id, VisitPlanRow.id, VisitPlanRow.manager_id, VisitPlanRow.plan_date)
        .join(VisitPlanRow, VisitPlanRow.id == PlanStopRow.plan_id)
        .where(
            PlanStopRow.retailer_id == retailer_id,
            VisitPlanRow.plan_date >= from_day,
            VisitPlanRow.status.in_((PlanStatus.DRAFT, PlanStatus.PUBLISHED)),
            ~sa.exists().where(PlanStopSkipRow.stop_id == PlanStopRow.id),
        )
        .order_by(VisitPlanRow.plan_date, PlanStopRow.id)
    ).all()
    return [StopAhead(int(s), int(p), int(m), d) for s, p, m, d in rows]
