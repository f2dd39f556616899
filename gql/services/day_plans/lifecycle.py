"""A plan's life after routing: published to the handheld, worked through, done (R2.1).

DRAFT → PUBLISHED (``publish``) → IN_PROGRESS (a stop visited or skipped) → DONE (every stop
settled, or the day over: what is left is NOT_VISITED). Publishing again on a day that has a
published plan is a re-plan: the new plan gets the next version and must say why; the old one
is SUPERSEDED and kept. A stop is VISITED by the visit tied to it (``planStopId``) or, failing
that, by the manager's visit to its retailer that day; SKIPPED with the reason the manager gave.
Progress is derived from those facts each time, so it can never disagree with them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from gql.domain import PlanStatus, Role
from gql.domain.plan_lifecycle import PlanProgress, StopProgress, StopState
from gql.services.access import Principal, require_role, scope_of, signed_in
from gql.services.calendar import day_bounds, local_day
from gql.services.errors import ErrorCode, NotFound, Problems
from gql.services.reports.stale import mark_plan, mark_stops
from gql.store.repositories import ManagerRepository, PlanLifecycleRepository, Publication
from gql.store.repositories.plans import PlanRepository

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.orm import Session

    from gql.domain import VisitPlan

__all__ = ["PLANNERS", "Lifecycle", "PlanLifecycleService"]

PLANNERS = frozenset({Role.ACCOUNT_MANAGER, Role.DEPARTMENT_HEAD, Role.DEPUTY_HEAD, Role.MARKETING})
"""Who publishes plans (as for creating them)."""
_SKIPPERS = frozenset({Role.ACCOUNT_MANAGER, Role.DEPARTMENT_HEAD, Role.DEPUTY_HEAD})
"""Who records a skipped stop: the manager, or their heads on their behalf."""
MAX_REASON_CHARS = 400


@dataclass(frozen=True, slots=True)
class Lifecycle:
    """A plan's publication, progress and stops, read together."""

    progress: PlanProgress
    publication: Publication | None
    stops: list[StopProgress]


