"""Resilience building blocks for slow carriers: breaker, cache, retry policy, clocks.

Each takes its clock (and randomness) as an argument so tests are deterministic.
"""

from __future__ import annotations

from .breaker import BreakerState, CircuitBreaker
from .cache import FixCache, PortedNumbers, SingleFlight
from .clock import Clock, ManualClock, SystemClock
from .retry import RetryPolicy
from .shared import SharedFixes

__all__ = [
    "BreakerState",
    "CircuitBreaker",
    "Clock",
    "FixCache",
    "ManualClock",
    "PortedNumbers",
    "RetryPolicy",
    "SharedFixes",
    "SingleFlight",
    "SystemClock",
]
