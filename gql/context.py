"""Application state (one per process) and the request context (one per operation)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import SQLAlchemyError

from gql.auth import AuthError, TokenClaims, decode_token
from gql.domain import Carrier
from gql.identity import IdentityProvider
from gql.loaders import Loaders
from gql.metrics import count_committed
from gql.services.access import Principal
from gql.services.audits.service import AuditService
from gql.services.day_plans.lifecycle import PlanLifecycleService
from gql.services.day_plans.service import PlanService
from gql.services.directory.licence_sites import LicenceSiteService
from gql.services.directory.lifecycle import RetailerLifecycleService
from gql.services.directory.retailer_admin import RetailerAdminService
from gql.services.directory.service import DirectoryService
from gql.services.directory.spatial import SpatialIndex
from gql.services.directory.uploads import UploadService
from gql.services.evaluations import rules as scoring
from gql.services.evaluations.boards import BoardService
from gql.services.evaluations.closing import PeriodService
from gql.services.evaluations.performance import PerformanceService
from gql.services.evaluations.service import EvaluationService
from gql.services.evaluations.targets import TargetService
from gql.services.jobs.service import JobService
from gql.services.jobs.watch import JobFollower, JobWatch
from gql.services.organisation.service import OrganisationService
from gql.services.privacy.access_log import EvidenceLogService, EvidenceReads, record_reads
from gql.services.privacy.export import PersonalDataService
from gql.services.reports.service import ReportService
from gql.services.sales import SalesService
from gql.services.territories.service import TerritoryService
from gql.services.travel import RoutingSettings
from gql.services.visits.carrier_lookup import CarrierLocator, HubLocator, NoCarrier
from gql.services.visits.events import EventBus, VisitEvent, encode_event
from gql.services.visits.live import LiveService
from gql.services.visits.service import VisitService
from gql.settings import area_factor_pairs
from gql.store.connection_gate import ConnectionGate, Permit
from gql.store.db import EngineOptions, create_engine_for, read_only_engine
from gql.store.repositories import StaffRepository
from gql.store.shared_fixes import DatabaseSharedFixes
from gql.store.write_turns import UnitTurns, WriteTurns

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

    import strawberry
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    import adapters
    from gql.domain import AccountManager
    from gql.settings import Settings
    from gql.store.event_channel import PostgresChannel

__all__ = ["AppState", "Context", "build_context", "load_keys"]

log = logging.getLogger("visitgis.context")


def routing_of(settings: Settings) -> RoutingSettings:
    """How every routed day and plan prices travel, from the deployment's settings (R2.3)."""
    return RoutingSettings(
        speed_mps=settings.travel_speed_mps,
        road_factor=settings.road_factor,
        area_road_factors=area_factor_pairs(settings.area_road_factors),
    )


@dataclass
class AppState:
    """Everything with a process lifetime, made in the lifespan and closed there."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    schema: strawberry.Schema
    reader: Engine
    """Same pool, for query operations: no transaction round trips on PostgreSQL, no writes."""
    spatial: SpatialIndex = field(default_factory=SpatialIndex)
    bus: EventBus = field(default_factory=EventBus)
    job_watch: JobWatch = field(default_factory=JobWatch)
    """Wakes the followers of a job when a worker announces a change to it."""
    locator: CarrierLocator = field(default_factory=NoCarrier)
    hub: adapters.CarrierHub | None = None
    policy: scoring.ScoringPolicy = field(default_factory=scoring.default_policy)
    """The scoring policy in force: ``VISITGIS_SCORING_POLICY``, else the paper's."""
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    """The services' clock (UTC); tests pin it to replay a day."""
    identity: IdentityProvider | None = None
    """The company's identity provider (JWKS-signed tokens), if configured."""
    channel: PostgresChannel | None = None
    """Carries committed visit events to every process (PostgreSQL; opened by the lifespan).
    Without it, events go to this process's bus only."""
    turns: WriteTurns | None = None
    """Who writes a manager's visits now (made for the engine's dialect by :meth:`build`)."""
    gate: ConnectionGate | None = None
    """Permits to hold a pooled connection (made by :meth:`build` for the engine's pool)."""
    routing: RoutingSettings = field(default_factory=RoutingSettings)
    """How routed days price travel: speed and road factors by area (R2.3)."""
    shared_fixes: DatabaseSharedFixes | None = None
    """Carrier fixes every API process can reuse (PostgreSQL with several processes)."""

    @classmethod
    def build(
        cls,
        settings: Settings,
        engine: Engine,
        sessions: sessionmaker[Session],
        schema: strawberry.Schema,
    ) -> AppState:
        """Assemble the state around ``schema``; carriers come from the region file (if any).

        The schema is built by the caller (``gql.app.build_state``): the API layer depends on
        this module for its resolvers' context, never the other way round.
        A broken carrier configuration or a missing adapter fails the start-up, loudly.
        """
        state = cls(
            settings=settings,
            engine=engine,
            sessions=sessions,
            schema=schema,
            reader=read_only_engine(engine),
            policy=(
                scoring.default_policy()
                if settings.scoring_policy is None
                else scoring.load_policy(settings.scoring_policy)
            ),
            identity=IdentityProvider.from_settings(settings),
            routing=routing_of(settings),
            turns=WriteTurns(engine.dialect.name),
            # two connections spare: the heavy lane's thread and live-event objects
            gate=ConnectionGate(max(1, settings.engine_options.pooled_connections - 2)),
        )
        if settings.carriers_file is not None:
            import adapters

            region = adapters.shared_among(
                adapters.load_region_config(settings.carriers_file), settings.api_processes
            )
            if engine.dialect.name == "postgresql" and settings.api_processes > 1:
                state.shared_fixes = _shared_fixes(settings)
            hub = adapters.CarrierHub.from_config(
                region, adapters.load_registry(), shared_fixes=state.shared_fixes
            )
            configured = {c.id for c in region.carriers}
            state.hub = hub
            state.locator = HubLocator(
                hub,
                carrier_ids={c: c.value.lower() for c in Carrier if c.value.lower() in configured},
            )
        return state

    async def aclose(self) -> None:
        """Release what the lifespan opened."""
        if self.hub is not None:
            self.hub.close()
        if self.shared_fixes is not None:
            self.shared_fixes.close()


