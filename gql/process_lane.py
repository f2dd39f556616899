"""Expensive queries run in worker processes, so their CPU never holds the serving process's GIL.

A lane of threads kept the event loop free to be scheduled, but not free to run: every time a
cheap request's thread released the GIL (a socket write, a SQLite call) the lane thread took it
for a whole switch interval, and cheap requests queued behind that (issue 14: p99 171 ms beside
one abusive client vs 15 ms without). A worker process has its own interpreter and GIL; it opens
its own engine from the same settings, runs the query with the caller's token under the same
execution timeout, and sends back plain data: the answer, its errors as formatted, its extensions
and the caller's role (for the rate limiter's role bucket).

Queries only: they write nothing, publish no live events and call no carrier, so running one in
another process changes nothing but where its CPU time is spent.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import multiprocessing
import multiprocessing.connection
import os
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graphql import GraphQLError, SourceLocation
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType

from gql.heap import freeze_start_up_heap

if TYPE_CHECKING:
    from collections.abc import Callable

    from gql.context import AppState
    from gql.settings import Settings

__all__ = ["LaneAnswer", "LaneRequest", "process_executor", "run_query"]


@dataclass(frozen=True, slots=True)
class LaneRequest:
    """One query operation as the client sent it, with the caller's bearer token."""

    query: str
    variables: dict[str, Any] | None
    operation_name: str | None
    extensions: dict[str, Any] | None
    token: str | None


@dataclass(frozen=True, slots=True)
class LaneAnswer:
    """What a worker process sends back: plain, picklable data."""

    data: dict[str, Any] | None
    errors: list[dict[str, Any]] = field(default_factory=list)
    extensions: dict[str, Any] = field(default_factory=dict)
    role: str | None = None
    """The caller's role if the operation read it (for the rate limiter's role bucket)."""

    def result(self) -> ExecutionResult:
        """The answer as strawberry's view expects it (errors as GraphQL errors again)."""
        return ExecutionResult(
            data=self.data,
            errors=[_error(formatted) for formatted in self.errors] or None,
            extensions=self.extensions or None,
        )


def _error(formatted: dict[str, Any]) -> GraphQLError:
    error = GraphQLError(
        formatted["message"], path=formatted.get("path"), extensions=formatted.get("extensions")
    )
    error.locations = [
        SourceLocation(location["line"], location["column"])
        for location in formatted.get("locations") or []
    ] or None
    return error


def process_executor(
    settings: Settings, make_state: Callable[[Settings], AppState]
) -> concurrent.futures.Executor:
    """``heavy_query_workers`` processes, started now.

    ``spawn``: nothing inherited from this process's threads or sockets by a fork; each makes
    its own state (database, schema, warm kernels) once, as it starts, with ``make_state`` (a
    module-level function, so it travels to the new interpreter by name).
    """
    executor = concurrent.futures.ProcessPoolExecutor(
        settings.heavy_query_workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(settings, make_state),
    )
    for _ in range(settings.heavy_query_workers):  # start them now, not on the first query
        executor.submit(int)
    return executor


LANE_NICENESS = 10
"""Worker processes run at a lower CPU priority, so on a busy host the serving process (cheap
requests) is scheduled first and expensive queries take the CPU that is left."""

_STATE: AppState | None = None
"""The worker process's own state (engine, schema), made once by :func:`_start_worker`."""


def _start_worker(settings: Settings, make_state: Callable[[Settings], AppState]) -> None:
    """In the worker: its state once; it ends with its parent and yields the CPU to it."""
    global _STATE
    threading.Thread(target=_exit_with_parent, name="visitgis-parent-watch", daemon=True).start()
    with contextlib.suppress(OSError):  # where priorities exist: cheap requests' CPU comes first
        os.nice(LANE_NICENESS)
    _STATE = make_state(settings)
    freeze_start_up_heap()  # its queries' full collections then skip the imported service


def _exit_with_parent() -> None:
    """End this worker when the serving process ends, however it ends (even ``kill -9``)."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        multiprocessing.connection.wait([parent.sentinel])
    os._exit(0)


def run_query(request: LaneRequest) -> LaneAnswer:
    """In the worker: execute one query to its end or to the execution timeout."""
    from gql.context import Context, load_keys

    state = _STATE
    if state is None:  # pragma: no cover - the initializer always ran
        raise RuntimeError("the worker process was not started by process_executor")
    context = Context(state=state, token=request.token)

    async def execute() -> ExecutionResult:
        await load_keys(context)  # an identity provider's key, in this process's cache too
        return await state.schema.execute(
            request.query,
            variable_values=request.variables,
            context_value=context,
            operation_name=request.operation_name,
            allowed_operation_types=frozenset({OperationType.QUERY}),
            operation_extensions=request.extensions,
        )

    try:
        result = asyncio.run(asyncio.wait_for(execute(), state.settings.execution_timeout_s))
    except TimeoutError:
        return LaneAnswer(data=None, errors=[_timeout(state.settings.execution_timeout_s)])
    finally:
        context.end_unit_of_work(commit=False)
    principal = context.__dict__.get("principal")
    return LaneAnswer(
        data=result.data,
        errors=[dict(error.formatted) for error in result.errors or []],
        extensions=dict(result.extensions or {}),
        role=None if principal is None else str(principal.role),
    )


def _timeout(timeout_s: float) -> dict[str, Any]:
    from gql.schema.errors import RequestErrorCode

    return {
        "message": f"the operation took longer than {timeout_s:g} s and was cancelled; "
        "nothing was saved",
        "extensions": {"code": RequestErrorCode.OPERATION_TIMEOUT.value},
    }
