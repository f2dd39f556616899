"""Daily visit plans (R2): pick the retailers due, route them with ``tsp``, store the evidence.

A plan records what it was optimised against — the matrix source, speed, road factor,
opening hours, start time — the method, whether optimality is proven or the gap, and the
length of the manager's own order (retailers by licence number) as the baseline, so the saving
can be reported honestly (R2.4, R8.2).
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import numpy as np

import geo
import tsp
from gql.domain import Retailer, RetailerStatus, Role, VisitPlan
from gql.services.access import Principal, scope_of, signed_in
from gql.services.errors import ErrorCode, Forbidden, InvalidInput, NotFound, Problems
from gql.services.workers import offload
from gql.store.repositories import ManagerRepository, RetailerFilter, RetailerRepository
from gql.store.repositories.plans import PlanDraft, PlanRepository, StopDraft

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from gql.domain import AccountManager

__all__ = [
    "MAX_STOPS_PER_DAY",
    "PlanOutcome",
    "PlanRequest",
    "PlanService",
    "RoutingSettings",
    "SkippedStop",
]

MAX_STOPS_PER_DAY = 30
"""A day plan holds at most this many stops; more are deferred, lowest priority first."""

PLANNERS = frozenset({Role.ACCOUNT_MANAGER, Role.DEPARTMENT_HEAD, Role.DEPUTY_HEAD, Role.MARKETING})


@dataclass(frozen=True, slots=True)
class RoutingSettings:
    """How travel is modelled when no road-distance matrix is supplied (R2.3)."""

    speed_mps: float = 6.0
    road_factor: float = 1.35
    time_limit_s: float = 1.0
    deadline_s: float = 10.0


@dataclass(frozen=True, slots=True)
class PlanRequest:
    """Plan one manager's day; ``retailer_ids`` overrides the due list."""

    manager_id: int
    plan_date: date
    retailer_ids: tuple[int, ...] | None = None
    start_time_s: int = 8 * 3600 + 30 * 60
    return_to_start: bool = True


@dataclass(frozen=True, slots=True)
class SkippedStop:
    """A retailer left out of the plan, and why."""

    retailer_id: int
    reason: str
    detail: str


@dataclass(frozen=True, slots=True)
class PlanOutcome:
    """The stored plan and the retailers it could not include."""

    plan: VisitPlan
    skipped: list[SkippedStop] = field(default_factory=list)


def _priority(retailer: Retailer) -> tuple[int, int, str]:
    return (0 if retailer.key_customer else 1, -retailer.grade, retailer.licence_no)


def _baseline_m(matrix: np.ndarray, closed: bool) -> int:
    """Length of visiting in the manager's own list order (by licence number)."""
    n = matrix.shape[0]
    if n <= 1:
        return 0
    order = list(range(n))
    total = sum(int(matrix[a, b]) for a, b in itertools.pairwise(order))
    return total + (int(matrix[order[-1], 0]) if closed else 0)


