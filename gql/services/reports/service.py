"""Reports over plans and visits, within the caller's scope (R8.1, R8.2).

The caller names a subject (a manager, a department, or nothing: everything they may read), a
period, a grain (day, week, month) and a grouping (per manager, department or the company).
A manager or department outside the caller's scope is reported exactly like a missing one;
with no subject, the report covers the managers the caller may read (none for an auditor).
"""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

import geo
from gql.services.access import Principal, scope_of, signed_in
from gql.services.calendar import LOCAL_TZ, day_bounds, local_day
from gql.services.errors import InvalidInput, NotFound
from gql.services.reports import rules
from gql.store.repositories import DepartmentRepository, ManagerRepository, RetailerRepository
from gql.store.repositories.report_facts import PlanFact, ReportFactRepository, VisitRowFact

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from sqlalchemy.orm import Session

    from gql.domain import AccountManager, Retailer

__all__ = [
    "DEFAULT_ROAD_FACTOR",
    "LATE_UPLOAD_MARGIN",
    "UNTRUSTED_FLAGS",
    "DisciplineReport",
    "DisciplineRow",
    "GroupBy",
    "ReportGroup",
    "ReportRequest",
    "ReportService",
    "RouteReport",
    "RouteRow",
]

DEFAULT_ROAD_FACTOR = 1.35
"""Road factor for a day without a plan (the planner's default, ``RoutingSettings``)."""
LATE_UPLOAD_MARGIN = timedelta(days=7)
"""Visits received up to this long after the period still count on their device day."""
UNTRUSTED_FLAGS = frozenset(
    {"POSSIBLE_SPOOFING", "STALE_FIX", "FUTURE_FIX", "IMPOSSIBLE_SPEED", "REUSED_COORDINATES"}
)
"""A check-in position with any of these flags is left out of the travelled distance."""


class GroupBy(enum.StrEnum):
    """What one report row is about."""

    MANAGER = "MANAGER"
    DEPARTMENT = "DEPARTMENT"
    COMPANY = "COMPANY"


@dataclass(frozen=True, slots=True)
class ReportRequest:
    """Which managers, which days, cut how, grouped how."""

    first: date
    last: date
    grain: rules.Grain = rules.Grain.MONTH
    by: GroupBy = GroupBy.MANAGER
    manager_id: int | None = None
    department_id: int | None = None


@dataclass(frozen=True, slots=True, order=True)
class ReportGroup:
    """A row's subject: a manager, a department, or the company (``id`` ``None``)."""

    kind: GroupBy
    id: int | None
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class DisciplineRow:
    """Discipline of one group over one bucket (``bucket`` ``None``: the whole period)."""

    group: ReportGroup
    bucket: rules.Bucket | None
    measures: rules.DisciplineMeasures


@dataclass(frozen=True, slots=True)
class RouteRow:
    """Route measures of one group over one bucket (``bucket`` ``None``: the whole period)."""

    group: ReportGroup
    bucket: rules.Bucket | None
    measures: rules.RouteMeasures


@dataclass(frozen=True, slots=True)
class DisciplineReport:
    """Rows per group and bucket (every bucket, empty ones too), then one total per group."""

    period: rules.ReportPeriod
    grain: rules.Grain
    by: GroupBy
    rows: list[DisciplineRow]
    totals: list[DisciplineRow]


@dataclass(frozen=True, slots=True)
class RouteReport:
    """Rows per group and bucket, then one total per group."""

    period: rules.ReportPeriod
    grain: rules.Grain
    by: GroupBy
    rows: list[RouteRow]
    totals: list[RouteRow]


@dataclass(frozen=True, slots=True)
class _Visit:
    """A stored visit placed on its company day (device time when the device sent one)."""

    row: VisitRowFact
    day: date
    start_s: int
    end_s: int | None
    flags: frozenset[str]
    estimate: tuple[float, float] | None


def _local_s(at: datetime, day: date) -> int:
    """Seconds from the company midnight of ``day`` to ``at``."""
    local = at.astimezone(LOCAL_TZ)
    return (local.date() - day).days * 86_400 + local.hour * 3600 + local.minute * 60 + local.second


def _flags(flags: Any, stale: bool) -> frozenset[str]:
    found: set[str] = set()
    for part in ("check_in", "check_out"):
        verdict = flags.get(part) if isinstance(flags, dict) else None
        if isinstance(verdict, dict):
            found.update(str(f) for f in verdict.get("flags") or ())
    if isinstance(flags, dict):
        found.update(str(f) for f in flags.get("record_flags") or ())
    if stale:
        found.add("STALE_FIX")
    return frozenset(found)


def _estimate(flags: Any) -> tuple[float, float] | None:
    check_in = flags.get("check_in") if isinstance(flags, dict) else None
    point = check_in.get("estimate") if isinstance(check_in, dict) else None
    if isinstance(point, list) and len(point) == 2:
        return float(point[0]), float(point[1])
    return None


