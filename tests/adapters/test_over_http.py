"""Over real HTTP against the mock carriers on 127.0.0.1 (uvicorn in a background thread)."""

from __future__ import annotations

import asyncio
import time
import tracemalloc
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest
import requests

from adapters import (
    BreakerState,
    CarrierHub,
    CarrierTimeout,
    CarrierUnavailable,
    CircuitOpen,
    MalformedAnswer,
    ManualClock,
    Qos,
    UnknownSubscriber,
    load_registry,
)
from contrib.mock_carriers import Behaviour, MockCarrierServer, mobile_app, telecom_app
from contrib.mock_carriers.state import mobile_state, telecom_state
from geo import haversine_m
from tests.adapters.conftest import PASSWORD, make_region

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

TELECOM_PHONE = "13312345678"
MOBILE_PHONE = "13812345678"
RETAILER = (27.99812, 120.70254)  # lat, lon of the shop the demo phone is "visiting"


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[str, MockCarrierServer]]:
    """Both mock carriers on ephemeral loopback ports for the whole module."""
    telecom = MockCarrierServer(telecom_app(telecom_state(password=PASSWORD))).start()
    mobile = MockCarrierServer(mobile_app(mobile_state(password=PASSWORD))).start()
    yield {"telecom": telecom, "mobile": mobile}
    telecom.stop()
    mobile.stop()


@pytest.fixture
def live_clock() -> ManualClock:
    """A hand-moved clock standing at the real now (the mocks time their fixes by the wall)."""
    return ManualClock(datetime.now(UTC))


@pytest.fixture
def live_hub(
    servers: dict[str, MockCarrierServer], live_clock: ManualClock
) -> Iterator[Callable[..., CarrierHub]]:
    """Hubs pointing at the mock servers; behaviours are reset after each test."""
    hubs: list[CarrierHub] = []

    def build(*, real_clock: bool = True, **overrides: Any) -> CarrierHub:
        overrides.setdefault("cache", {"enabled": False})
        for cid, path in (
            ("telecom", "/saye/services/Location"),
            ("mobile", "/websrvzjdw/service.asmx"),
        ):
            overrides.setdefault(cid, {})
            overrides[cid].setdefault("endpoint", servers[cid].url + path)
        region = make_region(**overrides)
        hub = CarrierHub.from_config(
            region,
            load_registry({c.adapter for c in region.carriers}),
            clock=None if real_clock else live_clock,
        )
        hubs.append(hub)
        return hub

    yield build
    for server in servers.values():
        server.carrier.behaviour = Behaviour()
        server.carrier.released.set()
    for hub in hubs:
        hub.close()
    for server in servers.values():
        server.carrier.released.clear()


@pytest.mark.parametrize("soap_version", ["1.1", "1.2"])
def test_both_carriers_locate_the_demo_phone_near_its_retailer(
    servers: dict[str, MockCarrierServer], live_hub: Callable[..., CarrierHub], soap_version: str
) -> None:
    """Real SOAP round trips give fresh fixes within a few radii of the true position."""
    servers["telecom"].carrier.phones[TELECOM_PHONE] = RETAILER
    servers["mobile"].carrier.phones[MOBILE_PHONE] = RETAILER
    servers["mobile"].carrier.behaviour = Behaviour(method="GPS", coord_sys="GCJ02")
    hub = live_hub(mobile={"options": {"soap_version": soap_version}})
    telecom = hub.locate(TELECOM_PHONE, Qos(), carrier_hint="telecom")
    mobile = hub.locate(MOBILE_PHONE, Qos(), carrier_hint="mobile")
    assert telecom.fix is not None, telecom.error
    assert mobile.fix is not None, mobile.error
    assert not telecom.fix.stale
    assert not mobile.fix.stale
    assert haversine_m(telecom.fix.lat, telecom.fix.lon, *RETAILER) < 4 * telecom.fix.radius_m
    assert haversine_m(mobile.fix.lat, mobile.fix.lon, *RETAILER) < 4 * mobile.fix.radius_m
    assert mobile.fix.source_crs == "GCJ02"


