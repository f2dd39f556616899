"""Carrier answers are input too (issue 14, defects 10-12): redirects, trickles, resets, numbers.

Each wire-level case runs a real zeep client against a bare TCP server on 127.0.0.1
(:mod:`tests.adapters.rawhttp`), because the misbehaviour lives below what a well-framed
HTTP server can produce.
"""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import requests

from adapters import (
    AttemptBudget,
    BulkheadFull,
    CarrierHub,
    CarrierTimeout,
    CarrierUnavailable,
    MalformedAnswer,
    Msisdn,
    Qos,
)
from tests.adapters import rawhttp
from tests.adapters.conftest import (
    MOBILE_NUMBER,
    MOBILE_URL,
    PASSWORD,
    TELECOM_NUMBER,
    TELECOM_URL,
    fixture_bytes,
    make_region,
    mobile_envelope,
    telecom_envelope,
)

if TYPE_CHECKING:
    import socket

    import responses

HubFactory = Callable[..., CarrierHub]
PATH = "/saye/services/Location"
TELECOM_INNER = fixture_bytes("telecom", "response-success.xml").decode()
MOBILE_INNER = fixture_bytes("mobile", "response-success.xml").decode()
SUCCESS = telecom_envelope(TELECOM_INNER).encode()
SLACK_S = 0.6  # scheduling noise on a shared two-core machine, well below one trickle step


def _telecom_hub(hub_factory: HubFactory, url: str, **telecom: Any) -> CarrierHub:
    return hub_factory(
        only=["telecom"],
        cache={"enabled": False},
        telecom={"endpoint": url + PATH, "breaker": {"failure_threshold": 50}, **telecom},
    )


def _serve_success(server: rawhttp.RawCarrier, conn: socket.socket, index: int) -> None:
    rawhttp.answer(conn, SUCCESS)


# --- defect 10: redirects -------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_redirect_is_evidence_and_the_envelope_never_leaves_the_configured_origin(
    hub_factory: HubFactory, status: int
) -> None:
    """A 3xx from the carrier is CarrierUnavailable; the other origin is never contacted."""
    with rawhttp.RawCarrier(_serve_success) as elsewhere:

        def redirect(server: rawhttp.RawCarrier, conn: socket.socket, index: int) -> None:
            location = f"Location: {elsewhere.url}/steal\r\n"
            rawhttp.answer(conn, b"moved", status=f"{status} Moved", extra=location)

        with rawhttp.RawCarrier(redirect) as carrier:
            hub = _telecom_hub(hub_factory, carrier.url)
            started = time.monotonic()
            outcome = hub.locate(TELECOM_NUMBER, Qos(deadline_s=8))
            elapsed_s = time.monotonic() - started
    assert PASSWORD.encode() in carrier.bodies[0]  # what a followed redirect would carry
    assert elsewhere.requests_seen == 0
    assert isinstance(outcome.error, CarrierUnavailable), outcome
    assert outcome.error.code == f"HTTP {status}"
    assert "redirect" in outcome.error.detail
    assert elsewhere.url in outcome.error.detail  # where it wanted us to go, as evidence
    assert not outcome.error.transient
    assert carrier.requests_seen == 1
    assert elapsed_s < 8
    assert [e.http_status for e in outcome.exchanges] == [status]
    shown = str(outcome.error) + "".join(e.request + (e.response or "") for e in outcome.exchanges)
    assert PASSWORD not in shown


def test_the_session_itself_refuses_to_follow_redirects() -> None:
    """Defence in depth: even a direct post on a carrier session does not follow a 307."""
    from adapters.soap import carrier_session

    with rawhttp.RawCarrier(_serve_success) as elsewhere:

        def redirect(server: rawhttp.RawCarrier, conn: socket.socket, index: int) -> None:
            extra = f"Location: {elsewhere.url}/steal\r\n"
            rawhttp.answer(conn, b"", status="307 Temporary Redirect", extra=extra)

        with rawhttp.RawCarrier(redirect) as carrier:
            session = carrier_session(1)
            response = session.post(carrier.url + PATH, data=b"<pwd>x</pwd>", timeout=5)
            session.close()
    assert response.status_code == 307
    assert elsewhere.requests_seen == 0


