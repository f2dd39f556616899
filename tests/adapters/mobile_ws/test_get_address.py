"""China Mobile GetAddress against every canned sample, scripted with `responses`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from lxml import etree

from adapters import (
    BadCredentials,
    CarrierBusy,
    CarrierHub,
    CarrierUnavailable,
    NotPermitted,
    PositionMethod,
    Qos,
    SubscriberAbsent,
)
from geo import haversine_m
from tests.adapters.conftest import (
    MOBILE_NUMBER,
    MOBILE_URL,
    PASSWORD,
    fixture_bytes,
    mobile_envelope,
)

if TYPE_CHECKING:
    import responses

HubFactory = Callable[..., CarrierHub]
SOAP12 = {"options": {"soap_version": "1.2"}}


def _reply(
    mocked: responses.RequestsMock, sample: str, *, status: int = 200, soap12: bool = False
) -> None:
    body = fixture_bytes("mobile", sample)
    if sample.startswith("response-"):
        body = mobile_envelope(body.decode("utf-8"), soap12=soap12).encode("utf-8")
    content_type = "application/soap+xml" if soap12 else "text/xml"
    mocked.post(MOBILE_URL, body=body, status=status, content_type=f"{content_type}; charset=utf-8")


def test_soap11_reply_with_gb2312_declaration_parses_to_a_fix(
    mocked: responses.RequestsMock, hub_factory: HubFactory
) -> None:
    """The inner string declaring encoding=gb2312 on Unicode text still parses."""
    _reply(mocked, "soap11-response-success.xml")
    outcome = hub_factory(only=["mobile"]).locate(MOBILE_NUMBER, Qos())
    fix = outcome.fix
    assert fix is not None, outcome.error
    assert (fix.lat, fix.lon, fix.radius_m) == (30.287459, 120.153576, 180)
    assert fix.method is PositionMethod.CELL
    assert fix.address == "浙江省杭州市西湖区天目山路附近"
    assert not fix.stale


def test_inner_success_sample_maps_to_a_fresh_fix(
    mocked: responses.RequestsMock, hub_factory: HubFactory
) -> None:
    """The bare success document gives the WGS-84 fix with its ISO fix time."""
    _reply(mocked, "response-success.xml")
    fix = hub_factory(only=["mobile"]).locate(MOBILE_NUMBER, Qos()).fix
    assert fix is not None
    assert fix.fix_time.isoformat() == "2024-03-18T09:30:09+08:00"
    assert fix.source_crs == "WGS84"


def test_gcj02_answer_is_converted_to_wgs84(
    mocked: responses.RequestsMock, hub_factory: HubFactory
) -> None:
    """A GCJ-02 answer is shifted back by hundreds of metres and tagged with its source datum."""
    _reply(mocked, "response-success-gcj02.xml")
    fix = hub_factory(only=["mobile"]).locate(MOBILE_NUMBER, Qos()).fix
    assert fix is not None
    assert fix.source_crs == "GCJ02"
    assert fix.method is PositionMethod.AGPS
    shift_m = haversine_m(fix.lat, fix.lon, 30.285020, 120.158210)
    assert 300 < shift_m < 800
    # The samples describe the same spot: back in WGS-84 it lands on the WGS-84 answer.
    assert haversine_m(fix.lat, fix.lon, 30.287459, 120.153576) < 30


@pytest.mark.parametrize(
    ("soap12", "sample"),
    [(False, "response-out-of-coverage.xml"), (True, "soap12-response-out-of-coverage.xml")],
)
def test_out_of_coverage_is_absent_with_a_stale_last_known_fix(
    mocked: responses.RequestsMock, hub_factory: HubFactory, soap12: bool, sample: str
) -> None:
    """ResultCode 3001 is SubscriberAbsent carrying the stale LastKnown fix (both SOAP versions)."""
    _reply(mocked, sample, soap12=soap12)
    overrides = {"mobile": SOAP12} if soap12 else {}
    outcome = hub_factory(only=["mobile"], **overrides).locate(MOBILE_NUMBER, Qos())
    error = outcome.error
    assert isinstance(error, SubscriberAbsent)
    assert error.code == "3001"
    assert error.last_known is not None
    assert error.last_known.stale
    assert (error.last_known.lat, error.last_known.radius_m) == (30.274085, 800)


def test_soap12_port_sends_soap12_content_type_with_action(
    mocked: responses.RequestsMock, hub_factory: HubFactory
) -> None:
    """Selecting soap_version 1.2 posts a SOAP 1.2 envelope with the action in Content-Type."""
    _reply(mocked, "soap12-response-out-of-coverage.xml", soap12=True)
    hub_factory(only=["mobile"], mobile=SOAP12).locate(MOBILE_NUMBER, Qos())
    request = mocked.calls[0].request
    assert request.headers["Content-Type"] == (
        'application/soap+xml; charset=utf-8; action="http://tempuri.org/GetAddress"'
    )
    assert etree.fromstring(request.body).tag == "{http://www.w3.org/2003/05/soap-envelope}Envelope"


def test_soap11_port_sends_soapaction_header(
    mocked: responses.RequestsMock, hub_factory: HubFactory
) -> None:
    """The default 1.1 port posts text/xml with the quoted SOAPAction."""
    _reply(mocked, "response-success.xml")
    hub_factory(only=["mobile"]).locate(MOBILE_NUMBER, Qos())
    request = mocked.calls[0].request
    assert request.headers["SOAPAction"] == '"http://tempuri.org/GetAddress"'
    assert request.headers["Content-Type"].startswith("text/xml")


@pytest.mark.parametrize(
    ("sample", "error_type", "code"),
    [
        ("response-error-not-authorized.xml", NotPermitted, "2002"),
        ("response-error-auth.xml", BadCredentials, "1001"),
        ("response-error-busy.xml", CarrierBusy, "4001"),
    ],
)
def test_result_code_samples_map_to_typed_errors_without_retry(
    mocked: responses.RequestsMock,
    hub_factory: HubFactory,
    sample: str,
    error_type: type[Exception],
    code: str,
) -> None:
    """2002, 1001 are never retried; 4001 asks RetryAfter=30 s, beyond the 20 s budget."""
    _reply(mocked, sample)
    outcome = hub_factory(only=["mobile"]).locate(MOBILE_NUMBER, Qos(deadline_s=20))
    assert isinstance(outcome.error, error_type)
    assert outcome.error.code == code
    assert len(mocked.calls) == 1


def test_busy_answer_keeps_the_retry_after_hint(
    mocked: responses.RequestsMock, hub_factory: HubFactory
) -> None:
    """RetryAfter is surfaced in seconds so the core can tell the user when to try again."""
    _reply(mocked, "response-error-busy.xml")
    error = hub_factory(only=["mobile"]).locate(MOBILE_NUMBER, Qos()).error
    assert isinstance(error, CarrierBusy)
    assert error.retry_after_s == 30


@pytest.mark.parametrize(
    ("soap12", "sample", "text"),
    [(False, "soap11-fault.xml", "root level"), (True, "soap12-fault.xml", "timed out")],
)
def test_soap_faults_map_to_carrier_unavailable(
    mocked: responses.RequestsMock, hub_factory: HubFactory, soap12: bool, sample: str, text: str
) -> None:
    """SOAP 1.1 and 1.2 faults (HTTP 500) are typed unavailability with the fault reason."""
    _reply(mocked, sample, status=500, soap12=soap12)
    overrides = {"mobile": SOAP12} if soap12 else {}
    outcome = hub_factory(only=["mobile"], **overrides).locate(MOBILE_NUMBER, Qos())
    assert isinstance(outcome.error, CarrierUnavailable)
    assert text in outcome.error.detail
    assert outcome.exchanges[0].http_status == 500


def test_inner_timer_and_wire_timeout_respect_the_deadline(
    mocked: responses.RequestsMock, hub_factory: HubFactory
) -> None:
    """The request's Timeout is below the read timeout actually handed to requests."""
    _reply(mocked, "response-success.xml")
    hub_factory(only=["mobile"]).locate(MOBILE_NUMBER, Qos(deadline_s=20, max_age_s=0))
    connect_s, read_s = mocked.calls[0].request.req_kwargs["timeout"]
    assert connect_s == 2.0
    assert 19 < read_s <= 20
    envelope = etree.fromstring(mocked.calls[0].request.body)
    inner = etree.fromstring(envelope.findtext(".//{http://tempuri.org/}xml").encode())
    assert int(inner.findtext("Timeout")) < read_s
    assert inner.findtext("MaxAge") == "0"
    assert inner.findtext("Msisdn") == MOBILE_NUMBER
    assert inner.findtext("Auth/Password") == PASSWORD


