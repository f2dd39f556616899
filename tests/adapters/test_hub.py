"""CarrierHub orchestration over scripted providers: fallback, cache, single-flight, breaker."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from adapters import (
    BreakerState,
    CarrierBusy,
    CarrierUnavailable,
    CircuitOpen,
    InvalidMsisdn,
    InvalidQos,
    LocateOutcome,
    ManualClock,
    NotPermitted,
    Qos,
    SubscriberAbsent,
    UnknownCarrierHint,
    UnknownSubscriber,
)
from tests.adapters.conftest import SAMPLE_NOW, fix_for, scripted_hub

NUMBER = "13912345678"


def test_unknown_subscriber_falls_back_to_the_other_carrier_and_remembers_it(
    clock: ManualClock,
) -> None:
    """A ported number is found at the other carrier, which is asked first next time."""
    hub, providers = scripted_hub(
        clock,
        {
            "telecom": [lambda: UnknownSubscriber(carrier="telecom")],
            "mobile": [lambda: fix_for("mobile", radius_m=500)],
        },
    )
    first = hub.locate(NUMBER, Qos(max_age_s=0, accuracy_m=100))
    assert first.fix is not None
    assert first.fix.carrier == "mobile"
    assert first.carriers_tried == ("telecom", "mobile")
    second = hub.locate(NUMBER, Qos(max_age_s=0, accuracy_m=100))
    assert second.carriers_tried == ("mobile",)
    assert providers["telecom"].calls == 1
    assert providers["mobile"].calls == 2


def test_other_errors_do_not_fall_back(clock: ManualClock) -> None:
    """Consent refusal is the subscriber's answer; the other carrier is not asked."""
    hub, providers = scripted_hub(
        clock,
        {
            "telecom": [lambda: NotPermitted(carrier="telecom")],
            "mobile": [lambda: fix_for("mobile")],
        },
    )
    outcome = hub.locate(NUMBER, Qos())
    assert isinstance(outcome.error, NotPermitted)
    assert providers["mobile"].calls == 0


def test_carrier_hint_chooses_the_first_carrier(clock: ManualClock) -> None:
    """The hint overrides the region's fallback order."""
    hub, providers = scripted_hub(
        clock, {"telecom": [lambda: fix_for("telecom")], "mobile": [lambda: fix_for("mobile")]}
    )
    outcome = hub.locate(NUMBER, Qos(), carrier_hint="mobile")
    assert outcome.carriers_tried == ("mobile",)
    assert providers["telecom"].calls == 0


def test_bad_input_gets_specific_typed_errors(clock: ManualClock) -> None:
    """Bad MSISDN, QoS and hint raise ValueError subtypes naming the problem."""
    hub, _ = scripted_hub(
        clock, {"telecom": [lambda: fix_for("telecom")], "mobile": [lambda: fix_for("mobile")]}
    )
    with pytest.raises(InvalidMsisdn, match="11 digits"):
        hub.locate("12345", Qos())
    with pytest.raises(InvalidQos, match="deadline_s"):
        hub.locate(NUMBER, Qos(deadline_s=float("inf")))
    with pytest.raises(InvalidQos):
        hub.locate(NUMBER, "fast")  # type: ignore[arg-type]
    with pytest.raises(UnknownCarrierHint, match="unicom"):
        hub.locate(NUMBER, Qos(), carrier_hint="unicom")


def test_fresh_cached_fix_is_reused_within_max_age_and_refetched_after(
    clock: ManualClock,
) -> None:
    """The cache honours max age by carrier fix time, and accuracy."""
    hub, providers = scripted_hub(
        clock,
        {
            "telecom": [lambda: fix_for("telecom", fix_time=clock.now())],
            "mobile": [lambda: fix_for("mobile")],
        },
    )
    assert not hub.locate(NUMBER, Qos(max_age_s=60)).from_cache
    cached = hub.locate(NUMBER, Qos(max_age_s=60))
    assert cached.from_cache
    assert cached.exchanges == ()  # scripted providers make no HTTP exchange
    assert not hub.locate(NUMBER, Qos(max_age_s=60, accuracy_m=50)).from_cache  # too wide
    clock.advance(61)
    assert not hub.locate(NUMBER, Qos(max_age_s=60)).from_cache
    assert providers["telecom"].calls == 3


