"""A check-in asks the carrier first and reads its history while the carrier answers.

The lookup must reach the carrier before the (synchronous) history reads run: a task boundary
on the way (``asyncio.wait_for`` wraps its awaitable in a new task) would postpone the request
until after the reads, and the two would run one after the other instead of together.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import adapters
from gql.domain import AccountManager, Carrier
from gql.services.directory.spatial import SpatialIndex
from gql.services.visits.carrier_lookup import CarrierLookup, HubLocator
from gql.services.visits.service import VisitService

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


class _AbsurdHub:
    """A carrier that answers with a fix whose radius is 1e308 m."""

    async def locate_async(self, msisdn: str, qos: adapters.Qos, *, carrier_hint: Any) -> Any:
        fix = adapters.PositionFix(
            28.0, 120.7, 1e308, adapters.PositionMethod.CELL, datetime.now(UTC), "telecom"
        )
        return adapters.LocateOutcome("****0001", fix, None, (), ("telecom",), False, 0.1)


def test_a_carrier_fix_with_an_absurd_radius_is_a_malformed_answer_not_a_crash() -> None:
    """geo refuses a 1e308 m accuracy (InvalidAccuracy); the lookup records MalformedAnswer.

    Before issue 21 the radius reached geo's arithmetic and raised OverflowError, so the
    check-in failed with "Unexpected error." and nothing was stored.
    """
    locator = HubLocator(_AbsurdHub(), carrier_ids={Carrier.TELECOM: "telecom"})  # type: ignore[arg-type]
    lookup = asyncio.run(locator.locate(MANAGER, deadline_s=5.0))
    assert lookup.fix is None
    assert lookup.outcome_code == "MalformedAnswer"
    assert "1e+308" in lookup.detail
    assert lookup.carrier is Carrier.TELECOM
