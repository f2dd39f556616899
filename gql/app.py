"""The starlette application factory: everything with a lifetime is made in the lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import logging
import time
from concurrent.futures import BrokenExecutor
from typing import TYPE_CHECKING, Any

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    OperationDefinitionNode,
    parse,
)
from graphql import OperationType as GraphQLOperationType
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse
from starlette.routing import BaseRoute, Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import MissingQueryError
from strawberry.http import GraphQLRequestData
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.subscriptions import (
    GRAPHQL_SSE_PROTOCOL,
    GRAPHQL_TRANSPORT_WS_PROTOCOL,
    GRAPHQL_WS_PROTOCOL,
    MULTIPART_SUBSCRIPTION_PROTOCOL,
)
from strawberry.types.graphql import OperationType
from strawberry.utils.operation import get_operation_type

from gql import graphiql, log_context
from gql.auth import AuthError, decode_token
from gql.connection_balance import BalanceConnections
from gql.context import AppState, Context, build_context, load_keys
from gql.heap import freeze_start_up_heap
from gql.log_context import RequestIds
from gql.metrics import MeteredLocator, metrics_response, operation_label, record_operation
from gql.operation_loops import OperationLoops
from gql.pauses import watch_gc_pauses, watch_loop_lag
from gql.process_lane import LaneRequest, process_executor, run_query
from gql.ratelimit import RateLimiter, Standing, parse_rate, parse_rates
from gql.schema import build_schema
from gql.schema.errors import RequestError, RequestErrorCode, http_error_response
from gql.schema.limits import estimate_cost
from gql.schema.request_limits import check_request, read_limited
from gql.services.errors import InvalidInput
from gql.services.jobs.watch import announce_in_process, announce_on_channel, decode_job_change
from gql.services.visits.events import decode_event
from gql.services.workers import LoopJob, WorkerPool
from gql.store import migrate
from gql.store.db import DatabaseUnavailable, create_engine_for, session_factory
from gql.store.event_channel import PostgresChannel

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker
    from starlette.types import Receive, Scope, Send
    from strawberry.types import ExecutionResult

    from gql.settings import Settings

__all__ = ["build_state", "create_app", "lane_state", "warm_kernels"]

log = logging.getLogger("visitgis.app")


def warm_kernels() -> float:
    """Compile (or load from cache) every numba kernel so no request pays for it."""
    import geo
    import tsp
    from gql.services.territories import rules as planning

    started = time.perf_counter()
    geo.warm_up()
    tsp.warm_up()
    planning.warm_up()
    return time.perf_counter() - started


def build_state(settings: Settings, engine: Engine, sessions: sessionmaker[Session]) -> AppState:
    """The process state with the schema the settings ask for (this is the composition root)."""
    state = AppState.build(settings, engine, sessions, build_schema(settings))
    state.locator = MeteredLocator(state.locator)
    return state


def lane_state(settings: Settings) -> AppState:
    """A heavy-lane worker process's own state: its engine and schema.

    No warm-up: the serving process compiled the kernels into numba's cache before it started
    the lane, so a worker loads the few a query needs from there, and a restarted worker is
    ready in the time it takes to import the service.
    """
    engine = create_engine_for(settings.effective_database_url, settings.engine_options)
    return build_state(settings, engine, session_factory(engine))


_HTTP_OPERATIONS = {
    "POST": frozenset({OperationType.QUERY, OperationType.MUTATION}),
    "GET": frozenset[OperationType](),  # GET serves the development IDE, never an operation
}
"""Operations a plain HTTP request may run; a subscription needs a streaming transport."""

SUBSCRIPTION_PROTOCOLS = (
    GRAPHQL_TRANSPORT_WS_PROTOCOL,  # WebSocket; the token in connection_init's payload
    GRAPHQL_WS_PROTOCOL,  # the legacy WebSocket protocol, for older clients
    MULTIPART_SUBSCRIPTION_PROTOCOL,  # POST, Accept: multipart/mixed;subscriptionSpec="1.0"
    GRAPHQL_SSE_PROTOCOL,  # POST, Accept: text/event-stream (graphql-sse, distinct connections)
)
"""Subscription transports: WebSocket, or a streamed HTTP answer the client asks for."""


class VisitGraphQL(GraphQL[Any, None]):
    """strawberry's ASGI view: our per-request context and an execution deadline.

    Every request that fails before or outside GraphQL execution gets one kind of answer,
    :func:`gql.schema.errors.http_error_response`.
    """

    def __init__(self, state: AppState, limiter: RateLimiter | None = None, **kwargs: Any) -> None:
        super().__init__(state.schema, subscription_protocols=SUBSCRIPTION_PROTOCOLS, **kwargs)
        self.state = state
        settings = state.settings
        processes = settings.heavy_query_lane == "process"
        self.heavy = WorkerPool(
            settings.heavy_query_workers,
            settings.heavy_query_queue,
            functools.partial(process_executor, settings, lane_state) if processes else None,
        )
        self._lane_processes = processes
        self.operation_loops = OperationLoops(settings.operation_loops)
        self._in_lane: set[int] = set()
        """Contexts whose operation runs on another loop (that loop ends their session)."""
        self.limiter = limiter or RateLimiter(
            parse_rate(settings.rate_limit_per_ip), parse_rates(settings.rate_limit_per_role)
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """HTTP: any failure to produce a GraphQL result is a GraphQL-shaped JSON answer."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request: Request | None = None
        try:
            # the body limit is enforced on the bytes as they arrive, before any parsing
            settings = self.state.settings
            upload = any(
                name == b"content-type" and value.lower().startswith(b"multipart/form-data")
                for name, value in scope.get("headers", ())
            )
            limit = settings.max_upload_bytes if upload else settings.max_body_bytes
            limited = read_limited(scope, receive, limit)
            request = Request(scope, receive=limited)
            response = await self.run(request)
        except Exception as error:  # the one place a failed request is answered
            response = http_error_response(error)
        finally:
            if request is not None:  # an upload's spooled files, whatever became of the request
                await request.close()
        await response(scope, receive, send)

    async def render_graphql_ide(self, request: Any) -> HTMLResponse:
        """Our GraphiQL page: its assets come from this service, never from a CDN."""
        return HTMLResponse(graphiql.graphiql_html())

    async def get_context(self, request: Any, response: Any) -> Any:
        """Authenticate and open the request's unit of work."""
        return await load_keys(build_context(self.state, request))

    def decode_json(self, data: str | bytes) -> object:
        """The body must be UTF-8 JSON (RFC 8259) holding an object; say so otherwise."""
        if not isinstance(data, bytes):  # query-string parameters (the IDE's GET)
            return json.loads(data)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise RequestError(
                RequestErrorCode.BAD_REQUEST,
                f"the body is not UTF-8 (invalid byte at {exc.start}); send UTF-8 JSON",
            ) from exc
        try:
            value = json.loads(text)
        except RecursionError as exc:
            raise RequestError(
                RequestErrorCode.VARIABLES_TOO_DEEP, "the body nests JSON too deeply"
            ) from exc
        if not isinstance(value, dict):
            raise RequestError(
                RequestErrorCode.BAD_REQUEST,
                'the body must be a JSON object like {"query": "...", "variables": {...}}, '
                f"not {type(value).__name__ if value is not None else 'null'}",
            )
        check_request(value, self.state.settings)
        return value

    async def parse_http_body(self, request: Any) -> Any:
        """A query or mutation sent with a multipart ``Accept`` gets a plain JSON answer.

        Clients such as Apollo's ask for ``multipart/mixed;subscriptionSpec="1.0",
        application/json`` on every operation; strawberry would stream (and refuse) them. A
        multipart upload body (``csvImport``) needs a preflight header (:data:`PREFLIGHT_HEADERS`).
        """
        if _is_multipart(request.content_type) and not _preflighted(request.headers):
            raise RequestError(
                RequestErrorCode.UNSUPPORTED_MEDIA_TYPE,
                "a multipart upload must carry the header 'Apollo-Require-Preflight: true' "
                "(a cross-site form cannot send it); other requests are application/json",
            )
        data = await super().parse_http_body(request)
        if (
            isinstance(data, GraphQLRequestData)
            and data.protocol == "multipart-subscription"
            and not _is_subscription(data)
        ):
            data.protocol = "http"
        return data

    async def execute_operation(self, *args: Any, **kwargs: Any) -> Any:
        """Bound every HTTP operation by the configured execution timeout."""
        timeout_s = self.state.settings.execution_timeout_s
        try:
            return await asyncio.wait_for(super().execute_operation(*args, **kwargs), timeout_s)
        except TimeoutError as exc:
            context = kwargs.get("context")
            if isinstance(context, Context) and id(context) not in self._in_lane:
                # cancelled before the unit of work ended: release the session and its locks
                context.end_unit_of_work(commit=False)
            raise RequestError(
                RequestErrorCode.OPERATION_TIMEOUT,
                f"the operation took longer than {timeout_s:g} s and was cancelled; "
                "nothing was saved",
            ) from exc

    async def execute_single(  # strawberry's signature
        self,
        request: Any,
        request_adapter: Any,
        sub_response: Any,
        context: Any,
        root_value: Any,
        request_data: Any,
    ) -> ExecutionResult:
        """Run one operation if its type fits the method; refuse it with a clear code if not.

        The caller's and the address's cost buckets must hold a point for it to start; its
        actual cost is charged when it ends, and the ``RateLimit-*`` headers report the rest.
        """
        ip, who = _client_address(request), self._staff_no(context)
        standing = self.limiter.check(ip=ip, principal=who) if self.limiter.enabled else None
        if standing is not None and not standing.allowed:
            raise RequestError(
                RequestErrorCode.RATE_LIMITED,
                f"rate limit reached: your cost budget refills at {standing.restore_per_s:g} "
                f"points a second; retry in {max(1, standing.reset_s)} s",
                headers=standing.headers(),
            )
        operation = _operation_of(request_data, self.state.settings.max_tokens)
        log_context.staff_no.set(who)
        log_context.operation_name.set(operation[0])
        started = time.perf_counter()
        result, role = await self._execute_in_lane(
            request_adapter.method, context, root_value, request_data
        )
        _record(operation, result, time.perf_counter() - started)
        status = _refusal_status(result)
        if status is not None:
            sub_response.status_code = status
            if status == 503:
                sub_response.headers["Retry-After"] = "1"
        if standing is not None:
            cost = result.extensions.get("cost") if result.extensions else None
            charged = self.limiter.charge(
                int(cost["actualQueryCost"]) if cost else 1,
                ip=ip,
                principal=who,
                role=role,
            )
            if charged is not None:
                sub_response.headers.update(charged.headers())
                if cost is not None:
                    cost["throttleStatus"] = _throttle_status(charged)
        return result

    async def _execute_in_lane(
        self, method: str, context: Any, root_value: Any, request_data: Any
    ) -> tuple[ExecutionResult, str | None]:
        """Run an operation on an operation loop (a costly query in the heavy lane); its role.

        The lane is a bounded pool of worker processes (or threads), so an expensive query's
        resolvers never hold up cheap requests. A full lane and queue is a 503 at once.
        """
        if not self._is_heavy(method, request_data):
            result = await self._run_on_operation_loop(method, context, root_value, request_data)
            return result, _role(context)
        try:
            if self._lane_processes:
                return await self._run_in_process(context, request_data)
            return await self._run_in_thread(method, context, root_value, request_data)
        except InvalidInput as exc:  # the lane and its queue are full
            raise RequestError(
                RequestErrorCode.SERVICE_UNAVAILABLE,
                "the server is busy with expensive queries; retry shortly or ask for less",
                headers={"Retry-After": "2"},
            ) from exc

    async def _run_on_operation_loop(
        self, method: str, context: Any, root_value: Any, request_data: Any
    ) -> ExecutionResult:
        """On an operation loop (:mod:`gql.operation_loops`), holding a connection permit.

        Past the deadline its task is cancelled there and ends its own unit of work (never
        this loop: the session may still be in use).
        """
        self._in_lane.add(id(context))

        async def operate() -> ExecutionResult:
            try:
                if not isinstance(context, Context):
                    return await self._execute_single(method, context, root_value, request_data)
                async with context.connection_permit():
                    try:
                        return await self._execute_single(method, context, root_value, request_data)
                    finally:  # a no-op unless cancelled before the unit of work ended
                        context.end_unit_of_work(commit=False)
            finally:
                self._in_lane.discard(id(context))

        return await self.operation_loops.run(operate)

    async def _run_in_process(
        self, context: Any, request_data: Any
    ) -> tuple[ExecutionResult, str | None]:
        """In a worker process with its own GIL; it opens its own unit of work."""
        if isinstance(context, Context):
            context.end_unit_of_work(commit=False)  # nothing read here; free the connection
        variables = request_data.variables if isinstance(request_data.variables, dict) else None
        lane_request = LaneRequest(
            query=request_data.query,
            variables=variables,
            operation_name=request_data.operation_name,
            extensions=request_data.extensions,
            token=getattr(context, "token", None),
        )
        try:
            answer = await self.heavy.run(run_query, lane_request)
        except BrokenExecutor as exc:  # a worker died (killed, out of memory): a new lane runs
            log.warning("a heavy-lane worker process died; the lane was restarted")
            raise RequestError(
                RequestErrorCode.SERVICE_UNAVAILABLE,
                "the worker running expensive queries stopped; retry shortly",
                headers={"Retry-After": "2"},
            ) from exc
        return answer.result(), answer.role

    async def _run_in_thread(
        self, method: str, context: Any, root_value: Any, request_data: Any
    ) -> tuple[ExecutionResult, str | None]:
        """On a lane thread with its own loop.

        Past the deadline its task is cancelled there and its own unit of work ends its session
        (never this thread: it may be in use).
        """
        job = LoopJob(lambda: self._execute_single(method, context, root_value, request_data))
        self._in_lane.add(id(context))

        def finish() -> ExecutionResult:
            try:
                return job.run()
            finally:
                if isinstance(context, Context):  # cancelled: the unit of work never ended
                    context.end_unit_of_work(commit=False)
                self._in_lane.discard(id(context))

        try:
            return await self.heavy.run(finish), _role(context)
        except InvalidInput:
            self._in_lane.discard(id(context))
            raise
        except asyncio.CancelledError:
            job.cancel()
            raise

    def _is_heavy(self, method: str, request_data: Any) -> bool:
        query = request_data.query
        if method != "POST" or not isinstance(query, str):
            return False
        document = _parsed(query, self.state.settings.max_tokens)
        if document is None:
            return False
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        name = request_data.operation_name
        if name:
            operations = [op for op in operations if op.name is not None and op.name.value == name]
        if len(operations) != 1 or operations[0].operation is not GraphQLOperationType.QUERY:
            return False
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        variables = request_data.variables if isinstance(request_data.variables, dict) else {}
        estimate = estimate_cost(operations, fragments, variables, self.schema._schema)  # type: ignore[attr-defined]
        settings = self.state.settings
        # over a limit: validation refuses it here, at once, without a lane
        return (
            settings.heavy_query_cost <= estimate.cost <= settings.max_query_cost
            and estimate.nodes <= settings.max_query_nodes
        )

    def _staff_no(self, context: Any) -> str | None:
        """Whose bucket: the token's staff number (verified; no database read)."""
        token = getattr(context, "token", None)
        if token is None:
            return None
        settings = self.state.settings
        try:
            claims = decode_token(token, secret=settings.jwt_secret, issuer=settings.jwt_issuer)
        except AuthError:
            return None
        return claims.staff_no

    async def _execute_single(
        self, method: str, context: Any, root_value: Any, request_data: Any
    ) -> ExecutionResult:
        try:
            return await self.schema.execute(
                request_data.query,
                root_value=root_value,
                variable_values=request_data.variables,
                context_value=context,
                operation_name=request_data.operation_name,
                allowed_operation_types=_HTTP_OPERATIONS.get(method, frozenset()),
                operation_extensions=request_data.extensions,
            )
        except InvalidOperationTypeError as exc:
            if exc.operation_type is OperationType.SUBSCRIPTION:
                raise RequestError(
                    RequestErrorCode.WRONG_TRANSPORT,
                    "subscriptions run over WebSocket (graphql-transport-ws) at /graphql, or "
                    f"over {method} with 'Accept: multipart/mixed;subscriptionSpec=\"1.0\"' "
                    "or 'Accept: text/event-stream'; this request asked for neither",
                ) from exc
            raise RequestError(
                RequestErrorCode.METHOD_NOT_ALLOWED,
                f"{exc.as_http_error_reason(method)}; send them by POST",
                headers={"Allow": "POST"},
            ) from exc
        except CannotGetOperationTypeError as exc:
            raise RequestError(RequestErrorCode.BAD_REQUEST, exc.as_http_error_reason()) from exc
        except MissingQueryError as exc:
            raise RequestError(
                RequestErrorCode.BAD_REQUEST, "no GraphQL query in the request"
            ) from exc