def test_stale_fix_is_flagged_and_not_cached(clock: ManualClock) -> None:
    """A fix older than max age comes back stale and the next locate asks again."""
    old = clock.now().replace(year=2023)
    hub, providers = scripted_hub(
        clock,
        {
            "telecom": [lambda: fix_for("telecom", fix_time=old)],
            "mobile": [lambda: fix_for("mobile")],
        },
    )
    outcome = hub.locate(NUMBER, Qos(max_age_s=300))
    assert outcome.fix is not None
    assert outcome.fix.stale
    hub.locate(NUMBER, Qos(max_age_s=300))
    assert providers["telecom"].calls == 2


def test_absent_subscriber_is_cached_negatively_for_its_ttl(clock: ManualClock) -> None:
    """Handset-off answers are reused for negative_ttl_s, then the carrier is asked again."""
    hub, providers = scripted_hub(
        clock,
        {
            "telecom": [lambda: SubscriberAbsent(carrier="telecom")],
            "mobile": [lambda: fix_for("mobile")],
        },
        cache={"negative_ttl_s": 60},
    )
    hub.locate(NUMBER, Qos())
    again = hub.locate(NUMBER, Qos())
    assert again.from_cache
    assert isinstance(again.error, SubscriberAbsent)
    clock.advance(61)
    hub.locate(NUMBER, Qos())
    assert providers["telecom"].calls == 2


def test_concurrent_locates_of_one_number_share_one_carrier_call(clock: ManualClock) -> None:
    """Single-flight: ten simultaneous check-ins of one phone cost one positioning."""
    hub, providers = scripted_hub(
        clock,
        {
            "telecom": [lambda: fix_for("telecom", fix_time=clock.now())],
            "mobile": [lambda: fix_for("mobile")],
        },
        cache={"enabled": False},  # only the shared flight can save the nine calls
    )
    gate = threading.Event()
    providers["telecom"].gate = gate
    with ThreadPoolExecutor(10) as pool:
        futures = [pool.submit(hub.locate, NUMBER, Qos(max_age_s=0)) for _ in range(10)]
        while providers["telecom"].calls == 0:
            threading.Event().wait(0.01)
        threading.Event().wait(0.5)  # let the other nine join the flight
        gate.set()
        outcomes = [f.result() for f in futures]
    assert providers["telecom"].calls == 1
    assert all(o.ok for o in outcomes)


def test_transient_error_is_retried_once_then_succeeds(clock: ManualClock) -> None:
    """Busy then success: two calls, a fix, the breaker stays closed."""
    hub, providers = scripted_hub(
        clock,
        {
            "telecom": [lambda: CarrierBusy(carrier="telecom"), lambda: fix_for("telecom")],
            "mobile": [lambda: fix_for("mobile")],
        },
    )
    assert hub.locate(NUMBER, Qos()).ok
    assert providers["telecom"].calls == 2
    assert hub.breaker_state("telecom") is BreakerState.CLOSED


def test_breaker_opens_after_repeated_faults_and_recovers_after_reset(clock: ManualClock) -> None:
    """Three faults open the circuit (no call made), a trial after the reset closes it."""
    healthy = {"value": False}

    def answer() -> object:
        return fix_for("telecom") if healthy["value"] else CarrierUnavailable(carrier="telecom")

    hub, providers = scripted_hub(
        clock,
        {"telecom": [answer], "mobile": [lambda: fix_for("mobile")]},
        telecom={
            "breaker": {"failure_threshold": 3, "reset_timeout_s": 30},
            "retry": {"max_retries": 0},
        },
    )
    for _ in range(3):
        assert isinstance(hub.locate(NUMBER, Qos(max_age_s=0)).error, CarrierUnavailable)
    assert hub.breaker_state("telecom") is BreakerState.OPEN
    blocked = hub.locate(NUMBER, Qos(max_age_s=0))
    assert isinstance(blocked.error, CircuitOpen)
    assert providers["telecom"].calls == 3
    clock.advance(30)
    healthy["value"] = True
    assert hub.locate(NUMBER, Qos(max_age_s=0)).ok
    assert hub.breaker_state("telecom") is BreakerState.CLOSED


