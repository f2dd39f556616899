"""Territory and schedule proposals (R6, issue 8): computed, compared, applied explicitly.

A proposal is what the planning core (:mod:`gql.services.territories.rules`) produced for one
district, stored with its parameters and metrics so that the marketing department can compare it
with the current plan before anything changes. Only applying a TERRITORIES proposal reassigns
retailers.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime

    from gql.domain.retailers import OpeningWindow

__all__ = [
    "PlanningRetailer",
    "Proposal",
    "ProposalAssignment",
    "ProposalKind",
    "ProposalStatus",
    "ScheduleDay",
]


class ProposalKind(enum.StrEnum):
    """What a proposal plans."""

    TERRITORIES = "TERRITORIES"  # which manager serves which retailer
    SCHEDULE = "SCHEDULE"  # weekday zones, week phases and routed days of a 4-week cycle


class ProposalStatus(enum.StrEnum):
    """Where a proposal is in its life; only PROPOSED ones may be applied or discarded."""

    PROPOSED = "PROPOSED"
    APPLIED = "APPLIED"
    DISCARDED = "DISCARDED"


@dataclass(frozen=True, slots=True)
class Proposal:
    """A stored proposal: its scope, the parameters it was computed with and its metrics.

    ``department_id`` ``None`` means the whole company. ``based_on_id`` names the territory
    proposal a schedule was computed from (``None``: the current assignment).
    """

    id: int
    kind: ProposalKind
    status: ProposalStatus
    department_id: int | None
    based_on_id: int | None
    parameters: Mapping[str, Any]
    metrics: Mapping[str, Any]
    created_by: int | None
    created_at: datetime
    applied_by: int | None
    applied_at: datetime | None
    discarded_by: int | None
    discarded_at: datetime | None


@dataclass(frozen=True, slots=True)
class ProposalAssignment:
    """One retailer in a proposal: its manager and, in a schedule, its weekday and phase.

    ``previous_manager_id`` is the manager when the proposal was computed; applying refuses
    a proposal whose retailers have changed hands since (it would undo someone's change).
    ``phase`` is 0 for weekly retailers, 0/1 for fortnightly (weeks 1 & 3 / 2 & 4) and 0-3 for
    monthly ones (the week of the visit).
    """

    retailer_id: int
    manager_id: int
    previous_manager_id: int | None
    weekday: int | None = None
    phase: int | None = None
    visits_per_cycle: int | None = None
    move_reason: str | None = None
    """Territory proposals: why it has this manager — KEPT, UNASSIGNED, REPLAN, CONTIGUITY or
    BALANCE (``gql.services.territories.rules.MoveReason``)."""

    @property
    def moved(self) -> bool:
        """Whether the proposal gives the retailer to another manager than it had."""
        return self.previous_manager_id is not None and self.previous_manager_id != self.manager_id


@dataclass(frozen=True, slots=True)
class ScheduleDay:
    """One manager's routed day in a schedule proposal (``week`` 0-3, ``weekday`` 0-4)."""

    manager_id: int
    week: int
    weekday: int
    retailer_ids: tuple[int, ...]
    travel_m: float
    hours: float
    late_stops: int


@dataclass(frozen=True, slots=True)
class PlanningRetailer:
    """The facts about one active retailer that territory planning needs.

    ``volume_cartons`` is the retailer's order volume over the sales window the store reports
    (see :meth:`~gql.store.repositories.territories.PlanningInputRepository.retailers`);
    ``open_s``/``close_s`` span its weekday opening windows (``None``: no weekday window);
    ``windows`` are all its opening windows, which the schedule keeps (empty: none stored).
    """

    id: int
    lat: float
    lon: float
    grade: int
    business_type: str
    key_customer: bool
    service_time_s: int
    order_weekday: int
    manager_id: int | None
    open_s: int | None
    close_s: int | None
    volume_cartons: float
    windows: tuple[OpeningWindow, ...] = ()
    area_code: str | None = None
    """The retailer's 片区 (area) code: its road factor comes from it."""
