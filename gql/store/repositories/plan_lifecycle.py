"""Publications of plans, skipped stops, and the visits that settle a plan's stops."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa

from gql.domain import PlanStatus, Verdict
from gql.store.models import (
    PlanPublicationRow,
    PlanStopRow,
    PlanStopSkipRow,
    VisitPlanRow,
    VisitRow,
)

if TYPE_CHECKING:
    from datetime import datetime

    from sqlalchemy.orm import Session

__all__ = ["PlanLifecycleRepository", "Publication", "Skip", "StopVisit"]


@dataclass(frozen=True, slots=True)
class Publication:
    """A plan's publication: version 1 is the day's first, later ones are re-plans."""

    version: int
    reason: str
    published_at: datetime
    published_by: int


@dataclass(frozen=True, slots=True)
class Skip:
    """A stop the manager will not visit."""

    reason: str
    skipped_at: datetime
    skipped_by: int


@dataclass(frozen=True, slots=True)
class StopVisit:
    """The visit that settles a stop."""

    visit_id: int
    verdict: Verdict


class PlanLifecycleRepository:
    """Reads and writes what happens to a plan after it is computed."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def publication(self, plan_id: int) -> Publication | None:
        """The plan's publication, or ``None`` while it is a draft."""
        row = self._session.get(PlanPublicationRow, plan_id)
        if row is None:
            return None
        return Publication(row.version, row.reason, row.published_at, row.published_by)

    def publish(self, plan_id: int, *, reason: str, by: int, now: datetime) -> int:
        """Publish a draft: the day's published plan becomes SUPERSEDED; returns the version."""
        plan = self._session.get(VisitPlanRow, plan_id)
        if plan is None:
            raise LookupError(f"plan {plan_id} does not exist")
        previous = self._session.scalar(
            sa.select(sa.func.max(PlanPublicationRow.version))
            .join(VisitPlanRow, VisitPlanRow.id == PlanPublicationRow.plan_id)
            .where(
                VisitPlanRow.manager_id == plan.manager_id,
                VisitPlanRow.plan_date == plan.plan_date,
            )
        )
        version = (previous or 0) + 1
        self._session.execute(
            sa.update(VisitPlanRow)
            .where(
                VisitPlanRow.manager_id == plan.manager_id,
                VisitPlanRow.plan_date == plan.plan_date,
                VisitPlanRow.status == PlanStatus.PUBLISHED,
            )
            .values(status=PlanStatus.SUPERSEDED)
        )
        self._session.flush()
        plan.status = PlanStatus.PUBLISHED
        self._session.add(
            PlanPublicationRow(
                plan_id=plan_id, version=version, reason=reason, published_at=now, published_by=by
            )
        )
        self._session.flush()
        return version

    def stop_plan(self, stop_id: int) -> int | None:
        """The plan a stop belongs to, or ``None`` if there is no such stop."""
        return self._session.scalar(sa.select(PlanStopRow.plan_id).where(PlanStopRow.id == stop_id))

    def skip(self, stop_id: int, *, reason: str, by: int, now: datetime) -> None:
        """Record that a stop will not be visited."""
        self._session.add(
            PlanStopSkipRow(stop_id=stop_id, reason=reason, skipped_at=now, skipped_by=by)
        )
        self._session.flush()

    def skips(self, stop_ids: list[int]) -> dict[int, Skip]:
        """The skipped stops among ``stop_ids``."""
        if not stop_ids:
            return {}
        rows = self._session.scalars(
            sa.select(PlanStopSkipRow).where(PlanStopSkipRow.stop_id.in_(stop_ids))
        )
        return {r.stop_id: Skip(r.reason, r.skipped_at, r.skipped_by) for r in rows}

    def visits(
        self,
        manager_id: int,
        stops: dict[int, int],
        start: datetime,
        end: datetime,
    ) -> dict[int, StopVisit]:
        """The visit settling each stop (``stop id → retailer id``).

        A visit tied to the stop wins; else the manager's first visit that day to its retailer
        not tied to another stop of this plan (a visit made under a superseded plan counts).
        """
        if not stops:
            return {}
        at = sa.func.coalesce(VisitRow.device_started_at, VisitRow.started_at)  # offline: device
        rows = self._session.execute(
            sa.select(VisitRow.id, VisitRow.plan_stop_id, VisitRow.retailer_id, VisitRow.verdict)
            .where(
                VisitRow.manager_id == manager_id,
                at >= start,
                at < end,
                sa.or_(
                    VisitRow.plan_stop_id.in_(list(stops)),
                    VisitRow.retailer_id.in_(sorted(set(stops.values()))),
                ),
            )
            .order_by(at, VisitRow.id)
        ).all()
        found: dict[int, StopVisit] = {}
        for visit_id, stop_id, _retailer, verdict in rows:
            if stop_id in stops and stop_id not in found:
                found[stop_id] = StopVisit(visit_id, verdict)
        used = {v.visit_id for v in found.values()}
        for stop_id, retailer_id in stops.items():
            if stop_id in found:
                continue
            match = next((r for r in rows if r[2] == retailer_id and r[0] not in used), None)
            if match is not None:
                found[stop_id] = StopVisit(match[0], match[3])
                used.add(match[0])
        return found
