"""Planning jobs: the pure computation between reading a district and storing a proposal.

A job holds only plain data (no session, no ORM rows), so it can run in a worker thread
(the API) or on the main thread with a progress display (the CLI). ``*_draft`` turns a job's
result into the rows the repository stores.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from gql.domain.territories import ProposalAssignment, ProposalKind, ScheduleDay
from gql.services.territories.reports import (
    partition_json,
    schedule_json,
    territories_json,
    zones_json,
)
from gql.services.territories.rules import (
    NO_MANAGER,
    MoveReason,
    PartitionSettings,
    WorkloadPolicy,
    district_zones,
    evaluate_partition,
    partition_territories,
    plan_schedule,
)
from gql.services.territories.rules.barriers import NO_BARRIERS, Barriers
from gql.services.territories.rules.metrics import no_progress
from gql.store.repositories.territories import ProposalDraft

if TYPE_CHECKING:
    from gql.services.territories.inputs import PlanningInputs
    from gql.services.territories.rules import (
        DistrictZones,
        Progress,
        Schedule,
        TerritoryMetrics,
        TerritoryProposal,
    )

__all__ = [
    "Job",
    "ScheduleJob",
    "ScheduleResult",
    "TerritoryJob",
    "TerritoryResult",
    "evaluate_current",
    "run_schedule",
    "run_territories",
    "schedule_draft",
    "territory_draft",
]


@dataclass(frozen=True, slots=True, eq=False)
class TerritoryJob:
    """Partition ``inputs`` into ``len(inputs.manager_ids)`` territories."""

    principal_id: int
    department_id: int | None
    inputs: PlanningInputs
    warm_start: bool
    locked_retailer_ids: tuple[int, ...]
    max_moves: int | None = None
    barriers: Barriers = NO_BARRIERS
    """The district's barriers and crossings (its contiguity graph is cut by them)."""
    homes: tuple[tuple[float, float], ...] = ()
    """Each planned manager's start point (home or office), in ``inputs.manager_ids`` order."""
    policy: WorkloadPolicy = field(default_factory=WorkloadPolicy)
    """Visit policy, with the travel speed and default road factor day plans use."""


@dataclass(frozen=True, slots=True, eq=False)
class ScheduleJob:
    """Plan the 4-week calendar of ``inputs`` (``current_manager`` is the territory)."""

    principal_id: int
    department_id: int | None
    based_on_id: int | None
    inputs: PlanningInputs
    cap_hours: float
    depots: tuple[tuple[float, float], ...]
    max_order_day_change_share: float | None = None
    """Cap on the share of ordering retailers whose order day changes (``None``: any)."""
    barriers: Barriers = NO_BARRIERS
    """The district's barriers: routed legs across one go over its crossings."""
    policy: WorkloadPolicy = field(default_factory=WorkloadPolicy)
    """Visit policy, with the travel speed and default road factor day plans use."""


Job = TerritoryJob | ScheduleJob


@dataclass(frozen=True, slots=True, eq=False)
class TerritoryResult:
    """A partition, the current plan's metrics (``None`` if nobody is assigned) and timing."""

    proposal: TerritoryProposal
    current: TerritoryMetrics | None
    unassigned: int
    compute_s: float


@dataclass(frozen=True, slots=True, eq=False)
class ScheduleResult:
    """A routed 4-week schedule, its district zones and timing."""

    schedule: Schedule
    zones: DistrictZones
    compute_s: float


def run_territories(
    job: TerritoryJob, progress: Progress | None, started: float
) -> TerritoryResult:
    """Partition, then measure the current plan on the same retailers."""
    retailers = job.inputs.retailers
    k = len(job.inputs.manager_ids)
    settings = PartitionSettings(
        warm_start=job.warm_start,
        max_moves=job.max_moves,
        barriers=job.barriers,
        home_lat_deg=tuple(h[0] for h in job.homes),
        home_lon_deg=tuple(h[1] for h in job.homes),
    )
    proposal = partition_territories(
        retailers,
        k,
        policy=job.policy,
        settings=settings,
        progress=no_progress if progress is None else progress,
    )
    assigned = retailers.current_manager != NO_MANAGER
    current: TerritoryMetrics | None = None
    if assigned.all():  # measured as the proposal is: same barriers and homes
        current = evaluate_partition(
            retailers, retailers.current_manager, k, policy=job.policy, settings=settings
        ).metrics
    elif assigned.any():
        subset = retailers.subset(assigned)
        current = evaluate_partition(
            subset, subset.current_manager, k, policy=job.policy, settings=settings
        ).metrics
    return TerritoryResult(
        proposal=proposal,
        current=current,
        unassigned=int((~assigned).sum()),
        compute_s=time.perf_counter() - started,
    )


