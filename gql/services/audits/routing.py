"""Route an audit team's day with ``tsp``: from the team's start point, with opening hours.

The same model as a manager's day plan (:mod:`gql.services.day_plans.service`): great-circle
distance × each end's area road factor, over a crossing where a barrier is in the way, a
constant speed, each shop's opening windows on the audit day and its
service time. Retailers the solver cannot serve stay on the plan, unrouted (no times), so nothing
the draw chose disappears silently.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import tsp
from gql.services.errors import ErrorCode, InvalidInput
from gql.services.territories.district_barriers import CITY
from gql.services.territories.rules.barriers import NO_BARRIERS, Barriers
from gql.services.travel import day_legs
from gql.services.workers import offload

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date

    from gql.domain import Retailer
    from gql.services.travel import RoutingSettings

__all__ = ["RoutedDay", "RoutedStop", "route_audit_day"]


@dataclass(frozen=True, slots=True)
class RoutedStop:
    """A retailer in visiting order; times are ``None`` for one the solver could not serve."""

    retailer: Retailer
    eta_s: int | None
    etd_s: int | None
    leg_distance_m: int | None
    unserved_reason: str | None = None


@dataclass(frozen=True, slots=True)
class RoutedDay:
    """The ordered stops and the route evidence (what it was optimised against)."""

    stops: tuple[RoutedStop, ...]
    method: str
    proven_optimal: bool
    gap: float | None
    length_m: int
    duration_s: int
    baseline_length_m: int
    optimised_against: dict[str, Any]


async def route_audit_day(
    start_lat: float,
    start_lon: float,
    retailers: Sequence[Retailer],
    *,
    day: date,
    start_time_s: int,
    routing: RoutingSettings,
    barriers: Barriers = NO_BARRIERS,
) -> RoutedDay:
    """Order ``retailers`` into the shortest feasible closed tour from the start point.

    Legs are priced as a day plan's: each end's area road factor, and over a crossing where
    ``barriers`` (the whole city's, an audit crosses departments) are in the way.

    Raises
    ------
    InvalidInput
        If routing exceeds the deadline.
    """
    ordered = sorted(retailers, key=lambda r: r.licence_no)  # the baseline: licence order
    weekday = day.weekday()
    distance_m, travel_s = await day_legs(routing, start_lat, start_lon, ordered, barriers)
    windows: list[list[tuple[int, int]] | None] = [None]
    windows += [[(w.open_s, w.close_s) for w in r.windows_on(weekday)] for r in ordered]
    problem = tsp.Problem(
        distance_m,
        start=0,
        closed=True,
        windows=windows,
        service=[0, *(r.service_time_s for r in ordered)],
        start_time=start_time_s,
        travel_s=travel_s,
    )
    try:
        result = await asyncio.wait_for(
            offload(tsp.solve, problem, time_limit_s=routing.time_limit_s),
            timeout=routing.deadline_s,
        )
    except TimeoutError as exc:
        raise InvalidInput(
            "routing the audit took too long; audit fewer retailers",
            code=ErrorCode.DEADLINE_EXCEEDED,
        ) from exc
    stops: list[RoutedStop] = []
    route = list(result.order)
    for position, node in enumerate(route):
        if node == 0:
            continue
        arrival = int(result.arrival_s[position]) if result.arrival_s else None
        departure = int(result.departure_s[position]) if result.departure_s else arrival
        leg = int(distance_m[route[position - 1], node])
        stops.append(RoutedStop(ordered[node - 1], arrival, departure, leg))
    stops += [
        RoutedStop(ordered[u.stop - 1], None, None, None, u.reason.value) for u in result.unserved
    ]
    n = len(ordered) + 1
    baseline = sum(int(distance_m[a, a + 1]) for a in range(n - 1)) + int(distance_m[n - 1, 0])
    if result.return_s is not None:
        duration = int(result.return_s - start_time_s)
    elif result.departure_s:
        duration = int(result.departure_s[-1] - start_time_s)
    else:
        duration = 0
    return RoutedDay(
        stops=tuple(stops),
        method=result.method,
        proven_optimal=result.proven_optimal,
        gap=result.gap,
        length_m=int(result.cost),
        duration_s=max(0, duration),
        baseline_length_m=baseline,
        optimised_against={
            "objective": "distance_m",
            "matrix": "great_circle_x_road_factor",
            "road_factor": routing.road_factor,
            "area_road_factors": dict(routing.area_road_factors),
            **({"barriers": CITY} if barriers.barriers else {}),
            "speed_mps": routing.speed_mps,
            "start_time_s": start_time_s,
            "return_to_start": True,
            "opening_hours": True,
            "service_times": True,
            "stops_requested": len(ordered),
            "stops_unserved": len(result.unserved),
            "time_limit_s": routing.time_limit_s,
            "lower_bound_m": result.lower_bound,
            "solve_s": round(result.elapsed_s, 4),
        },
    )