PREFLIGHT_HEADERS = ("apollo-require-preflight", "x-apollo-operation-name")
"""A multipart upload must carry one of these: a browser sends them only after a CORS preflight,
so a cross-site form (which may post multipart/form-data freely) never runs an operation."""


def _is_multipart(content_type: str | None) -> bool:
    return (content_type or "").lower().startswith("multipart/form-data")


def _preflighted(headers: Any) -> bool:
    return any((headers.get(name) or "").strip() for name in PREFLIGHT_HEADERS)


def _is_subscription(data: GraphQLRequestData) -> bool:
    if not data.query:
        return False
    try:
        kind = get_operation_type(parse(data.query), data.operation_name)
    except (GraphQLError, RuntimeError):  # the plain path reports a broken document
        return False
    return kind is OperationType.SUBSCRIPTION


_REFUSED_BEFORE_EXECUTION = frozenset(
    {
        RequestErrorCode.NODE_LIMIT_EXCEEDED.value,
        RequestErrorCode.STRING_TOO_LONG.value,
    }
)


def _operation_of(request_data: Any, max_tokens: int) -> tuple[str, str]:
    """The operation's name (a bounded metrics label) and type, as the document says."""
    given = getattr(request_data, "operation_name", None)
    name = given if isinstance(given, str) else None  # a malformed one is refused later
    query = getattr(request_data, "query", None)
    document = _parsed(query, max_tokens) if isinstance(query, str) else None
    operations = [
        d
        for d in (document.definitions if document is not None else ())
        if isinstance(d, OperationDefinitionNode)
    ]
    chosen = next(
        (o for o in operations if name is None or (o.name is not None and o.name.value == name)),
        None,
    )
    if chosen is None:
        return operation_label(name), "unknown"
    label = operation_label(name or (chosen.name.value if chosen.name else None))
    return label, chosen.operation.value


