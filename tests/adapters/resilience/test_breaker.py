"""Circuit breaker state machine with a manual clock."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.resilience import BreakerState, CircuitBreaker, ManualClock


def _breaker(clock: ManualClock) -> CircuitBreaker:
    return CircuitBreaker(failure_threshold=3, reset_timeout_s=10, clock=clock)


def test_breaker_opens_only_after_consecutive_failures() -> None:
    """A success in between resets the failure count."""
    clock = ManualClock(datetime(2024, 1, 1, tzinfo=UTC))
    breaker = _breaker(clock)
    breaker.record_failure()
    breaker.record_failure()
    breaker.record_success()
    breaker.record_failure()
    breaker.record_failure()
    assert breaker.state is BreakerState.CLOSED
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN
    assert not breaker.allow()


def test_half_open_lets_exactly_one_trial_through() -> None:
    """After the reset timeout one caller gets the trial; others still fail fast."""
    clock = ManualClock(datetime(2024, 1, 1, tzinfo=UTC))
    breaker = _breaker(clock)
    for _ in range(3):
        breaker.record_failure()
    clock.advance(9.9)
    assert not breaker.allow()
    clock.advance(0.1)
    assert breaker.allow()
    assert not breaker.allow()


def test_failed_trial_reopens_for_a_full_timeout() -> None:
    """A half-open failure re-opens the circuit and restarts the timer."""
    clock = ManualClock(datetime(2024, 1, 1, tzinfo=UTC))
    breaker = _breaker(clock)
    for _ in range(3):
        breaker.record_failure()
    clock.advance(10)
    assert breaker.allow()
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN
    clock.advance(5)
    assert not breaker.allow()
    clock.advance(5)
    assert breaker.allow()
    breaker.record_success()
    assert breaker.state is BreakerState.CLOSED


def test_released_trial_can_be_taken_again() -> None:
    """A trial that told nothing (bulkhead full) frees the half-open slot."""
    clock = ManualClock(datetime(2024, 1, 1, tzinfo=UTC))
    breaker = _breaker(clock)
    for _ in range(3):
        breaker.record_failure()
    clock.advance(10)
    assert breaker.allow()
    breaker.release()
    assert breaker.allow()
