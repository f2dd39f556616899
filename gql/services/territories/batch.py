"""Batch planning for ``visitgis plan territories|schedule``: same rules as the API.

The command acts as a marketing staff member (``--as``, default: the first active one), so
proposals are recorded with a real author and only marketing can apply them, exactly as
through GraphQL. Progress goes to the callback; the caller commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from gql.services.acting import acting_principal
from gql.services.errors import InvalidInput, Problem, ServiceError
from gql.services.territories.service import (
    DEFAULT_ORDER_DAY_CHANGE_SHARE,
    ScheduleCommand,
    TerritoryCommand,
    TerritoryService,
)
from gql.store.repositories import DepartmentRepository, ManagerRepository

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.orm import Session

    from gql.domain.territories import Proposal
    from gql.services.territories.jobs import Job
    from gql.services.territories.rules import Progress
    from gql.services.travel import RoutingSettings

__all__ = [
    "BatchError",
    "BatchOutcome",
    "BatchRequest",
    "apply_proposal",
    "run_batch",
    "set_barriers",
]


class BatchError(Exception):
    """The batch cannot run; the message says what to change. Nothing was written."""


@dataclass(frozen=True, slots=True)
class BatchRequest:
    """One ``visitgis plan`` run."""

    kind: Literal["territories", "schedule"]
    department_code: str | None = None
    department_id: int | None = None
    """The district by id (a queued job's), when no code is given."""
    managers: int | None = None
    locked_retailer_ids: tuple[int, ...] = ()
    max_moves: int | None = None
    locked_licence_nos: tuple[str, ...] = ()
    territory_proposal_id: int | None = None
    cap_hours: float = 8.0
    max_order_day_change_share: float | None = DEFAULT_ORDER_DAY_CHANGE_SHARE
    """Schedules: cap on ordering retailers given a new order day (``None``: any)."""
    apply: bool = False
    staff_no: str | None = None
    warm_start: bool = True
    locked_manager_staff_nos: tuple[str, ...] = ()
    """Managers whose whole territory stays as it is."""


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    """The stored (and maybe applied) proposal and what to print."""

    proposal: Proposal
    moved_retailers: int
    lines: tuple[str, ...]


def run_batch(
    session: Session,
    request: BatchRequest,
    *,
    progress: Progress,
    routing: RoutingSettings | None = None,
) -> BatchOutcome:
    """Compute, store and (with ``apply``) apply one proposal, pricing travel by ``routing``.

    Raises
    ------
    BatchError
        Unknown department or staff, a role that may not plan, or planning input the core
        rejects (the message names what to fix).
    """
    principal = acting_principal(session, request.staff_no, BatchError)
    department_id = request.department_id
    if request.department_code is not None:
        department = DepartmentRepository(session).by_code(request.department_code)
        if department is None:
            raise BatchError(f"no department with code {request.department_code!r}")
        department_id = department.id
    managers = ManagerRepository(session)
    locked_managers = []
    for staff_no in request.locked_manager_staff_nos:
        manager = managers.get_by_staff_no(staff_no)
        if manager is None:
            raise BatchError(f"no account manager with staff number {staff_no!r}")
        locked_managers.append(manager.staff_id)
    service = TerritoryService(session, principal, routing=routing)
    try:
        job: Job
        if request.kind == "territories":
            job = service.territory_job(
                TerritoryCommand(
                    department_id=department_id,
                    managers=request.managers,
                    locked_retailer_ids=request.locked_retailer_ids,
                    max_moves=request.max_moves,
                    locked_licence_nos=request.locked_licence_nos,
                    warm_start=request.warm_start,
                    locked_manager_ids=tuple(locked_managers),
                )
            )
        else:
            job = service.schedule_job(
                ScheduleCommand(
                    department_id=department_id,
                    territory_proposal_id=request.territory_proposal_id,
                    cap_hours=request.cap_hours,
                    max_order_day_change_share=request.max_order_day_change_share,
                )
            )
        proposal = service.store(job, service.compute_now(job, progress))
        moved = 0
        if request.apply:
            proposal, moved = service.apply(proposal.id)
    except ServiceError as exc:
        raise BatchError(str(exc)) from exc
    return BatchOutcome(proposal=proposal, moved_retailers=moved, lines=_summary(proposal, moved))


def apply_proposal(
    session: Session, proposal_id: int, staff_no: str | None, manager_staff_nos: Sequence[str]
) -> BatchOutcome:
    """Apply a stored proposal whole, or only the territories of the managers named.

    Raises
    ------
    BatchError
        Unknown staff, a role that may not apply, a manager the proposal does not plan, or a
        proposal that is no longer PROPOSED or whose retailers changed hands since.
    """
    principal = acting_principal(session, staff_no, BatchError)
    manager_ids = None
    if manager_staff_nos:
        found = ManagerRepository(session).ids_by_staff_no(manager_staff_nos)
        unknown = [s for s in manager_staff_nos if s not in found]
        if unknown:
            raise BatchError(f"no account manager with staff number(s) {', '.join(unknown)}")
        manager_ids = [found[s] for s in manager_staff_nos]
    try:
        proposal, moved = TerritoryService(session, principal).apply(proposal_id, manager_ids)
    except ServiceError as exc:
        raise BatchError(str(exc)) from exc
    state = "applied" if proposal.status.value == "APPLIED" else "still PROPOSED (applied in part)"
    return BatchOutcome(
        proposal=proposal,
        moved_retailers=moved,
        lines=(f"proposal {proposal.id}: {moved} retailer(s) reassigned; {state}",),
    )


def set_barriers(
    session: Session,
    department_code: str | None,
    staff_no: str | None,
    document: dict[str, Any] | None,
) -> str:
    """Store (``None``: remove) a district's barriers; what was stored, in words.

    Raises
    ------
    BatchError
        Unknown department or staff, a role that may not set them, or every problem of the
        file (nothing stored).
    """
    principal = acting_principal(session, staff_no, BatchError)
    department_id = None
    if department_code is not None:
        department = DepartmentRepository(session).by_code(department_code)
        if department is None:
            raise BatchError(f"no department with code {department_code!r}")
        department_id = department.id
    try:
        stored = TerritoryService(session, principal).set_barriers(department_id, document)
    except InvalidInput as exc:
        raise BatchError("; ".join(_problem_line(p) for p in exc.problems)) from exc
    except ServiceError as exc:
        raise BatchError(str(exc)) from exc
    district = department_code or "the company"
    if stored is None:
        return f"{district}: barriers removed"
    roles = [f["properties"]["role"] for f in stored["features"]]
    return (
        f"{district}: {roles.count('barrier')} barrier line(s) and {roles.count('crossing')} "
        "crossing(s) stored; the next territory proposals use them"
    )


def _problem_line(problem: Problem) -> str:
    where = ".".join(str(p) for p in problem.field)
    return f"{where}: {problem.message}" if where else problem.message


def _summary(proposal: Proposal, moved: int) -> tuple[str, ...]:
    m = proposal.metrics
    lines = [
        f"proposal {proposal.id} ({proposal.kind.value}, {proposal.status.value}) by "
        f"{proposal.created_by}: {m.get('retailers')} retailers, {m.get('managers')} managers, "
        f"computed in {m.get('computeS')} s"
    ]
    if proposal.kind.value == "TERRITORIES":
        for label in ("proposal", "current"):
            c = m.get(label)
            if c:
                lines.append(
                    f"  {label:<8} workload cv {c['workload']['cv']:.3f} worst "
                    f"{c['workload']['worstDeviation']:.3f}; count cv "
                    f"{c['retailerCount']['cv']:.3f}; volume cv {c['orderVolume']['cv']:.3f}; "
                    f"mean distance {c['meanDistanceToCentreM']:.0f} m; fragmented "
                    f"{c['fragmentedTerritories']}"
                )
        lines.append(f"  retailers that change manager: {m.get('movedRetailers')}")
    else:
        s, z = m["schedule"], m["districtZones"]
        lines.append(
            f"  {s['days']} days, {s['totalTravelM'] / 1000:.0f} km, longest day "
            f"{s['maxDayHours']:.2f} h (cap {s['capHours']:g} h), over cap {s['daysOverCap']}; "
            f"weekday order balance cv {z['ordersBalance']['cv']:.4f}"
        )
    if proposal.status.value == "APPLIED":
        lines.append(f"  applied: {moved} retailer(s) reassigned")
    else:
        lines.append("  not applied (use --apply, or apply it in the planning screen)")
    return tuple(lines)