@dataclass
class Context:
    """Per-operation context: the caller, one database session, the services.

    The session is committed or rolled back exactly once, by :meth:`end_unit_of_work`: the
    unit-of-work extension calls it when the operation ends, and a subscription calls it as
    soon as it has authenticated. Services never commit.
    """

    state: AppState
    token: str | None
    auth_error: str | None = None
    connection_params: dict[str, Any] | None = None
    read_only: bool = False
    """Set by the unit of work for query operations, before the session opens."""
    reads_first: bool = False
    """Set by the unit of work for a handheld's press: its session reads as a query's does
    until the press takes its turn to write (:meth:`_take_turn`)."""
    _session: Session | None = field(default=None, repr=False)
    _outbox: list[VisitEvent] = field(default_factory=list, repr=False)
    _turns: UnitTurns | None = field(default=None, repr=False)
    _permit: Permit | None = field(default=None, repr=False)
    _caller_manager: AccountManager | None = field(default=None, repr=False)
    """The caller's account-manager record, read with :attr:`principal` (if they are one)."""
    evidence_reads: EvidenceReads = field(default_factory=EvidenceReads, repr=False)
    """Other people's location evidence this operation returned (PIPL access log)."""

    @property
    def session(self) -> Session:
        """The operation's session, opened on first use."""
        if self._session is None:
            reading = self.read_only or self.reads_first
            bind = self.state.reader if reading else self.state.engine
            self._session = self.state.sessions(bind=bind)
        return self._session

    def end_unit_of_work(self, *, commit: bool) -> None:
        """Commit (and publish the queued events) or roll back, and return the connection.

        Idempotent: a later call (the extension's, after a subscription ended its unit early)
        finds no session and does nothing. A later use of :attr:`session` opens a new one.
        """
        if self._session is None:
            return
        outbox, self._outbox = self._outbox, []
        channel = self.state.channel
        try:
            if commit:
                if outbox and channel is not None:  # delivered by the commit, to every process
                    channel.send(self._session, [encode_event(e) for e in outbox])
                self._session.commit()
            else:
                self._session.rollback()
        finally:
            self._session.close()
            self._session = None
            if self._turns is not None:  # after the commit: the next writer reads it
                self._turns.release()
                self._turns = None  # it reads the session through this context: a cycle
            for name in _SESSION_BOUND:  # services and loaders hold the closed session
                self.__dict__.pop(name, None)
        if commit:
            count_committed(outbox)
        if commit and channel is None:
            for event in outbox:  # only what was committed reaches the dashboards
                self.state.bus.publish(event)
        self._write_evidence_reads()

    def _write_evidence_reads(self) -> None:
        """Log the location evidence returned, in a short transaction of its own.

        Queries run read-only, and evidence read by a failed mutation was still returned: so
        the log has its own unit of work on the writable engine, committed whatever the
        operation's fate. A log that cannot be written does not take back a read already
        made: the failure is logged loudly instead.
        """
        principal = self.__dict__.get("principal")
        if principal is None:
            return
        drafts = self.evidence_reads.drain(principal.staff_id, self.state.clock())
        if not drafts:
            return
        try:
            with self.state.sessions(bind=self.state.engine) as session:
                record_reads(session, drafts)
                session.commit()
        except SQLAlchemyError:
            log.exception(
                "evidence access log not written: staff %s read %d people's location evidence",
                principal.staff_no,
                len(drafts),
            )

    @cached_property
    def principal(self) -> Principal | None:
        """The authenticated caller, or ``None`` (an anonymous caller sees nothing)."""
        token = self.token or _bearer(self.connection_params or {})
        if token is None:
            return None
        try:
            claims = self._claims(token)
        except AuthError as exc:
            self.auth_error = str(exc)
            return None
        # Read in the operation's own unit of work (one pooled connection per request); a
        # subscription ends that unit right after, by calling ``end_unit_of_work``.
        found = StaffRepository(self.session).get_with_manager_by_staff_no(claims.staff_no)
        if found is None or not found[0].active:
            self.auth_error = "unknown or inactive staff member"
            return None
        staff, self._caller_manager = found
        return Principal.from_staff(staff)

    def _claims(self, token: str) -> TokenClaims:
        """The identity provider's tokens by its keys; the development tokens by the secret."""
        identity = self.state.identity
        if identity is not None and identity.accepts(token):
            if self.auth_error is not None:  # the key could not be loaded (:func:`load_keys`)
                raise AuthError(self.auth_error)
            return identity.verify(token)
        settings = self.state.settings
        return decode_token(token, secret=settings.jwt_secret, issuer=settings.jwt_issuer)

    @cached_property
    def directory(self) -> DirectoryService:
        """Retailers, managers and departments as the caller may see them."""
        return DirectoryService(self.session, self.principal, self.state.spatial)

    @cached_property
    def retailer_admin(self) -> RetailerAdminService:
        """Reference-data edits (administrators, marketing)."""
        return RetailerAdminService(self.session, self.principal, self.state.spatial)

    @cached_property
    def licence_sites(self) -> LicenceSiteService:
        """Spacing and density checks of licence applications (marketing, administrators)."""
        return LicenceSiteService(self.session, self.principal, self.state.spatial)

    @cached_property
    def retailer_lifecycle(self) -> RetailerLifecycleService:
        """Suspensions, closures and reopenings with effective days (administrators, marketing)."""
        return RetailerLifecycleService(self.session, self.principal, clock=self.state.clock)

    @cached_property
    def uploads(self) -> UploadService:
        """CSV files uploaded over the API, through the CLI's imports."""
        return UploadService(self.session, self.principal, clock=self.state.clock)

    @cached_property
    def sales(self) -> SalesService:
        """Sales orders and totals within the caller's scope (R1.5)."""
        return SalesService(self.session, self.principal)

    @cached_property
    def organisation(self) -> OrganisationService:
        """Departments, staff and managers: changes (logged) and who-is-who reads."""
        return OrganisationService(self.session, self.principal, clock=self.state.clock)

    @cached_property
    def evidence_log(self) -> EvidenceLogService:
        """Who read whose location evidence (marketing and administrators)."""
        return EvidenceLogService(self.session, self.principal)

    @cached_property
    def personal_data(self) -> PersonalDataService:
        """The caller's own personal data, exported (PIPL right of access)."""
        return PersonalDataService(self.session, self.principal)

    @cached_property
    def plans(self) -> PlanService:
        """Visit plans (routing runs off the event loop)."""
        return PlanService(
            self.session, self.principal, routing=self.state.routing, clock=self.state.clock
        )

    @cached_property
    def plan_lifecycle(self) -> PlanLifecycleService:
        """Publishing plans, skipping stops, each plan's progress (R2.1)."""
        return PlanLifecycleService(self.session, self.principal, clock=self.state.clock)

    @cached_property
    def jobs(self) -> JobService:
        """Planning jobs: request, read, cancel (a worker computes them)."""
        return JobService(self.session, self.principal, self.state.clock)

    @cached_property
    def job_follower(self) -> JobFollower:
        """A job's states as they change, each read in a short unit of work of its own."""
        state = self.state
        return JobFollower(
            state.sessions, state.reader, self.principal, state.clock, state.job_watch
        )

    @cached_property
    def territories(self) -> TerritoryService:
        """Territory and schedule proposals (planning runs in a worker thread)."""
        return TerritoryService(self.session, self.principal, routing=self.state.routing)

    @cached_property
    def visits(self) -> VisitService:
        """Check-in, check-out, sync and visit lists."""
        principal = self.principal  # reads the caller's manager record with it
        return VisitService(
            self.session,
            principal,
            acting=self._caller_manager,
            spatial=self.state.spatial,
            locator=self.state.locator,
            locate_deadline_s=self.state.settings.locate_deadline_s,
            publish=self._outbox.append,
            take_turn=self._take_turn,
            idle=self._idle,
        )

    @contextlib.asynccontextmanager
    async def connection_permit(self) -> AsyncIterator[None]:
        """Hold a permit to use the database for the operation (:mod:`connection_gate`)."""
        if self.state.gate is None:
            yield
            return
        self._permit = self.state.gate.permit()
        await self._permit.take()
        try:
            yield
        finally:
            self._permit.give_back()
            self._permit = None

    def _idle(self) -> contextlib.AbstractAsyncContextManager[None]:
        """Around a network wait: the permit goes back if the connection did."""
        if self._permit is None:
            return contextlib.nullcontext()
        holding = self._session is not None and self._session.in_transaction()
        return self._permit.idle(holding)

    async def _take_turn(self, manager_id: int) -> None:
        """Wait for this unit's turn to write ``manager_id``'s visits (see ``write_turns``)."""
        if self.reads_first:  # a press: its reads are over, its writes follow
            self.reads_first = False
            if self._session is not None:
                self._session.commit()  # ends the reads (in autocommit: no round trip)
                self._session.bind = self.state.engine
        if self.state.turns is None:
            return
        if self._turns is None:
            self._turns = self.state.turns.for_unit(lambda: self.session)
        await self._turns.take(manager_id)

    @cached_property
    def audits(self) -> AuditService:
        """Audit plans, records and cross-checks (R5)."""
        return AuditService(
            self.session, self.principal, routing=self.state.routing, clock=self.state.clock
        )

    @cached_property
    def evaluations(self) -> EvaluationService:
        """Score events, closed results, amendments, scoreboards (R7)."""
        return EvaluationService(
            self.session, self.principal, policy=self.state.policy, clock=self.state.clock
        )

    @cached_property
    def boards(self) -> BoardService:
        """Standings and scoreboards of a department or the company (R7)."""
        return BoardService(self.evaluations)

    @cached_property
    def periods(self) -> PeriodService:
        """Closing, reopening and reviewing evaluation periods (R7.5)."""
        return PeriodService(self.evaluations, self.boards)

    @cached_property
    def targets(self) -> TargetService:
        """Monthly sales targets (R1.5)."""
        return TargetService(self.evaluations)

    @cached_property
    def performance(self) -> PerformanceService:
        """Goals, daily leaderboard and classification (R7.6-R7.8)."""
        return PerformanceService(self.session, self.principal, evaluations=self.evaluations)

    @cached_property
    def reports(self) -> ReportService:
        """Discipline, route, audit, workload and effect reports (R8)."""
        return ReportService(self.session, self.principal)

    @cached_property
    def live(self) -> LiveService:
        """Live visit events (the caller is authenticated here, from the database)."""
        return LiveService(self.state.bus, self.principal, self.session, self.state.clock)

    @cached_property
    def loaders(self) -> Loaders:
        """The operation's DataLoaders (scoped like the services behind them)."""
        return Loaders.for_directory(self.directory, self.retailer_lifecycle.histories)


