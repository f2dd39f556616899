"""Audit plans (with their routed retailers and edits) and audit records."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from gql.domain.audits import (
    AuditEdit,
    AuditEditAction,
    AuditPlanInfo,
    AuditPlanStatus,
    AuditRecordInfo,
    AuditStop,
    RetailerAnswer,
)
from gql.store.models import AuditEditRow, AuditPlanRetailerRow, AuditPlanRow, AuditRecordRow
from gql.store.repositories._paging import Keyset, Page

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping, Sequence
    from datetime import date, datetime

    from sqlalchemy.orm import Session

    from gql.domain import CoordinateSystem, Verdict

__all__ = ["AuditPlanDraft", "AuditRecordDraft", "AuditRepository", "AuditStopDraft"]


@dataclass(frozen=True, slots=True)
class AuditStopDraft:
    """A retailer of the plan in visiting order; times are ``None`` when it could not be routed."""

    retailer_id: int
    manager_id: int
    drawn: bool
    stratum: tuple[str, ...]
    eta_s: int | None
    etd_s: int | None
    leg_distance_m: int | None


@dataclass(frozen=True, slots=True)
class AuditPlanDraft:
    """A plan to store: the draw, the scope, the team and the route evidence."""

    plan_date: date
    seed: int
    design: Mapping[str, Any]
    inputs_digest: str
    department_id: int | None
    area_code: str | None
    manager_ids: Sequence[int]
    auditor_ids: Sequence[int]
    start_lat: float
    start_lon: float
    start_label: str
    method: str
    proven_optimal: bool
    gap: float | None
    length_m: int
    duration_s: int
    baseline_length_m: int | None
    optimised_against: Mapping[str, Any]
    sample: Mapping[str, Any]
    created_by: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AuditRecordDraft:
    """An audit record to store, with the auditor's device fix as received."""

    plan_id: int
    retailer_id: int
    manager_id: int
    auditor_id: int
    audited_on: date
    recorded_at: datetime
    price_tags_shown: bool
    policy_promoted: bool
    satisfaction: int
    manager_visited: RetailerAnswer
    notes: str
    auditor_verdict: Verdict
    auditor_distance_m: float | None
    fix_lat: float | None
    fix_lon: float | None
    fix_coordinate_system: CoordinateSystem | None
    fix_accuracy_m: float | None
    fix_captured_at: datetime | None
    auditor_evidence: Mapping[str, Any]
    audited_at: datetime | None = None
    """When the audit was made; ``recorded_at`` when unknown."""