class PlanService:
    """Create and read visit plans within the caller's scope."""

    def __init__(
        self,
        session: Session,
        principal: Principal | None,
        *,
        routing: RoutingSettings | None = None,
        now: datetime | None = None,
    ) -> None:
        self._session = session
        self._principal = principal
        self._routing = routing or RoutingSettings()
        self._now = now
        self._plans = PlanRepository(session)
        self._managers = ManagerRepository(session)
        self._retailers = RetailerRepository(session)

    def _manager_in_scope(self, manager_id: int) -> tuple[Principal, AccountManager]:
        principal = signed_in(self._principal)
        manager = self._managers.get_many([manager_id])[0]
        if manager is None or not scope_of(principal).allows(
            manager.staff_id, manager.department_id
        ):
            raise NotFound("manager")
        return principal, manager

    def current(self, manager_id: int, plan_date: date) -> VisitPlan | None:
        """The plan the manager works from that day (published, else newest draft)."""
        self._manager_in_scope(manager_id)
        return self._plans.current_for(manager_id, plan_date)

    def by_ids(self, ids: list[int]) -> list[VisitPlan | None]:
        """Plans by id, ``None`` where missing or outside the caller's scope."""
        plans = self._plans.get_many(ids)
        if self._principal is None:
            return [None] * len(ids)
        scope = scope_of(self._principal)
        managers = {
            m.staff_id: m
            for m in self._managers.get_many(sorted({p.manager_id for p in plans if p}))
            if m is not None
        }
        return [
            p
            if p is not None
            and p.manager_id in managers
            and scope.allows(p.manager_id, managers[p.manager_id].department_id)
            else None
            for p in plans
        ]

    def _due(
        self, manager: AccountManager, request: PlanRequest
    ) -> tuple[list[Retailer], list[SkippedStop]]:
        skipped: list[SkippedStop] = []
        if request.retailer_ids is not None:
            wanted = list(dict.fromkeys(request.retailer_ids))
            if not wanted:
                raise InvalidInput(
                    "give at least one retailer (or none at all to plan the due list)",
                    field=("retailer_ids",),
                )
            if len(wanted) > MAX_STOPS_PER_DAY:
                raise InvalidInput(
                    f"a day plan holds at most {MAX_STOPS_PER_DAY} retailers",
                    field=("retailer_ids",),
                )
            found = self._retailers.get_many(wanted)
            first_at = {pk: n for n, pk in reversed(list(enumerate(request.retailer_ids)))}
            problems = Problems()
            for retailer_id, retailer in zip(wanted, found, strict=True):
                if retailer is None or retailer.manager_id != manager.staff_id:
                    problems.add(
                        ("retailer_ids", first_at[retailer_id]),
                        "this retailer is not assigned to this manager",
                    )
            problems.raise_if_any()
            chosen = []
            for retailer_id, retailer in zip(wanted, found, strict=True):
                assert retailer is not None
                if retailer.status is not RetailerStatus.ACTIVE:
                    skipped.append(
                        SkippedStop(retailer_id, "NOT_ACTIVE", f"licence {retailer.status.value}")
                    )
                    continue
                chosen.append(retailer)
            return chosen, skipped
        weekday = request.plan_date.weekday()
        page = self._retailers.page(
            RetailerFilter(manager_ids=(manager.staff_id,), statuses=(RetailerStatus.ACTIVE,)),
            first=500,
        )
        due = sorted((r for _, r in page.items if r.order_weekday == weekday), key=_priority)
        for retailer in due[MAX_STOPS_PER_DAY:]:
            skipped.append(
                SkippedStop(retailer.id, "DEFERRED", "more retailers due than one day holds")
            )
        return due[:MAX_STOPS_PER_DAY], skipped

    async def create(self, request: PlanRequest) -> PlanOutcome:
        """Route the day and store it as the day's DRAFT (replacing an older draft)."""
        principal, manager = self._manager_in_scope(request.manager_id)
        if principal.role not in PLANNERS:
            raise Forbidden("plan visits")
        if not 0 <= request.start_time_s < 86_400:
            raise InvalidInput("the start time must be within the day", field=("start_time_s",))
        retailers, skipped = self._due(manager, request)
        retailers = sorted(retailers, key=lambda r: r.licence_no)  # the manager's own order
        weekday = request.plan_date.weekday()
        lat = np.array([manager.start_lat, *(r.lat for r in retailers)], dtype=np.float64)
        lon = np.array([manager.start_lon, *(r.lon for r in retailers)], dtype=np.float64)
        routing = self._routing
        distance_m = geo.cost_matrix(lat, lon, unit="m", road_factor=routing.road_factor)
        travel_s = geo.cost_matrix(
            lat, lon, unit="s", speed_mps=routing.speed_mps, road_factor=routing.road_factor
        )
        windows: list[list[tuple[int, int]] | None] = [None]
        for r in retailers:
            windows.append([(w.open_s, w.close_s) for w in r.windows_on(weekday)])
        problem = tsp.Problem(
            distance_m,
            start=0,
            closed=request.return_to_start,
            windows=windows,
            service=[0, *(r.service_time_s for r in retailers)],
            start_time=request.start_time_s,
            travel_s=travel_s,
        )
        try:
            result = await asyncio.wait_for(
                offload(tsp.solve, problem, time_limit_s=routing.time_limit_s),
                timeout=routing.deadline_s,
            )
        except TimeoutError as exc:
            raise InvalidInput(
                "routing took too long; plan fewer retailers",
                field=("retailer_ids",),
                code=ErrorCode.DEADLINE_EXCEEDED,
            ) from exc
        for unserved in result.unserved:
            retailer = retailers[unserved.stop - 1]
            skipped.append(SkippedStop(retailer.id, unserved.reason.value.upper(), unserved.detail))
        stops = self._stops(result, retailers, distance_m, travel_s)
        now = self._now or datetime.now(UTC)
        self._plans.supersede_drafts(manager.staff_id, request.plan_date)
        plan_id = self._plans.add(
            PlanDraft(
                manager_id=manager.staff_id,
                plan_date=request.plan_date,
                method=result.method,
                proven_optimal=result.proven_optimal,
                gap=result.gap,
                length_m=int(result.cost),
                duration_s=_duration_s(result, request.start_time_s),
                baseline_length_m=_baseline_m(distance_m, request.return_to_start),
                optimised_against={
                    "objective": "distance_m",
                    "matrix": "great_circle_x_road_factor",
                    "road_factor": routing.road_factor,
                    "speed_mps": routing.speed_mps,
                    "start_time_s": request.start_time_s,
                    "return_to_start": request.return_to_start,
                    "opening_hours": True,
                    "service_times": True,
                    "stops_requested": len(retailers),
                    "time_limit_s": routing.time_limit_s,
                    "lower_bound_m": result.lower_bound,
                    "solve_s": round(result.elapsed_s, 4),
                },
                created_by=principal.staff_id,
                stops=stops,
            ),
            now=now,
        )
        plan = self._plans.get_many([plan_id])[0]
        assert plan is not None
        return PlanOutcome(plan=plan, skipped=skipped)

    @staticmethod
    def _stops(
        result: tsp.Result,
        retailers: list[Retailer],
        distance_m: np.ndarray,
        travel_s: np.ndarray,
    ) -> list[StopDraft]:
        stops: list[StopDraft] = []
        order = list(result.order)
        for position, node in enumerate(order):
            if node == 0:
                continue
            previous = order[position - 1]
            arrival = result.arrival_s[position] if result.arrival_s else 0
            departure = result.departure_s[position] if result.departure_s else arrival
            stops.append(
                StopDraft(
                    retailer_id=retailers[node - 1].id,
                    eta_s=int(arrival),
                    etd_s=int(departure),
                    leg_distance_m=int(distance_m[previous, node]),
                    leg_duration_s=int(travel_s[previous, node]),
                )
            )
        return stops


def _duration_s(result: tsp.Result, start_time_s: int) -> int:
    if result.return_s is not None:
        return int(result.return_s - start_time_s)
    if result.departure_s:
        return int(result.departure_s[-1] - start_time_s)
    return 0