class PlanLifecycleService:
    """Publishing plans, skipping stops, and each plan's progress, within the caller's scope."""

    def __init__(
        self,
        session: Session,
        principal: Principal | None,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._session = session
        self._principal = principal
        self._plans = PlanRepository(session)
        self._managers = ManagerRepository(session)
        self._lifecycle = PlanLifecycleRepository(session)
        self._clock = clock

    def _visible(self, plan_id: int, where: tuple[str, ...]) -> tuple[Principal, VisitPlan]:
        principal = signed_in(self._principal)
        plan = self._plans.get_many([plan_id])[0]
        manager = None if plan is None else self._managers.get_many([plan.manager_id])[0]
        if (
            plan is None
            or manager is None
            or not scope_of(principal).allows(manager.staff_id, manager.department_id)
        ):
            raise NotFound("plan", field=where)
        return principal, plan

    def publish(self, plan_id: int, reason: str) -> tuple[VisitPlan, int]:
        """Send a draft to the handheld; a re-plan needs a reason. Returns the plan and version."""
        principal, plan = self._visible(plan_id, ("plan_id",))
        require_role(principal, PLANNERS, "publish plans")
        found = Problems()
        if plan.status is not PlanStatus.DRAFT:
            found.add(
                ("plan_id",), f"only a draft can be published; this plan is {plan.status.value}",
                ErrorCode.CONFLICT,
            )  # fmt: skip
        now = self._clock()
        reason = reason.strip()
        current = self._plans.current_for(plan.manager_id, plan.plan_date)
        replanning = current is not None and current.status is PlanStatus.PUBLISHED
        if replanning and not reason and plan.status is PlanStatus.DRAFT:
            found.add(("reason",), "a published plan is replaced only with a reason")
        if len(reason) > MAX_REASON_CHARS:
            found.add(("reason",), f"reason must be at most {MAX_REASON_CHARS} characters")
        found.raise_if_any()
        version = self._lifecycle.publish(plan.id, reason=reason, by=principal.staff_id, now=now)
        mark_plan(self._session, plan.id)
        published = self._plans.get_many([plan.id])[0]
        assert published is not None
        return published, version

    def skip(self, stop_id: int, reason: str) -> StopProgress:
        """Record the manager's reason for not visiting a stop of the published plan."""
        plan_id = self._lifecycle.stop_plan(stop_id)
        if plan_id is None:
            raise NotFound("plan stop", field=("stop_id",))
        principal, plan = self._visible(plan_id, ("stop_id",))
        require_role(principal, _SKIPPERS, "skip stops")
        reason = reason.strip()
        found = Problems()
        if not 0 < len(reason) <= MAX_REASON_CHARS:
            found.add(("reason",), f"say why, in 1..{MAX_REASON_CHARS} characters")
        if plan.status is not PlanStatus.PUBLISHED:
            found.add(
                ("stop_id",), f"only a published plan's stops are skipped; this plan is "
                f"{plan.status.value}", ErrorCode.CONFLICT,
            )  # fmt: skip
        else:
            state = next(s for s in self.stops(plan) if s.stop_id == stop_id)
            if state.state not in (
                StopState.PLANNED,
                StopState.NOT_VISITED,
            ):  # reasons may come late
                found.add(
                    ("stop_id",), f"the stop is {state.state.value} already", ErrorCode.CONFLICT
                )
        found.raise_if_any()
        self._lifecycle.skip(stop_id, reason=reason, by=principal.staff_id, now=self._clock())
        mark_stops(self._session, [stop_id])
        return next(s for s in self.stops(plan) if s.stop_id == stop_id)

    def lifecycle(self, plan_id: int) -> Lifecycle:
        """A visible plan's publication, progress and stops."""
        _, plan = self._visible(plan_id, ("plan_id",))
        stops = self.stops(plan)
        return Lifecycle(self._progress(plan, stops), self._lifecycle.publication(plan.id), stops)

    def stops(self, plan: VisitPlan) -> list[StopProgress]:
        """Each stop's state, in visiting order (a draft's stops are all PLANNED)."""
        if plan.status is PlanStatus.DRAFT:
            return [StopProgress(s.id, StopState.PLANNED) for s in plan.stops]
        start, end = day_bounds(plan.plan_date, plan.plan_date)
        visits = self._lifecycle.visits(
            plan.manager_id, {s.id: s.retailer_id for s in plan.stops}, start, end
        )
        skips = self._lifecycle.skips([s.id for s in plan.stops])
        over = local_day(self._clock()) > plan.plan_date
        out: list[StopProgress] = []
        for stop in plan.stops:
            if stop.id in visits:
                visit = visits[stop.id]
                out.append(StopProgress(stop.id, StopState.VISITED, visit.visit_id, visit.verdict))
            elif stop.id in skips:
                skip = skips[stop.id]
                out.append(
                    StopProgress(
                        stop.id,
                        StopState.SKIPPED,
                        skip_reason=skip.reason,
                        skipped_at=skip.skipped_at,
                    )
                )
            else:
                out.append(
                    StopProgress(stop.id, StopState.NOT_VISITED if over else StopState.PLANNED)
                )
        return out

    @staticmethod
    def _progress(plan: VisitPlan, stops: list[StopProgress]) -> PlanProgress:
        """The plan's place in its life, derived from its stops."""
        if plan.status is PlanStatus.DRAFT:
            return PlanProgress.DRAFT
        if plan.status is PlanStatus.SUPERSEDED:
            return PlanProgress.SUPERSEDED
        states = [s.state for s in stops]
        if StopState.PLANNED not in states:
            return PlanProgress.DONE
        if any(s in (StopState.VISITED, StopState.SKIPPED) for s in states):
            return PlanProgress.IN_PROGRESS
        return PlanProgress.PUBLISHED
