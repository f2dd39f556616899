"""Route measures (R8.2): the optimised plan against the order the manager actually kept.

Lengths are priced on one cost matrix per manager-day (index 0 is the manager's start point),
so the plan order, the visited order and the travelled positions are compared like for like.
"""

from __future__ import annotations

import bisect
import itertools
import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date

__all__ = [
    "CostMatrix",
    "RouteDay",
    "RouteMeasures",
    "RouteMonth",
    "in_order_count",
    "kendall_tau",
    "route_day",
    "route_month",
    "routes",
    "tour_length_m",
]


class CostMatrix(Protocol):
    """Anything indexable as ``matrix[i, j]`` (a NumPy array of metres)."""

    def __getitem__(self, key: tuple[int, int], /) -> object: ...


def tour_length_m(matrix: CostMatrix, order: Sequence[int], *, closed: bool) -> int:
    """Length of start (index 0) → ``order`` … (→ start when ``closed``); 0 for no stops."""
    if not order:
        return 0
    path = [0, *order, *([0] if closed else [])]
    return sum(int(matrix[a, b]) for a, b in itertools.pairwise(path))  # type: ignore[call-overload]


def kendall_tau(ranks: Sequence[int]) -> float | None:
    """Kendall's τ-a between visiting order and plan order.

    ``ranks`` are the planned sequence numbers in the order the stops were visited (distinct).
    1 is the plan's order, -1 its reverse; ``None`` for fewer than two stops.
    """
    n = len(ranks)
    if n < 2:
        return None
    concordant = sum(1 if ranks[i] < ranks[j] else -1 for i in range(n) for j in range(i + 1, n))
    return concordant / (n * (n - 1) / 2)


def in_order_count(ranks: Sequence[int]) -> int:
    """Most stops visited in planned relative order (longest increasing run, O(n log n))."""
    tails: list[int] = []
    for rank in ranks:
        at = bisect.bisect_left(tails, rank)
        if at == len(tails):
            tails.append(rank)
        else:
            tails[at] = rank
    return len(tails)


@dataclass(frozen=True, slots=True)
class RouteDay:
    """One manager-day's route figures (metres; see docs/reports.md)."""

    manager_id: int
    day: date
    plan_m: int | None
    """The stored optimised length of the day's plan (all its stops); ``None``: no plan."""
    baseline_m: int | None
    """The stored licence-number-order length of the same stops (the planner's baseline)."""
    compared_stops: int
    """Planned stops visited that day: the stops both orders below run through."""
    planned_order_m: int
    own_order_m: int
    travelled_m: int
    travelled_points: int
    tau: float | None
    in_order: int


def route_day(
    manager_id: int,
    day: date,
    matrix: CostMatrix,
    *,
    plan_m: int | None,
    baseline_m: int | None,
    visited_ranks: Sequence[int],
    visited_indices: Sequence[int],
    travelled_indices: Sequence[int],
    closed: bool,
) -> RouteDay:
    """Measure a day.

    ``visited_indices``: matrix indices of the planned stops visited, in visiting order;
    ``visited_ranks``: their planned sequence numbers (same order); ``travelled_indices``:
    matrix indices of the trusted check-in positions, in visiting order.
    """
    by_plan = [i for _, i in sorted(zip(visited_ranks, visited_indices, strict=True))]
    return RouteDay(
        manager_id=manager_id,
        day=day,
        plan_m=plan_m,
        baseline_m=baseline_m,
        compared_stops=len(visited_indices),
        planned_order_m=tour_length_m(matrix, by_plan, closed=closed),
        own_order_m=tour_length_m(matrix, visited_indices, closed=closed),
        travelled_m=tour_length_m(matrix, travelled_indices, closed=closed),
        travelled_points=len(travelled_indices),
        tau=kendall_tau(visited_ranks),
        in_order=in_order_count(visited_ranks),
    )


@dataclass(frozen=True, slots=True)
class RouteMonth:
    """A manager's route days of one calendar month, totalled (``report_manager_months``).

    Lengths are sums; the τ of each day is kept, as τ's mean is over days.
    """

    manager_id: int
    month: date
    """The month's first day."""
    days: int
    planned_days: int
    plan_m: int
    baseline_m: int
    paired_plan_m: int
    """Plan lengths of the days with both a plan and a (non-zero) baseline."""
    paired_baseline_m: int
    """Baseline lengths of those days."""
    compared_stops: int
    planned_order_m: int
    own_order_m: int
    travelled_m: int
    travelled_points: int
    taus: Sequence[float]
    in_order: int


