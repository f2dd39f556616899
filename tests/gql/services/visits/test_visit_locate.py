"""A check-in asks the carrier first and reads its history while the carrier answers.

The lookup must reach the carrier before the (synchronous) history reads run: a task boundary
on the way (``asyncio.wait_for`` wraps its awaitable in a new task) would postpone the request
until after the reads, and the two would run one after the other instead of together.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import pytest
import responses

import adapters
from gql.domain import AccountManager, Carrier
from gql.services.directory.spatial import SpatialIndex
from gql.services.visits.carrier_lookup import CarrierLookup, HubLocator
from gql.services.visits.service import VisitService
from tests.adapters.conftest import (
    PASSWORD,
    TELECOM_URL,
    fixture_bytes,
    make_region,
    telecom_envelope,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

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


class _Locator:
    """Notes when it is asked, then answers after the test lets it."""

    def __init__(self) -> None:
        self.asked = False
        self.answer = asyncio.Event()

    async def locate(self, manager: AccountManager, *, deadline_s: float) -> CarrierLookup:
        self.asked = True  # before any await: the moment the request would leave
        await self.answer.wait()
        return CarrierLookup(outcome_code="OK", detail="test")


def test_the_carrier_is_asked_before_the_history_is_read(db_session: Session) -> None:
    """By the time the reads start, the lookup is already out; both results come back."""
    locator = _Locator()
    service = VisitService(db_session, None, spatial=SpatialIndex(), locator=locator)
    seen: dict[str, bool] = {}

    def read() -> Any:
        seen["asked before reading"] = locator.asked
        locator.answer.set()
        return "history"

    async def scenario() -> tuple[CarrierLookup, Any]:
        return await service._locate_while(MANAGER, False, read)

    lookup, history = asyncio.run(scenario())
    assert seen == {"asked before reading": True}
    assert (lookup.outcome_code, history) == ("OK", "history")


class _Hub:
    """The part of :class:`adapters.CarrierHub` that HubLocator calls."""

    def __init__(self) -> None:
        self.asked = False

    async def locate_async(self, msisdn: str, qos: adapters.Qos, *, carrier_hint: Any) -> Any:
        self.asked = True
        await asyncio.sleep(3600)


def test_hub_locator_reaches_the_hub_within_one_step() -> None:
    """``HubLocator.locate`` adds no task boundary in front of the hub (its deadline is a scope)."""
    hub = _Hub()
    locator = HubLocator(hub, carrier_ids={Carrier.TELECOM: "telecom"})  # type: ignore[arg-type]

    async def scenario() -> bool:
        task = asyncio.ensure_future(locator.locate(MANAGER, deadline_s=5.0))
        await asyncio.sleep(0)
        task.cancel()
        return hub.asked

    assert asyncio.run(scenario())


@pytest.mark.parametrize("radius", ["1e308", "1e160", "NaN", "-150"])
def test_an_absurd_carrier_radius_is_malformed_evidence_not_a_fix(radius: str) -> None:
    """Issue 14 (12): a radius of 1e308 used to pass the adapter and overflow the verifier,
    losing the check-in. The lookup now carries a MalformedAnswer and the raw answer, which
    the check-in stores like any carrier failure; no fix reaches the verifier."""
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