def test_number_ported_to_mobile_is_found_there(
    servers: dict[str, MockCarrierServer], live_hub: Callable[..., CarrierHub]
) -> None:
    """A Telecom-prefix number that moved to Mobile: unknown at Telecom, found at Mobile."""
    ported = "18912345678"
    servers["mobile"].carrier.ported_in.add(ported)
    servers["telecom"].carrier.ported_out.add(ported)
    outcome = live_hub().locate(ported, Qos(), carrier_hint="telecom")
    assert outcome.ok, outcome.error
    assert outcome.carriers_tried == ("telecom", "mobile")
    assert len(outcome.exchanges) == 2


def test_a_carrier_that_never_answers_costs_at_most_the_deadline(
    servers: dict[str, MockCarrierServer], live_hub: Callable[..., CarrierHub]
) -> None:
    """With Telecom hung, a 0.5 s deadline returns a timeout in well under 1.5 s."""
    servers["telecom"].carrier.behaviour = Behaviour(mode="hang")
    hub = live_hub()
    started = time.monotonic()
    outcome = hub.locate(TELECOM_PHONE, Qos(deadline_s=0.5), carrier_hint="telecom")
    elapsed_s = time.monotonic() - started
    assert isinstance(outcome.error, CarrierTimeout)
    assert elapsed_s < 1.5


def test_a_trickling_answer_is_cut_at_the_deadline(
    servers: dict[str, MockCarrierServer], live_hub: Callable[..., CarrierHub]
) -> None:
    """A body dripping one byte per 0.2 s cannot keep the locate past its deadline."""
    servers["mobile"].carrier.behaviour = Behaviour(mode="drip")
    started = time.monotonic()
    outcome = live_hub().locate(MOBILE_PHONE, Qos(deadline_s=1.0), carrier_hint="mobile")
    assert isinstance(outcome.error, CarrierTimeout)
    assert time.monotonic() - started < 2.5


def test_with_telecom_hung_fifty_concurrent_mobile_locates_complete(
    servers: dict[str, MockCarrierServer], live_hub: Callable[..., CarrierHub]
) -> None:
    """Bulkheads: Telecom's pool is full of hung calls while 50 Mobile locates all succeed."""
    servers["telecom"].carrier.behaviour = Behaviour(mode="hang")
    hub = live_hub(telecom={"max_concurrent": 4}, mobile={"max_concurrent": 8})
    mobile_numbers = [f"1380000{i:04d}" for i in range(50)]
    telecom_numbers = [f"1330000{i:04d}" for i in range(12)]

    telecom = servers["telecom"].carrier
    seen_before = telecom.requests_seen

    async def run() -> tuple[list[Any], list[Any]]:
        hung = [
            asyncio.ensure_future(hub.locate_async(n, Qos(deadline_s=4), carrier_hint="telecom"))
            for n in telecom_numbers
        ]
        for _ in range(2_000):  # wait (bounded) until Telecom's 4 slots hold hung calls
            if telecom.requests_seen >= seen_before + 4:
                break
            await asyncio.sleep(0.005)
        assert telecom.requests_seen >= seen_before + 4, "Telecom's slots never filled"
        mobile = await asyncio.gather(
            *(hub.locate_async(n, Qos(deadline_s=8), carrier_hint="mobile") for n in mobile_numbers)
        )
        return mobile, list(await asyncio.gather(*hung))

    mobile, hung = asyncio.run(run())
    assert all(o.ok for o in mobile), [o.error for o in mobile if not o.ok][:3]
    assert all(isinstance(o.error, CarrierUnavailable) for o in hung)  # timeout or bulkhead full


