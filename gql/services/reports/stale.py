"""Marking report aggregates stale, from the write paths, in the writer's transaction.

Its own small module (calendar and store only) so the visit and plan services can call it
without importing the reports service. See ``gql.services.reports.aggregates``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gql.services.calendar import local_day
from gql.store.repositories.report_days import ReportDayRepository

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from datetime import datetime

    from sqlalchemy.orm import Session

__all__ = ["mark_plan", "mark_stops", "mark_visit", "mark_visits"]


def mark_visit(
    session: Session, manager_id: int, happened_at: datetime, plan_stop_id: int | None
) -> None:
    """A visit written: its company day (device time first) and its stop's plan day are stale."""
    days = ReportDayRepository(session)
    days.mark_stale([(manager_id, local_day(happened_at))])
    if plan_stop_id is not None:
        days.mark_stop_days_stale([plan_stop_id])


def mark_plan(session: Session, plan_id: int) -> None:
    """A plan written, published or superseded: its manager-day is stale."""
    ReportDayRepository(session).mark_plan_stale(plan_id)


def mark_stops(session: Session, stop_ids: Iterable[int]) -> None:
    """Stops skipped: their plans' manager-days are stale."""
    ReportDayRepository(session).mark_stop_days_stale(stop_ids)


def mark_visits(session: Session, visit_ids: Sequence[int]) -> None:
    """Visits rewritten in bulk (evidence reduced): their company days are stale."""
    days = ReportDayRepository(session)
    days.mark_stale((m, local_day(at)) for m, at in days.visit_instants(visit_ids))
