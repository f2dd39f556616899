"""Personal data over GraphQL: the evidence access log, reduced visits, the self-export."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from gql.context import Context
from gql.schema.relay import decode_global_id, encode_global_id
from gql.services.calendar import local_day
from gql.services.privacy.retention import reduce_evidence
from gql.services.visits.events import VisitEvent, VisitEventKind
from tests.gql.api import Api
from tests.gql.conftest import DemoPeople

START = """
mutation($i: VisitStartInput!) { visitStart(input: $i) {
  userErrors { message } visit { id manager { id } fixes { position { lat lon } } }
} }"""
MY_RETAILERS = (
    "{ viewer { manager { id retailers(first: 3) { nodes { id position { lat lon } } } } } }"
)
EVIDENCE = """query($id: ID!) { node(id: $id) { ... on Visit {
  verdict distanceM evidenceReducedAt
  fixes { phase source accuracyM capturedAt position { lat lon } rawAnswer }
  verdictMap { points { features { properties { kind } } } }
} } }"""
VERDICT_ONLY = """query($id: ID!) { node(id: $id) { ... on Visit {
  verdict distanceM checkIn { distanceM } fixes { phase source accuracyM capturedAt carrier }
} } }"""
LOG = """query($s: ID, $r: ID, $from: DateTime) {
  evidenceAccessLog(subjectId: $s, readerId: $r, readFrom: $from, first: 20) {
    totalCount nodes { readAt readerId subjectId visitIds parts } } }"""
MINE = "query($a: Date!, $b: Date!) { myPersonalData(dayFrom: $a, dayTo: $b) }"


def _start_visits(api: Api, who: str, count: int) -> tuple[str, list[str]]:
    """``count`` visits of ``who`` at their own shops; (manager ID, visit IDs)."""
    manager = api.data(MY_RETAILERS, as_=who)["viewer"]["manager"]
    ids = []
    for shop in manager["retailers"]["nodes"][:count]:
        fix = {
            "lat": shop["position"]["lat"],
            "lon": shop["position"]["lon"],
            "accuracyM": 6.0,
            "capturedAt": datetime.now(UTC).isoformat(),
        }
        started = api.data(
            START,
            {
                "i": {
                    "retailerId": shop["id"],
                    "idempotencyKey": str(uuid.uuid4()),
                    "deviceFix": fix,
                }
            },
            as_=who,
        )["visitStart"]
        assert started["userErrors"] == []
        ids.append(started["visit"]["id"])
    return manager["id"], ids


def _staff_id(api: Api, who: str) -> str:
    return str(api.data("{ viewer { staff { id } } }", as_=who)["viewer"]["staff"]["id"])


def _log(api: Api, people: DemoPeople, **variables: Any) -> dict[str, Any]:
    """The access log as marketing reads it."""
    return dict(api.data(LOG, variables, as_=people.marketing)["evidenceAccessLog"])


def test_a_head_reading_fixes_is_logged_once_per_request_with_every_visit(
    api: Api, people: DemoPeople
) -> None:
    """Two visits' fixes and verdict map in one request: one entry naming both visits."""
    manager_id, visits = _start_visits(api, people.manager, 2)
    assert (
        _log(api, people, s=manager_id)["totalCount"] == 0
    )  # the manager's own reads are not logged
    listed = api.data(
        "query($m: [ID!]) { visits(filter: {managerIds: $m}) { nodes { id fixes { accuracyM } "
        "verdictMap { points { type } } } } }",
        {"m": [manager_id]},
        as_=people.head,
    )["visits"]["nodes"]
    assert {v["id"] for v in listed} >= set(visits)
    log = _log(api, people, s=manager_id)
    assert log["totalCount"] == 1
    (entry,) = log["nodes"]
    assert entry["readerId"] == _staff_id(api, people.head)
    assert entry["subjectId"] == manager_id
    assert set(entry["visitIds"]) >= set(visits)
    assert entry["parts"] == ["FIXES"]


def test_reading_the_verdict_and_accuracies_without_positions_is_not_logged(
    api: Api, people: DemoPeople
) -> None:
    """Verdict, distances and the fixes' accuracies are not location evidence: no entry."""
    manager_id, (visit,) = _start_visits(api, people.manager, 1)
    api.data(VERDICT_ONLY, {"id": visit}, as_=people.head)
    assert _log(api, people, s=manager_id)["totalCount"] == 0