def _paired(d: RouteDay) -> bool:
    return d.plan_m is not None and bool(d.baseline_m)


def route_month(manager_id: int, month: date, days: Sequence[RouteDay]) -> RouteMonth:
    """Total a manager's route days of ``month``."""
    paired = [d for d in days if _paired(d)]
    return RouteMonth(
        manager_id=manager_id,
        month=month,
        days=len(days),
        planned_days=sum(1 for d in days if d.plan_m is not None),
        plan_m=sum(d.plan_m or 0 for d in days),
        baseline_m=sum(d.baseline_m or 0 for d in days),
        paired_plan_m=sum(d.plan_m or 0 for d in paired),
        paired_baseline_m=sum(d.baseline_m or 0 for d in paired),
        compared_stops=sum(d.compared_stops for d in days),
        planned_order_m=sum(d.planned_order_m for d in days),
        own_order_m=sum(d.own_order_m for d in days),
        travelled_m=sum(d.travelled_m for d in days),
        travelled_points=sum(d.travelled_points for d in days),
        taus=[d.tau for d in days if d.tau is not None],
        in_order=sum(d.in_order for d in days),
    )


@dataclass(frozen=True, slots=True)
class RouteMeasures:
    """Route measures of one group and period (sums over its manager-days)."""

    manager_days: int
    planned_days: int
    plan_km: float
    baseline_km: float
    baseline_saving_pct: float | None
    """100 × (baseline − plan) / baseline over days with both: the planner's own claim."""
    compared_stops: int
    planned_order_km: float
    own_order_km: float
    saving_pct: float | None
    """100 × (own − planned order) / own, on the same visited stops."""
    travelled_km: float
    km_per_visit: float | None
    tau_mean: float | None
    tau_days: int
    in_order_pct: float | None


def routes(days: Sequence[RouteDay], months: Sequence[RouteMonth] = ()) -> RouteMeasures:
    """Total the days: ratios are of sums, so a long day weighs more than a short one.

    ``months``: more of the group's days, totalled per manager-month (none of them in ``days``).
    """
    paired = [d for d in days if _paired(d)]
    own = sum(d.own_order_m for d in days) + sum(m.own_order_m for m in months)
    planned = sum(d.planned_order_m for d in days) + sum(m.planned_order_m for m in months)
    compared = sum(d.compared_stops for d in days) + sum(m.compared_stops for m in months)
    points = sum(d.travelled_points for d in days) + sum(m.travelled_points for m in months)
    travelled = sum(d.travelled_m for d in days) + sum(m.travelled_m for m in months)
    taus = [d.tau for d in days if d.tau is not None] + [t for m in months for t in m.taus]
    base = sum(d.baseline_m or 0 for d in paired) + sum(m.paired_baseline_m for m in months)
    paired_plan = sum(d.plan_m or 0 for d in paired) + sum(m.paired_plan_m for m in months)
    in_order = sum(d.in_order for d in days) + sum(m.in_order for m in months)
    return RouteMeasures(
        manager_days=len(days) + sum(m.days for m in months),
        planned_days=sum(1 for d in days if d.plan_m is not None)
        + sum(m.planned_days for m in months),
        plan_km=(sum(d.plan_m or 0 for d in days) + sum(m.plan_m for m in months)) / 1000,
        baseline_km=(sum(d.baseline_m or 0 for d in days) + sum(m.baseline_m for m in months))
        / 1000,
        baseline_saving_pct=None if base == 0 else 100.0 * (base - paired_plan) / base,
        compared_stops=compared,
        planned_order_km=planned / 1000,
        own_order_km=own / 1000,
        saving_pct=None if own == 0 else 100.0 * (own - planned) / own,
        travelled_km=travelled / 1000,
        km_per_visit=None if points == 0 else travelled / 1000 / points,
        tau_mean=statistics.fmean(taus) if taus else None,
        tau_days=len(taus),
        in_order_pct=None if compared == 0 else 100.0 * in_order / compared,
    )
