"""An absurd carrier radius reaches a check-in as carrier evidence, never as a fix (issue 14, 12).

A radius of 1e308 used to pass the adapter and overflow the verifier, losing the check-in.
Now the adapter refuses it; what the check-in gets is a ``MalformedAnswer`` lookup with the
raw exchange, which it stores like any other carrier failure.
"""

from __future__ import annotations

import asyncio

import pytest
import responses

import adapters
from gql.domain import AccountManager, Carrier
from gql.services.visits.carrier_lookup import HubLocator
from tests.adapters.conftest import (
    PASSWORD,
    TELECOM_URL,
    fixture_bytes,
    make_region,
    telecom_envelope,
)

MANAGER = AccountManager(
    staff_id=1,
    staff_no="M001",
    name="经理",
    department_id=1,
    active=True,
    msisdn="18900000001",
    carrier=Carrier.TELECOM,
    start_lat=28.0,
    start_lon=120.6,
    start_label="办公室",
)


@pytest.mark.parametrize("radius", ["1e308", "NaN", "-150", "1e160"])
def test_an_absurd_carrier_radius_is_malformed_evidence_not_a_fix(radius: str) -> None:
    """The lookup carries the error and the raw answer; no fix reaches the verifier."""
    inner = fixture_bytes("telecom", "response-success.xml").decode()
    inner = inner.replace("8613312345678", "86" + MANAGER.msisdn)
    inner = inner.replace("<radius>150</radius>", f"<radius>{radius}</radius>")
    region = make_region(only=["telecom"], cache={"enabled": False})
    hub = adapters.CarrierHub.from_config(region, adapters.load_registry({"telecom_ws"}))
    locator = HubLocator(hub, carrier_ids={Carrier.TELECOM: "telecom"})
    with responses.RequestsMock() as mocked:
        mocked.post(TELECOM_URL, body=telecom_envelope(inner), content_type="text/xml")
        lookup = asyncio.run(locator.locate(MANAGER, deadline_s=5.0))
    hub.close()
    assert lookup.fix is None
    assert lookup.outcome_code == "MalformedAnswer"
    assert "radius" in lookup.detail
    assert lookup.raw_answer is not None
    assert radius in lookup.raw_answer
    assert lookup.raw_request is not None
    assert PASSWORD not in lookup.raw_request