# --- defect 11: trickles ----------------------------------------------------------------------


def _trickle_body(server: rawhttp.RawCarrier, conn: socket.socket, index: int) -> None:
    head = f"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {len(SUCCESS)}\r\n\r\n"
    conn.sendall(head.encode())
    rawhttp.trickle(server, conn, SUCCESS)


def _trickle_headers(server: rawhttp.RawCarrier, conn: socket.socket, index: int) -> None:
    rawhttp.trickle(server, conn, b"HTTP/1.1 200 OK\r\nX-Padding: " + b"a" * 60_000)


@pytest.mark.parametrize("script", [_trickle_body, _trickle_headers], ids=["body", "headers"])
def test_a_trickling_answer_frees_its_worker_at_the_deadline(
    hub_factory: HubFactory, script: Callable[..., None]
) -> None:
    """One byte per 0.3 s (each restarting the read timeout) is cut at the overall deadline.

    The adapter call itself (not only the hub's wait) must end by the budget's deadline, so
    it runs on a plain thread here and is joined with an upper bound.
    """
    with rawhttp.RawCarrier(script) as carrier:
        hub = _telecom_hub(hub_factory, carrier.url)
        provider = hub._lanes["telecom"].provider
        budget = AttemptBudget(
            connect_timeout_s=2, read_timeout_s=30, deadline=time.monotonic() + 1.0, inner_timer_s=1
        )
        results: list[Any] = []
        started = time.monotonic()
        worker = threading.Thread(
            target=lambda: results.append(provider.locate(Msisdn(TELECOM_NUMBER), Qos(), budget)),
            daemon=True,
        )
        worker.start()
        worker.join(1.0 + SLACK_S)
        elapsed_s = time.monotonic() - started
        assert not worker.is_alive(), "the adapter still holds its worker past the deadline"
    assert elapsed_s < 1.0 + SLACK_S
    (attempt,) = results
    assert isinstance(attempt.result, CarrierTimeout), attempt.result
    assert "deadline" in attempt.result.detail
    assert attempt.exchange is not None


def test_after_many_trickles_the_healthy_carrier_still_has_free_workers(
    hub_factory: HubFactory,
) -> None:
    """Six trickled answers through a two-slot bulkhead leave both slots free (no BulkheadFull)."""
    healthy = threading.Event()

    def script(server: rawhttp.RawCarrier, conn: socket.socket, index: int) -> None:
        if healthy.is_set():
            rawhttp.answer(conn, SUCCESS)
        else:
            _trickle_body(server, conn, index)

    with rawhttp.RawCarrier(script) as carrier:
        hub = _telecom_hub(hub_factory, carrier.url, max_concurrent=2)
        for _ in range(6):
            started = time.monotonic()
            outcome = hub.locate(TELECOM_NUMBER, Qos(deadline_s=0.5))
            assert time.monotonic() - started < 0.5 + SLACK_S
            assert isinstance(outcome.error, CarrierTimeout), outcome.error
            assert not isinstance(outcome.error, BulkheadFull)
        healthy.set()
        outcome = hub.locate(TELECOM_NUMBER, Qos(deadline_s=5))
    assert outcome.ok, outcome.error
    assert carrier.requests_seen == 7


def test_the_deadline_cuts_a_trickle_over_tls_too() -> None:
    """Carriers are reached over HTTPS in production: the watch cuts a TLS socket as well."""
    from adapters.transport import carrier_session, deadline_watch

    tls_dir = Path(__file__).parent / "fixtures" / "tls"
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(tls_dir / "cert.pem", tls_dir / "key.pem")
    with rawhttp.RawCarrier(_trickle_body, tls=context) as carrier:
        session = carrier_session(1)
        session.verify = str(tls_dir / "cert.pem")
        started = time.monotonic()
        with deadline_watch(started + 1.0) as watch:
            try:
                response = session.post(carrier.url + PATH, data=b"<x/>", timeout=(2, 30))
                received = len(response.content)
            except requests.RequestException:
                received = -1
        elapsed_s = time.monotonic() - started
        session.close()
    assert watch.fired
    assert received < len(SUCCESS)
    assert elapsed_s < 1.0 + SLACK_S


