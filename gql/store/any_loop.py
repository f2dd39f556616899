"""A semaphore and a lock whose waiters may sit on different event loops (threads).

``asyncio.Semaphore`` and ``asyncio.Lock`` belong to the one loop that first waits on them.
Operations run on several loops of one process (:mod:`gql.operation_loops`), and the permits to
hold a pooled connection and the per-manager write turns must count all of them, so these keep
their state under a thread lock and wake a waiter on its own loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import deque
from dataclasses import dataclass, field

__all__ = ["Lock", "Semaphore"]


@dataclass(eq=False)
class _Waiter:
    loop: asyncio.AbstractEventLoop
    woken: asyncio.Future[None]
    granted: bool = field(default=False)


class Semaphore:
    """``asyncio.Semaphore``'s contract (first come, first served) for callers on any loop."""

    def __init__(self, value: int) -> None:
        if value < 0:
            raise ValueError(f"a semaphore's value must be at least 0, got {value}")
        self._lock = threading.Lock()
        self._value = value
        self._waiters: deque[_Waiter] = deque()

    @property
    def value(self) -> int:
        """Units free now."""
        return self._value

    @property
    def waiting(self) -> int:
        """Callers waiting for a unit now."""
        return len(self._waiters)

    def locked(self) -> bool:
        """Whether an ``acquire`` would wait now."""
        return self._value == 0

    async def acquire(self) -> None:
        """Take one unit, waiting (on the caller's loop) behind earlier waiters.

        A waiter cancelled after it was handed a unit passes the unit on, so none is lost.
        """
        with self._lock:
            if self._value > 0 and not self._waiters:
                self._value -= 1
                return
            loop = asyncio.get_running_loop()
            waiter = _Waiter(loop, loop.create_future())
            self._waiters.append(waiter)
        try:
            await waiter.woken
        except asyncio.CancelledError:
            with self._lock:
                granted = waiter.granted
                if not granted:
                    self._waiters.remove(waiter)
            if granted:
                self.release()
            raise

    def release(self) -> None:
        """Give one unit back: to the longest waiter, if any (safe from any thread)."""
        with self._lock:
            if not self._waiters:
                self._value += 1
                return
            waiter = self._waiters.popleft()
            waiter.granted = True
        with contextlib.suppress(RuntimeError):  # its loop closed: the process is stopping
            waiter.loop.call_soon_threadsafe(_wake, waiter.woken)


class Lock(Semaphore):
    """``asyncio.Lock``'s contract for callers on any loop (not re-entrant)."""

    def __init__(self) -> None:
        super().__init__(1)


def _wake(woken: asyncio.Future[None]) -> None:
    if not woken.done():  # a cancelled waiter's future is done already
        woken.set_result(None)
