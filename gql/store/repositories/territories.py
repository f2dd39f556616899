"""Territory and schedule proposals with their assignments and routed days."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from gql.domain.territories import (
    Proposal,
    ProposalAssignment,
    ProposalKind,
    ProposalStatus,
    ScheduleDay,
)
from gql.store.models import (
    Base,
    DistrictBarriersRow,
    ProposalAssignmentRow,
    ScheduleDayRow,
    TerritoryProposalRow,
)
from gql.store.repositories._paging import Keyset, Page
from gql.store.repositories.assignments import AssignmentRepository

if TYPE_CHECKING:
    import builtins
    from collections.abc import Collection, Mapping, Sequence
    from datetime import datetime

    from sqlalchemy.orm import Session

__all__ = ["ProposalDraft", "ProposalFilter", "ProposalRepository", "StaleAssignment"]

_RETAILERS = Base.metadata.tables["retailers"]
_ASSIGNMENTS = Base.metadata.tables["proposal_assignments"]
_DAYS = Base.metadata.tables["schedule_days"]


class StaleAssignment(RuntimeError):
    """Retailers changed hands after the proposal was computed; applying it would undo that."""

    def __init__(self, retailer_ids: builtins.list[int]) -> None:
        self.retailer_ids = retailer_ids
        super().__init__(
            f"{len(retailer_ids)} retailer(s) changed manager or closed since this proposal was "
            f"computed (e.g. {retailer_ids[:5]}); create a new proposal"
        )


@dataclass(frozen=True, slots=True)
class ProposalDraft:
    """A proposal to store, with all its assignments and (for a schedule) its days."""

    kind: ProposalKind
    department_id: int | None
    based_on_id: int | None
    parameters: Mapping[str, Any]
    metrics: Mapping[str, Any]
    created_by: int | None
    assignments: Sequence[ProposalAssignment]
    days: Sequence[ScheduleDay] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class ProposalFilter:
    """Which proposals to list; ``department_ids`` ``None`` means every scope.

    Otherwise whole-company proposals (``department_id`` NULL) are listed too.
    """

    department_ids: frozenset[int] | None = None
    kinds: tuple[ProposalKind, ...] = ()
    statuses: tuple[ProposalStatus, ...] = ()


class ProposalRepository:
    """Reads and writes proposals; returns :class:`~gql.domain.territories.Proposal`."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, draft: ProposalDraft, *, now: datetime) -> int:
        """Store a PROPOSED proposal with its assignments and days; return its id."""
        row = TerritoryProposalRow(
            kind=draft.kind,
            status=ProposalStatus.PROPOSED,
            department_id=draft.department_id,
            based_on_id=draft.based_on_id,
            parameters=dict(draft.parameters),
            metrics=dict(draft.metrics),
            created_by=draft.created_by,
            created_at=now,
        )
        self._session.add(row)
        self._session.flush()
        if draft.assignments:
            self._session.execute(
                sa.insert(_ASSIGNMENTS),
                [
                    {
                        "proposal_id": row.id,
                        "retailer_id": a.retailer_id,
                        "manager_id": a.manager_id,
                        "previous_manager_id": a.previous_manager_id,
                        "weekday": a.weekday,
                        "phase": a.phase,
                        "visits_per_cycle": a.visits_per_cycle,
                        "move_reason": a.move_reason,
                    }
                    for a in draft.assignments
                ],
            )
        if draft.days:
            self._session.execute(
                sa.insert(_DAYS),
                [
                    {
                        "proposal_id": row.id,
                        "manager_id": d.manager_id,
                        "week": d.week,
                        "weekday": d.weekday,
                        "retailer_ids": list(d.retailer_ids),
                        "travel_m": d.travel_m,
                        "hours": d.hours,
                        "late_stops": d.late_stops,
                    }
                    for d in draft.days
                ],
            )
        return row.id

    def barriers(self, scope_key: str) -> dict[str, Any] | None:
        """The district's stored barrier document (GeoJSON), or ``None``."""
        return self._session.scalar(
            sa.select(DistrictBarriersRow.document).where(
                DistrictBarriersRow.scope_key == scope_key
            )
        )

    def all_barriers(self) -> list[dict[str, Any]]:
        """Every district's stored barrier document, in key order."""
        return list(
            self._session.scalars(
                sa.select(DistrictBarriersRow.document).order_by(DistrictBarriersRow.scope_key)
            )
        )

    def set_barriers(
        self, scope_key: str, document: dict[str, Any] | None, *, by: int, now: datetime
    ) -> None:
        """Store (or with ``None`` remove) the district's barrier document."""
        row = self._session.scalar(
            sa.select(DistrictBarriersRow).where(DistrictBarriersRow.scope_key == scope_key)
        )
        if document is None:
            if row is not None:
                self._session.delete(row)
        elif row is None:
            self._session.add(
                DistrictBarriersRow(
                    scope_key=scope_key, document=document, updated_by=by, updated_at=now
                )
            )
        else:
            row.document, row.updated_by, row.updated_at = document, by, now
        self._session.flush()

    def get(self, proposal_id: int) -> Proposal | None:
        """Return the proposal, or ``None``."""
        row = self._session.get(TerritoryProposalRow, proposal_id)
        return None if row is None else _to_domain(row)

    def page(
        self,
        where: ProposalFilter,
        *,
        first: int = 50,
        after: int | None = None,
        last: int | None = None,
        before: int | None = None,
    ) -> Page[Proposal]:
        """Return proposals matching ``where``, newest first (keyset on descending id)."""
        keys = Keyset.of(first, after, last, before, descending=True)
        t = TerritoryProposalRow
        conditions: builtins.list[sa.ColumnElement[bool]] = []
        if where.department_ids is not None:
            conditions.append(
                sa.or_(
                    t.department_id.in_(sorted(where.department_ids)),
                    t.department_id.is_(None),
                )
            )
        if where.kinds:
            conditions.append(t.kind.in_(where.kinds))
        if where.statuses:
            conditions.append(t.status.in_(where.statuses))
        total = self._session.scalar(sa.select(sa.func.count()).select_from(t).where(*conditions))
        rows, has_next, has_previous = keys.cut(
            self._session.scalars(
                sa.select(t)
                .where(*conditions, *keys.conditions(t.id))
                .order_by(keys.order(t.id))
                .limit(keys.size + 1)
            ).all()
        )
        return Page(
            items=[(r.id, _to_domain(r)) for r in rows],
            has_next=has_next,
            has_previous=has_previous,
            total_count=total or 0,
        )

    def latest_applied_schedule(self, manager_id: int) -> Proposal | None:
        """The newest APPLIED schedule with days for ``manager_id``."""
        t = TerritoryProposalRow
        statement = (
            sa.select(t)
            .where(
                t.kind == ProposalKind.SCHEDULE,
                t.status == ProposalStatus.APPLIED,
                sa.exists().where(_DAYS.c.proposal_id == t.id, _DAYS.c.manager_id == manager_id),
            )
            .order_by(t.applied_at.desc(), t.id.desc())
            .limit(1)
        )
        row = self._session.scalars(statement).first()
        return None if row is None else _to_domain(row)

    def applied_schedule_by(self, manager_id: int, until: datetime) -> Proposal | None:
        """The newest schedule with days for ``manager_id`` applied before ``until``."""
        t = TerritoryProposalRow
        statement = (
            sa.select(t)
            .where(
                t.kind == ProposalKind.SCHEDULE,
                t.status == ProposalStatus.APPLIED,
                t.applied_at < until,
                sa.exists().where(_DAYS.c.proposal_id == t.id, _DAYS.c.manager_id == manager_id),
            )
            .order_by(t.applied_at.desc(), t.id.desc())
            .limit(1)
        )
        row = self._session.scalars(statement).first()
        return None if row is None else _to_domain(row)

    def assignments(
        self, proposal_id: int, *, manager_ids: Sequence[int] | None = None
    ) -> builtins.list[ProposalAssignment]:
        """The proposal's assignments (optionally of some managers), by retailer id."""
        a = ProposalAssignmentRow
        statement = sa.select(a).where(a.proposal_id == proposal_id).order_by(a.retailer_id)
        if manager_ids is not None:
            statement = statement.where(a.manager_id.in_(sorted(set(manager_ids))))
        return [
            ProposalAssignment(
                retailer_id=r.retailer_id,
                manager_id=r.manager_id,
                previous_manager_id=r.previous_manager_id,
                weekday=r.weekday,
                phase=r.phase,
                visits_per_cycle=r.visits_per_cycle,
                move_reason=r.move_reason,
            )
            for r in self._session.scalars(statement)
        ]

    def days(
        self, proposal_id: int, *, manager_id: int, week: int | None = None
    ) -> builtins.list[ScheduleDay]:
        """One manager's routed days of a schedule proposal, by week and weekday."""
        d = ScheduleDayRow
        statement = sa.select(d).where(d.proposal_id == proposal_id, d.manager_id == manager_id)
        if week is not None:
            statement = statement.where(d.week == week)
        return [
            ScheduleDay(
                manager_id=r.manager_id,
                week=r.week,
                weekday=r.weekday,
                retailer_ids=tuple(int(i) for i in r.retailer_ids),
                travel_m=r.travel_m,
                hours=r.hours,
                late_stops=r.late_stops,
            )
            for r in self._session.scalars(statement.order_by(d.week, d.weekday))
        ]

    def mark(self, proposal_id: int, status: ProposalStatus, *, by: int, now: datetime) -> None:
        """Move a PROPOSED proposal to APPLIED or DISCARDED, recording who and when.

        Raises
        ------
        LookupError
            If the proposal is no longer PROPOSED (someone else decided it first).
        """
        t = TerritoryProposalRow
        values: dict[str, Any] = {"status": status}
        if status is ProposalStatus.APPLIED:
            values |= {"applied_by": by, "applied_at": now}
        else:
            values |= {"discarded_by": by, "discarded_at": now}
        result = self._session.execute(
            sa.update(t)
            .where(t.id == proposal_id, t.status == ProposalStatus.PROPOSED)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if getattr(result, "rowcount", 1) != 1:
            raise LookupError(f"proposal {proposal_id} is no longer PROPOSED")
        self._session.expire_all()

    def retailers_off_plan(self, proposal_id: int) -> builtins.list[int]:
        """Retailers whose manager today differs from the proposal's (or that closed)."""
        a, r = _ASSIGNMENTS, _RETAILERS
        statement = (
            sa.select(a.c.retailer_id)
            .join(r, r.c.id == a.c.retailer_id)
            .where(
                a.c.proposal_id == proposal_id,
                sa.or_(
                    r.c.manager_id.is_(None),
                    r.c.manager_id != a.c.manager_id,
                    r.c.status != "ACTIVE",
                ),
            )
            .order_by(a.c.retailer_id)
        )
        return [int(i) for i in self._session.scalars(statement)]

    def reassign_retailers(
        self,
        proposal_id: int,
        *,
        now: datetime,
        manager_ids: Collection[int] | None = None,
    ) -> tuple[int, int]:
        """Set moved retailers' managers as the proposal says; how many moved, how many remain.

        With ``manager_ids``, only the territories of those managers are applied: the
        retailers the proposal gives to them or takes from them (the other territories change
        only where they border these). Retailers an earlier partial apply of this proposal
        moved are left alone. Each moved retailer's version increases
        (optimistic locking sees the change). Nothing is written when any retailer concerned
        changed hands otherwise, or closed, since the proposal was computed.

        Raises
        ------
        StaleAssignment
            Naming the retailers that changed hands.
        """
        a, r = _ASSIGNMENTS, _RETAILERS
        concerned = a.c.proposal_id == proposal_id
        if manager_ids is not None:
            chosen = sorted(set(manager_ids))
            concerned = sa.and_(
                concerned,
                sa.or_(a.c.manager_id.in_(chosen), a.c.previous_manager_id.in_(chosen)),
            )
        rows = self._session.execute(
            sa.select(
                a.c.retailer_id,
                a.c.manager_id,
                a.c.previous_manager_id,
                r.c.manager_id,
                a.c.applied_at.is_not(None),
            )
            .join(r, r.c.id == a.c.retailer_id)
            .where(concerned, r.c.status == "ACTIVE")
        ).all()
        total = self._session.scalar(sa.select(sa.func.count()).select_from(a).where(concerned))
        stale = [row[0] for row in rows if row[3] != row[2] and not (row[4] and row[3] == row[1])]
        if stale or len(rows) != total:
            gone = set(self._session.scalars(sa.select(a.c.retailer_id).where(concerned))) - {
                row[0] for row in rows
            }
            raise StaleAssignment(sorted(set(stale) | gone))
        moves = [{"rid": row[0], "mid": row[1]} for row in rows if row[1] != row[3]]
        if moves:
            self._session.connection().execute(
                sa.update(r)
                .where(r.c.id == sa.bindparam("rid"))
                .values(
                    manager_id=sa.bindparam("mid"),
                    version=r.c.version + 1,
                    updated_at=now,
                ),
                moves,
            )
            self._session.connection().execute(
                sa.update(a)
                .where(a.c.proposal_id == proposal_id, a.c.retailer_id == sa.bindparam("rid"))
                .values(applied_at=now),
                [{"rid": m["rid"]} for m in moves],
            )
            AssignmentRepository(self._session).sync([m["rid"] for m in moves], now=now)
        self._session.expire_all()
        remaining = self._session.scalar(
            sa.select(sa.func.count())
            .select_from(a)
            .join(r, r.c.id == a.c.retailer_id)
            .where(
                a.c.proposal_id == proposal_id,
                r.c.status == "ACTIVE",
                sa.or_(r.c.manager_id.is_(None), r.c.manager_id != a.c.manager_id),
            )
        )
        return len(moves), int(remaining or 0)


def _to_domain(row: TerritoryProposalRow) -> Proposal:
    return Proposal(
        id=row.id,
        kind=row.kind,
        status=row.status,
        department_id=row.department_id,
        based_on_id=row.based_on_id,
        parameters=dict(row.parameters),
        metrics=dict(row.metrics),
        created_by=row.created_by,
        created_at=row.created_at,
        applied_by=row.applied_by,
        applied_at=row.applied_at,
        discarded_by=row.discarded_by,
        discarded_at=row.discarded_at,
    )
