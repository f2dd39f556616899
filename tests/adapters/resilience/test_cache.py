"""Fix cache, ported-number memory and retry policy."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from adapters import CarrierBusy, Msisdn, NotPermitted, PositioningTimeout, RetrySettings
from adapters.resilience import FixCache, ManualClock, PortedNumbers, RetryPolicy
from tests.adapters.conftest import fix_for

START = datetime(2024, 3, 18, 1, 30, tzinfo=UTC)


def test_cache_keeps_the_newest_fix_by_carrier_time() -> None:
    """An older fix arriving late does not replace a newer one."""
    clock = ManualClock(START)
    cache = FixCache(max_entries=10, negative_ttl_s=60, clock=clock)
    number = Msisdn("13812345678")
    cache.store_fix(number, fix_for("a", fix_time=START))
    cache.store_fix(number, fix_for("b", fix_time=START - timedelta(minutes=5)))
    entry = cache.fresh_fix(number, max_age_s=60, accuracy_m=1000)
    assert entry is not None
    assert entry[0].carrier == "a"


def test_cache_evicts_the_least_recently_used_subscriber() -> None:
    """The cache is bounded."""
    clock = ManualClock(START)
    cache = FixCache(max_entries=2, negative_ttl_s=60, clock=clock)
    numbers = [Msisdn(f"1381234567{i}") for i in range(3)]
    for number in numbers:
        cache.store_fix(number, fix_for("a", fix_time=START))
    assert cache.fresh_fix(numbers[0], max_age_s=60, accuracy_m=1000) is None
    assert cache.fresh_fix(numbers[2], max_age_s=60, accuracy_m=1000) is not None


def test_ported_memory_expires() -> None:
    """The remembered carrier is forgotten after its TTL."""
    clock = ManualClock(START)
    memory = PortedNumbers(ttl_s=100, max_entries=10, clock=clock)
    number = Msisdn("13812345678")
    memory.remember(number, "mobile")
    assert memory.carrier_for(number) == "mobile"
    clock.advance(101)
    assert memory.carrier_for(number) is None


def test_retry_policy_retries_only_transient_errors_once_within_budget() -> None:
    """One retry for transient errors, none for final ones, none when the budget is short."""
    policy = RetryPolicy(
        RetrySettings(max_retries=1, backoff_base_s=0.5, min_attempt_s=1), random.Random(3)
    )
    delay = policy.delay_s(PositioningTimeout(), retries_done=0, remaining_s=10)
    assert delay is not None
    assert 0 <= delay <= 0.5
    assert policy.delay_s(PositioningTimeout(), retries_done=1, remaining_s=10) is None
    assert policy.delay_s(NotPermitted(), retries_done=0, remaining_s=10) is None
    assert policy.delay_s(PositioningTimeout(), retries_done=0, remaining_s=0.9) is None


def test_retry_policy_honours_the_carriers_retry_after() -> None:
    """A RetryAfter hint lengthens the wait; if it does not fit the budget there is no retry."""
    policy = RetryPolicy(RetrySettings(), random.Random(1))
    assert policy.delay_s(CarrierBusy(retry_after_s=2), retries_done=0, remaining_s=10) == 2
    assert policy.delay_s(CarrierBusy(retry_after_s=30), retries_done=0, remaining_s=10) is None
