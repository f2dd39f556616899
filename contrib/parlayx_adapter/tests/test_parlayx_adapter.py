"""The Parlay X adapter, loaded only through its entry point, against scripted replies."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest
import responses

from adapters import (
    CarrierHub,
    ManualClock,
    NotPermitted,
    Qos,
    UnknownSubscriber,
    load_region_config,
    load_registry,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

GATEWAY = "http://parlayx.example/TerminalLocationService/services/TerminalLocation"
NUMBER = "13812345678"
PASSWORD = "px-secret"
NOW = datetime(2024, 3, 18, 1, 30, 30, tzinfo=UTC)

SUCCESS = """<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>
<ns2:getLocationResponse xmlns:ns2="http://www.csapi.org/schema/parlayx/terminal_location/v2_3/local">
<ns2:result><latitude>27.99812</latitude><longitude>120.70254</longitude>
<accuracy>120</accuracy><timestamp>2024-03-18T09:30:12+08:00</timestamp></ns2:result>
</ns2:getLocationResponse></soapenv:Body></soapenv:Envelope>"""


def _fault(kind: str, message_id: str, text: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>
<soapenv:Fault><faultcode>soapenv:Server</faultcode><faultstring>{text}</faultstring>
<detail><ns3:{kind} xmlns:ns3="http://www.csapi.org/schema/parlayx/common/v2_1">
<messageId>{message_id}</messageId><text>{text}</text></ns3:{kind}></detail>
</soapenv:Fault></soapenv:Body></soapenv:Envelope>"""


@pytest.fixture
def hub() -> Iterator[CarrierHub]:
    """A one-carrier region using the parlayx_tl adapter through the registry."""
    region = load_region_config(
        {
            "region": "demo",
            "carriers": {
                "parlayx": {
                    "adapter": "parlayx_tl",
                    "endpoint": GATEWAY,
                    "app_id": "YC-GIS",
                    "password_env": "PX_PASSWORD",
                    "retry": {"max_retries": 0},
                }
            },
        },
        environ={"PX_PASSWORD": PASSWORD},
    )
    built = CarrierHub.from_config(region, load_registry(["parlayx_tl"]), clock=ManualClock(NOW))
    yield built
    built.close()


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    """`responses` intercepting the gateway (no socket is opened)."""
    with responses.RequestsMock() as rm:
        yield rm


def test_adapter_is_discovered_through_the_entry_point() -> None:
    """The core's registry finds parlayx_tl without importing the package by name."""
    registry = load_registry()
    assert "parlayx_tl" in registry
    assert registry["parlayx_tl"].__qualname__ == "ParlayXProvider.from_config"


def test_get_location_maps_to_a_fresh_fix(mocked: responses.RequestsMock, hub: CarrierHub) -> None:
    """LocationInfo becomes a WGS-84 fix with its accuracy and timestamp."""
    mocked.post(GATEWAY, body=SUCCESS, content_type="text/xml")
    outcome = hub.locate(NUMBER, Qos(accuracy_m=100, max_age_s=60))
    assert outcome.fix is not None, outcome.error
    assert (outcome.fix.lat, outcome.fix.lon, outcome.fix.radius_m) == (27.99812, 120.70254, 120)
    assert not outcome.fix.stale
    assert outcome.fix.carrier == "parlayx"


def test_request_carries_qos_ws_security_and_a_finite_timeout(
    mocked: responses.RequestsMock, hub: CarrierHub
) -> None:
    """Address, accuracies, response time below the read timeout, and a UsernameToken."""
    mocked.post(GATEWAY, body=SUCCESS, content_type="text/xml")
    outcome = hub.locate(NUMBER, Qos(accuracy_m=100, max_age_s=60, deadline_s=20))
    body = mocked.calls[0].request.body.decode()
    connect_s, read_s = mocked.calls[0].request.req_kwargs["timeout"]
    assert connect_s <= 3.05
    assert read_s <= 20
    response_time = re.search(r"<ns0:responseTime>.*?<units>(\d+)</units>", body, re.DOTALL)
    assert response_time is not None
    assert int(response_time.group(1)) < read_s
    assert "tel:+8613812345678" in body
    assert "<ns0:requestedAccuracy>100</ns0:requestedAccuracy>" in body
    assert "<ns0:acceptableAccuracy>500</ns0:acceptableAccuracy>" in body
    assert "UsernameToken" in body
    assert PASSWORD in body
    evidence = outcome.exchanges[0].request
    assert PASSWORD not in evidence
    assert NUMBER not in evidence


@pytest.mark.parametrize(
    ("kind", "message_id", "error_type"),
    [
        ("PolicyException", "POL0002", NotPermitted),
        ("ServiceException", "SVC0004", UnknownSubscriber),
    ],
)
def test_parlayx_faults_map_to_typed_errors(
    mocked: responses.RequestsMock,
    hub: CarrierHub,
    kind: str,
    message_id: str,
    error_type: type[Exception],
) -> None:
    """Policy and service exceptions are mapped by messageId."""
    mocked.post(
        GATEWAY, body=_fault(kind, message_id, "refused"), status=500, content_type="text/xml"
    )
    outcome = hub.locate(NUMBER, Qos())
    assert isinstance(outcome.error, error_type)
    assert outcome.error.code == message_id
