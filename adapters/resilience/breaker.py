"""A per-carrier circuit breaker: stop calling a carrier that keeps failing.

Only failures that say something about the carrier (``CarrierError.carrier_fault``) count;
an unknown or absent subscriber is the subscriber's business and never trips it.
"""

from __future__ import annotations

import enum
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from .clock import Clock

__all__ = ["BreakerState", "CircuitBreaker"]


class BreakerState(enum.Enum):
    """Closed: calls flow. Open: fail fast. Half-open: one trial call decides."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    """Consecutive-failure breaker with a single half-open trial.

    Parameters
    ----------
    failure_threshold : int
        Consecutive carrier faults that open the circuit.
    reset_timeout_s : float
        How long the circuit stays open before one trial call is let through.
    clock : Clock
        Source of monotonic time.
    on_transition : callable, optional
        Told ``(before, after)`` each time the state changes, outside the breaker's lock (the
        hub logs it: operators see a carrier fail and recover).

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> from adapters.resilience.clock import ManualClock
    >>> clock = ManualClock(datetime(2024, 1, 1, tzinfo=UTC))
    >>> breaker = CircuitBreaker(failure_threshold=2, reset_timeout_s=30, clock=clock)
    >>> breaker.record_failure(); breaker.record_failure(); breaker.allow()
    False
    >>> clock.advance(30); breaker.allow(), breaker.state.value
    (True, 'half_open')
    """

    def __init__(
        self,
        *,
        failure_threshold: int,
        reset_timeout_s: float,
        clock: Clock,
        on_transition: Callable[[BreakerState, BreakerState], None] | None = None,
    ) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be >= 1")
        self._threshold = failure_threshold
        self._reset_timeout_s = reset_timeout_s
        self._clock = clock
        self._lock = threading.Lock()
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._opened_at = 0.0
        self._trial_in_flight = False
        self._on_transition = on_transition

    @property
    def state(self) -> BreakerState:
        """Current state (an open breaker past its timeout reads as half-open)."""
        with self._lock:
            before = self._state
            self._refresh()
            after = self._state
        self._told(before, after)
        return after

    def allow(self) -> bool:
        """May a call go out now? In half-open, only the first caller gets the trial."""
        with self._lock:
            before = self._state
            self._refresh()
            after = self._state
            allowed = False
            if self._state is BreakerState.CLOSED:
                allowed = True
            elif self._state is BreakerState.HALF_OPEN and not self._trial_in_flight:
                self._trial_in_flight = True
                allowed = True
        self._told(before, after)
        return allowed

    def record_success(self) -> None:
        """Close the circuit: the carrier answered sensibly."""
        with self._lock:
            before = self._state
            self._state = BreakerState.CLOSED
            self._failures = 0
            self._trial_in_flight = False
        self._told(before, BreakerState.CLOSED)

    def record_failure(self) -> None:
        """Count a carrier fault; open (or re-open) the circuit when due."""
        with self._lock:
            before = self._state
            self._refresh()
            self._failures += 1
            if self._state is BreakerState.HALF_OPEN or self._failures >= self._threshold:
                self._state = BreakerState.OPEN
                self._opened_at = self._clock.monotonic()
                self._trial_in_flight = False
            after = self._state
        self._told(before, after)

    def release(self) -> None:
        """End a call that said nothing about the carrier's health (frees the trial)."""
        with self._lock:
            self._trial_in_flight = False

    def _told(self, before: BreakerState, after: BreakerState) -> None:
        if before is not after and self._on_transition is not None:
            self._on_transition(before, after)

    def _refresh(self) -> None:
        if (
            self._state is BreakerState.OPEN
            and self._clock.monotonic() - self._opened_at >= self._reset_timeout_s
        ):
            self._state = BreakerState.HALF_OPEN
            self._trial_in_flight = False