# --- defect 12 (adapter part): resets are retried -------------------------------------------


def test_a_reset_mid_answer_is_retried_per_the_policy(hub_factory: HubFactory) -> None:
    """Half a body, then a TCP RST: a connection error, so the one retry gets the answer."""

    def script(server: rawhttp.RawCarrier, conn: socket.socket, index: int) -> None:
        if index > 1:
            rawhttp.answer(conn, SUCCESS)
            return
        head = (
            f"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {len(SUCCESS)}\r\n\r\n"
        )
        conn.sendall(head.encode() + SUCCESS[: len(SUCCESS) // 2])
        rawhttp.delivered(conn)  # the client has half the body, then the reset
        rawhttp.reset(conn)
        raise OSError("reset sent")

    with rawhttp.RawCarrier(script) as carrier:
        outcome = _telecom_hub(hub_factory, carrier.url).locate(TELECOM_NUMBER, Qos(deadline_s=8))
    assert outcome.ok, outcome.error
    assert carrier.requests_seen == 2
    assert len(outcome.exchanges) == 2
    assert outcome.exchanges[0].response is None


def test_a_reset_mid_answer_that_persists_is_a_transient_unavailable(
    hub_factory: HubFactory,
) -> None:
    """Every answer reset: one retry, then CarrierUnavailable marked transient."""

    def script(server: rawhttp.RawCarrier, conn: socket.socket, index: int) -> None:
        head = f"HTTP/1.1 200 OK\r\nContent-Length: {len(SUCCESS)}\r\n\r\n"
        conn.sendall(head.encode() + SUCCESS[:100])
        rawhttp.delivered(conn)
        rawhttp.reset(conn)
        raise OSError("reset sent")

    with rawhttp.RawCarrier(script) as carrier:
        outcome = _telecom_hub(hub_factory, carrier.url).locate(TELECOM_NUMBER, Qos(deadline_s=8))
    assert isinstance(outcome.error, CarrierUnavailable), outcome.error
    assert not isinstance(outcome.error, CarrierTimeout)
    assert outcome.error.transient
    assert carrier.requests_seen == 2


# --- defect 12 (adapter part): every number bounded -----------------------------------------


TELECOM_BAD = {
    "radius_1e308": ("<radius>150</radius>", "<radius>1e308</radius>"),
    "radius_overflow": ("<radius>150</radius>", "<radius>1e400</radius>"),
    "radius_nan": ("<radius>150</radius>", "<radius>NaN</radius>"),
    "radius_inf": ("<radius>150</radius>", "<radius>inf</radius>"),
    "radius_negative": ("<radius>150</radius>", "<radius>-150</radius>"),
    "radius_huge_digits": ("<radius>150</radius>", f"<radius>{'9' * 5000}</radius>"),
    "lat_off_globe": ("30 17 14.852N", "95 17 14.852N"),
    "lat_decimal_nan": ("30 17 14.852N", "nan"),
    "lon_off_globe": ("120 09 12.874E", "190 09 12.874E"),
    "confidence_over_100": ("<lev_conf>68</lev_conf>", "<lev_conf>99999999999</lev_conf>"),
    "year_one": ("20240318093012", "00010101000000"),
    "year_9999": ("20240318093012", "99991231235959"),
    "utc_offset_absurd": ('utc_off="+0800"', 'utc_off="+9900"'),
}
MOBILE_BAD = {
    "radius_1e308": ("<Radius>180</Radius>", "<Radius>1e308</Radius>"),
    "radius_nan": ("<Radius>180</Radius>", "<Radius>NaN</Radius>"),
    "radius_negative": ("<Radius>180</Radius>", "<Radius>-1</Radius>"),
    "radius_underscore": ("<Radius>180</Radius>", "<Radius>1_8_0</Radius>"),
    "lat_off_globe": ("<Latitude>30.287459</Latitude>", "<Latitude>95.0</Latitude>"),
    "lat_1e308": ("<Latitude>30.287459</Latitude>", "<Latitude>1e308</Latitude>"),
    "lat_nan": ("<Latitude>30.287459</Latitude>", "<Latitude>NaN</Latitude>"),
    "lon_off_globe": ("<Longitude>120.153576</Longitude>", "<Longitude>-181</Longitude>"),
    "gcj02_lat_1e308": (
        "<Latitude>30.287459</Latitude><Radius>180</Radius><CoordSys>WGS84</CoordSys>",
        "<Latitude>1e308</Latitude><Radius>180</Radius><CoordSys>GCJ02</CoordSys>",
    ),
    "year_one": ("2024-03-18T09:30:09+08:00", "0001-01-01T00:00:00+14:00"),
    "year_9999": ("2024-03-18T09:30:09+08:00", "9999-12-31T23:59:59-14:00"),
}


def _compact(inner: str) -> str:
    return "".join(line.strip() for line in inner.split("?>", 1)[1].splitlines())


CARRIERS = {
    "telecom": (TELECOM_INNER, TELECOM_URL, TELECOM_NUMBER, telecom_envelope),
    "mobile": (MOBILE_INNER, MOBILE_URL, MOBILE_NUMBER, mobile_envelope),
}
BAD_NUMBERS = {("telecom", k): v for k, v in TELECOM_BAD.items()} | {
    ("mobile", k): v for k, v in MOBILE_BAD.items()
}


@pytest.mark.parametrize(("carrier", "case"), sorted(BAD_NUMBERS))
def test_an_absurd_number_in_an_answer_is_a_malformed_answer(
    mocked: responses.RequestsMock, hub_factory: HubFactory, carrier: str, case: str
) -> None:
    """Radius 1e308/NaN/negative, coordinates off the globe, absurd times: never a fix."""
    old, new = BAD_NUMBERS[carrier, case]
    inner_sample, url, number, envelope = CARRIERS[carrier]
    inner = _compact(inner_sample)
    assert old in inner
    mocked.post(url, body=envelope(inner.replace(old, new)), content_type="text/xml")
    outcome = hub_factory(only=[carrier]).locate(number, Qos())
    assert isinstance(outcome.error, MalformedAnswer), outcome
    assert outcome.fix is None


UNREADABLE_CODES = {"superscript_two": "\u00b2", "five_thousand_digits": "3" * 5000}


@pytest.mark.parametrize("carrier", ["telecom", "mobile"])
@pytest.mark.parametrize("code", sorted(UNREADABLE_CODES))
def test_a_result_code_python_cannot_read_is_a_malformed_answer_not_an_exception(
    mocked: responses.RequestsMock, hub_factory: HubFactory, carrier: str, code: str
) -> None:
    """'²' passes str.isdigit and breaks int(); so do 5,000 digits. Neither escapes."""
    value = UNREADABLE_CODES[code]
    if carrier == "telecom":
        inner = (
            '<svc_result ver="3.1.0"><slia ver="3.1.0">'
            f'<result resid="{value}">SYSTEM FAILURE</result></slia></svc_result>'
        )
        mocked.post(TELECOM_URL, body=telecom_envelope(inner), content_type="text/xml")
    else:
        inner = _compact(MOBILE_INNER).replace(
            "<ResultCode>0</ResultCode>", f"<ResultCode>{value}</ResultCode>"
        )
        mocked.post(MOBILE_URL, body=mobile_envelope(inner), content_type="text/xml")
    number = TELECOM_NUMBER if carrier == "telecom" else MOBILE_NUMBER
    outcome = hub_factory(only=[carrier]).locate(number, Qos())
    assert isinstance(outcome.error, MalformedAnswer), outcome


def test_a_provider_that_raises_is_contained_by_the_hub(hub_factory: HubFactory) -> None:
    """An adapter bug (an exception out of ``locate``) is a typed error, not a 500 upstream."""
    region = make_region(only=["telecom"], cache={"enabled": False})

    class Broken:
        carrier_id = "telecom"

        def locate(self, msisdn: Msisdn, qos: Qos, budget: AttemptBudget) -> Any:
            raise OverflowError(f"math range error near {PASSWORD}")

        def close(self) -> None:
            pass

    with CarrierHub(region, {"telecom": Broken()}) as hub:
        outcome = hub.locate(TELECOM_NUMBER, Qos())
    assert isinstance(outcome.error, CarrierUnavailable), outcome
    assert "OverflowError" in outcome.error.detail
    assert PASSWORD not in str(outcome.error)
