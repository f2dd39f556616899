"""One bounded pool for CPU-bound work (routing, planning, territory metrics), off the event loop.

Threads suffice: the numba kernels release the GIL (``nogil=True``). The pool is bounded twice —
``max_workers`` threads and at most ``max_waiting`` jobs queued behind them — so a burst of
expensive operations is refused at once instead of growing a queue that every later request waits
behind. A caller that stops waiting (its deadline passed, its operation was cancelled) drops a job
still in the queue; a running job ends by its own time limit (the solvers take one) and its result
is discarded. A slot is freed when the work really ends, so admission counts what runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import threading
from concurrent.futures import BrokenExecutor, Executor, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Generic, ParamSpec, TypeVar

from gql.services.errors import ErrorCode, InvalidInput

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine

__all__ = ["LoopJob", "WorkerPool", "offload", "pool"]

P = ParamSpec("P")
T = TypeVar("T")


class WorkerPool:
    """A fixed number of threads and a bounded queue; full means refused, not waiting."""

    def __init__(
        self,
        max_workers: int,
        max_waiting: int,
        executor_factory: Callable[[], Executor] | None = None,
    ) -> None:
        """Threads, or the executor ``executor_factory`` makes (processes).

        It is made on first use, so a pool that is never used starts no worker.
        """
        self.max_workers = max_workers
        self.max_waiting = max_waiting
        self._factory = executor_factory or functools.partial(
            ThreadPoolExecutor, max_workers, thread_name_prefix="visitgis-cpu"
        )
        self._executor: Executor | None = None
        self._lock = threading.Lock()
        self._admitted = 0
        self.finished = 0
        """Jobs that ended (ran, failed or were dropped from the queue)."""

    @property
    def admitted(self) -> int:
        """Jobs running or queued now."""
        return self._admitted

    def _release(self, _: object) -> None:
        with self._lock:
            self._admitted -= 1
            self.finished += 1

    async def run(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """``fn(*args, **kwargs)`` on a worker thread; cancelling the caller drops a queued job.

        Raises
        ------
        InvalidInput
            ``DEADLINE_EXCEEDED`` when the pool and its queue are full.
        BrokenExecutor
            A worker died (a process killed); the pool has already been replaced by a new one.
        """
        with self._lock:
            if self._admitted >= self.max_workers + self.max_waiting:
                raise InvalidInput(
                    "the server is busy with other computations; retry shortly",
                    code=ErrorCode.DEADLINE_EXCEEDED,
                )
            self._admitted += 1
        executor = self.start()
        try:
            future = executor.submit(fn, *args, **kwargs)
        except BaseException as exc:
            self._release(None)
            if isinstance(exc, BrokenExecutor):
                self._replace(executor)
            raise
        future.add_done_callback(self._release)  # also runs when a queued job is cancelled
        try:
            return await asyncio.wrap_future(future)  # cancelled: a queued job never starts
        except BrokenExecutor:
            self._replace(executor)
            raise

    def _replace(self, broken: Executor) -> None:
        """A new executor for a broken one, once, however many callers saw it break."""
        with self._lock:
            if self._executor is not broken:
                return  # another caller replaced it already
            self._executor = None
        broken.shutdown(wait=False, cancel_futures=True)
        self.start()

    def start(self) -> Executor:
        """The executor, made now if it was not yet (a process pool starts its workers)."""
        with self._lock:
            if self._executor is None:
                self._executor = self._factory()
            return self._executor

    def close(self, *, wait: bool = False) -> None:
        """Drop queued jobs; running ones end by their own deadlines (``wait``: wait for them)."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=wait, cancel_futures=True)


def _default_workers() -> int:
    return max(1, (os.cpu_count() or 2) - 1)


pool = WorkerPool(
    int(os.environ.get("VISITGIS_CPU_WORKERS", "0")) or _default_workers(),
    int(os.environ.get("VISITGIS_CPU_QUEUE", "0")) or 8,
)
"""The process's pool: one core is left to the event loop."""


async def offload(fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """Run CPU-bound ``fn`` in the process's bounded pool (see :class:`WorkerPool`)."""
    return await pool.run(fn, *args, **kwargs)


class LoopJob(Generic[T]):
    """A coroutine run to its end on a loop of a worker thread, cancellable from another."""

    def __init__(self, factory: Callable[[], Coroutine[Any, Any, T]]) -> None:
        self._factory = factory
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[Any] | None = None
        self._cancelled = False

    def run(self) -> T:
        """On the worker thread: the coroutine's result (``CancelledError`` if cancelled)."""

        async def main() -> T:
            with self._lock:
                self._loop = asyncio.get_running_loop()
                self._task = asyncio.current_task()
                if self._cancelled:
                    raise asyncio.CancelledError
            return await self._factory()

        try:
            return asyncio.run(main())
        finally:
            with self._lock:
                self._loop = self._task = None

    def cancel(self) -> None:
        """From any thread: stop the coroutine at its next await."""
        with self._lock:
            self._cancelled = True
            if self._loop is not None and self._task is not None:
                with contextlib.suppress(RuntimeError):  # the loop just closed
                    self._loop.call_soon_threadsafe(self._task.cancel)