def _record(operation: tuple[str, str], result: ExecutionResult, elapsed_s: float) -> None:
    """One log line and the metrics of an answered operation."""
    codes = [str((e.extensions or {}).get("code", "UNKNOWN")) for e in result.errors or ()]
    record_operation(*operation, elapsed_s, codes)
    log.info(
        "operation",
        extra={"type": operation[1], "duration_ms": round(elapsed_s * 1000, 1), "errors": codes},
    )


def _refusal_status(result: ExecutionResult) -> int | None:
    """The status of an answer without data: refused or busy.

    400 for an operation refused by a size limit before it ran, 503 for one the database was
    too busy for (nothing was saved; retry).
    """
    if result.data is not None or not result.errors:
        return None
    code = (result.errors[0].extensions or {}).get("code")
    if code == RequestErrorCode.SERVICE_UNAVAILABLE.value:
        return 503
    return 400 if code in _REFUSED_BEFORE_EXECUTION else None


@functools.lru_cache(maxsize=256)
def _parsed(query: str, max_tokens: int) -> DocumentNode | None:
    try:
        return parse(query, max_tokens=max_tokens)
    except GraphQLError:
        return None


def _client_address(request: Any) -> str | None:
    client = getattr(request, "client", None)
    return None if client is None else str(client.host)


