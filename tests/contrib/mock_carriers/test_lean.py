"""The lean asyncio server serves the same mock apps the zeep adapters speak to."""

from __future__ import annotations

import asyncio
import signal
import sys
import threading
import time
from typing import TYPE_CHECKING

import httpx
import pytest

from adapters import CarrierHub, CarrierUnavailable, Qos, load_registry
from contrib.mock_carriers import Behaviour, mobile_app, telecom_app
from contrib.mock_carriers.lean import serve_lean
from contrib.mock_carriers.state import mobile_state, telecom_state
from geo import haversine_m
from tests.adapters.conftest import PASSWORD, make_region
from tests.contrib.processes import child, free_ports, poll

if TYPE_CHECKING:
    from collections.abc import Iterator

    from starlette.applications import Starlette

TELECOM_PHONE = "13312345678"
MOBILE_PHONE = "13812345678"
RETAILER = (27.99812, 120.70254)


@pytest.fixture(scope="module")
def lean() -> Iterator[dict[str, Starlette | str]]:
    """Both mock apps on the lean server (ephemeral loopback ports) in a background loop."""
    apps = {
        "telecom": telecom_app(telecom_state(password=PASSWORD)),
        "mobile": mobile_app(mobile_state(password=PASSWORD)),
    }
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    servers = [
        asyncio.run_coroutine_threadsafe(serve_lean(app, "127.0.0.1", 0), loop).result(10)
        for app in apps.values()
    ]
    urls = {
        name: f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
        for name, server in zip(apps, servers, strict=True)
    }
    yield {**apps, **{f"{name}_url": url for name, url in urls.items()}}

    async def shut() -> None:
        for server in servers:
            server.close()
            await server.wait_closed()

    asyncio.run_coroutine_threadsafe(shut(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=10)
    loop.close()


def _hub(lean: dict[str, Starlette | str], soap_version: str = "1.1") -> CarrierHub:
    region = make_region(
        cache={"enabled": False},
        telecom={"endpoint": f"{lean['telecom_url']}/saye/services/Location"},
        mobile={
            "endpoint": f"{lean['mobile_url']}/websrvzjdw/service.asmx",
            "options": {"soap_version": soap_version},
        },
    )
    return CarrierHub.from_config(region, load_registry({c.adapter for c in region.carriers}))


@pytest.mark.parametrize("soap_version", ["1.1", "1.2"])
def test_zeep_adapters_locate_through_the_lean_server_again_and_again(
    lean: dict[str, Starlette | str], soap_version: str
) -> None:
    """Three locates per carrier on kept-alive connections: fresh fixes near the phone."""
    for name, phone in (("telecom", TELECOM_PHONE), ("mobile", MOBILE_PHONE)):
        lean[name].state.carrier.phones[phone] = RETAILER  # type: ignore[union-attr]
    hub = _hub(lean, soap_version)
    try:
        for _ in range(3):
            for name, phone in (("telecom", TELECOM_PHONE), ("mobile", MOBILE_PHONE)):
                outcome = hub.locate(phone, Qos(), carrier_hint=name)
                assert outcome.fix is not None, outcome.error
                assert not outcome.fix.stale
                distance_m = haversine_m(outcome.fix.lat, outcome.fix.lon, *RETAILER)
                assert distance_m < 4 * outcome.fix.radius_m
    finally:
        hub.close()


def test_a_fault_and_the_control_route_pass_through_the_lean_server(
    lean: dict[str, Starlette | str],
) -> None:
    """Behaviour set over HTTP applies: a SOAP fault reaches the adapter as a carrier error."""
    base = str(lean["telecom_url"])
    httpx.post(f"{base}/_mock/behaviour", json={"mode": "fault"}, timeout=5).raise_for_status()
    hub = _hub(lean)
    try:
        outcome = hub.locate(TELECOM_PHONE, Qos(), carrier_hint="telecom")
    finally:
        hub.close()
        lean["telecom"].state.carrier.behaviour = Behaviour()  # type: ignore[union-attr]
    assert outcome.fix is None
    assert isinstance(outcome.error, CarrierUnavailable)
    assert httpx.get(f"{base}/_mock/behaviour", timeout=5).json()["requests_seen"] >= 1


def test_lean_mode_process_answers_and_stops_on_sigterm() -> None:
    """``python -m contrib.mock_carriers --lean`` serves both ports and exits on SIGTERM."""
    telecom_port, mobile_port = free_ports(2)
    args = [sys.executable, "-m", "contrib.mock_carriers", "--lean"]
    ports = ["--telecom-port", str(telecom_port), "--mobile-port", str(mobile_port)]
    with child([*args, *ports]) as (proc, _output):
        for port in (telecom_port, mobile_port):
            url = f"http://127.0.0.1:{port}/_mock/behaviour"
            poll(lambda u=url: _answers(u), timeout_s=30, what="lean mocks up")
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
    assert time.monotonic() - started < 10
    assert not _answers(f"http://127.0.0.1:{telecom_port}/_mock/behaviour")


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.TransportError:
        return False
