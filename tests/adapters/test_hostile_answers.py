"""Hostile or broken answers end as typed errors, for both carriers, without sockets."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from adapters import CarrierHub, MalformedAnswer, Qos
from tests.adapters.conftest import (
    TELECOM_NUMBER,
    TELECOM_URL,
    fixture_bytes,
    telecom_envelope,
)

if TYPE_CHECKING:
    import responses

HubFactory = Callable[..., CarrierHub]

XXE = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><svc_result>&x;</svc_result>'
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    "<svc_result>&lol3;</svc_result>"
)
SUCCESS_INNER = fixture_bytes("telecom", "response-success.xml").decode()


ENVELOPE = telecom_envelope(SUCCESS_INNER)
CASES: dict[str, Callable[[], bytes]] = {
    "xxe_inner": lambda: telecom_envelope(XXE).encode(),
    "billion_laughs_inner": lambda: telecom_envelope(LAUGHS).encode(),
    "dtd_in_envelope": lambda: (
        '<?xml version="1.0"?><!DOCTYPE e [<!ENTITY a "b">]>' + ENVELOPE.split("?>", 1)[1]
    ).encode(),
    "fifty_megabytes": lambda: ENVELOPE.encode()[:-30] + b" " * (50 * 1024 * 1024) + b"</x>",
    "truncated_envelope": lambda: ENVELOPE.encode()[:200],
    "truncated_inner": lambda: telecom_envelope(SUCCESS_INNER[:250]).encode(),
    "wrong_operation_namespace": lambda: ENVELOPE.replace(
        "http://ct-lbs.example:8181/saye/services/Location", "urn:elsewhere"
    ).encode(),
    "wrong_envelope_namespace": lambda: ENVELOPE.replace(
        "http://schemas.xmlsoap.org/soap/envelope/", "urn:not-soap"
    ).encode(),
    "namespaced_inner_root": lambda: telecom_envelope(
        SUCCESS_INNER.replace("<svc_result ", '<svc_result xmlns="urn:x" ')
    ).encode(),
    "empty_return": lambda: telecom_envelope("").encode(),
    "empty_body": lambda: b"",
    "other_subscriber": lambda: telecom_envelope(
        SUCCESS_INNER.replace("8613312345678", "8613399999999")
    ).encode(),
    "latitude_out_of_range": lambda: telecom_envelope(
        SUCCESS_INNER.replace("30 17 14.852N", "95 17 14.852N")
    ).encode(),
    "garbage_coordinate": lambda: telecom_envelope(
        SUCCESS_INNER.replace("30 17 14.852N", "north-ish")
    ).encode(),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_answer_becomes_malformed_answer(
    mocked: responses.RequestsMock, hub_factory: HubFactory, case: str
) -> None:
    """XXE, entity bombs, oversize, truncation, foreign namespaces and empties are refused."""
    mocked.post(TELECOM_URL, body=CASES[case](), content_type="text/xml")
    outcome = hub_factory(only=["telecom"]).locate(TELECOM_NUMBER, Qos())
    assert isinstance(outcome.error, MalformedAnswer), outcome
    assert outcome.fix is None
    assert outcome.error.__traceback__ is None  # stored outcomes keep no frames alive
    assert len(mocked.calls) == 1  # a malformed answer is never retried


def test_oversized_answer_is_not_kept_whole_in_evidence(
    mocked: responses.RequestsMock, hub_factory: HubFactory
) -> None:
    """A 50 MB answer is cut at the body limit; evidence never holds it."""
    mocked.post(TELECOM_URL, body=CASES["fifty_megabytes"](), content_type="text/xml")
    outcome = hub_factory(only=["telecom"]).locate(TELECOM_NUMBER, Qos())
    assert "limit" in str(outcome.error)
    assert all(len(e.response or "") < 100_000 for e in outcome.exchanges)