def _role(context: Any) -> str | None:
    """The caller's role if the operation read it (never opens a session to find out)."""
    principal = getattr(context, "__dict__", {}).get("principal")
    return None if principal is None else str(principal.role)


def _throttle_status(standing: Standing) -> dict[str, float]:
    return {
        "maximumAvailable": standing.limit,
        "currentlyAvailable": max(0, standing.remaining),
        "restoreRate": standing.restore_per_s,
    }


async def _warm_then_open(state: AppState, view: _LazyGraphQL) -> None:
    elapsed_s = await asyncio.to_thread(warm_kernels)
    view.open(state, start_lane=True)
    frozen = freeze_start_up_heap()  # full collections then skip it: no 100 ms loop pauses
    log.info(
        "kernels warm; visitgis ready",
        extra={"elapsed_s": round(elapsed_s, 3), "frozen_objects": frozen},
    )


async def _open_event_channel(state: AppState) -> asyncio.Task[None] | None:
    """On PostgreSQL, listen for every process's visit events; the task to cancel at the end.

    Start-up waits (bounded) for the first LISTEN, so no event committed after "started" is
    missed; past the bound the channel keeps trying and readiness says so.
    """
    if state.engine.dialect.name != "postgresql":
        return None
    channel = await asyncio.to_thread(PostgresChannel, state.engine)
    state.channel = channel
    bus = state.bus

    def deliver(payload: str) -> None:
        job_id = decode_job_change(payload)
        if job_id is not None:
            state.job_watch.changed(job_id)
            return
        try:
            event = decode_event(payload)
        except (ValueError, KeyError, TypeError):
            log.warning("live events: ignored a notification that is not a visit event")
            return
        bus.publish(event)

    task = asyncio.create_task(channel.listen(deliver), name="visitgis-live-events")
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(channel.listening.wait(), _LISTEN_START_S)
    return task


