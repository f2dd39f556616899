"""The starlette application factory: everything with a lifetime is made in the lifespan."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import TYPE_CHECKING, Any

from cross_web import HTTPException as StrawberryHTTPException
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from strawberry.asgi import GraphQL

from gql.context import AppState, Context, build_context
from gql.store import migrate
from gql.store.db import DatabaseUnavailable, create_engine_for, session_factory

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from starlette.requests import Request

    from gql.settings import Settings

__all__ = ["create_app"]

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


class VisitGraphQL(GraphQL[Any, None]):
    """strawberry's ASGI view with our per-request context and an execution deadline."""

    def __init__(self, state: AppState, **kwargs: Any) -> None:
        super().__init__(state.schema, **kwargs)
        self.state = state

    async def get_context(self, request: Any, response: Any) -> Any:
        """Authenticate and open the request's unit of work."""
        return build_context(self.state, request)

    async def execute_operation(self, *args: Any, **kwargs: Any) -> Any:
        """Bound every HTTP operation by the configured execution timeout."""
        try:
            return await asyncio.wait_for(
                super().execute_operation(*args, **kwargs),
                timeout=self.state.settings.execution_timeout_s,
            )
        except TimeoutError as exc:
            context = kwargs.get("context")
            if isinstance(context, Context):
                # cancelled before the unit of work ended: release the session and its locks
                context.close(commit=False)
            raise StrawberryHTTPException(503, "operation timed out") from exc


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
        state = AppState.build(settings, engine, session_factory(engine))
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
        Route("/graphql", graphql_app, methods=["GET", "POST"]),
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
            response = JSONResponse({"errors": [{"message": "service starting"}]}, 503)
            await response(scope, receive, send)
            return
        if self._view is None:
            self._view = VisitGraphQL(
                self.state,
                graphql_ide=None if self.settings.is_production else "graphiql",
                allow_queries_via_get=False,
            )
        await self._view(scope, receive, send)
