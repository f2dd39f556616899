"""China Telecom GetPosition against every canned sample, scripted with `responses`."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

import pytest
import requests
from lxml import etree

from adapters import (
    CarrierHub,
    CarrierTimeout,
    CarrierUnavailable,
    NotPermitted,
    PositioningTimeout,
    PositionMethod,
    Qos,
    SubscriberAbsent,
    UnknownSubscriber,
)
from tests.adapters.conftest import (
    PASSWORD,
    TELECOM_NUMBER,
    TELECOM_URL,
    fixture_bytes,
    telecom_envelope,
)

if TYPE_CHECKING:
    import responses

HubFactory = Callable[..., CarrierHub]


def _reply(mocked: responses.RequestsMock, sample: str, *, status: int = 200) -> None:
    body = fixture_bytes("telecom", sample)
    if not sample.startswith("soap-"):
        body = telecom_envelope(body.decode("utf-8")).encode("utf-8")
    mocked.post(TELECOM_URL, body=body, status=status, content_type="text/xml; charset=utf-8")


def _inner_request(call: responses.Call) -> etree._Element:
    envelope = etree.fromstring(call.request.body)
    in0 = envelope.find(".//in0")
    assert in0 is not None
    return etree.fromstring(in0.text.encode("utf-8"))


def test_full_axis_envelope_success_maps_to_a_fresh_cell_fix(
    mocked: responses.RequestsMock, hub_factory: HubFactory
) -> None:
    """The rpc/encoded reply sample yields the decimal position, radius, method and fix time."""
    _reply(mocked, "soap-response-success.xml")
    outcome = hub_factory(only=["telecom"]).locate(TELECOM_NUMBER, Qos())
    fix = outcome.fix
    assert fix is not None, outcome.error
    assert fix.lat == pytest.approx(30.287459, abs=1e-6)
    assert fix.lon == pytest.approx(120.153576, abs=1e-6)
    assert fix.radius_m == 150
    assert fix.method is PositionMethod.CELL
    assert fix.fix_time == datetime(2024, 3, 18, 9, 30, 12, tzinfo=timezone(timedelta(hours=8)))
    assert not fix.stale
    assert fix.carrier == "telecom"
    assert fix.confidence_pct == 68


def test_gps_sample_maps_to_an_agps_fix_with_small_radius(
    mocked: responses.RequestsMock, hub_factory: HubFactory
) -> None:
    """The A-GPS answer keeps its 25 m radius and method."""
    _reply(mocked, "response-success-gps.xml")
    fix = hub_factory(only=["telecom"]).locate(TELECOM_NUMBER, Qos()).fix
    assert fix is not None
    assert (fix.method, fix.radius_m) == (PositionMethod.AGPS, 25)


def test_cell_inner_sample_maps_like_the_envelope_sample(
    mocked: responses.RequestsMock, hub_factory: HubFactory
) -> None:
    """The bare inner success document gives the same fix as the full envelope sample."""
    _reply(mocked, "response-success.xml")
    fix = hub_factory(only=["telecom"]).locate(TELECOM_NUMBER, Qos()).fix
    assert fix is not None
    assert (round(fix.lat, 6), round(fix.lon, 6), fix.radius_m) == (30.287459, 120.153576, 150)


def test_last_known_answer_is_a_fix_flagged_stale(
    mocked: responses.RequestsMock, hub_factory: HubFactory
) -> None:
    """A 78-minute-old CURRENT_OR_LAST answer is returned but flagged stale against max age."""
    _reply(mocked, "response-last-known.xml")
    fix = hub_factory(only=["telecom"]).locate(TELECOM_NUMBER, Qos(max_age_s=300)).fix
    assert fix is not None
    assert fix.stale
    assert fix.radius_m == 1200
    assert (round(fix.lat, 6), round(fix.lon, 6)) == (30.274085, 120.15507)


@pytest.mark.parametrize(
    ("sample", "error_type", "code", "calls"),
    [
        ("response-out-of-coverage.xml", SubscriberAbsent, "5", 1),
        ("response-error-positioning-not-allowed.xml", NotPermitted, "202", 1),
        ("response-error-timeout.xml", PositioningTimeout, "7", 2),  # retried once
        ("response-error-unknown-subscriber.xml", UnknownSubscriber, "4", 1),
    ],
)
def test_mlp_error_samples_map_to_typed_errors(
    mocked: responses.RequestsMock,
    hub_factory: HubFactory,
    sample: str,
    error_type: type[Exception],
    code: str,
    calls: int,
) -> None:
    """Each MLP result code maps to its error type; only the transient one is retried."""
    _reply(mocked, sample)
    outcome = hub_factory(only=["telecom"]).locate(TELECOM_NUMBER, Qos())
    assert isinstance(outcome.error, error_type)
    assert outcome.error.code == code
    assert outcome.error.carrier == "telecom"
    assert len(mocked.calls) == calls
    assert len(outcome.exchanges) == calls


def test_axis_fault_maps_to_carrier_unavailable_with_the_fault_text(
    mocked: responses.RequestsMock, hub_factory: HubFactory
) -> None:
    """An HTTP 500 Axis fault is a typed unavailability carrying the fault code and text."""
    _reply(mocked, "soap-fault.xml", status=500)
    outcome = hub_factory(only=["telecom"]).locate(TELECOM_NUMBER, Qos())
    assert isinstance(outcome.error, CarrierUnavailable)
    assert "Server.userException" in outcome.error.code
    assert "Read timed out" in outcome.error.detail
    assert outcome.exchanges[0].http_status == 500


def test_timeouts_on_the_wire_are_finite_and_the_inner_timer_is_below_the_read_timeout(
    mocked: responses.RequestsMock, hub_factory: HubFactory
) -> None:
    """requests gets (connect, read) within the deadline and resp_timer is below read."""
    _reply(mocked, "response-success.xml")
    hub_factory(only=["telecom"]).locate(TELECOM_NUMBER, Qos(deadline_s=12))
    connect_s, read_s = mocked.calls[0].request.req_kwargs["timeout"]
    assert connect_s == 2.0
    assert 11 < read_s <= 12
    slir = _inner_request(mocked.calls[0])
    resp_timer = int(slir.findtext("slir/eqop/resp_timer"))
    assert 1 <= resp_timer < read_s
    assert resp_timer == int(read_s - 5)


def test_request_passes_the_soapenc_string_argument_intact(
    mocked: responses.RequestsMock, hub_factory: HubFactory
) -> None:
    """The in0 argument carries xsi:type soapenc:string and the whole MLP document, ids included."""
    _reply(mocked, "response-success.xml")
    hub_factory(only=["telecom"]).locate(TELECOM_NUMBER, Qos(accuracy_m=150, max_age_s=60))
    request = mocked.calls[0].request
    assert request.headers["SOAPAction"] == '""'
    envelope = etree.fromstring(request.body)
    in0 = envelope.find(".//in0")
    assert in0.get("{http://www.w3.org/2001/XMLSchema-instance}type") == "soapenc:string"
    slir = _inner_request(mocked.calls[0])
    assert slir.findtext("hdr/client/id") == "YC-GIS"
    assert slir.findtext("hdr/client/pwd") == PASSWORD
    assert slir.findtext("hdr/client/serviceid") == "LBS0001"
    assert slir.findtext("slir/msids/msid") == "86" + TELECOM_NUMBER
    assert slir.findtext("slir/eqop/hor_acc") == "150"
    assert slir.findtext("slir/eqop/max_loc_age") == "60"


def test_evidence_keeps_the_exchange_with_password_and_number_masked(
    mocked: responses.RequestsMock, hub_factory: HubFactory
) -> None:
    """The stored request/answer hide the password and all but the last four digits."""
    _reply(mocked, "soap-response-success.xml")
    outcome = hub_factory(only=["telecom"]).locate(TELECOM_NUMBER, Qos())
    (exchange,) = outcome.exchanges
    assert PASSWORD not in exchange.request
    assert TELECOM_NUMBER not in exchange.request
    assert TELECOM_NUMBER not in (exchange.response or "")
    assert "*******5678" in exchange.request
    assert "*******5678" in (exchange.response or "")
    assert "&lt;pwd&gt;***&lt;/pwd&gt;" in exchange.request
    assert exchange.http_status == 200
    assert exchange.endpoint == TELECOM_URL


def test_read_timeout_maps_to_carrier_timeout_without_retry(
    mocked: responses.RequestsMock, hub_factory: HubFactory
) -> None:
    """A read timeout may mean positioning is still running, so it is not retried."""
    mocked.post(TELECOM_URL, body=requests.exceptions.ReadTimeout("slow"))
    outcome = hub_factory(only=["telecom"]).locate(TELECOM_NUMBER, Qos())
    assert isinstance(outcome.error, CarrierTimeout)
    assert len(mocked.calls) == 1
    assert outcome.exchanges[0].response is None


def test_connection_error_is_retried_once_then_reported(
    mocked: responses.RequestsMock, hub_factory: HubFactory
) -> None:
    """A refused connection is transient: exactly one retry, then a typed error."""
    mocked.post(TELECOM_URL, body=requests.exceptions.ConnectionError("refused"))
    outcome = hub_factory(only=["telecom"]).locate(TELECOM_NUMBER, Qos())
    assert isinstance(outcome.error, CarrierUnavailable)
    assert outcome.error.transient
    assert len(mocked.calls) == 2


def test_html_error_page_maps_to_carrier_unavailable(
    mocked: responses.RequestsMock, hub_factory: HubFactory
) -> None:
    """A gateway's HTML 503 page is an unavailable carrier (retried once), not a crash."""
    mocked.post(
        TELECOM_URL,
        body="<html><body><h1>503 Service Unavailable</h1></body></html>",
        status=503,
        content_type="text/html",
    )
    outcome = hub_factory(only=["telecom"]).locate(TELECOM_NUMBER, Qos())
    assert isinstance(outcome.error, CarrierUnavailable)
    assert outcome.error.code == "HTTP 503"
    assert len(mocked.calls) == 2