def test_evidence_masks_the_password_and_number(
    mocked: responses.RequestsMock, hub_factory: HubFactory
) -> None:
    """Neither the Password element nor the full MSISDN survives in the evidence."""
    _reply(mocked, "soap11-response-success.xml")
    (exchange,) = hub_factory(only=["mobile"]).locate(MOBILE_NUMBER, Qos()).exchanges
    assert PASSWORD not in exchange.request
    assert MOBILE_NUMBER not in exchange.request + (exchange.response or "")
    assert "&lt;Password&gt;***&lt;/Password&gt;" in exchange.request


def test_request_document_has_the_shape_of_the_contract_sample(
    mocked: responses.RequestsMock, hub_factory: HubFactory
) -> None:
    """Our LocRequest has exactly the elements of request-getaddress.xml, in its order."""
    _reply(mocked, "response-success.xml")
    hub_factory(only=["mobile"]).locate(MOBILE_NUMBER, Qos())
    envelope = etree.fromstring(mocked.calls[0].request.body)
    sent = etree.fromstring(envelope.findtext(".//{http://tempuri.org/}xml").encode())
    sample = etree.fromstring(
        fixture_bytes("mobile", "request-getaddress.xml"), etree.XMLParser(remove_comments=True)
    )
    assert [e.tag for e in sent.iter()] == [e.tag for e in sample.iter()]
    assert sent.attrib == sample.attrib