_LISTEN_START_S = 10.0
_JOBS_DRAIN_S = 5.0
"""Shutdown waits this long for the in-process runner's thread (a long job keeps its lease)."""


def _database_current(state: AppState) -> bool:
    """The database answers, and its schema is at this code's migration head."""
    with state.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    return migrate.is_current(state.engine)


async def _run_jobs(state: AppState, stopping: asyncio.Event) -> None:
    """The in-process job runner: one job at a time in a worker thread, polling once a second.

    Stops at shutdown once its thread returns (bounded by ``_JOBS_DRAIN_S``); a job still
    computing then keeps its thread until it ends (its lease lets another worker take it over
    if the process is gone first).
    """
    import os
    import socket

    from gql.services.jobs.runner import RunnerSettings, run_one

    announce = (
        announce_in_process(state.job_watch)
        if state.channel is None
        else announce_on_channel(state.channel)
    )
    runner = RunnerSettings(
        worker=f"{socket.gethostname()}:{os.getpid()}:serve",
        lease_s=state.settings.job_lease_s,
        announce=announce,
        routing=state.routing,
    )
    while not stopping.is_set():
        try:
            ran = await asyncio.to_thread(run_one, state.engine, runner)
        except Exception:  # a database hiccup: log, back off, keep serving
            log.exception("job runner failed; retrying")
            ran = None
        if ran is None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), 1.0)