_SESSION_BOUND = tuple(
    name
    for name, value in vars(Context).items()
    if isinstance(value, cached_property) and name not in ("principal", "live")
)
"""Cached services made with the unit of work's session: dropped when it ends, so a later use
(a subscription reading each event's objects) opens, and ends, a unit of its own."""


def _bearer(headers: Any) -> str | None:
    value = headers.get("authorization") or headers.get("Authorization") or ""
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def build_context(state: AppState, request: Any) -> Context:
    """Context for one HTTP request (the token is verified lazily, on first need)."""
    return Context(state=state, token=_bearer(request.headers))


async def load_keys(context: Context) -> Context:
    """Fetch the identity provider's key for the request's token off the event loop.

    Verification later only reads the key cache; a fetch that fails or overruns its deadline
    leaves the caller anonymous with the reason in ``auth_error``.
    """
    identity, token = context.state.identity, context.token
    if identity is None or token is None or not identity.accepts(token):
        return context
    deadline_s = context.state.settings.oidc_jwks_timeout_s + 1.0
    try:
        async with asyncio.timeout(deadline_s):
            await asyncio.to_thread(identity.load_key, token)
    except AuthError as exc:
        context.auth_error = str(exc)
    except TimeoutError:
        context.auth_error = "identity provider keys unavailable; try again"
    return context


def _shared_fixes(settings: Settings) -> DatabaseSharedFixes:
    """The shared fix store on a small pool of its own, with short timeouts (a cache)."""
    options = settings.engine_options
    engine = create_engine_for(
        settings.effective_database_url,
        EngineOptions(
            pool_size=1,
            statement_timeout_s=1.0,
            lock_timeout_s=1.0,
            application_name=f"{options.application_name}-fixes",
        ),
    )
    return DatabaseSharedFixes(engine)