class AuditRepository:
    """Reads and writes audit plans and records; never commits."""

    def __init__(self, session: Session) -> None:
        self._session = session

    # -- plans ----------------------------------------------------------------------------

    def add_plan(self, draft: AuditPlanDraft, stops: Sequence[AuditStopDraft]) -> int:
        """Insert an OPEN plan and its routed retailers; return the plan id."""
        row = AuditPlanRow(
            plan_date=draft.plan_date,
            seed=str(draft.seed),
            design=dict(draft.design),
            inputs_digest=draft.inputs_digest,
            department_id=draft.department_id,
            area_code=draft.area_code,
            manager_ids=list(draft.manager_ids),
            auditor_ids=list(draft.auditor_ids),
            status=AuditPlanStatus.OPEN,
            start_lat=draft.start_lat,
            start_lon=draft.start_lon,
            start_label=draft.start_label,
            method=draft.method,
            proven_optimal=draft.proven_optimal,
            gap=draft.gap,
            length_m=draft.length_m,
            duration_s=draft.duration_s,
            baseline_length_m=draft.baseline_length_m,
            optimised_against=dict(draft.optimised_against),
            sample=dict(draft.sample),
            created_by=draft.created_by,
            created_at=draft.created_at,
        )
        self._session.add(row)
        self._session.flush()
        self._insert_stops(row.id, stops)
        return row.id

    def replace_route(
        self,
        plan_id: int,
        stops: Sequence[AuditStopDraft],
        *,
        method: str,
        proven_optimal: bool,
        gap: float | None,
        length_m: int,
        duration_s: int,
        baseline_length_m: int | None,
        optimised_against: Mapping[str, Any],
    ) -> None:
        """Store the re-routed list after an edit (the edit itself is in the history)."""
        self._session.execute(
            sa.delete(AuditPlanRetailerRow).where(AuditPlanRetailerRow.plan_id == plan_id)
        )
        self._session.execute(
            sa.update(AuditPlanRow)
            .where(AuditPlanRow.id == plan_id)
            .values(
                method=method,
                proven_optimal=proven_optimal,
                gap=gap,
                length_m=length_m,
                duration_s=duration_s,
                baseline_length_m=baseline_length_m,
                optimised_against=dict(optimised_against),
            )
        )
        self._insert_stops(plan_id, stops)

    def _insert_stops(self, plan_id: int, stops: Sequence[AuditStopDraft]) -> None:
        if stops:
            self._session.execute(
                sa.insert(AuditPlanRetailerRow),
                [
                    {
                        "plan_id": plan_id,
                        "seq": seq,
                        "retailer_id": s.retailer_id,
                        "manager_id": s.manager_id,
                        "drawn": s.drawn,
                        "stratum": list(s.stratum),
                        "eta_s": s.eta_s,
                        "etd_s": s.etd_s,
                        "leg_distance_m": s.leg_distance_m,
                    }
                    for seq, s in enumerate(stops, start=1)
                ],
            )

    def add_edit(
        self,
        plan_id: int,
        *,
        action: AuditEditAction,
        retailer_id: int,
        author_id: int,
        reason: str,
        at: datetime,
    ) -> None:
        """Append a manual edit to the plan's history."""
        last = self._session.scalar(
            sa.select(sa.func.max(AuditEditRow.seq)).where(AuditEditRow.plan_id == plan_id)
        )
        self._session.add(
            AuditEditRow(
                plan_id=plan_id,
                seq=(last or 0) + 1,
                action=action,
                retailer_id=retailer_id,
                author_id=author_id,
                reason=reason,
                at=at,
            )
        )
        self._session.flush()

    def set_status(self, plan_id: int, status: AuditPlanStatus) -> None:
        """Mark a plan OPEN or COMPLETED."""
        self._session.execute(
            sa.update(AuditPlanRow).where(AuditPlanRow.id == plan_id).values(status=status)
        )

    def get_plans(self, ids: Sequence[int]) -> list[AuditPlanInfo | None]:
        """Plans with their retailers and edits, in the order of ``ids`` (three statements)."""
        if not ids:
            return []
        rows = self._session.scalars(sa.select(AuditPlanRow).where(AuditPlanRow.id.in_(set(ids))))
        found = {row.id: row for row in rows}
        stops: defaultdict[int, list[AuditStop]] = defaultdict(list)
        for s in self._session.scalars(
            sa.select(AuditPlanRetailerRow)
            .where(AuditPlanRetailerRow.plan_id.in_(list(found)))
            .order_by(AuditPlanRetailerRow.plan_id, AuditPlanRetailerRow.seq)
        ):
            stops[s.plan_id].append(
                AuditStop(
                    seq=s.seq,
                    retailer_id=s.retailer_id,
                    manager_id=s.manager_id,
                    drawn=s.drawn,
                    stratum=tuple(s.stratum),
                    eta_s=s.eta_s,
                    etd_s=s.etd_s,
                    leg_distance_m=s.leg_distance_m,
                )
            )
        edits: defaultdict[int, list[AuditEdit]] = defaultdict(list)
        for e in self._session.scalars(
            sa.select(AuditEditRow)
            .where(AuditEditRow.plan_id.in_(list(found)))
            .order_by(AuditEditRow.plan_id, AuditEditRow.seq)
        ):
            edits[e.plan_id].append(
                AuditEdit(e.seq, e.action, e.retailer_id, e.author_id, e.reason, e.at)
            )
        return [
            None if i not in found else _plan(found[i], stops.get(i, []), edits.get(i, []))
            for i in ids
        ]

    def plan_page(
        self,
        *,
        auditor_id: int | None = None,
        first: int = 50,
        after: int | None = None,
        last: int | None = None,
        before: int | None = None,
    ) -> Page[AuditPlanInfo]:
        """Plans (all, or those assigned to one auditor), ascending by id."""
        keys = Keyset.of(first, after, last, before)
        rows = [
            (pid, auditors)
            for pid, auditors in self._session.execute(
                sa.select(AuditPlanRow.id, AuditPlanRow.auditor_ids).order_by(AuditPlanRow.id)
            )
            if auditor_id is None or auditor_id in (auditors or [])
        ]
        ids = [pid for pid, _ in rows if keys.takes(pid)]
        chosen, has_next, has_previous = keys.cut(ids[::-1] if keys.backward else ids)
        plans = self.get_plans(chosen)
        return Page(
            items=[(p.id, p) for p in plans if p is not None],
            has_next=has_next,
            has_previous=has_previous,
            total_count=len(rows),
        )

    def retailer_ids_assigned_to(self, auditor_staff_id: int) -> set[int]:
        """Retailers on any OPEN plan that assigns this auditor (what they may read)."""
        plan_ids = [
            pid
            for pid, auditors in self._session.execute(
                sa.select(AuditPlanRow.id, AuditPlanRow.auditor_ids).where(
                    AuditPlanRow.status == AuditPlanStatus.OPEN
                )
            )
            if auditor_staff_id in (auditors or [])
        ]
        if not plan_ids:
            return set()
        return set(
            self._session.scalars(
                sa.select(AuditPlanRetailerRow.retailer_id).where(
                    AuditPlanRetailerRow.plan_id.in_(plan_ids)
                )
            )
        )

    def last_audited_on(self, retailer_ids: Collection[int]) -> dict[int, date]:
        """The latest audit day of each retailer that was ever audited."""
        out: dict[int, date] = {}
        ids = list(retailer_ids)
        for start in range(0, len(ids), 500):
            statement = (
                sa.select(AuditRecordRow.retailer_id, sa.func.max(AuditRecordRow.audited_on))
                .where(AuditRecordRow.retailer_id.in_(ids[start : start + 500]))
                .group_by(AuditRecordRow.retailer_id)
            )
            out.update({rid: day for rid, day in self._session.execute(statement)})
        return out

    # -- records --------------------------------------------------------------------------

    def add_record(self, draft: AuditRecordDraft) -> int:
        """Insert an audit record; the (plan, retailer) pair is unique."""
        row = AuditRecordRow(
            plan_id=draft.plan_id,
            retailer_id=draft.retailer_id,
            manager_id=draft.manager_id,
            auditor_id=draft.auditor_id,
            audited_on=draft.audited_on,
            audited_at=draft.audited_at or draft.recorded_at,
            recorded_at=draft.recorded_at,
            price_tags_shown=draft.price_tags_shown,
            policy_promoted=draft.policy_promoted,
            satisfaction=draft.satisfaction,
            manager_visited=draft.manager_visited,
            notes=draft.notes,
            auditor_verdict=draft.auditor_verdict,
            auditor_distance_m=draft.auditor_distance_m,
            fix_lat=draft.fix_lat,
            fix_lon=draft.fix_lon,
            fix_coordinate_system=draft.fix_coordinate_system,
            fix_accuracy_m=draft.fix_accuracy_m,
            fix_captured_at=draft.fix_captured_at,
            auditor_evidence=dict(draft.auditor_evidence),
        )
        self._session.add(row)
        self._session.flush()
        return row.id

    def records_of(self, plan_ids: Sequence[int]) -> list[AuditRecordInfo]:
        """Records of these plans, by id."""
        if not plan_ids:
            return []
        rows = self._session.scalars(
            sa.select(AuditRecordRow)
            .where(AuditRecordRow.plan_id.in_(list(plan_ids)))
            .order_by(AuditRecordRow.id)
        )
        return [_record(r) for r in rows]

    def get_records(self, ids: Sequence[int]) -> list[AuditRecordInfo | None]:
        """Records by id, in the order of ``ids``."""
        if not ids:
            return []
        rows = self._session.scalars(
            sa.select(AuditRecordRow).where(AuditRecordRow.id.in_(set(ids)))
        )
        found = {r.id: _record(r) for r in rows}
        return [found.get(i) for i in ids]


