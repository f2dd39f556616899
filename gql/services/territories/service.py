"""Territory and schedule proposals (R6, issue 8): propose, compare, apply explicitly.

The marketing department asks for a proposal for a district (one department, or the whole
company) and its managers; the planning core computes it off the request path and the proposal
is stored with its metrics and the current plan's, for comparison. Nothing changes until
marketing applies it: applying a TERRITORIES proposal reassigns retailers (all or nothing, and
only if no retailer changed hands meanwhile); applying a SCHEDULE makes it the managers'
current 4-week calendar.

Access: marketing creates, applies and discards; department heads and deputies read proposals
of their department (and whole-company ones); managers read their own applied schedule; other
roles see nothing.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from gql.domain import Role
from gql.domain.territories import Proposal, ProposalKind, ProposalStatus
from gql.services.access import Principal, require_role, signed_in
from gql.services.errors import ErrorCode, FieldPath, InvalidInput, NotFound, Problem
from gql.services.paging import Page, PageRequest, empty_page
from gql.services.territories.barrier_file import barriers_geojson, parse_barriers
from gql.services.territories.comparison import Comparison, compare
from gql.services.territories.district_barriers import district_key, stored_barriers
from gql.services.territories.export import ExportRow
from gql.services.territories.inputs import planning_inputs
from gql.services.territories.jobs import (
    Job,
    ScheduleJob,
    ScheduleResult,
    TerritoryJob,
    TerritoryResult,
    evaluate_current,
    run_schedule,
    run_territories,
    schedule_draft,
    territory_draft,
)
from gql.services.territories.rules import PlanningError, TooManyManagersError, WorkloadPolicy
from gql.services.travel import RoutingSettings
from gql.services.workers import offload
from gql.store.repositories import DepartmentRepository, ManagerRepository, RetailerRepository
from gql.store.repositories.planning_inputs import PlanningInputRepository
from gql.store.repositories.territories import (
    ProposalFilter,
    ProposalRepository,
    StaleAssignment,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from sqlalchemy.orm import Session

    from gql.domain import AccountManager
    from gql.domain.territories import PlanningRetailer, ProposalAssignment, ScheduleDay
    from gql.services.territories.rules import Progress
    from gql.services.territories.rules.barriers import Barriers

__all__ = [
    "SALES_WINDOW_DAYS",
    "CurrentTerritories",
    "ManagerSchedule",
    "ScheduleCommand",
    "TerritoryCommand",
    "TerritoryService",
]

SALES_WINDOW_DAYS = 28
"""Order volume is summed over the last 4 weeks of sales on record (one planning cycle)."""

PLANNERS = frozenset({Role.MARKETING})
READERS = frozenset({Role.MARKETING, Role.DEPARTMENT_HEAD, Role.DEPUTY_HEAD})


@dataclass(frozen=True, slots=True)
class TerritoryCommand:
    """Partition a district's retailers among its managers.

    ``department_id`` ``None`` plans the whole company; ``managers`` defaults to the district's
    active managers (fewer: the ones serving most retailers keep a territory). Locked retailers
    keep their current manager.
    """

    department_id: int | None = None
    managers: int | None = None
    locked_retailer_ids: tuple[int, ...] = ()
    warm_start: bool = True
    locked_licence_nos: tuple[str, ...] = ()
    locked_manager_ids: tuple[int, ...] = ()
    """Managers whose whole territory stays as it is (their retailers are locked)."""
    """Retailers to lock by tobacco licence number (what marketing knows them by)."""
    max_moves: int | None = None
    """Cap on retailers a warm re-plan may move for balance (``None``: no cap)."""


DEFAULT_ORDER_DAY_CHANGE_SHARE = 0.10
"""A schedule moves at most 10 % of ordering retailers to another order day unless allowed:
retailers order (and are visited) on a weekday they are used to."""


@dataclass(frozen=True, slots=True)
class ScheduleCommand:
    """Plan the 4-week calendar on the current assignment or on a territory proposal."""

    department_id: int | None = None
    territory_proposal_id: int | None = None
    cap_hours: float = 8.0
    max_order_day_change_share: float | None = DEFAULT_ORDER_DAY_CHANGE_SHARE
    """At most this share of ordering retailers get a new order day; ``None``: any."""


@dataclass(frozen=True, slots=True)
class ManagerSchedule:
    """One manager's routed days from one schedule proposal."""

    proposal: Proposal
    manager_id: int
    days: tuple[ScheduleDay, ...]


