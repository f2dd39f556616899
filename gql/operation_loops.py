"""Operation loops: queries and mutations run on event loops of their own threads.

Database calls are synchronous (SQLAlchemy sessions), so each round trip holds up the loop it
runs on. On one loop per process a worker spent 28–38 % of its time waiting on PostgreSQL once
two workers shared the host's cores (issue 19): every request of the process waited behind every
round trip. Here the server's loop only reads requests, writes answers and serves the
live-event sockets; each operation runs to its end on one of a few loops, each on its own
thread. A round trip releases the GIL, so it never holds up the server's loop, and with several
operation loops only its own loop's operations. Loops share the process's connection permits
and write turns (:mod:`gql.store.any_loop`).
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
from typing import TYPE_CHECKING, Any, TypeVar

from gql.pauses import watch_loop_lag

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine

__all__ = ["SWITCH_INTERVAL_S", "UNWIND_S", "OperationLoops"]

T = TypeVar("T")

SWITCH_INTERVAL_S = 0.0005
"""The process's GIL switch interval once operation loops run (Python's default: 5 ms).

A thread whose database answer has arrived waits for the GIL until the thread running Python
gives it up, at the latest after this interval; at 5 ms every round trip of a check-in could
wait that long behind the server's loop."""


UNWIND_S = 2.0
"""How long a cancelled caller waits for its operation to unwind (roll back) on its loop."""


def _call_soon(
    loop: asyncio.AbstractEventLoop, callback: Callable[..., object], *args: Any
) -> None:
    """``callback(*args)`` on ``loop`` from any thread; nothing if the loop has closed."""
    with contextlib.suppress(RuntimeError):
        loop.call_soon_threadsafe(callback, *args)


class _LoopThread:
    """One event loop running forever on a daemon thread, until stopped."""

    def __init__(self, name: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.running = 0
        """Operations submitted and not yet answered (counted on the server's loop)."""
        self._thread = threading.Thread(target=self._serve, name=name, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.create_task(watch_loop_lag("operation"))  # cancelled with the loop's tasks
        try:
            self.loop.run_forever()
        finally:
            pending = asyncio.all_tasks(self.loop)
            for task in pending:
                task.cancel()
            if pending:
                self.loop.run_until_complete(asyncio.wait(pending))
            self.loop.run_until_complete(self.loop.shutdown_default_executor())
            self.loop.close()

    def stop(self, timeout_s: float) -> None:
        """Stop the loop (its operations are cancelled) and wait for the thread."""
        if self.loop.is_closed():
            return
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout_s)


class OperationLoops:
    """A fixed number of operation loops; each operation goes to the least busy one.

    ``count`` 0 runs operations on the caller's loop, as a single-loop server does.
    """

    def __init__(self, count: int, *, unwind_s: float = UNWIND_S) -> None:
        if count < 0:
            raise ValueError(f"operation loops must be 0 or more, got {count}")
        self.count = count
        self.unwind_s = unwind_s
        self._threads: list[_LoopThread] = []

    def start(self) -> None:
        """Start the loops' threads (idempotent)."""
        if not self._threads and self.count:
            sys.setswitchinterval(SWITCH_INTERVAL_S)
            self._threads = [_LoopThread(f"visitgis-operations-{n}") for n in range(self.count)]

    async def run(self, factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
        """The coroutine ``factory()`` makes, run to its end on an operation loop.

        Cancelling the caller cancels the coroutine on its loop, and the caller waits for it to
        unwind (up to ``unwind_s``): a timed-out operation's answer says nothing was saved, so
        its rollback must have run by then. The coroutine releases what it holds in
        ``finally``; one stuck in a blocking call is left to unwind on its own.
        """
        if self.count == 0:
            return await factory()
        self.start()
        target = min(self._threads, key=lambda thread: thread.running)
        target.running += 1
        caller = asyncio.get_running_loop()
        ended: asyncio.Future[T] = caller.create_future()
        tasks: list[asyncio.Task[T]] = []

        def settle(task: asyncio.Task[T]) -> None:  # on the caller's loop
            if ended.done():
                return
            if task.cancelled():
                ended.cancel()
            elif (error := task.exception()) is not None:
                ended.set_exception(error)
            else:
                ended.set_result(task.result())

        def begin() -> None:  # on the operation loop, in the caller's context
            task = target.loop.create_task(factory())
            tasks.append(task)
            task.add_done_callback(lambda _: _call_soon(caller, settle, task))

        try:
            target.loop.call_soon_threadsafe(begin)
            return await asyncio.shield(ended)
        except asyncio.CancelledError:
            # after ``begin`` (a loop runs its callbacks in order), so the task is in ``tasks``
            _call_soon(target.loop, lambda: tasks[0].cancel())
            with contextlib.suppress(BaseException):  # its outcome no longer matters
                await asyncio.wait_for(asyncio.shield(ended), self.unwind_s)
            raise
        finally:
            target.running -= 1

    def close(self, timeout_s: float = 5.0) -> None:
        """Stop every loop (after the server has drained its requests)."""
        threads, self._threads = self._threads, []
        for thread in threads:
            thread.stop(timeout_s)