def _plan(
    row: AuditPlanRow, stops: Sequence[AuditStop], edits: Sequence[AuditEdit]
) -> AuditPlanInfo:
    return AuditPlanInfo(
        id=row.id,
        plan_date=row.plan_date,
        seed=int(row.seed),
        design=dict(row.design or {}),
        inputs_digest=row.inputs_digest,
        department_id=row.department_id,
        area_code=row.area_code,
        manager_ids=tuple(row.manager_ids or ()),
        auditor_ids=tuple(row.auditor_ids or ()),
        status=row.status,
        start_lat=row.start_lat,
        start_lon=row.start_lon,
        start_label=row.start_label,
        method=row.method,
        proven_optimal=row.proven_optimal,
        gap=row.gap,
        length_m=row.length_m,
        duration_s=row.duration_s,
        baseline_length_m=row.baseline_length_m,
        optimised_against=dict(row.optimised_against or {}),
        sample=dict(row.sample or {}),
        created_by=row.created_by,
        created_at=row.created_at,
        stops=tuple(stops),
        edits=tuple(edits),
    )


def _record(row: AuditRecordRow) -> AuditRecordInfo:
    return AuditRecordInfo(
        id=row.id,
        plan_id=row.plan_id,
        retailer_id=row.retailer_id,
        manager_id=row.manager_id,
        auditor_id=row.auditor_id,
        audited_on=row.audited_on,
        recorded_at=row.recorded_at,
        price_tags_shown=row.price_tags_shown,
        policy_promoted=row.policy_promoted,
        satisfaction=row.satisfaction,
        manager_visited=row.manager_visited,
        notes=row.notes,
        auditor_verdict=row.auditor_verdict,
        auditor_distance_m=row.auditor_distance_m,
        auditor_evidence=dict(row.auditor_evidence or {}),
        audited_at=row.audited_at,
    )