def test_breaker_opens_after_repeated_failures_and_recovers(
    servers: dict[str, MockCarrierServer],
    live_hub: Callable[..., CarrierHub],
    live_clock: ManualClock,
) -> None:
    """Three SOAP faults open Telecom's circuit; after the reset a healthy carrier closes it."""
    carrier = servers["telecom"].carrier
    carrier.behaviour = Behaviour(mode="fault")
    hub = live_hub(
        real_clock=False,
        telecom={"breaker": {"failure_threshold": 3, "reset_timeout_s": 60}},
    )
    for _ in range(3):
        assert isinstance(
            hub.locate(TELECOM_PHONE, Qos(), carrier_hint="telecom").error, CarrierUnavailable
        )
    assert hub.breaker_state("telecom") is BreakerState.OPEN
    seen = carrier.requests_seen
    blocked = hub.locate(TELECOM_PHONE, Qos(), carrier_hint="telecom")
    assert isinstance(blocked.error, CircuitOpen)
    assert carrier.requests_seen == seen  # failing fast: nothing sent
    carrier.behaviour = Behaviour()
    live_clock.advance(60)
    assert hub.locate(TELECOM_PHONE, Qos(), carrier_hint="telecom").ok
    assert hub.breaker_state("telecom") is BreakerState.CLOSED


@pytest.mark.parametrize(
    "mode", ["xxe", "billion_laughs", "huge", "truncated", "wrong_namespace", "empty"]
)
@pytest.mark.parametrize("carrier", ["telecom", "mobile"])
def test_hostile_mock_answers_are_malformed_answers(
    servers: dict[str, MockCarrierServer],
    live_hub: Callable[..., CarrierHub],
    carrier: str,
    mode: str,
) -> None:
    """Every hostile switch of both mocks ends as MalformedAnswer over real HTTP."""
    servers[carrier].carrier.behaviour = Behaviour(mode=mode)
    phone = TELECOM_PHONE if carrier == "telecom" else MOBILE_PHONE
    outcome = live_hub().locate(phone, Qos(deadline_s=10), carrier_hint=carrier)
    assert isinstance(outcome.error, MalformedAnswer), outcome.error


def test_mock_serves_its_wsdl_pointing_at_itself(servers: dict[str, MockCarrierServer]) -> None:
    """?wsdl answers the packaged WSDL with soap:address rewritten to the mock's URL."""
    for cid, path in (
        ("telecom", "/saye/services/Location"),
        ("mobile", "/websrvzjdw/service.asmx"),
    ):
        url = servers[cid].url + path
        response = requests.get(url + "?wsdl", timeout=5)
        assert response.status_code == 200
        assert f'location="{url}"' in response.text


@pytest.mark.parametrize(
    ("carrier", "code", "kind"),
    [
        ("telecom", 202, "not_permitted"),
        ("telecom", 5, "subscriber_absent"),
        ("telecom", 3, "bad_credentials"),
        ("mobile", 2002, "not_permitted"),
        ("mobile", 3001, "subscriber_absent"),
        ("mobile", 4001, "busy"),
        ("mobile", 9999, "unavailable"),
    ],
)
def test_result_code_switch_reaches_the_caller_as_a_typed_error(
    servers: dict[str, MockCarrierServer],
    live_hub: Callable[..., CarrierHub],
    carrier: str,
    code: int,
    kind: str,
) -> None:
    """The mocks' result-code switch travels through real SOAP to the mapped error kind."""
    servers[carrier].carrier.behaviour = Behaviour(mode="code", code=code)
    phone = TELECOM_PHONE if carrier == "telecom" else MOBILE_PHONE
    outcome = live_hub().locate(phone, Qos(deadline_s=5), carrier_hint=carrier)
    assert outcome.error is not None
    assert outcome.error.kind == kind
    assert outcome.error.code == str(code)