def test_subscriber_errors_never_trip_the_breaker(clock: ManualClock) -> None:
    """Many absent/consent answers leave the circuit closed."""
    hub, _ = scripted_hub(
        clock,
        {
            "telecom": [lambda: NotPermitted(carrier="telecom")],
            "mobile": [lambda: fix_for("mobile")],
        },
        telecom={"breaker": {"failure_threshold": 2}},
    )
    for _ in range(5):
        hub.locate(NUMBER, Qos())
    assert hub.breaker_state("telecom") is BreakerState.CLOSED


def test_attempt_budget_never_exceeds_the_deadline(clock: ManualClock) -> None:
    """The provider is handed read/connect timeouts within the locate's deadline."""
    hub, providers = scripted_hub(
        clock, {"telecom": [lambda: fix_for("telecom")], "mobile": [lambda: fix_for("mobile")]}
    )
    hub.locate(NUMBER, Qos(deadline_s=4))
    (budget,) = providers["telecom"].budgets
    assert budget.read_timeout_s <= 4
    assert budget.connect_timeout_s <= 2
    assert budget.inner_timer_s == 1  # floor(read - 5 s margin) clamped to the minimum


def test_region_max_deadline_caps_the_callers_deadline(clock: ManualClock) -> None:
    """A caller cannot ask for more time than the region allows."""
    hub, providers = scripted_hub(
        clock,
        {"telecom": [lambda: fix_for("telecom")], "mobile": [lambda: fix_for("mobile")]},
        max_deadline_s=3,
    )
    hub.locate(NUMBER, Qos(deadline_s=60))
    assert providers["telecom"].budgets[0].read_timeout_s <= 3


def test_sync_locate_refuses_to_block_a_running_event_loop(clock: ManualClock) -> None:
    """Calling the blocking API from async code is a clear error, not a frozen loop."""
    hub, _ = scripted_hub(
        clock, {"telecom": [lambda: fix_for("telecom")], "mobile": [lambda: fix_for("mobile")]}
    )

    async def misuse() -> None:
        hub.locate(NUMBER, Qos())

    with pytest.raises(RuntimeError, match="locate_async"):
        asyncio.run(misuse())


def test_async_locate_returns_the_same_kind_of_outcome(clock: ManualClock) -> None:
    """locate_async works from an event loop and yields a fix."""
    hub, _ = scripted_hub(
        clock, {"telecom": [lambda: fix_for("telecom")], "mobile": [lambda: fix_for("mobile")]}
    )
    outcome = asyncio.run(hub.locate_async(NUMBER, Qos()))
    assert outcome.ok
    assert outcome.subscriber == "*******5678"


def test_outcome_requires_exactly_one_of_fix_and_error() -> None:
    """A LocateOutcome with both or neither is rejected."""
    with pytest.raises(ValueError, match="exactly one"):
        LocateOutcome("*", None, None, (), (), False, 0.0)
    with pytest.raises(ValueError, match="exactly one"):
        LocateOutcome("*", fix_for("t", fix_time=SAMPLE_NOW), NotPermitted(), (), (), False, 0.0)


def test_each_fault_and_each_breaker_change_is_one_log_line(
    clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    """Operators read a failing carrier in the log: a line per fault (its kind, no text that
    could quote an envelope) and a line per breaker change, open and closed again."""
    healthy = {"value": False}

    def answer() -> object:
        return fix_for("telecom") if healthy["value"] else CarrierUnavailable(carrier="telecom")

    hub, _ = scripted_hub(
        clock,
        {"telecom": [answer], "mobile": [lambda: fix_for("mobile")]},
        telecom={
            "breaker": {"failure_threshold": 2, "reset_timeout_s": 30},
            "retry": {"max_retries": 0},
        },
    )
    with caplog.at_level("INFO", logger="adapters.hub"):
        for _ in range(3):  # two faults open it; the third press is not even sent
            hub.locate(NUMBER, Qos(max_age_s=0))
        clock.advance(30)
        healthy["value"] = True
        assert hub.locate(NUMBER, Qos(max_age_s=0)).ok
    faults = [r for r in caplog.records if r.getMessage() == "carrier fault"]
    assert [(r.carrier, r.error) for r in faults] == [("telecom", "CarrierUnavailable")] * 2  # type: ignore[attr-defined]
    changes = [
        r.getMessage() for r in caplog.records if r.getMessage().startswith("carrier circuit")
    ]
    assert changes == [
        "carrier circuit closed -> open",
        "carrier circuit open -> half_open",
        "carrier circuit half_open -> closed",
    ]
