"""Visits and the position fixes that prove (or disprove) them."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from gql.domain import (
    Carrier,
    CoordinateSystem,
    FixPhase,
    FixSource,
    PositionFix,
    Verdict,
    Visit,
)
from gql.store.models import Base, PositionFixRow, StaffRow, VisitRow
from gql.store.repositories._paging import Keyset, Page

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from datetime import datetime

    from sqlalchemy.orm import Session

_FIXES = Base.metadata.tables["position_fixes"]

__all__ = [
    "FixDraft",
    "PreviousStart",
    "RecentVisit",
    "VisitDraft",
    "VisitFilter",
    "VisitRepository",
]


@dataclass(frozen=True, slots=True)
class FixDraft:
    """A fix to store, in the datum it arrived in."""

    phase: FixPhase
    source: FixSource
    lat: float
    lon: float
    coordinate_system: CoordinateSystem
    accuracy_m: float
    captured_at: datetime
    stale: bool = False
    carrier: Carrier | None = None
    outcome_code: str | None = None
    raw_request: str | None = None
    raw_answer: str | None = None


@dataclass(frozen=True, slots=True)
class VisitDraft:
    """A visit at check-in time."""

    manager_id: int
    retailer_id: int
    plan_stop_id: int | None
    idempotency_key: str
    started_at: datetime
    device_started_at: datetime | None
    late_upload: bool
    verdict: Verdict
    distance_m: float | None
    probability: float | None
    reasons: Sequence[str]
    flags: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class RecentVisit:
    """A visit started or ended lately, as a live board replays it."""

    visit_id: int
    manager_id: int
    department_id: int
    retailer_id: int
    verdict: Verdict
    started_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True, slots=True)
class PreviousStart:
    """Where the check-in before this one was judged to be (WGS-84 lat, lon) and when."""

    at: datetime
    estimate: tuple[float, float] | None


@dataclass(frozen=True, slots=True)
class VisitFilter:
    """Conditions for :meth:`VisitRepository.page`; empty means any."""

    manager_ids: Sequence[int] | None = None
    department_ids: Sequence[int] | None = None
    retailer_id: int | None = None
    verdicts: Sequence[Verdict] = ()
    started_from: datetime | None = None
    started_before: datetime | None = None
    happened_from: datetime | None = None
    """When the visit happened: the device's start time, else the server's (offline visits)."""
    happened_before: datetime | None = None


class VisitRepository:
    """Reads and writes visits; returns :class:`~gql.domain.Visit` with its fixes."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def find_by_key(self, manager_id: int, idempotency_key: str) -> Visit | None:
        """The visit a retried request already created, if any."""
        visit_id = self._session.scalar(
            sa.select(VisitRow.id).where(
                VisitRow.manager_id == manager_id, VisitRow.idempotency_key == idempotency_key
            )
        )
        return None if visit_id is None else self.get_many([visit_id])[0]

    def add(self, draft: VisitDraft, fixes: Sequence[FixDraft]) -> Visit | None:
        """Insert a visit and its check-in fixes; ``None`` if the key is taken already.

        ``INSERT .. ON CONFLICT DO NOTHING`` on (manager, idempotency key): a concurrent
        retry that won the race leaves this insert empty instead of failing the transaction,
        so no savepoint is needed. The visit is returned as stored, without reading it back.
        """
        values = {
            "manager_id": draft.manager_id,
            "retailer_id": draft.retailer_id,
            "plan_stop_id": draft.plan_stop_id,
            "idempotency_key": draft.idempotency_key,
            "started_at": draft.started_at,
            "ended_at": None,
            "device_started_at": draft.device_started_at,
            "device_ended_at": None,
            "late_upload": draft.late_upload,
            "verdict": draft.verdict,
            "distance_m": draft.distance_m,
            "probability": draft.probability,
            "reasons": _as_stored(list(draft.reasons)),
            "flags": _as_stored(dict(draft.flags)),
            "dwell_s": None,
        }
        insert = _insert_for(self._session)(VisitRow).values(values)
        visit_id = self._session.scalar(
            insert.on_conflict_do_nothing(
                index_elements=["manager_id", "idempotency_key"]
            ).returning(VisitRow.id)
        )
        if visit_id is None:
            return None
        del values["manager_id"], values["idempotency_key"]
        values["reasons"] = tuple(values["reasons"])
        return Visit(
            id=visit_id,
            manager_id=draft.manager_id,
            idempotency_key=draft.idempotency_key,
            **values,
            fixes=tuple(self.add_fixes(visit_id, fixes)),
        )

    def add_fixes(self, visit_id: int, fixes: Sequence[FixDraft]) -> list[PositionFix]:
        """Append fixes to a visit (check-out fixes arrive later); return them as stored.

        One multi-row ``INSERT .. RETURNING`` of whole rows: the stored fixes are built from
        what the database returns, in id order, so no row order has to be trusted.
        """
        if not fixes:
            return []
        # the Core table, not the ORM entity: ORM bulk inserts split rows by which values
        # are None (device and carrier fixes differ), Core sends one multi-row statement
        rows = self._session.execute(
            sa.insert(_FIXES).returning(*_FIXES.c),
            [
                {
                    "visit_id": visit_id,
                    "phase": f.phase,
                    "source": f.source,
                    "lat": f.lat,
                    "lon": f.lon,
                    "coordinate_system": f.coordinate_system,
                    "accuracy_m": f.accuracy_m,
                    "captured_at": f.captured_at,
                    "stale": f.stale,
                    "carrier": f.carrier,
                    "outcome_code": f.outcome_code,
                    "raw_request": f.raw_request,
                    "raw_answer": f.raw_answer,
                }
                for f in fixes
            ],
        ).all()
        return [_fix_to_domain(row) for row in sorted(rows, key=lambda row: row.id)]

    def finish(
        self,
        visit: Visit,
        *,
        ended_at: datetime,
        device_ended_at: datetime | None,
        late_upload: bool,
        verdict: Verdict,
        reasons: Sequence[str],
        flags: Mapping[str, Any],
        dwell_s: int | None,
    ) -> Visit | None:
        """Record the check-out and the whole visit's verdict; return the visit as stored.

        ``None`` if the visit had ended already: the update only touches an open visit, so a
        concurrent end is told by the statement itself rather than by reading the row first.
        """
        stored_reasons, stored_flags = _as_stored(list(reasons)), _as_stored(dict(flags))
        result = self._session.execute(
            sa.update(VisitRow)
            .where(VisitRow.id == visit.id, VisitRow.ended_at.is_(None))
            .values(
                ended_at=ended_at,
                device_ended_at=device_ended_at,
                late_upload=late_upload,
                verdict=verdict,
                reasons=stored_reasons,
                flags=stored_flags,
                dwell_s=dwell_s,
            )
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return None
        return replace(
            visit,
            ended_at=ended_at,
            device_ended_at=device_ended_at,
            late_upload=late_upload,
            verdict=verdict,
            reasons=tuple(stored_reasons),
            flags=stored_flags,
            dwell_s=dwell_s,
        )

    def get_many(self, ids: Sequence[int]) -> list[Visit | None]:
        """Visits with their fixes, in the order of ``ids`` (two statements)."""
        if not ids:
            return []
        rows = self._session.scalars(sa.select(VisitRow).where(VisitRow.id.in_(set(ids))))
        found = {row.id: row for row in rows}
        fixes = self._fixes_for(list(found))
        return [None if i not in found else _to_domain(found[i], fixes.get(i, [])) for i in ids]

    def last_start_before(
        self, manager_id: int, at: datetime, *, exclude: int | None = None
    ) -> PreviousStart | None:
        """When and where the manager's latest visit before ``at`` started (speed check)."""
        statement = (
            sa.select(VisitRow.started_at, VisitRow.device_started_at, VisitRow.flags)
            .where(VisitRow.manager_id == manager_id, VisitRow.started_at < at)
            .order_by(VisitRow.started_at.desc())
            .limit(1)
        )
        if exclude is not None:
            statement = statement.where(VisitRow.id != exclude)
        row = self._session.execute(statement).first()
        if row is None:
            return None
        estimate = ((row.flags or {}).get("check_in") or {}).get("estimate")
        return PreviousStart(
            at=row.device_started_at or row.started_at,
            estimate=None if estimate is None else (float(estimate[0]), float(estimate[1])),
        )

    def device_points_since(
        self,
        manager_id: int,
        since: datetime,
        *,
        near: Sequence[tuple[CoordinateSystem, float, float]] | None = None,
        box_deg: float = 1e-4,
        exclude: int | None = None,
        limit: int = 500,
    ) -> list[tuple[float, float, CoordinateSystem]]:
        """Device-fix coordinates of the manager's recent visits (for reused coordinates).

        ``near``: only fixes within ``box_deg`` of one of these positions, each in the datum
        a stored fix would have to be in to be that position (found by the datum/lat/lon
        index). The reuse check then receives the few candidates instead of a month of fixes
        (up to 500 rows a check-in, parsed in Python while the database sorted them).
        """
        statement = (
            sa.select(PositionFixRow.lat, PositionFixRow.lon, PositionFixRow.coordinate_system)
            .join(VisitRow, VisitRow.id == PositionFixRow.visit_id)
            .where(
                VisitRow.manager_id == manager_id,
                VisitRow.started_at >= since,
                PositionFixRow.lat.is_not(None),  # reduced visits keep no positions
                PositionFixRow.lon.is_not(None),
                PositionFixRow.source.in_(
                    [s for s in FixSource if not s.value.startswith("CARRIER")]
                ),
            )
            .limit(limit)
        )
        if near is None:
            statement = statement.order_by(PositionFixRow.id.desc())
        else:  # in no order: a newest-first scan of the table is not a plan to tempt it into
            statement = statement.where(
                sa.or_(
                    sa.false(),
                    *(
                        sa.and_(
                            PositionFixRow.coordinate_system == system,
                            PositionFixRow.lat.between(lat - box_deg, lat + box_deg),
                            PositionFixRow.lon.between(lon - box_deg, lon + box_deg),
                        )
                        for system, lat, lon in near
                    ),
                )
            )
        if exclude is not None:
            statement = statement.where(VisitRow.id != exclude)
        return [
            (lat, lon, system)
            for lat, lon, system in self._session.execute(statement)
            if lat is not None and lon is not None
        ]

    def recent(
        self, department_id: int | None, since: datetime, started_from: datetime, limit: int
    ) -> tuple[list[RecentVisit], int]:
        """Visits of a department (``None``: all) started or ended after ``since``.

        The latest ``limit`` by their last change, oldest first, and how many starts and ends
        after ``since`` all the matching visits hold. Only visits started at ``started_from`` or
        later are read (the managers' start-time index serves the query).
        """
        changed = sa.func.coalesce(VisitRow.ended_at, VisitRow.started_at)
        moments = sa.case((VisitRow.started_at > since, 1), else_=0) + sa.case(
            (VisitRow.ended_at > since, 1), else_=0
        )
        statement = (
            sa.select(
                VisitRow.id,
                VisitRow.manager_id,
                StaffRow.department_id,
                VisitRow.retailer_id,
                VisitRow.verdict,
                VisitRow.started_at,
                VisitRow.ended_at,
                sa.func.sum(moments).over(),
            )
            .join(StaffRow, StaffRow.id == VisitRow.manager_id)
            .where(
                VisitRow.started_at >= started_from,
                sa.or_(VisitRow.started_at > since, VisitRow.ended_at > since),
            )
            .order_by(changed.desc(), VisitRow.id.desc())
            .limit(limit)
        )
        if department_id is not None:
            statement = statement.where(StaffRow.department_id == department_id)
        rows = list(self._session.execute(statement))
        visits = [RecentVisit(*row[:-1]) for row in reversed(rows)]
        return visits, int(rows[0][-1]) if rows else 0

    def page(
        self,
        where: VisitFilter,
        *,
        first: int = 50,
        after: int | None = None,
        last: int | None = None,
        before: int | None = None,
    ) -> Page[Visit]:
        """Visits matching ``where`` with id greater than ``after``, ascending by id."""
        keys = Keyset.of(first, after, last, before)
        conditions: list[sa.ColumnElement[bool]] = []
        if where.manager_ids is not None:
            conditions.append(VisitRow.manager_id.in_(list(where.manager_ids)))
        if where.department_ids is not None:
            conditions.append(
                VisitRow.manager_id.in_(
                    sa.select(StaffRow.id).where(
                        StaffRow.department_id.in_(list(where.department_ids))
                    )
                )
            )
        if where.retailer_id is not None:
            conditions.append(VisitRow.retailer_id == where.retailer_id)
        if where.verdicts:
            conditions.append(VisitRow.verdict.in_(list(where.verdicts)))
        if where.started_from is not None:
            conditions.append(VisitRow.started_at >= where.started_from)
        if where.started_before is not None:
            conditions.append(VisitRow.started_at < where.started_before)
        happened = sa.func.coalesce(VisitRow.device_started_at, VisitRow.started_at)
        if where.happened_from is not None:
            conditions.append(happened >= where.happened_from)
        if where.happened_before is not None:
            conditions.append(happened < where.happened_before)
        total = self._session.scalar(
            sa.select(sa.func.count()).select_from(VisitRow).where(*conditions)
        )
        rows, has_next, has_previous = keys.cut(
            list(
                self._session.scalars(
                    sa.select(VisitRow)
                    .where(*conditions, *keys.conditions(VisitRow.id))
                    .order_by(keys.order(VisitRow.id))
                    .limit(keys.size + 1)
                )
            )
        )
        fixes = self._fixes_for([r.id for r in rows])
        return Page(
            items=[(r.id, _to_domain(r, fixes.get(r.id, []))) for r in rows],
            has_next=has_next,
            has_previous=has_previous,
            total_count=total or 0,
        )

    def _fixes_for(self, visit_ids: Sequence[int]) -> dict[int, list[PositionFix]]:
        if not visit_ids:
            return {}
        out: defaultdict[int, list[PositionFix]] = defaultdict(list)
        rows = self._session.scalars(
            sa.select(PositionFixRow)
            .where(PositionFixRow.visit_id.in_(visit_ids))
            .order_by(PositionFixRow.visit_id, PositionFixRow.id)
        )
        for row in rows:
            out[row.visit_id].append(_fix_to_domain(row))
        return out


def _as_stored(value: Any) -> Any:
    """What a JSON column gives back for ``value`` (tuples become lists, and so on).

    Visits are returned as written, not read back, so they must hold what a later read
    would return, not the caller's objects.
    """
    return json.loads(json.dumps(value))


def _fix_to_domain(row: Any) -> PositionFix:
    """A stored fix from an ORM row or a Core row (same attribute names)."""
    return PositionFix(
        id=row.id,
        phase=row.phase,
        source=row.source,
        lat=row.lat,
        lon=row.lon,
        coordinate_system=row.coordinate_system,
        accuracy_m=row.accuracy_m,
        captured_at=row.captured_at,
        stale=row.stale,
        carrier=row.carrier,
        outcome_code=row.outcome_code,
        raw_request=row.raw_request,
        raw_answer=row.raw_answer,
    )


def _to_domain(row: VisitRow, fixes: Sequence[PositionFix]) -> Visit:
    return Visit(
        id=row.id,
        manager_id=row.manager_id,
        retailer_id=row.retailer_id,
        plan_stop_id=row.plan_stop_id,
        idempotency_key=row.idempotency_key,
        started_at=row.started_at,
        ended_at=row.ended_at,
        device_started_at=row.device_started_at,
        device_ended_at=row.device_ended_at,
        late_upload=row.late_upload,
        verdict=row.verdict,
        distance_m=row.distance_m,
        probability=row.probability,
        reasons=tuple(row.reasons or ()),
        flags=dict(row.flags or {}),
        dwell_s=row.dwell_s,
        fixes=tuple(fixes),
        evidence_reduced_at=row.evidence_reduced_at,
    )


def _insert_for(session: Session) -> Callable[..., Any]:
    """The dialect's ``insert`` (both have ``on_conflict_do_nothing``)."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