def _healthz(_: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


def create_app(settings: Settings) -> Starlette:
    """Build the ASGI app; the database, kernels and carriers are opened in the lifespan."""
    holder: dict[str, AppState] = {}

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        engine = create_engine_for(settings.effective_database_url, settings.engine_options)
        state = build_state(settings, engine, session_factory(engine))
        holder["state"] = state
        watch_gc_pauses()
        lagging = asyncio.create_task(watch_loop_lag("server"), name="visitgis-loop-lag")
        listening = await _open_event_channel(state)
        warming: asyncio.Task[None] | None = None
        if settings.warm_kernels:
            # Serve /healthz at once; /readyz answers 503 until the kernels are compiled (a
            # fresh checkout compiles for a minute; the numba cache makes later starts take
            # seconds), and /graphql waits up to STARTING_WAIT_S for them, then answers 503,
            # so no request ever pays for a compile.
            log.info("warming kernels (the first start compiles them)")
            warming = asyncio.create_task(_warm_then_open(state, graphql_app))
        else:
            graphql_app.open(state, start_lane=False)
        stop_jobs = asyncio.Event()
        jobs = (
            asyncio.create_task(_run_jobs(state, stop_jobs)) if settings.jobs_in_process else None
        )
        log.info(
            "visitgis started",
            extra={"mode": settings.mode, "database": engine.url.render_as_string()},
        )
        try:
            yield
        finally:
            if jobs is not None:
                # a poll or a short job ends in its thread before the pool closes under it
                stop_jobs.set()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(asyncio.shield(jobs), _JOBS_DRAIN_S)
                jobs.cancel()
            if warming is not None:
                warming.cancel()
            if listening is not None:
                listening.cancel()
            lagging.cancel()
            # running heavy queries end by their execution timeout; the workers then exit
            await asyncio.to_thread(graphql_app.close)
            await state.aclose()
            engine.dispose()

    async def readyz(_: Request) -> JSONResponse:
        state = holder.get("state")
        if state is None or graphql_app.state is None:
            return JSONResponse({"status": "starting", "reason": "warming kernels"}, 503)
        try:  # database I/O in a thread: a slow database never stalls the loop
            current = await asyncio.to_thread(_database_current, state)
        except DatabaseUnavailable as exc:
            return JSONResponse({"status": "unavailable", "reason": str(exc)}, status_code=503)
        except Exception as exc:  # readiness reports, never raises
            log.warning("readiness check failed", extra={"error": type(exc).__name__})
            return JSONResponse({"status": "unavailable", "reason": "database"}, status_code=503)
        if not current:
            return JSONResponse(
                {"status": "unavailable", "reason": "migrations pending; run visitgis db upgrade"},
                status_code=503,
            )
        ready: dict[str, object] = {"status": "ready"}
        if state.channel is not None:  # a process that cannot hear others still serves
            ready["liveEvents"] = "listening" if state.channel.listening.is_set() else "down"
        if state.hub is not None:  # breaker states are reported, never a reason to be unready
            ready["carriers"] = {cid: h.to_dict() for cid, h in state.hub.health().items()}
        return JSONResponse(ready)

    graphql_app = _LazyGraphQL(settings)
    routes: list[BaseRoute] = [
        Route("/healthz", _healthz),
        Route("/readyz", readyz),
        Route("/graphql", graphql_app),  # every method: the view answers a wrong one itself
        WebSocketRoute("/graphql", graphql_app),
        Route("/metrics", lambda request: metrics_response(holder.get("state"), request)),
    ]
    if not settings.is_production:  # GraphiQL's vendored assets, like GraphiQL, in development
        routes.append(Mount(graphiql.STATIC_URL, graphiql.static_files(), name="static"))
    if settings.console_dir is not None:  # a folder named by settings: the core imports no contrib
        console = StaticFiles(directory=settings.console_dir, html=True)
        routes.append(Mount("/console", console, name="console"))
    middleware = [Middleware(BalanceConnections), Middleware(RequestIds)]
    if settings.cors_origin_list:  # the console or a front end on another host
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=settings.cors_origin_list,
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type", "Apollo-Require-Preflight"],
                expose_headers=["X-Request-Id", "RateLimit-Limit", "RateLimit-Remaining"],
                max_age=600,
            )
        )
    if settings.gzip_min_bytes:
        middleware.append(Middleware(GZipMiddleware, minimum_size=settings.gzip_min_bytes))
    return Starlette(routes=routes, lifespan=lifespan, middleware=middleware)


