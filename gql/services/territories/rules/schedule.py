"""The 4-week visit calendar: daily visit lists, each routed, with expected hours per day.

Day ``(week, weekday)`` of a manager holds the retailers of that weekday zone whose phase falls
in that week (:func:`.weekdays.visit_weeks`). Each day is routed from the manager's depot by
:func:`.routing.route_day`. A day over the cap sheds visits to lighter days (monthly, then
fortnightly, then weekly ones: :mod:`._shedding`), within opening hours and the order-day change
cap; if it is still over, :class:`~.errors.InfeasibleCapError` names the manager and day to fix
(or says the manager's routed days average more than the cap).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from ._geometry import project_about_m
from ._shedding import Shedder, order_day_budget
from .barriers import NO_BARRIERS, Barriers
from .errors import InfeasibleCapError, InvalidRetailersError
from .metrics import Balance, Progress, balance_of, no_progress
from .routing import DayRoute, route_day
from .weekdays import WEEKDAYS, WeekdayPlan, open_weekdays, split_weekdays, visit_weeks
from .workload import CYCLE_WEEKS, Workload, WorkloadPolicy, estimate_workload

if TYPE_CHECKING:
    from .retailers import RetailerSet

__all__ = ["DayPlan", "Schedule", "ScheduleMetrics", "plan_schedule", "route_schedule"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

DAYS_PER_CYCLE = CYCLE_WEEKS * WEEKDAYS


@dataclass(frozen=True, slots=True, eq=False)
class DayPlan:
    """One manager's working day: retailer ids in route order and the day's expected cost."""

    manager: int
    week: int
    weekday: int
    retailer_id: IntArray
    travel_m: float
    hours: float
    late_stops: int


@dataclass(frozen=True, slots=True)
class ScheduleMetrics:
    """Totals of a schedule: distance driven, hours per day, and cap compliance.

    ``unvisitable_retailers`` counts retailers open on no working weekday within the manager's
    hours: they stay planned (and late) so that someone fixes their hours or visit policy.
    """

    total_travel_m: float
    day_hours: Balance
    max_day_hours: float
    days_over_cap: int
    late_stops: int
    phase_moves: int
    unvisitable_retailers: int = 0


@dataclass(frozen=True, slots=True, eq=False)
class Schedule:
    """A 4-week calendar for every manager (``days`` ordered by manager, week, weekday)."""

    plan: WeekdayPlan
    days: tuple[DayPlan, ...]
    metrics: ScheduleMetrics

    def for_manager(self, manager: int, week: int | None = None) -> tuple[DayPlan, ...]:
        """Return the days of one manager, optionally of one week (0-3)."""
        return tuple(
            d for d in self.days if d.manager == manager and (week is None or d.week == week)
        )


def route_schedule(
    retailers: RetailerSet,
    plan: WeekdayPlan,
    n_managers: int,
    workload: Workload,
    *,
    policy: WorkloadPolicy | None = None,
    cap_hours: float = 8.0,
    depot_lat_deg: npt.ArrayLike | None = None,
    depot_lon_deg: npt.ArrayLike | None = None,
    start_min: float = 8.5 * 60,
    max_order_day_change_share: float | None = None,
    barriers: Barriers = NO_BARRIERS,
    progress: Progress = no_progress,
) -> Schedule:
    """Route every manager's 20 days and enforce the daily cap.

    Parameters
    ----------
    retailers, plan, workload
        The retailers, their weekday plan and their workload model output.
    n_managers
        Number of managers (territories).
    policy
        Supplies travel speed and the road factor of the depots and of retailers without
        one of their own (same as the workload model).
    cap_hours
        No day may take longer, depot to depot.
    depot_lat_deg, depot_lon_deg
        Each manager's start and end point; default the retailer nearest the territory's
        centroid.
    start_min
        Leaving time, minutes after midnight.
    max_order_day_change_share
        The cap on order-day changes the plan was drawn with (``None``: no cap): moving a
        visit to another weekday to keep the daily cap spends what the plan left of it.
    barriers
        The district's barriers: a leg across one is priced over its crossings.
    progress
        Called once per manager.

    Raises
    ------
    InfeasibleCapError
        The cap cannot hold: a territory's average day already exceeds it, its routed days
        (with the drive from and back to the depot) average more than the cap, or a day stays
        over it after moving visits to lighter days.
    """
    policy = policy or WorkloadPolicy()
    if not cap_hours > 0:
        raise InfeasibleCapError(f"cap_hours must be positive; got {cap_hours}")
    per_day_h = (
        np.bincount(plan.territory, weights=workload.total_min, minlength=n_managers)
        / 60.0
        / DAYS_PER_CYCLE
    )
    worst = int(np.argmax(per_day_h))
    if per_day_h[worst] > cap_hours:
        raise InfeasibleCapError(
            f"manager {worst} averages {per_day_h[worst]:.1f} h/day of visits and travel, over "
            f"the {cap_hours:g} h cap; add managers, lower visit frequencies or raise the cap"
        )
    long_visit = workload.service_min / 60.0 > cap_hours
    if long_visit.any():
        raise InfeasibleCapError(
            f"retailer(s) {retailers.retailer_id[long_visit][:5].tolist()} need more service "
            f"time than the {cap_hours:g} h cap"
        )
    depots = _depots(retailers, plan.territory, n_managers, depot_lat_deg, depot_lon_deg)
    per_visit = workload.total_min / workload.visits_per_cycle
    open_on = open_weekdays(retailers, workload, (start_min, start_min + cap_hours * 60))
    lat0, lon0 = float(np.mean(retailers.lat_deg)), float(np.mean(retailers.lon_deg))
    xy_m = project_about_m(retailers.lat_deg, retailers.lon_deg, lat0, lon0)
    depot_xy_m = project_about_m([d[0] for d in depots], [d[1] for d in depots], lat0, lon0)
    days_out: list[DayPlan] = []
    phase = plan.phase.copy()
    weekday = plan.weekday.copy()
    moves = 0
    for m in range(n_managers):
        lists = _manager_days(plan, weekday, phase, m)

        def route(i: int, stops: IntArray, depot: tuple[float, float] = depots[m]) -> DayRoute:
            return _route(
                retailers,
                workload,
                stops,
                i % WEEKDAYS,
                depot,
                policy,
                start_min,
                open_on,
                barriers,
            )

        routes = [route(i, lists[i]) for i in range(DAYS_PER_CYCLE)]
        if np.mean([r.hours for r in routes]) > cap_hours:
            _check_cap(m, routes, cap_hours)  # moving visits cannot help: say so now
        shedder = Shedder(
            lists=lists,
            routes=routes,
            route=route,
            plan=plan,
            weekday=weekday,
            phase=phase,
            per_visit_min=per_visit,
            open_on=open_on,
            budget=order_day_budget(
                retailers.order_weekday,
                plan.weekday,
                np.flatnonzero(plan.territory == m),
                max_order_day_change_share,
            ),
            xy_m=xy_m,
            depot_xy_m=depot_xy_m[m],
            leg_s_per_m=policy.road_factor / policy.speed_mps,
            cap_hours=cap_hours,
        )
        shedder.repair(max_moves=4 * DAYS_PER_CYCLE)
        moves += shedder.moves
        _check_cap(m, routes, cap_hours)
        for i, r in enumerate(routes):
            days_out.append(
                DayPlan(
                    manager=m,
                    week=i // WEEKDAYS,
                    weekday=i % WEEKDAYS,
                    retailer_id=retailers.retailer_id[lists[i][r.order]],
                    travel_m=r.travel_m,
                    hours=r.hours,
                    late_stops=r.late_stops,
                )
            )
        progress("routes", m + 1, n_managers)
    hours = np.array([d.hours for d in days_out])
    metrics = ScheduleMetrics(
        total_travel_m=float(sum(d.travel_m for d in days_out)),
        day_hours=balance_of(hours),
        max_day_hours=float(hours.max(initial=0.0)),
        days_over_cap=int((hours > cap_hours).sum()),
        late_stops=int(sum(d.late_stops for d in days_out)),
        phase_moves=moves,
        unvisitable_retailers=int((~open_on.any(axis=1)).sum()),
    )
    return Schedule(
        plan=replace(plan, weekday=weekday, phase=phase), days=tuple(days_out), metrics=metrics
    )


def _check_cap(m: int, routes: list[DayRoute], cap_hours: float) -> None:
    """Raise :class:`InfeasibleCapError` if a day of manager ``m`` is still over the cap."""
    hours = np.array([r.hours for r in routes])
    i = int(np.argmax(hours))
    if hours[i] <= cap_hours:
        return
    if hours.mean() > cap_hours:
        km = sum(r.travel_m for r in routes) / 1000 / DAYS_PER_CYCLE
        raise InfeasibleCapError(
            f"manager {m}'s routed days average {hours.mean():.2f} h depot to depot "
            f"({km:.0f} km of driving a day), over the {cap_hours:g} h cap; give the manager "
            "a depot nearer the territory, a smaller territory or a higher cap"
        )
    raise InfeasibleCapError(
        f"manager {m}, week {i // WEEKDAYS + 1}, weekday {i % WEEKDAYS} needs "
        f"{hours[i]:.2f} h, over the {cap_hours:g} h cap, even after moving visits to "
        "lighter days within opening hours and the order-day change cap; rebalance the "
        "weekday zones, allow more order-day changes or raise the cap"
    )


def _manager_days(plan: WeekdayPlan, weekday: IntArray, phase: IntArray, m: int) -> list[IntArray]:
    mine = np.flatnonzero(plan.territory == m)
    weeks = visit_weeks(replace(plan, weekday=weekday, phase=phase))[mine]
    return [
        mine[(weekday[mine] == d) & weeks[:, w]]
        for w in range(CYCLE_WEEKS)
        for d in range(WEEKDAYS)
    ]


def _route(
    retailers: RetailerSet,
    workload: Workload,
    stops: IntArray,
    day_of_week: int,
    depot: tuple[float, float],
    policy: WorkloadPolicy,
    start_min: float,
    open_on: npt.NDArray[np.bool_],
    barriers: Barriers,
) -> DayRoute:
    """Route one day; a stop with no window inside working hours gets none, so it is late.

    Without this it would wait for its evening window and blow the day's cap.
    """
    assert retailers.window_open_s is not None
    assert retailers.window_close_s is not None
    shut = ~open_on[stops, day_of_week]
    opens = retailers.window_open_s[stops, day_of_week]
    closes = retailers.window_close_s[stops, day_of_week]
    if shut.any():
        opens, closes = opens.copy(), closes.copy()
        opens[shut], closes[shut] = -1, -1
    return route_day(
        depot[0],
        depot[1],
        retailers.lat_deg[stops],
        retailers.lon_deg[stops],
        workload.service_min[stops],
        retailers.open_min[stops],
        retailers.close_min[stops],
        start_min=start_min,
        speed_mps=policy.speed_mps,
        road_factor=(
            policy.road_factor
            if retailers.road_factor is None
            else np.r_[policy.road_factor, retailers.road_factor[stops]]
        ),
        window_open_s=opens,
        window_close_s=closes,
        barriers=barriers,
    )


def _depots(
    retailers: RetailerSet,
    terr: IntArray,
    k: int,
    lat: npt.ArrayLike | None,
    lon: npt.ArrayLike | None,
) -> list[tuple[float, float]]:
    if (lat is None) != (lon is None):
        raise InvalidRetailersError("give both depot_lat_deg and depot_lon_deg, or neither")
    if lat is not None and lon is not None:
        la, lo = np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64)
        if (
            la.shape != (k,)
            or lo.shape != (k,)
            or not (np.isfinite(la).all() and np.isfinite(lo).all())
        ):
            raise InvalidRetailersError(f"depots need {k} finite lat/lon pairs, one per manager")
        return list(zip(la.tolist(), lo.tolist(), strict=True))
    out = []
    for m in range(k):
        mine = np.flatnonzero(terr == m)
        if mine.size == 0:
            out.append((float(np.mean(retailers.lat_deg)), float(np.mean(retailers.lon_deg))))
            continue
        c_lat, c_lon = retailers.lat_deg[mine].mean(), retailers.lon_deg[mine].mean()
        near = mine[
            np.argmin(
                (retailers.lat_deg[mine] - c_lat) ** 2 + (retailers.lon_deg[mine] - c_lon) ** 2
            )
        ]
        out.append((float(retailers.lat_deg[near]), float(retailers.lon_deg[near])))
    return out


def plan_schedule(
    retailers: RetailerSet,
    territory: npt.ArrayLike,
    n_managers: int,
    *,
    policy: WorkloadPolicy | None = None,
    cap_hours: float = 8.0,
    depot_lat_deg: npt.ArrayLike | None = None,
    depot_lon_deg: npt.ArrayLike | None = None,
    max_order_day_change_share: float | None = None,
    barriers: Barriers = NO_BARRIERS,
    progress: Progress = no_progress,
) -> Schedule:
    """Weekday zones, week phases and routed days for every territory, in one call.

    See :func:`.weekdays.split_weekdays` (and its cap on order-day changes) and
    :func:`route_schedule` for the steps and errors.
    """
    workload = estimate_workload(retailers, policy, barriers)
    plan = split_weekdays(
        retailers,
        territory,
        n_managers,
        workload,
        max_order_day_change_share=max_order_day_change_share,
        workday_min=(8.5 * 60, 8.5 * 60 + cap_hours * 60),
        progress=progress,
    )
    return route_schedule(
        retailers,
        plan,
        n_managers,
        workload,
        policy=policy,
        cap_hours=cap_hours,
        depot_lat_deg=depot_lat_deg,
        depot_lon_deg=depot_lon_deg,
        max_order_day_change_share=max_order_day_change_share,
        barriers=barriers,
        progress=progress,
    )
