"""Injectable time: a monotonic clock for budgets and a wall clock for fix ages."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol

__all__ = ["Clock", "ManualClock", "SystemClock"]


class Clock(Protocol):
    """Two readings the resilience code needs, so tests can move time by hand."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (timeouts, breaker, TTLs)."""
        ...

    def now(self) -> datetime:
        """Aware wall-clock time (fix ages are compared with carrier timestamps)."""
        ...


class SystemClock:
    """The real clocks."""

    def monotonic(self) -> float:
        """Return ``time.monotonic()``."""
        return time.monotonic()

    def now(self) -> datetime:
        """Return the current UTC time."""
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to (tests and simulations).

    Examples
    --------
    >>> clock = ManualClock(datetime(2024, 3, 18, 1, 30, tzinfo=UTC))
    >>> clock.advance(90)
    >>> clock.monotonic(), clock.now().minute
    (90.0, 31)
    """

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("start must be timezone-aware")
        self._start = start
        self._elapsed_s = 0.0
        self._lock = threading.Lock()

    def advance(self, seconds: float) -> None:
        """Move both clocks forward."""
        if seconds < 0:
            raise ValueError("time only moves forward")
        with self._lock:
            self._elapsed_s += seconds

    def monotonic(self) -> float:
        """Seconds advanced so far."""
        with self._lock:
            return self._elapsed_s

    def now(self) -> datetime:
        """Start time plus the seconds advanced."""
        with self._lock:
            return self._start + timedelta(seconds=self._elapsed_s)