def run_schedule(job: ScheduleJob, progress: Progress | None, started: float) -> ScheduleResult:
    """Weekday zones, phases and routed days for every territory, then district zones."""
    retailers = job.inputs.retailers
    k = len(job.inputs.manager_ids)
    depot_lat = np.array([d[0] for d in job.depots], dtype=np.float64)
    depot_lon = np.array([d[1] for d in job.depots], dtype=np.float64)
    schedule = plan_schedule(
        retailers,
        retailers.current_manager,
        k,
        policy=job.policy,
        cap_hours=job.cap_hours,
        depot_lat_deg=depot_lat,
        depot_lon_deg=depot_lon,
        max_order_day_change_share=job.max_order_day_change_share,
        barriers=job.barriers,
        progress=no_progress if progress is None else progress,
    )
    zones = district_zones(retailers, schedule.plan)
    return ScheduleResult(schedule=schedule, zones=zones, compute_s=time.perf_counter() - started)


def territory_draft(job: TerritoryJob, result: TerritoryResult) -> ProposalDraft:
    """The proposal to store: one assignment per retailer, metrics of both plans."""
    managers = job.inputs.manager_ids
    previous = job.inputs.previous_manager_ids
    proposal = result.proposal
    retailers = job.inputs.retailers
    moved = sum(
        1
        for i, t in enumerate(proposal.territory.tolist())
        if previous[i] is not None and previous[i] != managers[t]
    )
    return ProposalDraft(
        kind=ProposalKind.TERRITORIES,
        department_id=job.department_id,
        based_on_id=None,
        parameters={
            "managers": len(managers),
            "managerIds": list(managers),
            "lockedRetailerIds": list(job.locked_retailer_ids),
            "maxMoves": job.max_moves,
            "warmStart": job.warm_start,
        },
        metrics={
            "retailers": retailers.n,
            "managers": len(managers),
            "movedRetailers": moved,
            "unassignedBefore": result.unassigned,
            "computeS": round(result.compute_s, 3),
            "proposal": partition_json(proposal.metrics),
            "current": None if result.current is None else partition_json(result.current),
            "territories": territories_json(proposal, managers, retailers.order_volume),
        },
        created_by=job.principal_id,
        assignments=[
            ProposalAssignment(
                retailer_id=int(rid),
                manager_id=managers[int(t)],
                previous_manager_id=previous[i],
                move_reason=MoveReason(int(why)).name,
            )
            for i, (rid, t, why) in enumerate(
                zip(
                    proposal.retailer_id.tolist(),
                    proposal.territory.tolist(),
                    proposal.move_reason.tolist(),
                    strict=True,
                )
            )
        ],
    )


def schedule_draft(job: ScheduleJob, result: ScheduleResult) -> ProposalDraft:
    """The schedule to store: weekday and phase per retailer, every routed day."""
    managers = job.inputs.manager_ids
    previous = job.inputs.previous_manager_ids
    plan = result.schedule.plan
    ids = job.inputs.retailers.retailer_id.tolist()
    return ProposalDraft(
        kind=ProposalKind.SCHEDULE,
        department_id=job.department_id,
        based_on_id=job.based_on_id,
        parameters={
            "capHours": job.cap_hours,
            "managerIds": list(managers),
            "maxOrderDayChangeShare": job.max_order_day_change_share,
        },
        metrics={
            "retailers": len(ids),
            "managers": len(managers),
            "computeS": round(result.compute_s, 3),
            "schedule": schedule_json(result.schedule, job.cap_hours),
            "districtZones": zones_json(result.zones),
        },
        created_by=job.principal_id,
        assignments=[
            ProposalAssignment(
                retailer_id=int(rid),
                manager_id=managers[int(plan.territory[i])],
                previous_manager_id=previous[i],
                weekday=int(plan.weekday[i]),
                phase=int(plan.phase[i]),
                visits_per_cycle=int(plan.visits_per_cycle[i]),
            )
            for i, rid in enumerate(ids)
        ],
        days=[
            ScheduleDay(
                manager_id=managers[d.manager],
                week=d.week,
                weekday=d.weekday,
                retailer_ids=tuple(int(r) for r in d.retailer_id.tolist()),
                travel_m=round(float(d.travel_m), 1),
                hours=round(float(d.hours), 4),
                late_stops=int(d.late_stops),
            )
            for d in result.schedule.days
        ],
    )


def evaluate_current(
    inputs: PlanningInputs, policy: WorkloadPolicy | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Metrics and per-manager totals of the current assignment (every retailer assigned)."""
    retailers = inputs.retailers
    measured = evaluate_partition(
        retailers, retailers.current_manager, len(inputs.manager_ids), policy=policy
    )
    return (
        partition_json(measured.metrics),
        territories_json(measured, inputs.manager_ids, retailers.order_volume),
    )