def test_the_log_filters_by_reader_and_period(api: Api, people: DemoPeople) -> None:
    """Reads by the head and by marketing are told apart; a later period finds neither."""
    manager_id, (visit,) = _start_visits(api, people.manager, 1)
    api.data(EVIDENCE, {"id": visit}, as_=people.head)
    api.data(
        "query($id: ID!) { node(id: $id) { ... on Visit { details } } }",
        {"id": visit},
        as_=people.marketing,
    )
    head = _log(api, people, s=manager_id, r=_staff_id(api, people.head))
    assert head["totalCount"] == 1
    assert head["nodes"][0]["parts"] == ["FIXES"]
    marketing = _log(api, people, s=manager_id, r=_staff_id(api, people.marketing))["nodes"]
    assert [e["parts"] for e in marketing] == [["EVIDENCE"]]
    later = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert _log(api, people, s=manager_id, **{"from": later})["totalCount"] == 0


@pytest.mark.parametrize("who", ["head", "deputy", "manager", "auditor"])
def test_only_marketing_and_admins_read_the_log(api: Api, people: DemoPeople, who: str) -> None:
    """Everyone else is refused (FORBIDDEN), as for the organisation's change log."""
    result = api.execute(LOG, {}, as_=getattr(people, who))
    assert result.errors is not None
    assert result.errors[0].extensions is not None
    assert result.errors[0].extensions["code"] == "FORBIDDEN"
    assert api.data(LOG, {}, as_=people.admin)["evidenceAccessLog"]["totalCount"] >= 0


