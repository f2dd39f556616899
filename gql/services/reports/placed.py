"""Stored visits placed on their company day, and one manager-day priced on one cost matrix.

Shared by the reports that read visits (discipline, routes, workload, effect): a visit counts on
the day its device says it started, and its evidence is reduced to the flags and the check-in
position estimate the reports use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from gql.services.calendar import LOCAL_TZ, local_day
from gql.services.reports import rules
from gql.services.territories.rules.barriers import NO_BARRIERS, Barriers
from gql.services.territories.rules.legs import priced_metres

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date, datetime

    from gql.domain import Retailer
    from gql.store.repositories.report_facts import PlanFact, VisitRowFact

__all__ = [
    "DEFAULT_ROAD_FACTOR",
    "UNTRUSTED_FLAGS",
    "PlacedRow",
    "outside_hours",
    "place",
    "route_day",
]

DEFAULT_ROAD_FACTOR = 1.35
"""Road factor for a day without a plan (the planner's default, ``RoutingSettings``)."""
UNTRUSTED_FLAGS = frozenset(
    {"POSSIBLE_SPOOFING", "STALE_FIX", "FUTURE_FIX", "IMPOSSIBLE_SPEED", "REUSED_COORDINATES"}
)
"""A check-in position with any of these flags is left out of the travelled distance."""


@dataclass(frozen=True, slots=True)
class PlacedRow:
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


def place(row: VisitRowFact) -> PlacedRow:
    """The visit on its company day, with its flags and check-in estimate."""
    at = row.device_started_at or row.started_at
    day = local_day(at)
    end_at = row.device_ended_at or row.ended_at
    return PlacedRow(
        row=row,
        day=day,
        start_s=_local_s(at, day),
        end_s=None if end_at is None else _local_s(end_at, day),
        flags=_flags(row.flags, row.any_stale_fix),
        estimate=_estimate(row.flags),
    )


def outside_hours(retailer: Retailer | None, visit: PlacedRow) -> bool | None:
    """Started outside every opening window that weekday; ``None``: no hours on record."""
    if retailer is None or not retailer.opening_windows:
        return None
    windows = retailer.windows_on(visit.day.weekday())
    return not any(w.open_s <= visit.start_s < w.close_s for w in windows)


def route_day(
    manager_id: int,
    day: date,
    start: tuple[float, float],
    plan: PlanFact | None,
    visits: Sequence[PlacedRow],
    retailers: dict[int, Retailer],
    barriers: Barriers = NO_BARRIERS,
) -> rules.RouteDay:
    """Price one manager-day's orders on one matrix: start, visited stops, trusted positions.

    ``barriers`` are those the plan was priced with (its ``optimised_against["barriers"]``).
    """
    against = plan.optimised_against if plan is not None else {}
    road_factor = float(against.get("road_factor", DEFAULT_ROAD_FACTOR))
    areas: dict[str, float] = {
        str(k): float(v) for k, v in (against.get("area_road_factors") or {}).items()
    }
    closed = bool(against.get("return_to_start", True))
    seq_of = {s.id: s for s in plan.stops} if plan is not None else {}
    seen: set[int] = set()
    ranks: list[int] = []
    points: list[tuple[float, float]] = [start]
    detours: list[float] = [road_factor]  # each point's area factor, as the plan priced legs
    for v in visits:
        stop = seq_of.get(v.row.plan_stop_id) if v.row.plan_stop_id is not None else None
        retailer = retailers.get(stop.retailer_id) if stop is not None else None
        if stop is None or retailer is None or stop.id in seen:
            continue
        seen.add(stop.id)
        ranks.append(stop.seq)
        points.append((retailer.lat, retailer.lon))
        detours.append(areas.get(retailer.area_code, road_factor))
    visited_indices = list(range(1, len(points)))
    for v in visits:
        if v.estimate is not None and not (v.flags & UNTRUSTED_FLAGS):
            points.append(v.estimate)
            visited = retailers.get(v.row.retailer_id)
            detours.append(
                road_factor if visited is None else areas.get(visited.area_code, road_factor)
            )
    travelled_indices = list(range(len(visited_indices) + 1, len(points)))
    lat = np.array([p[0] for p in points], dtype=np.float64)
    lon = np.array([p[1] for p in points], dtype=np.float64)
    matrix = priced_metres(lat, lon, road_factor=np.array(detours), barriers=barriers)
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
