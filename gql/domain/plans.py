"""Daily visit plans and their ordered stops (R2)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import date, datetime

__all__ = ["PlanStatus", "PlanStop", "VisitPlan"]


class PlanStatus(enum.StrEnum):
    """A plan is drafted, then published to the device; a newer plan supersedes it."""

    DRAFT = "DRAFT"
    PUBLISHED = "PUBLISHED"
    SUPERSEDED = "SUPERSEDED"


@dataclass(frozen=True, slots=True)
class PlanStop:
    """Stop ``seq`` (1-based) of a plan, with times in seconds since the plan day's midnight.

    ``leg_distance_m`` / ``leg_duration_s`` describe the leg that *arrives* at this stop.
    """

    id: int
    seq: int
    retailer_id: int
    eta_s: int
    etd_s: int
    leg_distance_m: int
    leg_duration_s: int


@dataclass(frozen=True, slots=True)
class VisitPlan:
    """A manager's plan for one day and the evidence of how good it is (R2.4).

    ``gap`` is the proven relative optimality gap (0.0 when ``proven_optimal``), ``None``
    when the method gives no bound. ``optimised_against`` records the inputs (matrix
    source, detour factor, windows) so a saving can be reported honestly later.
    """

    id: int
    manager_id: int
    plan_date: date
    status: PlanStatus
    method: str
    proven_optimal: bool
    gap: float | None
    length_m: int
    duration_s: int
    baseline_length_m: int | None
    optimised_against: Mapping[str, Any]
    created_by: int | None
    created_at: datetime
    stops: tuple[PlanStop, ...] = field(default=())