def test_a_log_that_cannot_be_written_does_not_fail_the_read(
    api: Api, people: DemoPeople, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    """The evidence is returned; the failure is logged as an error."""
    _, (visit,) = _start_visits(api, people.manager, 1)

    unwritable = sa.create_engine(f"sqlite:///{tmp_path / 'missing' / 'log.sqlite3'}")
    try:
        failing = Api(dataclasses.replace(api.state, engine=unwritable))
        data = failing.data(EVIDENCE, {"id": visit}, as_=people.head)
    finally:
        unwritable.dispose()
    assert data["node"]["fixes"]
    assert "evidence access log not written" in caplog.text


def test_a_reduced_visit_shows_its_verdict_and_accuracy_but_no_position(
    api: Api, people: DemoPeople
) -> None:
    """After the retention job: evidenceReducedAt set, positions null, no fix on the map."""
    _, (visit,) = _start_visits(api, people.manager, 1)
    before = api.data(EVIDENCE, {"id": visit}, as_=people.manager)["node"]
    later = datetime.now(UTC) + timedelta(days=200)
    with api.state.sessions() as session:
        assert reduce_evidence(session, now=later, retention_days=180).visits >= 1
        session.commit()
    after = api.data(EVIDENCE, {"id": visit}, as_=people.manager)["node"]
    assert after["evidenceReducedAt"] is not None
    assert (after["verdict"], after["distanceM"]) == (before["verdict"], before["distanceM"])
    assert [f["accuracyM"] for f in after["fixes"]] == [f["accuracyM"] for f in before["fixes"]]
    assert all(f["position"] is None and f["rawAnswer"] is None for f in after["fixes"])
    kinds = [p["properties"]["kind"] for p in after["verdictMap"]["points"]["features"]]
    assert kinds == ["RETAILER"]
    ended = api.data(
        "mutation($i: VisitEndInput!) { visitEnd(input: $i) { userErrors { message } } }",
        {"i": {"visitId": visit}},
        as_=people.manager,
    )["visitEnd"]["userErrors"]
    assert "retention" in ended[0]["message"]


def test_a_manager_exports_their_own_file_with_visits_and_fixes(
    api: Api, people: DemoPeople
) -> None:
    """Own staff record, profile, today's visits with fixes; nobody else's."""
    _, visits = _start_visits(api, people.manager, 2)
    today = local_day(datetime.now(UTC))
    mine = api.data(MINE, {"a": today.isoformat(), "b": today.isoformat()}, as_=people.manager)
    data = mine["myPersonalData"]
    assert data["staff"]["staffNo"] == people.manager
    assert data["manager"]["msisdn"]
    assert {"lat", "lon", "label"} <= set(data["manager"]["startPoint"])
    exported = {encode_global_id("Visit", v["id"]) for v in data["visits"]}
    assert set(visits) <= exported
    assert all(v["fixes"] and v["fixes"][0]["lat"] is not None for v in data["visits"])
    head = api.data(MINE, {"a": today.isoformat(), "b": today.isoformat()}, as_=people.head)
    assert head["myPersonalData"]["staff"]["staffNo"] == people.head
    assert head["myPersonalData"]["manager"] is None
    assert head["myPersonalData"]["visits"] == []


@pytest.mark.parametrize(
    ("first", "last", "words"),
    [
        (date(2026, 1, 1), date(2027, 1, 2), "at most 366 days"),
        (date(2026, 2, 1), date(2026, 1, 1), "must not be after"),
    ],
)
def test_a_bad_export_period_is_a_clear_error(
    api: Api, people: DemoPeople, first: date, last: date, words: str
) -> None:
    """Longer than 366 days or reversed: refused, naming the problem."""
    result = api.execute(MINE, {"a": first.isoformat(), "b": last.isoformat()}, as_=people.manager)
    assert result.errors is not None
    assert words in result.errors[0].message


def test_an_anonymous_caller_exports_nothing(api: Api) -> None:
    """No token, no data."""
    result = api.execute(MINE, {"a": "2026-01-01", "b": "2026-01-02"})
    assert result.errors is not None
    assert result.data is None


def test_an_export_is_priced_as_a_heavy_query(api: Api, people: DemoPeople) -> None:
    """A year of visits is real work: its cost sends it to the heavy-query lane."""
    result = api.execute(MINE, {"a": "2026-01-01", "b": "2026-01-02"}, as_=people.manager)
    assert result.errors is None
    assert result.extensions is not None
    cost = result.extensions["cost"]["requestedQueryCost"]
    assert cost >= api.state.settings.heavy_query_cost
    assert cost <= api.state.settings.max_query_cost


def _started_event(api: Api, who: str, visit: str) -> VisitEvent:
    """The STARTED event of ``visit`` as ``who``'s department board receives it."""
    found = api.data(
        "query($id: ID!) { node(id: $id) { ... on Visit { retailer { id } manager { id } } } }",
        {"id": visit},
        as_=who,
    )["node"]
    board = api.data("{ viewer { department { id } } }", as_=who)["viewer"]["department"]["id"]
    return VisitEvent(
        kind=VisitEventKind.STARTED,
        visit_id=decode_global_id(visit)[1],
        manager_id=decode_global_id(found["manager"]["id"])[1],
        department_id=decode_global_id(board)[1],
        retailer_id=decode_global_id(found["retailer"]["id"])[1],
        verdict="IN_PLACE",
        occurred_at=datetime.now(UTC),
    )


async def _first_event_with_fixes(api: Api, who: str, event: VisitEvent) -> Any:
    """Subscribe as ``who``, publish ``event`` until it arrives, then disconnect."""
    context = Context(state=api.state, token=api.token(who))
    stream = await api.state.schema.subscribe(
        "subscription { visitEvents { visit { id fixes { position { lat } } } } }",
        context_value=context,
    )
    assert hasattr(stream, "__anext__"), stream
    task = asyncio.ensure_future(stream.__anext__())
    try:
        for _ in range(250):  # bounded: at most ~5 s
            done, _ = await asyncio.wait({task}, timeout=0.02)
            if done:
                return task.result()
            api.state.bus.publish(event)
        raise AssertionError("the subscription delivered nothing")
    finally:
        task.cancel()
        await stream.aclose()


def test_a_live_board_reading_fixes_is_logged_even_when_it_disconnects_after_the_event(
    api: Api, people: DemoPeople
) -> None:
    """A head's dashboard receives one visit with its fixes and closes: the read is logged."""
    manager_id, (visit,) = _start_visits(api, people.manager, 1)
    event = _started_event(api, people.head, visit)
    result = asyncio.run(_first_event_with_fixes(api, people.head, event))
    assert result.errors is None, result.errors
    assert result.data["visitEvents"]["visit"]["fixes"][0]["position"] is not None
    log = _log(api, people, s=manager_id)
    assert log["totalCount"] == 1
    assert log["nodes"][0]["visitIds"] == [visit]
