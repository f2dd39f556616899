"""A board that subscribes again with ``since`` gets what it missed, then live events, none twice.

The replay is read from the visits themselves, so it is checked here against the visits table
read independently; the live events come from the test's own event bus.
"""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
import sqlalchemy as sa

from gql.context import AppState, Context
from gql.domain import Role, Verdict
from gql.schema.relay import decode_global_id, encode_global_id
from gql.services.visits import live
from gql.services.visits.events import EventBus, VisitEvent, VisitEventKind
from gql.store.models import RetailerRow, StaffRow, VisitRow
from gql.store.repositories.visits import VisitDraft, VisitRepository

if TYPE_CHECKING:
    from tests.gql.api import Api
    from tests.gql.conftest import DemoPeople

WAIT_S = 10.0
"""Bounds the test, not the behaviour."""
QUERY = """subscription($since: DateTime) { visitEvents(since: $since) {
  kind visitId occurredAt droppedBefore replayed } }"""


def _moments(state: AppState, department_id: int) -> list[tuple[datetime, int, str]]:
    """Every start and end of the department's visits: (when, visit, kind), in time order."""
    with state.sessions() as session:
        rows = session.execute(
            sa.select(VisitRow.id, VisitRow.started_at, VisitRow.ended_at)
            .join(StaffRow, StaffRow.id == VisitRow.manager_id)
            .where(StaffRow.department_id == department_id)
        ).all()
    out = [(started, pk, "STARTED") for pk, started, _ in rows]
    out += [(ended, pk, "ENDED") for pk, _, ended in rows if ended]
    return sorted(out)


def _visits(state: AppState, department_id: int, count: int = 14) -> None:
    """``count`` visits of the department's managers, 10 minutes apart, each ended 7 minutes
    after it started (the last still open), and one in another department."""
    base = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    with state.sessions() as session:
        managers = session.scalars(
            sa.select(StaffRow.id).where(
                StaffRow.department_id == department_id, StaffRow.role == Role.ACCOUNT_MANAGER
            )
        ).all()
        elsewhere = session.scalar(
            sa.select(StaffRow.id).where(
                StaffRow.department_id != department_id, StaffRow.role == Role.ACCOUNT_MANAGER
            )
        )
        retailer = session.scalar(sa.select(RetailerRow.id).limit(1))
        assert managers
        assert elsewhere is not None
        assert retailer is not None
        repository = VisitRepository(session)
        for n, manager in enumerate([*(managers * count)[:count], elsewhere]):
            started = base + timedelta(minutes=10 * (n % count))
            visit = repository.add(_draft(manager, retailer, started), [])
            assert visit is not None
            if n < count - 1 or n == count:
                session.execute(
                    sa.update(VisitRow)
                    .where(VisitRow.id == visit.id)
                    .values(ended_at=started + timedelta(minutes=7))
                )
        session.commit()


def _draft(manager_id: int, retailer_id: int, started_at: datetime) -> VisitDraft:
    return VisitDraft(
        manager_id=manager_id,
        retailer_id=retailer_id,
        plan_stop_id=None,
        idempotency_key=f"replay-{started_at.isoformat()}-{manager_id}",
        started_at=started_at,
        device_started_at=None,
        late_upload=False,
        verdict=Verdict.IN_PLACE,
        distance_m=None,
        probability=None,
        reasons=(),
        flags={},
    )


def _board(api: Api, people: DemoPeople) -> tuple[Context, int, list[tuple[datetime, int, str]]]:
    """The head's context on a clock an hour after the department's last visit; its moments."""
    context = Context(state=api.state, token=api.token(people.head))
    assert context.principal is not None
    department_id = context.principal.department_id
    assert department_id is not None
    context.end_unit_of_work(commit=False)
    _visits(api.state, department_id)
    moments = _moments(api.state, department_id)
    later = moments[-1][0] + timedelta(hours=1)
    state = dataclasses.replace(api.state, clock=lambda: later)
    return Context(state=state, token=api.token(people.head)), department_id, moments


async def _next(stream: Any) -> dict[str, Any]:
    result = await asyncio.wait_for(stream.__anext__(), WAIT_S)
    assert result.errors is None, result.errors
    event: dict[str, Any] = result.data["visitEvents"]
    return event


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat()