def test_posts_go_to_the_configured_endpoint_not_the_wsdl_address(
    mocked: responses.RequestsMock, hub_factory: HubFactory
) -> None:
    """create_service semantics: the configured endpoint wins over the WSDL's soap:address."""
    other = "http://10.20.30.40:8181/saye/services/Location"
    body = telecom_envelope(fixture_bytes("telecom", "response-success.xml").decode())
    mocked.post(other, body=body, content_type="text/xml")
    hub = hub_factory(only=["telecom"], telecom={"endpoint": other})
    assert hub.locate(TELECOM_NUMBER, Qos()).ok
    assert re.match(r"http://10\.20\.30\.40", mocked.calls[0].request.url)


def test_cached_answer_still_carries_the_carriers_raw_answer(
    mocked: responses.RequestsMock, hub_factory: HubFactory
) -> None:
    """A fix served from the cache comes with the exchange that produced it (R3.4)."""
    _reply(mocked, "soap-response-success.xml")
    hub = hub_factory(only=["telecom"])
    first = hub.locate(TELECOM_NUMBER, Qos(max_age_s=300))
    second = hub.locate(TELECOM_NUMBER, Qos(max_age_s=300))
    assert second.from_cache
    assert len(mocked.calls) == 1
    assert second.exchanges == first.exchanges
    assert second.exchanges[0].response is not None


def _paths(element: etree._Element, prefix: str = "") -> set[str]:
    path = f"{prefix}/{element.tag}"
    attributes = {f"{path}@{name}" for name in element.attrib}
    return {path} | attributes | {p for child in element for p in _paths(child, path)}


def test_request_document_has_the_shape_of_the_contract_sample(
    mocked: responses.RequestsMock, hub_factory: HubFactory
) -> None:
    """Every element and attribute of request-getposition.xml is in what we send, and no more."""
    _reply(mocked, "response-success.xml")
    hub_factory(only=["telecom"]).locate(TELECOM_NUMBER, Qos())
    sample = etree.fromstring(
        fixture_bytes("telecom", "request-getposition.xml"),
        etree.XMLParser(remove_comments=True),
    )
    assert _paths(_inner_request(mocked.calls[0])) == _paths(sample)