def create_app_from_environment() -> Starlette:
    """The app for a process that reads its own settings (``uvicorn --workers N --factory``).

    Each worker configures its logs and builds its state; a setting that is wrong is reported
    by ``visitgis serve`` before any worker starts.
    """
    from gql.logs import configure_logging
    from gql.settings import load_settings

    settings = load_settings()
    configure_logging(settings.log_level, settings.log_format)
    return create_app(settings)


STARTING_WAIT_S = 5.0
"""A request that arrives while the kernels warm waits this long for them before it is
answered 503 "starting": a worker started in place of one that died (or by a rolling restart)
warms from the numba cache in 1–3 s, and its socket's share of the traffic waits instead of
failing; a first start, which compiles for a minute, still answers at once after the wait."""


class _LazyGraphQL:
    """ASGI shim: the view needs the lifespan's state, which exists only after start-up."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.state: AppState | None = None
        self._view: VisitGraphQL | None = None
        self._opened = asyncio.Event()

    def open(self, state: AppState, *, start_lane: bool) -> None:
        """Serve with ``state``.

        ``start_lane`` starts the heavy lane's workers now (a server), not on the first
        expensive query (tests, which mostly never send one).
        """
        self.state = state
        view = self._make_view(state)
        view.operation_loops.start()
        if start_lane:
            view.heavy.start()
        self._opened.set()

    def close(self) -> None:
        """Stop the operation loops and the heavy lane's workers (the lifespan's end).

        The server has drained its requests by then; an operation still running (a client
        that went away) is cancelled and rolls back.
        """
        if self._view is not None:
            self._view.operation_loops.close()
            self._view.heavy.close(wait=True)

    def _make_view(self, state: AppState) -> VisitGraphQL:
        if self._view is None:
            self._view = VisitGraphQL(
                state,
                graphql_ide=None if self.settings.is_production else "graphiql",
                allow_queries_via_get=False,
                # csvImport's files (GraphQL multipart request spec), only with a preflight
                # header (parse_http_body): a cross-site form cannot send one
                multipart_uploads_enabled=True,
            )
        return self._view

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if self.state is None:  # warming: a replacement worker is ready within seconds
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._opened.wait(), STARTING_WAIT_S)
        if self.state is None:
            if scope["type"] == "websocket":
                await WebSocket(scope, receive, send).close(code=1013)  # try again later
                return
            starting = RequestError(
                RequestErrorCode.SERVICE_UNAVAILABLE,
                "the service is starting (compiling its kernels); retry shortly",
                headers={"Retry-After": "5"},
            )
            await http_error_response(starting)(scope, receive, send)
            return
        await self._make_view(self.state)(scope, receive, send)
