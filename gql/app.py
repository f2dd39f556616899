"""The starlette application factory: everything with a lifetime is made in the lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import MissingQueryError
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types.graphql import OperationType

from gql.context import AppState, Context, build_context
from gql.schema import build_schema
from gql.schema.errors import RequestError, RequestErrorCode, http_error_response
from gql.store import migrate
from gql.store.db import DatabaseUnavailable, create_engine_for, session_factory

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker
    from starlette.types import Receive, Scope, Send
    from strawberry.types import ExecutionResult

    from gql.settings import Settings

__all__ = ["build_state", "create_app"]

log = logging.getLogger("visitgis.app")


def _warm_kernels() -> float:
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
    return AppState.build(settings, engine, sessions, build_schema(settings))


_HTTP_OPERATIONS = {
    "POST": frozenset({OperationType.QUERY, OperationType.MUTATION}),
    "GET": frozenset[OperationType](),  # GET serves the development IDE, never an operation
}
"""Operations each HTTP method may run; subscriptions need the WebSocket transport."""


class VisitGraphQL(GraphQL[Any, None]):
    """strawberry's ASGI view: our per-request context and an execution deadline.

    Every request that fails before or outside GraphQL execution gets one kind of answer,
    :func:`gql.schema.errors.http_error_response`.
    """

    def __init__(self, state: AppState, **kwargs: Any) -> None:
        super().__init__(state.schema, **kwargs)
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """HTTP: any failure to produce a GraphQL result is a GraphQL-shaped JSON answer."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        try:
            response = await self.run(Request(scope, receive=receive))
        except Exception as error:  # the one place a failed request is answered
            response = http_error_response(error)
        await response(scope, receive, send)

    async def get_context(self, request: Any, response: Any) -> Any:
        """Authenticate and open the request's unit of work."""
        return build_context(self.state, request)

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
        except RecursionError as exc:  # [[[[… 5,000 deep: the decoder's stack, not a 500
            raise RequestError(
                RequestErrorCode.BAD_REQUEST, "the body's JSON is nested too deeply"
            ) from exc
        if not isinstance(value, dict):
            raise RequestError(
                RequestErrorCode.BAD_REQUEST,
                'the body must be a JSON object like {"query": "...", "variables": {...}}, '
                f"not {type(value).__name__ if value is not None else 'null'}",
            )
        return value

    async def execute_operation(self, *args: Any, **kwargs: Any) -> Any:
        """Bound every HTTP operation by the configured execution timeout."""
        timeout_s = self.state.settings.execution_timeout_s
        try:
            return await asyncio.wait_for(super().execute_operation(*args, **kwargs), timeout_s)
        except TimeoutError as exc:
            context = kwargs.get("context")
            if isinstance(context, Context):
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
        """Run one operation if its type fits the method; refuse it with a clear code if not."""
        method = request_adapter.method
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
                    "subscriptions run over WebSocket (graphql-transport-ws) at /graphql, "
                    f"not over {method}",
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


async def _warm_then_open(state: AppState, view: _LazyGraphQL) -> None:
    elapsed_s = await asyncio.to_thread(_warm_kernels)
    view.state = state
    log.info("kernels warm; visitgis ready", extra={"elapsed_s": round(elapsed_s, 3)})


def _healthz(_: Request) -> JSONResponse:
    return JSONResponse({"status": "ok"})


def create_app(settings: Settings) -> Starlette:
    """Build the ASGI app; the database, kernels and carriers are opened in the lifespan."""
    holder: dict[str, AppState] = {}

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        engine = create_engine_for(settings.effective_database_url)
        state = build_state(settings, engine, session_factory(engine))
        holder["state"] = state
        warming: asyncio.Task[None] | None = None
        if settings.warm_kernels:
            # Serve /healthz at once; /readyz and /graphql answer 503 until the kernels are
            # compiled (a fresh checkout compiles for a minute; the numba cache makes later
            # starts take seconds), so no request ever pays for a compile.
            log.info("warming kernels (the first start compiles them)")
            warming = asyncio.create_task(_warm_then_open(state, graphql_app))
        else:
            graphql_app.state = state
        log.info(
            "visitgis started",
            extra={"mode": settings.mode, "database": engine.url.render_as_string()},
        )
        try:
            yield
        finally:
            if warming is not None:
                warming.cancel()
            await state.aclose()
            engine.dispose()

    async def readyz(_: Request) -> JSONResponse:
        state = holder.get("state")
        if state is None or graphql_app.state is None:
            return JSONResponse({"status": "starting", "reason": "warming kernels"}, 503)
        try:
            with state.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            current = migrate.is_current(state.engine)
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
        if state.hub is not None:  # breaker states are reported, never a reason to be unready
            ready["carriers"] = {cid: h.to_dict() for cid, h in state.hub.health().items()}
        return JSONResponse(ready)

    graphql_app = _LazyGraphQL(settings)
    routes = [
        Route("/healthz", _healthz),
        Route("/readyz", readyz),
        Route("/graphql", graphql_app),  # every method: the view answers a wrong one itself
        WebSocketRoute("/graphql", graphql_app),
    ]
    return Starlette(routes=routes, lifespan=lifespan)


class _LazyGraphQL:
    """ASGI shim: the view needs the lifespan's state, which exists only after start-up."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.state: AppState | None = None
        self._view: VisitGraphQL | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
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
        if self._view is None:
            self._view = VisitGraphQL(
                self.state,
                graphql_ide=None if self.settings.is_production else "graphiql",
                allow_queries_via_get=False,
            )
        await self._view(scope, receive, send)