HOSTILE_DEADLINE_S = 3.0
SLACK_S = 0.7
HOSTILE_KINDS: dict[str, tuple[dict[str, Any], Callable[[Any], bool]]] = {
    "hang": ({"mode": "hang"}, lambda o: isinstance(o.error, CarrierTimeout)),
    "fault": (
        {"mode": "fault"},
        lambda o: type(o.error) is CarrierUnavailable and not o.error.transient,
    ),
    "html": ({"mode": "html"}, lambda o: o.error is not None and o.error.code == "HTTP 503"),
    "xxe": ({"mode": "xxe"}, lambda o: isinstance(o.error, MalformedAnswer)),
    "billion_laughs": ({"mode": "billion_laughs"}, lambda o: isinstance(o.error, MalformedAnswer)),
    "fifty_megabytes": ({"mode": "huge"}, lambda o: isinstance(o.error, MalformedAnswer)),
    "truncated": ({"mode": "truncated"}, lambda o: isinstance(o.error, MalformedAnswer)),
    "wrong_namespace": (
        {"mode": "wrong_namespace"},
        lambda o: isinstance(o.error, MalformedAnswer),
    ),
    "empty": ({"mode": "empty"}, lambda o: isinstance(o.error, MalformedAnswer)),
    "gb2312_envelope": ({"mode": "gb2312"}, lambda o: o.ok and not o.fix.stale),
    "stale": ({"mode": "stale"}, lambda o: o.ok and o.fix.stale),
    "unknown_subscriber": ({}, lambda o: isinstance(o.error, UnknownSubscriber)),
    "redirect": (
        {"mode": "redirect"},
        lambda o: type(o.error) is CarrierUnavailable and o.error.code == "HTTP 307",
    ),
    "trickle": ({"mode": "trickle"}, lambda o: isinstance(o.error, CarrierTimeout)),
    "drip": ({"mode": "drip"}, lambda o: isinstance(o.error, CarrierTimeout)),
}


@pytest.mark.parametrize("kind", list(HOSTILE_KINDS))
@pytest.mark.parametrize("carrier", ["telecom", "mobile"])
def test_every_hostile_kind_ends_as_typed_evidence_within_the_deadline(
    servers: dict[str, MockCarrierServer],
    live_hub: Callable[..., CarrierHub],
    carrier: str,
    kind: str,
) -> None:
    """Issue 14's hostile carrier, kind by kind, through real zeep and real sockets.

    Resets are in ``test_answers_are_input`` (uvicorn cannot send a TCP RST).
    """
    behaviour, expected = HOSTILE_KINDS[kind]
    server = servers[carrier].carrier
    server.behaviour = Behaviour(**behaviour)
    phone = TELECOM_PHONE if carrier == "telecom" else MOBILE_PHONE
    if kind == "unknown_subscriber":
        phone = "17012345678"  # a prefix neither mock issued: both are asked, both disown it
    hub = live_hub(**{carrier: {"breaker": {"failure_threshold": 100}}})
    started = time.monotonic()
    outcome = hub.locate(phone, Qos(deadline_s=HOSTILE_DEADLINE_S), carrier_hint=carrier)
    elapsed_s = time.monotonic() - started
    assert expected(outcome), outcome
    assert elapsed_s < HOSTILE_DEADLINE_S + SLACK_S
    assert server.redirected_seen == 0
    for exchange in outcome.exchanges:
        assert PASSWORD not in exchange.request + (exchange.response or "")
        assert len(exchange.response or "") < 70_000
    assert hub.health()[carrier].in_flight == 0  # the worker is free again, even after a hang


def test_a_redirect_to_another_origin_never_reaches_it(
    servers: dict[str, MockCarrierServer], live_hub: Callable[..., CarrierHub]
) -> None:
    """Telecom redirects to the Mobile mock: Mobile's trap route stays untouched."""
    trap = servers["mobile"].url + "/_mock/redirected"
    servers["telecom"].carrier.behaviour = Behaviour(mode="redirect", redirect_to=trap)
    seen = servers["mobile"].carrier.requests_seen
    outcome = live_hub().locate(TELECOM_PHONE, Qos(deadline_s=5), carrier_hint="telecom")
    assert isinstance(outcome.error, CarrierUnavailable)
    assert trap in outcome.error.detail
    assert servers["mobile"].carrier.redirected_seen == 0
    assert servers["mobile"].carrier.requests_seen == seen


def test_a_fifty_megabyte_answer_is_refused_in_bounded_memory(
    servers: dict[str, MockCarrierServer], live_hub: Callable[..., CarrierHub]
) -> None:
    """Python allocations peak far below the answer's size while it is refused."""
    servers["mobile"].carrier.behaviour = Behaviour(mode="huge")
    hub = live_hub()
    tracemalloc.start()
    try:
        outcome = hub.locate(MOBILE_PHONE, Qos(deadline_s=5), carrier_hint="mobile")
        _, peak_bytes = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(outcome.error, MalformedAnswer)
    assert peak_bytes < 12 * 1024 * 1024, peak_bytes  # the body cap is 1 MiB