def test_a_board_gets_what_it_missed_then_live_events_and_none_twice(
    api: Api, people: DemoPeople
) -> None:
    context, department_id, moments = _board(api, people)
    since = moments[-7][0]
    missed = [m for m in moments if m[0] > since]

    async def scenario() -> tuple[list[dict[str, Any]], dict[str, Any]]:
        stream = await api.state.schema.subscribe(
            QUERY, variable_values={"since": _iso(since)}, context_value=context
        )
        try:
            replayed = [await _next(stream) for _ in missed]
            last = replayed[-1]
            heard_twice = VisitEvent(  # committed before the board listened, heard after
                kind=VisitEventKind(last["kind"]),
                visit_id=decode_global_id(last["visitId"])[1],
                manager_id=0,
                department_id=department_id,
                retailer_id=0,
                verdict="IN_PLACE",
                occurred_at=datetime.fromisoformat(last["occurredAt"]),
            )
            new = dataclasses.replace(heard_twice, kind=VisitEventKind.STARTED, visit_id=10**9)
            api.state.bus.publish(heard_twice)
            api.state.bus.publish(new)
            return replayed, await _next(stream)
        finally:
            await stream.aclose()

    replayed, live_event = asyncio.run(scenario())
    assert [(e["visitId"], e["kind"]) for e in replayed] == [
        (encode_global_id("Visit", v), k) for _, v, k in missed
    ]
    assert [datetime.fromisoformat(e["occurredAt"]) for e in replayed] == [m[0] for m in missed]
    assert all(e["replayed"] and e["droppedBefore"] == 0 for e in replayed)
    assert live_event["visitId"] == encode_global_id("Visit", 10**9)
    assert live_event["replayed"] is False


def test_a_replay_longer_than_its_limit_says_how_many_events_it_left_out(
    api: Api, people: DemoPeople, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(live, "REPLAY_VISITS", 3)
    context, _, moments = _board(api, people)
    since = moments[-12][0]
    missed = [m for m in moments if m[0] > since]

    async def scenario() -> list[dict[str, Any]]:
        stream = await api.state.schema.subscribe(
            QUERY, variable_values={"since": _iso(since)}, context_value=context
        )
        try:
            first = await _next(stream)
            rest = len(_events_of_last_3(missed)) - 1
            return [first] + [await _next(stream) for _ in range(rest)]
        finally:
            await stream.aclose()

    replayed = asyncio.run(scenario())
    expected = _events_of_last_3(missed)
    assert sorted((e["visitId"], e["kind"]) for e in replayed) == sorted(
        (encode_global_id("Visit", v), k) for _, v, k in expected
    )
    assert replayed[0]["droppedBefore"] == len(missed) - len(expected) > 0


def _events_of_last_3(missed: list[tuple[datetime, int, str]]) -> list[tuple[datetime, int, str]]:
    """The events of ``missed`` that belong to the 3 visits changed last."""
    latest: dict[int, datetime] = {}
    for at, visit, _ in missed:
        latest[visit] = max(at, latest.get(visit, at))
    last_3 = sorted(latest, key=lambda v: (latest[v], v))[-3:]
    return [m for m in missed if m[1] in last_3]


def test_since_more_than_a_day_back_is_refused(api: Api, people: DemoPeople) -> None:
    context, _, moments = _board(api, people)
    since = moments[-1][0] + timedelta(hours=1) - timedelta(hours=25)
    count = api.state.bus.subscriber_count

    async def scenario() -> Any:
        stream = await api.state.schema.subscribe(
            QUERY, variable_values={"since": _iso(since)}, context_value=context
        )
        if not hasattr(stream, "__anext__"):
            return stream
        try:
            return await asyncio.wait_for(stream.__anext__(), WAIT_S)
        finally:
            await stream.aclose()

    result = asyncio.run(scenario())
    assert result.errors is not None
    assert "since may be at most 24 h back" in result.errors[0].message
    assert api.state.bus.subscriber_count == count  # it left nothing listening


def test_a_slow_board_keeps_receiving_and_is_told_what_it_lost() -> None:
    """A full queue drops its oldest event and marks the next one; delivery goes on."""
    bus = EventBus()
    sent = 256 + 5
    at = datetime(2026, 12, 1, tzinfo=UTC)

    async def scenario() -> list[VisitEvent]:
        subscription = bus.subscribe(None)
        try:
            for n in range(sent):
                bus.publish(
                    VisitEvent(VisitEventKind.STARTED, n, 1, 1, 1, "IN_PLACE", at, dropped_before=0)
                )
            received = []
            while not received or received[-1].visit_id != sent - 1:
                received.append(await asyncio.wait_for(anext(subscription), WAIT_S))
            return received
        finally:
            subscription.close()

    received = asyncio.run(scenario())
    assert [e.visit_id for e in received] == list(range(5, sent))
    assert sum(e.dropped_before for e in received) == 5
    assert bus.subscriber_count == 0
