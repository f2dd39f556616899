"""Workload balance (R8.4): hours per manager, planned and measured, and how even they are.

The planned side is the territory planner's own model (minutes of a 4-week cycle per retailer:
visits × (service + travel), ``territories.rules.estimate_workload``), so the report measures
the quantity territories were balanced on. The measured side adds up what the visits show:
dwell at the retailers and the gaps between consecutive visits of a day (travel).
"""

from __future__ import annotations

import itertools
import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

__all__ = [
    "MAX_TRAVEL_GAP_S",
    "ManagerLoad",
    "WorkloadBalance",
    "balance",
    "coefficient_of_variation",
    "day_travel_s",
]

MAX_TRAVEL_GAP_S = 2 * 3600
"""A gap between two visits longer than this is a break (lunch, the office), not travel."""


def coefficient_of_variation(values: Iterable[float]) -> float | None:
    """Population standard deviation / mean (the territory planner's balance).

    ``None`` for no values or a mean ≤ 0.

    >>> round(coefficient_of_variation([90.0, 100.0, 110.0]), 6)
    0.08165
    """
    v = list(values)
    if not v:
        return None
    mean = statistics.fmean(v)
    return None if mean <= 0 else statistics.pstdev(v) / mean


def day_travel_s(visits: Sequence[tuple[int, int | None]]) -> int:
    """Seconds between consecutive visits of one day: ``(start_s, end_s)`` pairs.

    Visits are taken in start order; a gap is the next start minus this end (0 if they
    overlap); an open visit (no end) or a gap over :data:`MAX_TRAVEL_GAP_S` adds nothing.

    >>> day_travel_s([(36_000, 36_600), (37_200, 37_500), (30_000, 30_300)])
    6300
    """
    total = 0
    for (_, end), (start, _) in itertools.pairwise(sorted(visits, key=lambda v: v[0])):
        if end is None:
            continue
        gap = max(0, start - end)
        total += gap if gap <= MAX_TRAVEL_GAP_S else 0
    return total


@dataclass(frozen=True, slots=True)
class ManagerLoad:
    """One manager's workload over a period (see docs/reports.md)."""

    manager_id: int
    retailers: int
    """Active retailers the manager had on the period's last day."""
    volume_cartons: float
    """Their orders in the period."""
    model_hours_per_week: float
    """The planning model's cycle minutes of those retailers / 60 / 4 weeks."""
    worked_days: int
    """Days with at least one visit."""
    visits: int
    dwell_hours: float
    travel_hours: float

    @property
    def measured_hours(self) -> float:
        """Dwell plus travel."""
        return self.dwell_hours + self.travel_hours

    @property
    def measured_hours_per_day(self) -> float | None:
        """Measured hours per worked day; ``None`` without one."""
        return None if self.worked_days == 0 else self.measured_hours / self.worked_days


@dataclass(frozen=True, slots=True)
class WorkloadBalance:
    """How evenly a group's managers are loaded (CV = population sd / mean)."""

    managers: int
    retailers: int
    volume_cartons: float
    model_hours_mean: float | None
    model_hours_min: float | None
    model_hours_max: float | None
    model_hours_cv: float | None
    measured_hours_per_day_mean: float | None
    measured_hours_per_day_cv: float | None
    """Over the managers with a worked day."""
    retailers_cv: float | None
    volume_cv: float | None


def balance(loads: Sequence[ManagerLoad]) -> WorkloadBalance:
    """The balance of the managers in ``loads``."""
    model = [m.model_hours_per_week for m in loads]
    per_day = [h for m in loads if (h := m.measured_hours_per_day) is not None]
    return WorkloadBalance(
        managers=len(loads),
        retailers=sum(m.retailers for m in loads),
        volume_cartons=sum(m.volume_cartons for m in loads),
        model_hours_mean=statistics.fmean(model) if model else None,
        model_hours_min=min(model, default=None),
        model_hours_max=max(model, default=None),
        model_hours_cv=coefficient_of_variation(model),
        measured_hours_per_day_mean=statistics.fmean(per_day) if per_day else None,
        measured_hours_per_day_cv=coefficient_of_variation(per_day),
        retailers_cv=coefficient_of_variation(float(m.retailers) for m in loads),
        volume_cv=coefficient_of_variation(m.volume_cartons for m in loads),
    )