@dataclass(frozen=True, slots=True)
class CurrentTerritories:
    """The current territories of a district: metrics and per-manager totals (as JSON)."""

    department_id: int | None
    metrics: Mapping[str, Any]
    territories: tuple[Mapping[str, Any], ...]
    positions: Mapping[int, tuple[tuple[float, float], ...]] = field(default_factory=dict)
    """Each manager's retailers, (lat, lon) in WGS-84: what a map outlines."""


class TerritoryService:
    """Create, read, apply and discard territory and schedule proposals."""

    def __init__(
        self,
        session: Session,
        principal: Principal | None,
        *,
        deadline_s: float = 300.0,
        now: Callable[[], datetime] | None = None,
        routing: RoutingSettings | None = None,
    ) -> None:
        self._session = session
        self._principal = principal
        self._deadline_s = deadline_s
        self._routing = routing or RoutingSettings()
        self._now = now or (lambda: datetime.now(UTC))
        self._proposals = ProposalRepository(session)
        self._managers = ManagerRepository(session)
        self._inputs = PlanningInputRepository(session)

    # -- access --------------------------------------------------------------------------

    def _planner(self, action: str) -> Principal:
        principal = signed_in(self._principal)
        require_role(principal, PLANNERS, action)
        return principal

    def _may_read(self, proposal: Proposal) -> bool:
        principal = signed_in(self._principal)
        if principal.role is Role.MARKETING:
            return True
        if principal.role in (Role.DEPARTMENT_HEAD, Role.DEPUTY_HEAD):
            return proposal.department_id in (None, principal.department_id)
        return False

    def proposal(self, proposal_id: int) -> Proposal | None:
        """The proposal, or ``None`` when missing or not readable by the caller."""
        if self._principal is None:
            return None
        proposal = self._proposals.get(proposal_id)
        return proposal if proposal is not None and self._may_read(proposal) else None

    def _readable(self, proposal_id: int, field: FieldPath = ("proposal_id",)) -> Proposal:
        proposal = self.proposal(proposal_id)
        if proposal is None:
            raise NotFound("proposal", field=field)
        return proposal

    def proposals(
        self,
        request: PageRequest,
        *,
        department_id: int | None = None,
        kinds: tuple[ProposalKind, ...] = (),
        statuses: tuple[ProposalStatus, ...] = (),
    ) -> Page[Proposal]:
        """Proposals the caller may read, newest first."""
        principal = signed_in(self._principal)
        if principal.role not in READERS:
            return empty_page(request)  # type: ignore[return-value]
        departments: frozenset[int] | None = None
        if principal.role is not Role.MARKETING:
            if department_id not in (None, principal.department_id):
                return empty_page(request)  # type: ignore[return-value]
            departments = frozenset({principal.department_id})
        elif department_id is not None:
            departments = frozenset({department_id})
        where = ProposalFilter(department_ids=departments, kinds=kinds, statuses=statuses)
        try:
            return self._proposals.page(where, **request.keys)
        except ValueError as exc:
            raise InvalidInput(str(exc)) from exc

    def assignments(
        self,
        proposal_id: int,
        *,
        manager_ids: tuple[int, ...] | None = None,
        moved_only: bool = False,
    ) -> list[ProposalAssignment]:
        """A readable proposal's assignments (optionally of some managers, or only moves)."""
        self._readable(proposal_id)
        found = self._proposals.assignments(proposal_id, manager_ids=manager_ids)
        return [a for a in found if a.moved] if moved_only else found

    def compare(self, a_id: int, b_id: int) -> tuple[Proposal, Proposal, Comparison]:
        """Two readable TERRITORIES proposals and where they disagree."""
        a = self._readable(a_id, ("a",))
        b = self._readable(b_id, ("b",))
        for proposal, field_name in ((a, "a"), (b, "b")):
            if proposal.kind is not ProposalKind.TERRITORIES:
                raise InvalidInput("must name a TERRITORIES proposal", field=(field_name,))
        found = compare(
            self._proposals.assignments(a.id),
            self._proposals.assignments(b.id),
            a.metrics,
            b.metrics,
        )
        return a, b, found

    def export_rows(self, proposal_id: int) -> tuple[Proposal, list[ExportRow]]:
        """A readable proposal's retailers named by licence and staff numbers."""
        proposal = self._readable(proposal_id)
        found = self._proposals.assignments(proposal.id)
        retailers = RetailerRepository(self._session).get_many([a.retailer_id for a in found])
        wanted = {a.manager_id for a in found} | {
            a.previous_manager_id for a in found if a.previous_manager_id is not None
        }
        managers = {
            m.staff_id: m for m in ManagerRepository(self._session).get_many(sorted(wanted)) if m
        }
        rows = []
        for a, r in zip(found, retailers, strict=True):
            if r is None:
                continue
            now = managers.get(a.manager_id)
            before = managers.get(a.previous_manager_id) if a.previous_manager_id else None
            rows.append(
                ExportRow(
                    licence_no=r.licence_no,
                    retailer=r.name,
                    manager_staff_no=now.staff_no if now else "",
                    manager=now.name if now else "",
                    previous_manager_staff_no=before.staff_no if before else "",
                    moved=a.moved,
                    reason=a.move_reason or "",
                    weekday=a.weekday,
                    lat=r.lat,
                    lon=r.lon,
                )
            )
        return proposal, rows

    async def current(self, department_id: int | None) -> CurrentTerritories | None:
        """The current assignment's territories and metrics (the baseline of every proposal).

        Marketing reads any district (``None``: the company); heads and deputies their own
        department (``None`` means theirs). ``None`` for everyone else.
        """
        principal = signed_in(self._principal)
        if principal.role in (Role.DEPARTMENT_HEAD, Role.DEPUTY_HEAD):
            if department_id not in (None, principal.department_id):
                return None
            department_id = principal.department_id
        elif principal.role is not Role.MARKETING:
            return None
        active, _ = self._district(department_id)
        facts = self._facts(list(active), include_unassigned=False)
        if not facts:
            return CurrentTerritories(department_id, {}, ())
        serving = {f.manager_id for f in facts}
        inputs = planning_inputs(
            facts, [m for m in active if m in serving], road_factors=self._routing.point_factors
        )
        result = await offload(evaluate_current, inputs, self._policy())
        positions: dict[int, list[tuple[float, float]]] = {}
        for f in facts:
            if f.manager_id is not None:
                positions.setdefault(f.manager_id, []).append((f.lat, f.lon))
        return CurrentTerritories(
            department_id,
            result[0],
            tuple(result[1]),
            {m: tuple(points) for m, points in positions.items()},
        )

    # -- creating ------------------------------------------------------------------------

    def _district(self, department_id: int | None) -> tuple[dict[int, AccountManager], list[int]]:
        """(active managers by staff id, all manager ids) of the district, ascending."""
        if department_id is None:
            managers = self._managers.all()
        else:
            if DepartmentRepository(self._session).get_many([department_id])[0] is None:
                raise NotFound("department", field=("department_id",))
            managers = self._managers.by_department(department_id)
        ordered = sorted(managers, key=lambda m: m.staff_id)
        active = {m.staff_id: m for m in ordered if m.active}
        return active, [m.staff_id for m in ordered]

    def territory_job(self, command: TerritoryCommand) -> TerritoryJob:
        """Read and check everything a territory proposal needs (on the caller's thread)."""
        principal = self._planner("create territory proposals")
        active, everyone = self._district(command.department_id)
        facts = self._facts(everyone, include_unassigned=command.department_id is None)
        strangers = [i for i, m in enumerate(command.locked_manager_ids) if m not in active]
        if strangers:
            raise InvalidInput.of(
                Problem("not an active manager of this district", ("locked_manager_ids", i))
                for i in strangers
            )
        if command.locked_manager_ids:  # their territories stay whole: plan the rest without them
            kept = set(command.locked_manager_ids)
            active = {m: a for m, a in active.items() if m not in kept}
            everyone = [m for m in everyone if m not in kept]
            facts = [f for f in facts if f.manager_id not in kept]
        k = len(active) if command.managers is None else command.managers
        if k < 1:
            raise InvalidInput("ask for at least 1 territory", field=("managers",))
        if command.max_moves is not None and command.max_moves < 0:
            raise InvalidInput("max moves must be 0 or more", field=("max_moves",))
        if k > len(facts):
            raise InvalidInput(str(TooManyManagersError(k, len(facts))), field=("managers",))
        if k > len(active):
            raise InvalidInput(
                f"the district has {len(active)} active manager(s); ask for at most "
                f"{len(active)} territories or add managers first",
                field=("managers",),
            )
        chosen = _busiest(list(active), facts, k)
        locked = frozenset(command.locked_retailer_ids) | self._licence_locks(command, facts)
        unknown = sorted(locked - {f.id for f in facts})
        if unknown:
            raise InvalidInput.of(
                Problem(
                    "not an active retailer of this district",
                    ("locked_retailer_ids", command.locked_retailer_ids.index(retailer_id)),
                )
                for retailer_id in unknown
            )
        planned = set(chosen)
        orphans = [f.id for f in facts if f.id in locked and f.manager_id not in planned]
        if orphans:
            raise InvalidInput.of(
                Problem(
                    f"this retailer has no manager among the {k} planned; unlock it, give it "
                    "a manager or plan for more managers",
                    ("locked_retailer_ids", command.locked_retailer_ids.index(retailer_id)),
                )
                for retailer_id in orphans
            )
        try:
            inputs = planning_inputs(
                facts, chosen, locked_ids=locked, road_factors=self._routing.point_factors
            )
        except PlanningError as exc:
            raise InvalidInput(str(exc)) from exc
        return TerritoryJob(
            principal_id=principal.staff_id,
            department_id=command.department_id,
            inputs=inputs,
            warm_start=command.warm_start,
            locked_retailer_ids=tuple(sorted(locked)),
            max_moves=command.max_moves,
            barriers=self._stored_barriers(command.department_id),
            homes=tuple((active[m].start_lat, active[m].start_lon) for m in inputs.manager_ids),
            policy=self._policy(),
        )

    def _policy(self) -> WorkloadPolicy:
        """The planning policy pricing travel as day plans do (speed, default road factor)."""
        return WorkloadPolicy(
            speed_mps=self._routing.speed_mps, road_factor=self._routing.road_factor
        )

    # -- barriers ------------------------------------------------------------------------

    def _stored_barriers(self, department_id: int | None) -> Barriers:
        return stored_barriers(self._session, district_key(department_id))

    def barriers(self, department_id: int | None) -> dict[str, Any] | None:
        """The district's barriers as GeoJSON; ``None`` when none are set.

        Marketing reads any, heads and deputies their own department's; anyone else is told
        the department is missing.
        """
        principal = signed_in(self._principal)
        own = principal.role in (Role.DEPARTMENT_HEAD, Role.DEPUTY_HEAD) and department_id in (
            None,
            principal.department_id,
        )
        if principal.role is not Role.MARKETING and not own:
            raise NotFound("department", field=("department_id",))
        self._district(department_id)
        return self._proposals.barriers(district_key(department_id))

    def set_barriers(
        self, department_id: int | None, document: dict[str, Any] | None
    ) -> dict[str, Any] | None:
        """Check and store the district's barriers (``None`` removes them); marketing only.

        Every later territory proposal of the district cuts its contiguity graph with them.
        """
        principal = self._planner("set a district's barriers")
        self._district(department_id)
        stored = None if document is None else barriers_geojson(parse_barriers(document))
        self._proposals.set_barriers(
            district_key(department_id), stored, by=principal.staff_id, now=self._now()
        )
        return stored

    def _licence_locks(self, command: TerritoryCommand, facts: Any) -> frozenset[int]:
        """Resolve locked licence numbers to this district's retailer ids; name any unknown."""
        if not command.locked_licence_nos:
            return frozenset()
        found = RetailerRepository(self._session).ids_by_licence_no(command.locked_licence_nos)
        district = {f.id for f in facts}
        missing = [
            (i, no)
            for i, no in enumerate(command.locked_licence_nos)
            if found.get(no) not in district
        ]
        if missing:
            raise InvalidInput.of(
                Problem(
                    f"licence {no} is not an active retailer of this district",
                    ("locked_licence_nos", i),
                )
                for i, no in missing
            )
        return frozenset(found[no] for no in command.locked_licence_nos)

    def schedule_job(self, command: ScheduleCommand) -> ScheduleJob:
        """Read and check everything a schedule proposal needs (on the caller's thread)."""
        principal = self._planner("create schedule proposals")
        if not 0 < command.cap_hours <= 24:
            raise InvalidInput(
                f"the daily cap must be in (0, 24] hours; got {command.cap_hours:g}",
                field=("cap_hours",),
            )
        share = command.max_order_day_change_share
        if share is not None and not 0.0 <= share <= 1.0:
            raise InvalidInput(
                f"the share of order days a schedule may change must be in [0, 1]; got {share:g}",
                field=("max_order_day_change_share",),
            )
        department_id = command.department_id
        based_on: Proposal | None = None
        if command.territory_proposal_id is not None:
            based_on = self._readable(command.territory_proposal_id, ("territory_proposal_id",))
            if based_on.kind is not ProposalKind.TERRITORIES:
                raise InvalidInput(
                    "must name a TERRITORIES proposal", field=("territory_proposal_id",)
                )
            if based_on.status is ProposalStatus.DISCARDED:
                raise InvalidInput(
                    "that territory proposal was discarded",
                    field=("territory_proposal_id",),
                    code=ErrorCode.CONFLICT,
                )
            if department_id is not None and department_id != based_on.department_id:
                raise InvalidInput(
                    "differs from the territory proposal's district", field=("department_id",)
                )
            department_id = based_on.department_id
        active, everyone = self._district(department_id)
        facts = self._facts(everyone, include_unassigned=department_id is None)
        if not facts:
            raise InvalidInput("the district has no active retailers to schedule")
        if based_on is not None:
            owner = {a.retailer_id: a.manager_id for a in self._proposals.assignments(based_on.id)}
        else:
            owner = {f.id: f.manager_id for f in facts if f.manager_id is not None}
        missing = [f.id for f in facts if owner.get(f.id) not in active]
        if missing:
            raise InvalidInput(
                f"{len(missing)} retailer(s) have no active manager (e.g. {missing[:5]}); "
                "apply a territory proposal first or base the schedule on one"
            )
        managers = sorted({owner[f.id] for f in facts})
        facts = [replace(f, manager_id=owner[f.id]) for f in facts]
        try:
            inputs = planning_inputs(facts, managers, road_factors=self._routing.point_factors)
        except PlanningError as exc:
            raise InvalidInput(str(exc)) from exc
        return ScheduleJob(
            principal_id=principal.staff_id,
            department_id=department_id,
            based_on_id=None if based_on is None else based_on.id,
            inputs=inputs,
            cap_hours=command.cap_hours,
            depots=tuple((active[m].start_lat, active[m].start_lon) for m in managers),
            max_order_day_change_share=share,
            barriers=self._stored_barriers(department_id),
            policy=self._policy(),
        )

    def _facts(self, manager_ids: list[int], *, include_unassigned: bool) -> list[PlanningRetailer]:
        last = self._inputs.latest_order_date()
        first = None if last is None else last - timedelta(days=SALES_WINDOW_DAYS - 1)
        return self._inputs.retailers(
            manager_ids, sales_from=first, sales_to=last, include_unassigned=include_unassigned
        )

    def store(self, job: Job, computed: TerritoryResult | ScheduleResult) -> Proposal:
        """Store a computed job as a PROPOSED proposal (on the caller's thread)."""
        if isinstance(job, TerritoryJob) and isinstance(computed, TerritoryResult):
            draft = territory_draft(job, computed)
        elif isinstance(job, ScheduleJob) and isinstance(computed, ScheduleResult):
            draft = schedule_draft(job, computed)
        else:
            raise TypeError("store() needs the result of computing this very job")
        proposal_id = self._proposals.add(draft, now=self._now())
        stored = self._proposals.get(proposal_id)
        assert stored is not None
        return stored

    def compute_now(
        self, job: Job, progress: Progress | None = None
    ) -> TerritoryResult | ScheduleResult:
        """Run a job on this thread (the CLI); planning errors become :class:`InvalidInput`."""
        started = time.perf_counter()
        try:
            if isinstance(job, TerritoryJob):
                return run_territories(job, progress, started)
            return run_schedule(job, progress, started)
        except PlanningError as exc:
            raise InvalidInput(_with_staff_ids(str(exc), job.inputs.manager_ids)) from exc

    async def compute(self, job: Job) -> TerritoryResult | ScheduleResult:
        """Run a job in a worker thread with the service's deadline (the API)."""
        try:
            return await asyncio.wait_for(offload(self.compute_now, job), timeout=self._deadline_s)
        except TimeoutError as exc:
            raise InvalidInput(
                f"planning took longer than {self._deadline_s:g} s; run "
                "`visitgis plan …` for a district this large",
                code=ErrorCode.DEADLINE_EXCEEDED,
            ) from exc

    async def create_territories(self, command: TerritoryCommand) -> Proposal:
        """Compute and store a territory proposal (the API's path: off the event loop)."""
        job = self.territory_job(command)
        return self.store(job, await self.compute(job))

    async def create_schedule(self, command: ScheduleCommand) -> Proposal:
        """Compute and store a schedule proposal (the API's path: off the event loop)."""
        job = self.schedule_job(command)
        return self.store(job, await self.compute(job))

    # -- deciding ------------------------------------------------------------------------

    def apply(
        self, proposal_id: int, manager_ids: Sequence[int] | None = None
    ) -> tuple[Proposal, int]:
        """Apply a PROPOSED proposal; return it and how many retailers changed manager.

        ``manager_ids`` applies only those managers' territories of a territory proposal (the
        retailers it gives to or takes from them); the proposal stays PROPOSED until every
        retailer has its proposed manager, so the rest can be applied later.
        """
        principal = self._planner("apply proposals")
        proposal = self._readable(proposal_id)
        if proposal.status is not ProposalStatus.PROPOSED:
            raise InvalidInput(
                f"the proposal is {proposal.status.value}; only PROPOSED applies",
                field=("proposal_id",),
                code=ErrorCode.CONFLICT,
            )
        moved, remaining = 0, 0
        now = self._now()
        if proposal.kind is ProposalKind.TERRITORIES:
            chosen = None if manager_ids is None else self._proposed_managers(proposal, manager_ids)
            try:
                moved, remaining = self._proposals.reassign_retailers(
                    proposal_id, now=now, manager_ids=chosen
                )
            except StaleAssignment as exc:
                raise InvalidInput(str(exc), code=ErrorCode.CONFLICT) from exc
            if remaining:
                applied = self._proposals.get(proposal_id)
                assert applied is not None
                return applied, moved
        elif manager_ids is not None:
            raise InvalidInput(
                "a schedule applies whole; leave out the managers", field=("manager_ids",)
            )
        else:
            off_plan = self._proposals.retailers_off_plan(proposal_id)
            if off_plan:
                first = "apply its territory proposal first or " if proposal.based_on_id else ""
                raise InvalidInput(
                    f"{len(off_plan)} retailer(s) are not with the manager this schedule "
                    f"assumes (e.g. {off_plan[:5]}); {first}create a new schedule"
                )
        self._decide(proposal_id, ProposalStatus.APPLIED, principal, now)
        applied = self._proposals.get(proposal_id)
        assert applied is not None
        return applied, moved

    def _proposed_managers(self, proposal: Proposal, manager_ids: Sequence[int]) -> list[int]:
        """``manager_ids`` if each is a manager of the proposal; else every stranger named."""
        if not manager_ids:
            raise InvalidInput("name at least one manager to apply", field=("manager_ids",))
        planned = set(proposal.parameters.get("managerIds", ()))
        strangers = [(i, m) for i, m in enumerate(manager_ids) if m not in planned]
        if strangers:
            raise InvalidInput.of(
                Problem("has no territory in this proposal", ("manager_ids", i))
                for i, _ in strangers
            )
        return sorted(set(manager_ids))

    def discard(self, proposal_id: int) -> Proposal:
        """Discard a PROPOSED proposal (it stays readable, for the record)."""
        principal = self._planner("discard proposals")
        proposal = self._readable(proposal_id)
        if proposal.status is not ProposalStatus.PROPOSED:
            raise InvalidInput(
                f"the proposal is {proposal.status.value}; only PROPOSED discards",
                field=("proposal_id",),
                code=ErrorCode.CONFLICT,
            )
        self._decide(proposal_id, ProposalStatus.DISCARDED, principal, self._now())
        discarded = self._proposals.get(proposal_id)
        assert discarded is not None
        return discarded

    def _decide(
        self, proposal_id: int, status: ProposalStatus, by: Principal, now: datetime
    ) -> None:
        try:
            self._proposals.mark(proposal_id, status, by=by.staff_id, now=now)
        except LookupError as exc:
            raise InvalidInput(
                "someone else decided this proposal first; reload it", code=ErrorCode.CONFLICT
            ) from exc

    # -- schedules -----------------------------------------------------------------------

    def schedule(
        self, manager_id: int, *, week: int | None = None, proposal_id: int | None = None
    ) -> ManagerSchedule | None:
        """A manager's days (optionally of week 0-3) from a schedule proposal.

        Without ``proposal_id``: the newest APPLIED schedule covering the manager. Managers
        read only their own applied schedule; heads and deputies their department's managers.
        """
        principal = signed_in(self._principal)
        if week is not None and not 0 <= week <= 3:
            raise InvalidInput("week must be 0..3 (the 4-week cycle)", field=("week",))
        manager = self._managers.get_many([manager_id])[0]
        if manager is None:
            return None
        role = principal.role
        if role is Role.ACCOUNT_MANAGER:
            allowed = manager.staff_id == principal.staff_id
        elif role in (Role.DEPARTMENT_HEAD, Role.DEPUTY_HEAD):
            allowed = manager.department_id == principal.department_id
        else:
            allowed = role is Role.MARKETING
        if not allowed:
            return None
        if proposal_id is None:
            proposal = self._proposals.latest_applied_schedule(manager_id)
        else:
            proposal = self._proposals.get(proposal_id)
            if proposal is not None and role is Role.ACCOUNT_MANAGER:
                proposal = proposal if proposal.status is ProposalStatus.APPLIED else None
            elif proposal is not None and not self._may_read(proposal):
                proposal = None
        if proposal is None or proposal.kind is not ProposalKind.SCHEDULE:
            return None
        days = self._proposals.days(proposal.id, manager_id=manager_id, week=week)
        return ManagerSchedule(proposal=proposal, manager_id=manager_id, days=tuple(days))


def _with_staff_ids(message: str, manager_ids: tuple[int, ...]) -> str:
    """The core names territories by index; callers know managers by staff id."""

    def name(match: re.Match[str]) -> str:
        j = int(match.group(1))
        return f"manager {manager_ids[j]}" if j < len(manager_ids) else match.group(0)

    return re.sub(r"\bmanager (\d+)", name, message)


def _busiest(active: list[int], facts: list[PlanningRetailer], k: int) -> list[int]:
    """The ``k`` active managers serving the most retailers (ties: lower id), ascending."""
    served: dict[int, int] = dict.fromkeys(active, 0)
    for f in facts:
        if f.manager_id in served:
            served[f.manager_id] += 1
    ranked = sorted(active, key=lambda m: (-served[m], m))[:k]
    return sorted(ranked)
