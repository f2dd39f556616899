"""Read-only aggregates of the daily work that scores and audits are computed from.

Sales are attributed to the manager responsible for the retailer *on the sale's date*, by the
assignment history (``retailer_assignments``), so reassigning a retailer never moves its past
sales; visits and plans carry their own manager.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa

from gql.domain import MonthlyTarget, PlanStatus, Verdict, yuan_from_fen
from gql.store.models import (
    MonthlyTargetRow,
    PlanStopRow,
    RetailerAssignmentRow,
    SalesOrderRow,
    VisitPlanRow,
    VisitRow,
)

if TYPE_CHECKING:
    from collections.abc import Collection
    from datetime import date, datetime
    from decimal import Decimal

    from sqlalchemy.orm import Session

__all__ = ["ActivityRepository", "SalesTotal", "VisitFact"]


@dataclass(frozen=True, slots=True)
class SalesTotal:
    """Summed orders of one manager's retailers (per period or per day)."""

    volume_cartons: int
    amount_yuan: Decimal


@dataclass(frozen=True, slots=True)
class VisitFact:
    """The facts of a visit a cross-check or a leaderboard needs."""

    visit_id: int
    manager_id: int
    retailer_id: int
    at: datetime
    verdict: Verdict


class ActivityRepository:
    """Aggregates over sales, targets, plans and visits; reads only."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def sales_by_day(
        self, manager_ids: Collection[int], first_day: date, last_day: date
    ) -> dict[tuple[int, date], SalesTotal]:
        """Orders summed per (manager, day), each to the manager responsible on its date."""
        if not manager_ids:
            return {}
        a = RetailerAssignmentRow
        statement = (
            sa.select(
                a.manager_id,
                SalesOrderRow.order_date,
                sa.func.sum(SalesOrderRow.volume_cartons),
                sa.func.sum(SalesOrderRow.amount_fen),
            )
            .join(
                a,
                sa.and_(
                    a.retailer_id == SalesOrderRow.retailer_id,
                    a.valid_from <= SalesOrderRow.order_date,
                    sa.or_(a.valid_to.is_(None), SalesOrderRow.order_date < a.valid_to),
                ),
            )
            .where(
                a.manager_id.in_(list(manager_ids)),
                SalesOrderRow.order_date.between(first_day, last_day),
            )
            .group_by(a.manager_id, SalesOrderRow.order_date)
        )
        return {
            (manager, day): SalesTotal(int(volume or 0), yuan_from_fen(int(fen or 0)))
            for manager, day, volume, fen in self._session.execute(statement)
            if manager is not None  # excluded by the WHERE; narrows the type
        }

    def sales_totals(
        self, manager_ids: Collection[int], first_day: date, last_day: date
    ) -> dict[int, SalesTotal]:
        """Orders of each manager's retailers between two days inclusive."""
        by_day = self.sales_by_day(manager_ids, first_day, last_day)
        volume: defaultdict[int, int] = defaultdict(int)
        fen: defaultdict[int, int] = defaultdict(int)
        for (manager, _), total in by_day.items():
            volume[manager] += total.volume_cartons
            fen[manager] += int(total.amount_yuan * 100)
        return {m: SalesTotal(volume[m], yuan_from_fen(fen[m])) for m in volume}

    def targets(self, manager_ids: Collection[int], month: date) -> dict[int, MonthlyTarget]:
        """Each manager's target for the month whose first day is ``month``."""
        if not manager_ids:
            return {}
        rows = self._session.scalars(
            sa.select(MonthlyTargetRow).where(
                MonthlyTargetRow.manager_id.in_(list(manager_ids)),
                MonthlyTargetRow.month == month,
            )
        )
        return {
            r.manager_id: MonthlyTarget(
                id=r.id,
                manager_id=r.manager_id,
                month=r.month,
                volume_cartons=r.volume_cartons,
                amount_yuan=yuan_from_fen(r.amount_fen),
            )
            for r in rows
        }

    def visits(
        self, manager_ids: Collection[int], started_from: datetime, started_before: datetime
    ) -> list[VisitFact]:
        """Visits of these managers that started in ``[started_from, started_before)``.

        A visit starts when the handheld says (an offline upload keeps its device time).
        """
        if not manager_ids:
            return []
        started = sa.func.coalesce(VisitRow.device_started_at, VisitRow.started_at)
        statement = (
            sa.select(
                VisitRow.id,
                VisitRow.manager_id,
                VisitRow.retailer_id,
                VisitRow.started_at,
                VisitRow.device_started_at,
                VisitRow.verdict,
            )
            .where(
                VisitRow.manager_id.in_(list(manager_ids)),
                started >= started_from,
                started < started_before,
            )
            .order_by(VisitRow.id)
        )
        return [
            VisitFact(vid, manager, retailer, device or started, verdict)
            for vid, manager, retailer, started, device, verdict in self._session.execute(statement)
        ]

    def planned_stops(
        self, manager_ids: Collection[int], first_day: date, last_day: date
    ) -> dict[tuple[int, date], int]:
        """Stops of the plan each manager worked from each day (published, else newest draft)."""
        if not manager_ids:
            return {}
        statement = (
            sa.select(
                VisitPlanRow.id,
                VisitPlanRow.manager_id,
                VisitPlanRow.plan_date,
                VisitPlanRow.status,
                sa.func.count(PlanStopRow.id),
            )
            .outerjoin(PlanStopRow, PlanStopRow.plan_id == VisitPlanRow.id)
            .where(
                VisitPlanRow.manager_id.in_(list(manager_ids)),
                VisitPlanRow.plan_date.between(first_day, last_day),
                VisitPlanRow.status != PlanStatus.SUPERSEDED,
            )
            .group_by(
                VisitPlanRow.id,
                VisitPlanRow.manager_id,
                VisitPlanRow.plan_date,
                VisitPlanRow.status,
            )
        )
        best: dict[tuple[int, date], tuple[int, int, int]] = {}
        for plan_id, manager, day, status, stops in self._session.execute(statement):
            rank = (1 if status == PlanStatus.PUBLISHED else 0, plan_id)
            key = (manager, day)
            if key not in best or rank > best[key][:2]:
                best[key] = (*rank, int(stops))
        return {key: value[2] for key, value in best.items()}