def _place(row: VisitRowFact) -> _Visit:
    at = row.device_started_at or row.started_at
    day = local_day(at)
    end_at = row.device_ended_at or row.ended_at
    return _Visit(
        row=row,
        day=day,
        start_s=_local_s(at, day),
        end_s=None if end_at is None else _local_s(end_at, day),
        flags=_flags(row.flags, row.any_stale_fix),
        estimate=_estimate(row.flags),
    )


def _outside_hours(retailer: Retailer | None, visit: _Visit) -> bool | None:
    if retailer is None or not retailer.opening_windows:
        return None
    windows = retailer.windows_on(visit.day.weekday())
    return not any(w.open_s <= visit.start_s < w.close_s for w in windows)


class ReportService:
    """Discipline and route reports for the managers the caller may read."""

    def __init__(self, session: Session, principal: Principal | None) -> None:
        self._session = session
        self._principal = principal
        self._managers = ManagerRepository(session)
        self._departments = DepartmentRepository(session)
        self._facts = ReportFactRepository(session)
        self._retailers = RetailerRepository(session)

    # -- who and when ---------------------------------------------------------------------

    def _period(self, request: ReportRequest) -> rules.ReportPeriod:
        try:
            return rules.ReportPeriod(request.first, request.last)
        except rules.ReportRuleError as exc:
            raise InvalidInput(str(exc), field=("filter", f"{exc.field}_day")) from exc

    def _subjects(self, request: ReportRequest) -> list[AccountManager]:
        scope = scope_of(signed_in(self._principal))
        if request.manager_id is not None:
            manager = self._managers.get_many([request.manager_id])[0]
            if manager is None or not scope.allows(manager.staff_id, manager.department_id):
                raise NotFound("manager", field=("filter", "manager_id"))
            if request.department_id not in (None, manager.department_id):
                raise InvalidInput(
                    "this manager is not in that department", field=("filter", "department_id")
                )
            return [manager]
        if request.department_id is not None:
            department = self._departments.get_many([request.department_id])[0]
            visible = scope.everything or request.department_id in scope.department_ids
            if department is None or not visible:
                raise NotFound("department", field=("filter", "department_id"))
            return self._managers.by_department(request.department_id)
        return [m for m in self._managers.all() if scope.allows(m.staff_id, m.department_id)]

    def _grouper(
        self, by: GroupBy, managers: Sequence[AccountManager]
    ) -> Callable[[int], ReportGroup]:
        if by is GroupBy.COMPANY:
            company = ReportGroup(GroupBy.COMPANY, None, "COMPANY", "company")
            return lambda _manager_id: company
        if by is GroupBy.DEPARTMENT:
            ids = sorted({m.department_id for m in managers})
            names = {d.id: d for d in self._departments.get_many(ids) if d is not None}
            by_manager = {
                m.staff_id: ReportGroup(
                    GroupBy.DEPARTMENT,
                    m.department_id,
                    names[m.department_id].code,
                    names[m.department_id].name,
                )
                for m in managers
            }
        else:
            by_manager = {
                m.staff_id: ReportGroup(GroupBy.MANAGER, m.staff_id, m.staff_no, m.name)
                for m in managers
            }
        return by_manager.__getitem__

    def _load(
        self, managers: Sequence[AccountManager], period: rules.ReportPeriod
    ) -> tuple[list[PlanFact], list[_Visit], dict[int, Retailer]]:
        ids = [m.staff_id for m in managers]
        plans = self._facts.plans(ids, period.first, period.last)
        since, until = day_bounds(period.first, period.last)
        visits = [
            v
            for v in map(_place, self._facts.visits(ids, since, until + LATE_UPLOAD_MARGIN))
            if v.day in period
        ]
        wanted = {s.retailer_id for p in plans for s in p.stops} | {
            v.row.retailer_id for v in visits
        }
        retailers = {r.id: r for r in self._retailers.get_many(sorted(wanted)) if r is not None}
        return plans, visits, retailers

    # -- discipline -----------------------------------------------------------------------

    def discipline(self, request: ReportRequest) -> DisciplineReport:
        """Visit discipline per group and bucket (R8.1)."""
        period = self._period(request)
        managers = self._subjects(request)
        plans, visits, retailers = self._load(managers, period)
        group_of = self._grouper(request.by, managers)
        visited: set[int] = set()
        verified: set[int] = set()
        for v in visits:
            if v.row.plan_stop_id is not None:
                visited.add(v.row.plan_stop_id)
                if v.row.verdict.value == "IN_PLACE":
                    verified.add(v.row.plan_stop_id)
        stops: dict[tuple[ReportGroup, rules.Bucket], list[rules.PlannedStopFact]] = defaultdict(
            list
        )
        for plan in plans:
            bucket = rules.bucket_of(plan.plan_date, request.grain, period)
            stops[(group_of(plan.manager_id), bucket)].extend(
                rules.PlannedStopFact(
                    plan.manager_id, plan.plan_date, s.id, s.id in visited, s.id in verified
                )
                for s in plan.stops
            )
        facts: dict[tuple[ReportGroup, rules.Bucket], list[rules.VisitFact]] = defaultdict(list)
        for v in visits:
            key = (group_of(v.row.manager_id), rules.bucket_of(v.day, request.grain, period))
            facts[key].append(
                rules.VisitFact(
                    manager_id=v.row.manager_id,
                    day=v.day,
                    planned=v.row.plan_stop_id is not None,
                    verdict=v.row.verdict.value,
                    late_upload=v.row.late_upload,
                    start_s=v.start_s,
                    end_s=v.end_s,
                    dwell_s=v.row.dwell_s,
                    outside_hours=_outside_hours(retailers.get(v.row.retailer_id), v),
                    flags=v.flags,
                )
            )
        groups = sorted({group_of(m.staff_id) for m in managers})
        rows = [
            DisciplineRow(g, b, rules.discipline(stops.get((g, b), []), facts.get((g, b), [])))
            for g in groups
            for b in rules.buckets(period, request.grain)
        ]
        totals = [
            DisciplineRow(
                g,
                None,
                rules.discipline(
                    [s for (k, _), ss in stops.items() if k == g for s in ss],
                    [f for (k, _), fs in facts.items() if k == g for f in fs],
                ),
            )
            for g in groups
        ]
        return DisciplineReport(period, request.grain, request.by, rows, totals)

    # -- routes ---------------------------------------------------------------------------

    def routes(self, request: ReportRequest) -> RouteReport:
        """Plan km, own-order km, saving, travelled km and plan adherence (R8.2)."""
        period = self._period(request)
        managers = self._subjects(request)
        plans, visits, retailers = self._load(managers, period)
        group_of = self._grouper(request.by, managers)
        start = {m.staff_id: (m.start_lat, m.start_lon) for m in managers}
        plan_of = {(p.manager_id, p.plan_date): p for p in plans}
        visits_of: dict[tuple[int, date], list[_Visit]] = defaultdict(list)
        for v in visits:
            visits_of[(v.row.manager_id, v.day)].append(v)
        days: dict[tuple[ReportGroup, rules.Bucket], list[rules.RouteDay]] = defaultdict(list)
        for key in sorted(set(plan_of) | set(visits_of)):
            manager_id, day = key
            measured = _route_day(
                manager_id,
                day,
                start[manager_id],
                plan_of.get(key),
                sorted(visits_of.get(key, []), key=lambda v: (v.start_s, v.row.id)),
                retailers,
            )
            days[(group_of(manager_id), rules.bucket_of(day, request.grain, period))].append(
                measured
            )
        groups = sorted({group_of(m.staff_id) for m in managers})
        rows = [
            RouteRow(g, b, rules.routes(days.get((g, b), [])))
            for g in groups
            for b in rules.buckets(period, request.grain)
        ]
        totals = [
            RouteRow(
                g, None, rules.routes([d for (k, _), ds in days.items() if k == g for d in ds])
            )
            for g in groups
        ]
        return RouteReport(period, request.grain, request.by, rows, totals)


