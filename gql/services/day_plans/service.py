"""Daily visit plans (R2): pick the day's retailers, route them with ``tsp``, store the evidence.

A plan records what it was optimised against — the matrix source, speed, road factor,
opening hours, start time — the method, whether optimality is proven or the gap, and the
length of the manager's own order (retailers by licence number) as the baseline, so the saving
can be reported honestly (R2.4, R8.2). The day's retailers come from the applied 4-week
schedule (:mod:`gql.services.day_plans.composition`), each with its recorded source.

A department's day is created and published in one go (:meth:`PlanService.publish_department`):
every manager's day is composed and routed first, and only then written, so a refusal writes
nothing.
"""

from __future__ import annotations

import asyncio
import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import tsp
from gql.domain import PlanStatus, Retailer, Role, VisitPlan
from gql.services.access import Principal, require_role, scope_of, signed_in
from gql.services.calendar import local_day
from gql.services.day_plans.composition import (
    MAX_STOPS_PER_DAY,
    Composition,
    DayRequest,
    compose,
)
from gql.services.errors import ErrorCode, Forbidden, InvalidInput, NotFound, Problems
from gql.services.reports.stale import mark_plan
from gql.services.territories.district_barriers import barriers_of_department
from gql.services.travel import RoutingSettings, day_legs
from gql.services.workers import offload
from gql.store.repositories import (
    DepartmentRepository,
    ManagerRepository,
    PlanLifecycleRepository,
)
from gql.store.repositories.plans import PlanDraft, PlanRepository, StopDraft
from gql.store.repositories.retailer_lifecycle import (
    PlanSourceRepository,
    RetailerStatusRepository,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    import numpy as np
    from sqlalchemy.orm import Session

    from gql.domain import AccountManager
    from gql.domain.plan_sources import PlanSourceEntry
    from gql.services.territories.rules.barriers import Barriers

__all__ = [
    "MAX_STOPS_PER_DAY",
    "DepartmentDay",
    "DepartmentDayRequest",
    "PlanOutcome",
    "PlanRequest",
    "PlanService",
    "PublishedPlan",
    "SkippedStop",
]

PLANNERS = frozenset({Role.ACCOUNT_MANAGER, Role.DEPARTMENT_HEAD, Role.DEPUTY_HEAD, Role.MARKETING})
BULK_PLANNERS = frozenset({Role.DEPARTMENT_HEAD, Role.DEPUTY_HEAD, Role.MARKETING})
"""Who creates and publishes a whole department's day at once."""
BULK_ROUTING_BUDGET_S = 6.0
"""A bulk run shares this much solver time among its managers (each at most ``time_limit_s``)."""
MAX_REASON_CHARS = 400


@dataclass(frozen=True, slots=True)
class PlanRequest:
    """Plan one manager's day.

    ``retailer_ids`` names exactly the retailers; without it the day's list (the applied
    schedule's day, else the retailers whose order day it is) with ``add_retailer_ids`` added
    and ``remove_retailer_ids`` taken off.
    """

    manager_id: int
    plan_date: date
    retailer_ids: tuple[int, ...] | None = None
    start_time_s: int = 8 * 3600 + 30 * 60
    return_to_start: bool = True
    add_retailer_ids: tuple[int, ...] = ()
    remove_retailer_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class DepartmentDayRequest:
    """Create and publish the day of every active manager of a department."""

    department_id: int
    plan_date: date
    reason: str = ""
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


@dataclass(frozen=True, slots=True)
class PublishedPlan:
    """One manager's published plan of a department's day, its version and what was left out."""

    outcome: PlanOutcome
    version: int


@dataclass(frozen=True, slots=True)
class DepartmentDay:
    """A department's published day: one plan per active manager, by staff id."""

    department_id: int
    plan_date: date
    plans: list[PublishedPlan]
    elapsed_s: float


@dataclass(slots=True)
class _Routed:
    """A manager's day composed and routed, not yet written."""

    manager: AccountManager
    request: PlanRequest
    composition: Composition
    result: tsp.Result
    distance_m: np.ndarray
    travel_s: np.ndarray
    time_limit_s: float
    skipped: list[SkippedStop] = field(default_factory=list)
    barriers_key: str | None = None
    """Whose stored barriers priced the legs (``None``: none set)."""


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
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._session = session
        self._principal = principal
        self._routing = routing or RoutingSettings()
        self._now = now
        self._clock_fn = clock
        self._plans = PlanRepository(session)
        self._managers = ManagerRepository(session)
        self._sources = PlanSourceRepository(session)
        self._barriers_by_department: dict[int, tuple[str | None, Barriers]] = {}

    def _clock(self) -> datetime:
        if self._now is not None:
            return self._now
        return datetime.now(UTC) if self._clock_fn is None else self._clock_fn()

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

    def sources(self, plan_id: int) -> list[PlanSourceEntry]:
        """Why each retailer is on a visible plan (or was taken off it); empty when not visible."""
        if self.by_ids([plan_id])[0] is None:
            return []
        return self._sources.for_plan(plan_id)

    async def create(self, request: PlanRequest) -> PlanOutcome:
        """Route the day and store it as the day's DRAFT (replacing an older draft)."""
        principal, manager = self._manager_in_scope(request.manager_id)
        if principal.role not in PLANNERS:
            raise Forbidden("plan visits")
        if not 0 <= request.start_time_s < 86_400:
            raise InvalidInput("the start time must be within the day", field=("start_time_s",))
        routed = await self._route(manager, request, self._routing.time_limit_s)
        return self._store(principal, routed)

    async def publish_department(self, request: DepartmentDayRequest) -> DepartmentDay:
        """Create and publish every active manager's plan of a department for a day.

        Managers with a published plan that day are re-planned only with a reason. Every day
        is composed and routed before anything is written, so a refusal writes nothing.
        """
        started = asyncio.get_running_loop().time()
        principal = signed_in(self._principal)
        require_role(principal, BULK_PLANNERS, "publish a department's plans")
        department = DepartmentRepository(self._session).get_many([request.department_id])[0]
        if department is None or not scope_of(principal).allows(None, department.id):
            raise NotFound("department", field=("department_id",))
        found = Problems()
        if not 0 <= request.start_time_s < 86_400:
            found.add(("start_time_s",), "the start time must be within the day")
        reason = request.reason.strip()
        if len(reason) > MAX_REASON_CHARS:
            found.add(("reason",), f"reason must be at most {MAX_REASON_CHARS} characters")
        managers = sorted(
            (m for m in self._managers.by_department(department.id) if m.active),
            key=lambda m: m.staff_id,
        )
        if not managers:
            found.add(("department_id",), "the department has no active account managers")
        published = [
            m.staff_id
            for m in managers
            if (p := self._plans.current_for(m.staff_id, request.plan_date)) is not None
            and p.status is PlanStatus.PUBLISHED
        ]
        if published and not reason:
            found.add(
                ("reason",),
                f"{len(published)} manager(s) have a published plan that day; "
                "give a reason to re-plan them",
            )
        found.raise_if_any()
        time_limit_s = min(self._routing.time_limit_s, BULK_ROUTING_BUDGET_S / len(managers))
        routed = []
        for manager in managers:
            day = PlanRequest(
                manager_id=manager.staff_id,
                plan_date=request.plan_date,
                start_time_s=request.start_time_s,
                return_to_start=request.return_to_start,
            )
            try:
                routed.append(await self._route(manager, day, time_limit_s))
            except InvalidInput as exc:  # the day's list is the schedule's, not the caller's
                raise InvalidInput(
                    f"manager {manager.staff_no}: {exc.message}",
                    field=("department_id",),
                    code=exc.code,
                ) from exc
        lifecycle = PlanLifecycleRepository(self._session)
        plans = []
        now = self._clock()
        RetailerStatusRepository(self._session).settle(local_day(now), now=now)
        for one in routed:
            outcome = self._store(principal, one)
            version = lifecycle.publish(
                outcome.plan.id, reason=reason, by=principal.staff_id, now=now
            )
            mark_plan(self._session, outcome.plan.id)
            plan = self._plans.get_many([outcome.plan.id])[0]
            assert plan is not None
            plans.append(PublishedPlan(PlanOutcome(plan, outcome.skipped), version))
        elapsed = asyncio.get_running_loop().time() - started
        return DepartmentDay(department.id, request.plan_date, plans, round(elapsed, 3))

    async def _route(
        self, manager: AccountManager, request: PlanRequest, time_limit_s: float
    ) -> _Routed:
        """Compose and route one manager's day (reads only)."""
        composition = compose(
            self._session,
            manager,
            DayRequest(
                plan_date=request.plan_date,
                retailer_ids=request.retailer_ids,
                add_retailer_ids=request.add_retailer_ids,
                remove_retailer_ids=request.remove_retailer_ids,
            ),
        )
        skipped = [SkippedStop(x.retailer_id, x.reason, x.detail) for x in composition.left_out]
        retailers = sorted(composition.retailers, key=lambda r: r.licence_no)  # own order
        weekday = request.plan_date.weekday()
        routing = self._routing
        barriers_key, barriers = self._barriers(manager.department_id)
        distance_m, travel_s = await day_legs(
            routing,
            manager.start_lat,
            manager.start_lon,
            retailers,
            barriers,
            field=("retailer_ids",),
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
                offload(tsp.solve, problem, time_limit_s=time_limit_s),
                timeout=routing.deadline_s,
            )
        except TimeoutError as exc:
            raise InvalidInput(
                "routing took too long; plan fewer retailers",
                field=("retailer_ids",),
                code=ErrorCode.DEADLINE_EXCEEDED,
            ) from exc
        composition.retailers = retailers
        for unserved in result.unserved:
            retailer = retailers[unserved.stop - 1]
            skipped.append(SkippedStop(retailer.id, unserved.reason.value.upper(), unserved.detail))
        return _Routed(
            manager,
            request,
            composition,
            result,
            distance_m,
            travel_s,
            time_limit_s,
            skipped,
            barriers_key,
        )

    def _barriers(self, department_id: int) -> tuple[str | None, Barriers]:
        """The department's barriers (else the company's), read once per service."""
        if department_id not in self._barriers_by_department:
            self._barriers_by_department[department_id] = barriers_of_department(
                self._session, department_id
            )
        return self._barriers_by_department[department_id]

    def _store(self, principal: Principal, routed: _Routed) -> PlanOutcome:
        """Write a routed day as the day's DRAFT, with its composition."""
        request, result = routed.request, routed.result
        retailers = routed.composition.retailers
        routing = self._routing
        optimised_against: dict[str, Any] = {
            "objective": "distance_m",
            "matrix": "great_circle_x_road_factor",
            "road_factor": routing.road_factor,
            "area_road_factors": dict(routing.area_road_factors),
            "speed_mps": routing.speed_mps,
            "start_time_s": request.start_time_s,
            "return_to_start": request.return_to_start,
            "opening_hours": True,
            "service_times": True,
            "stops_requested": len(retailers),
            "time_limit_s": routed.time_limit_s,
            "lower_bound_m": result.lower_bound,
            "solve_s": round(result.elapsed_s, 4),
            **routed.composition.basis,
        }
        if routed.barriers_key is not None:  # the route report prices own orders alike
            optimised_against["barriers"] = routed.barriers_key
        stops = self._stops(result, retailers, routed.distance_m, routed.travel_s)
        self._plans.supersede_drafts(routed.manager.staff_id, request.plan_date)
        plan_id = self._plans.add(
            PlanDraft(
                manager_id=routed.manager.staff_id,
                plan_date=request.plan_date,
                method=result.method,
                proven_optimal=result.proven_optimal,
                gap=result.gap,
                length_m=int(result.cost),
                duration_s=_duration_s(result, request.start_time_s),
                baseline_length_m=_baseline_m(routed.distance_m, request.return_to_start),
                optimised_against=optimised_against,
                created_by=principal.staff_id,
                stops=stops,
            ),
            now=self._clock(),
        )
        self._sources.add(plan_id, routed.composition.sources)
        mark_plan(self._session, plan_id)  # a draft is the day's plan until one is published
        plan = self._plans.get_many([plan_id])[0]
        assert plan is not None
        return PlanOutcome(plan=plan, skipped=routed.skipped)

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
