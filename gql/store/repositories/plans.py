"""Visit plans and their ordered stops."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from gql.domain import PlanStatus, PlanStop, VisitPlan
from gql.store.models import PlanStopRow, VisitPlanRow

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from datetime import date, datetime

    from sqlalchemy.orm import Session

__all__ = ["PlanDraft", "PlanRepository", "StopDraft"]


@dataclass(frozen=True, slots=True)
class StopDraft:
    """A stop to store; times in seconds since the plan day's midnight."""

    retailer_id: int
    eta_s: int
    etd_s: int
    leg_distance_m: int
    leg_duration_s: int


@dataclass(frozen=True, slots=True)
class PlanDraft:
    """A plan to store, with what it was optimised against (R2.4)."""

    manager_id: int
    plan_date: date
    method: str
    proven_optimal: bool
    gap: float | None
    length_m: int
    duration_s: int
    baseline_length_m: int | None
    optimised_against: Mapping[str, Any]
    created_by: int | None
    stops: Sequence[StopDraft]


class PlanRepository:
    """Reads and writes plans; returns :class:`~gql.domain.VisitPlan` with its stops."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def supersede_drafts(self, manager_id: int, plan_date: date) -> int:
        """Mark the day's DRAFT plans SUPERSEDED (re-planning replaces the draft)."""
        result = self._session.execute(
            sa.update(VisitPlanRow)
            .where(
                VisitPlanRow.manager_id == manager_id,
                VisitPlanRow.plan_date == plan_date,
                VisitPlanRow.status == PlanStatus.DRAFT,
            )
            .values(status=PlanStatus.SUPERSEDED)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def add(self, draft: PlanDraft, *, now: datetime) -> int:
        """Insert a DRAFT plan and its stops; return the plan id."""
        row = VisitPlanRow(
            manager_id=draft.manager_id,
            plan_date=draft.plan_date,
            status=PlanStatus.DRAFT,
            method=draft.method,
            proven_optimal=draft.proven_optimal,
            gap=draft.gap,
            length_m=draft.length_m,
            duration_s=draft.duration_s,
            baseline_length_m=draft.baseline_length_m,
            optimised_against=dict(draft.optimised_against),
            created_by=draft.created_by,
            created_at=now,
        )
        self._session.add(row)
        self._session.flush()
        if draft.stops:
            self._session.execute(
                sa.insert(PlanStopRow),
                [
                    {
                        "plan_id": row.id,
                        "seq": seq,
                        "retailer_id": stop.retailer_id,
                        "eta_s": stop.eta_s,
                        "etd_s": stop.etd_s,
                        "leg_distance_m": stop.leg_distance_m,
                        "leg_duration_s": stop.leg_duration_s,
                    }
                    for seq, stop in enumerate(draft.stops, start=1)
                ],
            )
        return row.id

    def publish(self, plan_id: int) -> None:
        """Publish a draft, superseding the day's previously published plan."""
        row = self._session.get(VisitPlanRow, plan_id)
        if row is None:
            return
        self._session.execute(
            sa.update(VisitPlanRow)
            .where(
                VisitPlanRow.manager_id == row.manager_id,
                VisitPlanRow.plan_date == row.plan_date,
                VisitPlanRow.status == PlanStatus.PUBLISHED,
            )
            .values(status=PlanStatus.SUPERSEDED)
        )
        row.status = PlanStatus.PUBLISHED
        self._session.flush()

    def get_many(self, ids: Sequence[int]) -> list[VisitPlan | None]:
        """Plans with their stops, in the order of ``ids`` (two statements)."""
        if not ids:
            return []
        rows = self._session.scalars(sa.select(VisitPlanRow).where(VisitPlanRow.id.in_(set(ids))))
        found = {row.id: row for row in rows}
        stops = self._stops_for(list(found))
        return [
            None if found.get(i) is None else _to_domain(found[i], stops.get(i, [])) for i in ids
        ]

    def current_for(self, manager_id: int, plan_date: date) -> VisitPlan | None:
        """The day's plan a manager works from: the published one, else the newest draft."""
        row = self._session.scalars(
            sa.select(VisitPlanRow)
            .where(
                VisitPlanRow.manager_id == manager_id,
                VisitPlanRow.plan_date == plan_date,
                VisitPlanRow.status != PlanStatus.SUPERSEDED,
            )
            .order_by(
                sa.case((VisitPlanRow.status == PlanStatus.PUBLISHED, 0), else_=1),
                VisitPlanRow.id.desc(),
            )
            .limit(1)
        ).first()
        if row is None:
            return None
        return _to_domain(row, self._stops_for([row.id]).get(row.id, []))

    def stop_owner(self, stop_id: int) -> tuple[int, int] | None:
        """The (manager id, retailer id) of a plan stop, or ``None`` if there is no such stop."""
        row = self._session.execute(
            sa.select(VisitPlanRow.manager_id, PlanStopRow.retailer_id)
            .join(VisitPlanRow, VisitPlanRow.id == PlanStopRow.plan_id)
            .where(PlanStopRow.id == stop_id)
        ).first()
        return None if row is None else (int(row[0]), int(row[1]))

    def _stops_for(self, plan_ids: Sequence[int]) -> dict[int, list[PlanStop]]:
        if not plan_ids:
            return {}
        out: defaultdict[int, list[PlanStop]] = defaultdict(list)
        rows = self._session.scalars(
            sa.select(PlanStopRow)
            .where(PlanStopRow.plan_id.in_(plan_ids))
            .order_by(PlanStopRow.plan_id, PlanStopRow.seq)
        )
        for row in rows:
            out[row.plan_id].append(
                PlanStop(
                    id=row.id,
                    seq=row.seq,
                    retailer_id=row.retailer_id,
                    eta_s=row.eta_s,
                    etd_s=row.etd_s,
                    leg_distance_m=row.leg_distance_m,
                    leg_duration_s=row.leg_duration_s,
                )
            )
        return out


def _to_domain(row: VisitPlanRow, stops: Sequence[PlanStop]) -> VisitPlan:
    return VisitPlan(
        id=row.id,
        manager_id=row.manager_id,
        plan_date=row.plan_date,
        status=row.status,
        method=row.method,
        proven_optimal=row.proven_optimal,
        gap=row.gap,
        length_m=row.length_m,
        duration_s=row.duration_s,
        baseline_length_m=row.baseline_length_m,
        optimised_against=dict(row.optimised_against or {}),
        created_by=row.created_by,
        created_at=row.created_at,
        stops=tuple(stops),
    )