def _route_day(
    manager_id: int,
    day: date,
    start: tuple[float, float],
    plan: PlanFact | None,
    visits: Sequence[_Visit],
    retailers: dict[int, Retailer],
) -> rules.RouteDay:
    """Price one manager-day's orders on one matrix: start, visited stops, trusted positions."""
    against = plan.optimised_against if plan is not None else {}
    road_factor = float(against.get("road_factor", DEFAULT_ROAD_FACTOR))
    closed = bool(against.get("return_to_start", True))
    seq_of = {s.id: s for s in plan.stops} if plan is not None else {}
    seen: set[int] = set()
    ranks: list[int] = []
    points: list[tuple[float, float]] = [start]
    for v in visits:
        stop = seq_of.get(v.row.plan_stop_id) if v.row.plan_stop_id is not None else None
        retailer = retailers.get(stop.retailer_id) if stop is not None else None
        if stop is None or retailer is None or stop.id in seen:
            continue
        seen.add(stop.id)
        ranks.append(stop.seq)
        points.append((retailer.lat, retailer.lon))
    visited_indices = list(range(1, len(points)))
    for v in visits:
        if v.estimate is not None and not (v.flags & UNTRUSTED_FLAGS):
            points.append(v.estimate)
    travelled_indices = list(range(len(visited_indices) + 1, len(points)))
    lat = np.array([p[0] for p in points], dtype=np.float64)
    lon = np.array([p[1] for p in points], dtype=np.float64)
    matrix = geo.cost_matrix(lat, lon, unit="m", road_factor=road_factor)
    return rules.route_day(
        manager_id,
        day,
        matrix,
        plan_m=None if plan is None else plan.length_m,
        baseline_m=None if plan is None else plan.baseline_length_m,
        visited_ranks=ranks,
        visited_indices=visited_indices,
        travelled_indices=travelled_indices,
        closed=closed,
    )
