"""Concurrent writes of one manager's visits: replays and overlapping batches, on both stores.

A handheld that loses its answer re-sends the same offline batch, often while the first send is
still running. Each send must come back with a result per item, every visit stored once, and the
server must keep answering everybody else meanwhile: a write that waits on another's lock must
never wait on the event loop (on PostgreSQL that froze the whole process; on SQLite the
replays failed with "Unexpected error.").
"""

from __future__ import annotations

import concurrent.futures
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from gql.app import create_app
from gql.auth import mint_token
from gql.domain import Role
from gql.schema.relay import decode_global_id
from gql.settings import Settings
from gql.store.db import create_engine_for
from gql.store.write_turns import ADVISORY_CLASS
from tests.fixtures_db import _backends, fresh_database
from tests.gql.http_app import seeded_demo_staff

SECRET = "concurrent-writes-secret-" + "q" * 20
ANSWER_TIMEOUT_S = 60.0
"""Bounds the test, not the behaviour: a frozen server fails here instead of hanging the run."""
SYNC = """mutation($i: VisitsSyncInput!) { visitsSync(input: $i) {
  userErrors { message } results { idempotencyKey created visit { id } error { message } } } }"""
START = """mutation($i: VisitStartInput!) { visitStart(input: $i) {
  userErrors { message } visit { id } } }"""
SHOPS = "{ viewer { manager { retailers(first: 40) { nodes { id position { lat lon } } } } } }"


@dataclass(frozen=True)
class Office:
    client: TestClient
    url: str
    managers: tuple[str, ...]

    def headers(self, staff_no: str) -> dict[str, str]:
        token = mint_token(secret=SECRET, issuer="visitgis", staff_no=staff_no, ttl_s=3600)
        return {"Authorization": f"Bearer {token}"}

    def post(self, query: str, variables: dict[str, Any], staff_no: str) -> dict[str, Any]:
        response = self.client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers=self.headers(staff_no),
        )
        assert response.status_code == 200, response.text
        return dict(response.json())

    def shops(self, staff_no: str) -> list[dict[str, Any]]:
        body = self.post(SHOPS, {}, staff_no)
        return list(body["data"]["viewer"]["manager"]["retailers"]["nodes"])

    def visit_count(self, staff_no: str) -> int:
        engine = create_engine_for(self.url)
        try:
            with engine.connect() as connection:
                return int(
                    connection.execute(
                        sa.text(
                            "SELECT count(*) FROM visits v JOIN staff s ON s.id = v.manager_id "
                            "WHERE s.staff_no = :no"
                        ),
                        {"no": staff_no},
                    ).scalar_one()
                )
        finally:
            engine.dispose()


@pytest.fixture(scope="module", params=_backends())
def office(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Office]:
    """The demo city (seed 7) and the app over it; no carriers (offline uploads skip them)."""
    with fresh_database(request.param, tmp_path_factory) as url:
        rows = seeded_demo_staff(url)
        managers = tuple(r.staff_no for r in rows if r.role == Role.ACCOUNT_MANAGER.name)
        settings = Settings(
            database_url=url, warm_kernels=False, jwt_secret=SECRET, log_level="WARNING"
        )
        with TestClient(create_app(settings), raise_server_exceptions=False) as client:
            yield Office(client=client, url=url, managers=managers[:4])


def _batch(shops: list[dict[str, Any]], day_ago: int) -> list[dict[str, Any]]:
    """One offline visit per shop, an hour apart, ``day_ago`` days back (late uploads)."""
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=day_ago, hours=len(shops))
    items = []
    for n, shop in enumerate(shops):
        began = start + timedelta(hours=n)
        fix = {
            "lat": shop["position"]["lat"],
            "lon": shop["position"]["lon"],
            "accuracyM": 8.0,
            "capturedAt": began.isoformat(),
        }
        items.append(
            {
                "retailerId": shop["id"],
                "idempotencyKey": str(uuid.uuid4()),
                "startedAt": began.isoformat(),
                "startFix": fix,
                "endedAt": (began + timedelta(minutes=12)).isoformat(),
                "endFix": fix | {"capturedAt": (began + timedelta(minutes=12)).isoformat()},
            }
        )
    return items


def _send_all(office: Office, sends: list[tuple[str, str, dict[str, Any]]]) -> list[Any]:
    """Send every (query, staff, variables) at once; answers in order (bounded wait)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(sends) + 1) as pool:
        pending = [pool.submit(office.post, q, v, who) for q, who, v in sends]
        return [f.result(timeout=ANSWER_TIMEOUT_S) for f in pending]


def _visit_ids(answer: dict[str, Any]) -> dict[str, str]:
    assert answer.get("errors") is None, answer["errors"]
    payload = answer["data"]["visitsSync"]
    assert payload["userErrors"] == []
    for result in payload["results"]:
        assert result["error"] is None, result
        assert result["visit"] is not None, result
    return {r["idempotencyKey"]: r["visit"]["id"] for r in payload["results"]}


def test_one_batch_sent_three_times_at_once_is_stored_once(office: Office) -> None:
    """Three replays of 20 items: every answer complete, one visit per key, one creation each."""
    manager = office.managers[0]
    items = _batch(office.shops(manager)[:20], day_ago=2)
    before = office.visit_count(manager)
    answers = _send_all(office, [(SYNC, manager, {"i": {"visits": items}})] * 3)
    ids = [_visit_ids(a) for a in answers]
    assert ids[0] == ids[1] == ids[2]
    assert len(set(ids[0].values())) == 20
    created = [
        sum(r["created"] for r in a["data"]["visitsSync"]["results"] if r["idempotencyKey"] == k)
        for k in ids[0]
        for a in [answers[0], answers[1], answers[2]]
    ]
    assert sum(created) == 20  # each key created by exactly one of the three sends
    assert office.visit_count(manager) == before + 20


def test_overlapping_batches_and_other_managers_at_once(office: Office) -> None:
    """Two overlapping batches of one manager, and other managers' batches, all at once."""
    first, *others = office.managers
    items = _batch(office.shops(first)[20:40], day_ago=3)
    sends = [
        (SYNC, first, {"i": {"visits": items[:14]}}),
        (SYNC, first, {"i": {"visits": items[6:]}}),
        (SYNC, first, {"i": {"visits": items[::-1]}}),
    ]
    for other in others:
        sends.append((SYNC, other, {"i": {"visits": _batch(office.shops(other)[:10], 4)}}))
    before = {who: office.visit_count(who) for who in office.managers}
    answers = _send_all(office, sends)
    mine = [_visit_ids(a) for a in answers[:3]]
    assert all(_visit_ids(a) for a in answers[3:])
    by_key: dict[str, set[str]] = {}
    for answer in mine:
        for key, visit in answer.items():
            by_key.setdefault(key, set()).add(visit)
    assert len(by_key) == 20
    assert all(len(visits) == 1 for visits in by_key.values()), by_key
    assert office.visit_count(first) == before[first] + 20
    for other in others:
        assert office.visit_count(other) == before[other] + 10


def test_the_server_answers_while_replays_run(office: Office) -> None:
    """Health and a query are answered while replays of a large batch are in flight."""
    manager = office.managers[1]
    items = _batch(office.shops(manager)[10:40], day_ago=5)
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        pending = [
            pool.submit(office.post, SYNC, {"i": {"visits": items}}, manager) for _ in range(3)
        ]
        health = pool.submit(office.client.get, "/healthz").result(timeout=ANSWER_TIMEOUT_S)
        answers = [f.result(timeout=ANSWER_TIMEOUT_S) for f in pending]
    assert health.status_code == 200
    ids = [_visit_ids(a) for a in answers]
    assert ids[0] == ids[1] == ids[2]


def test_concurrent_presses_with_one_key_make_one_visit(office: Office) -> None:
    """Ten "start visit" presses with one key at once: one visit, every answer names it."""
    manager = office.managers[2]
    shop = office.shops(manager)[0]
    key = str(uuid.uuid4())
    variables = {"i": {"retailerId": shop["id"], "idempotencyKey": key}}
    answers = _send_all(office, [(START, manager, variables)] * 10)
    for answer in answers:
        assert answer.get("errors") is None, answer["errors"]
    visits = {a["data"]["visitStart"]["visit"]["id"] for a in answers}
    assert len(visits) == 1
    assert decode_global_id(visits.pop())[0] == "Visit"


def _state(office: Office) -> Any:
    """The running app's state (made in its lifespan)."""
    routes = office.client.app.routes  # type: ignore[attr-defined]
    route = next(r for r in routes if getattr(r, "path", "") == "/graphql")
    return route.app.state


def _hold_turn(connection: sa.Connection, staff_no: str) -> None:
    """Take the manager's turn as another process would: in the database, in a transaction."""
    if connection.dialect.name == "postgresql":
        manager_id = connection.execute(
            sa.text("SELECT id FROM staff WHERE staff_no = :no"), {"no": staff_no}
        ).scalar_one()
        connection.execute(
            sa.text("SELECT pg_advisory_xact_lock(:space, :key)"),
            {"space": ADVISORY_CLASS, "key": manager_id},
        )
    else:
        connection.execute(sa.text("UPDATE visits SET id = id WHERE 0"))


def test_a_turn_held_by_another_process_is_awaited_off_the_event_loop(office: Office) -> None:
    """Another process writing this manager's visits: the batch waits for it in a worker
    thread, so health checks and queries are answered meanwhile; it completes once released."""
    manager = office.managers[3]
    items = _batch(office.shops(manager)[:8], day_ago=6)
    turns = _state(office).turns
    engine = create_engine_for(office.url)
    try:
        with engine.connect() as other, concurrent.futures.ThreadPoolExecutor(1) as pool:
            transaction = other.begin()
            _hold_turn(other, manager)
            pending = pool.submit(office.post, SYNC, {"i": {"visits": items}}, manager)
            deadline = time.monotonic() + ANSWER_TIMEOUT_S  # it reaches its turn, then waits
            while not turns.taken and not pending.done() and time.monotonic() < deadline:
                concurrent.futures.wait([pending], timeout=0.01)
            assert turns.taken == 1
            health = office.client.get("/healthz")
            viewer = office.post("{ viewer { role } }", {}, manager)
            waited = not pending.done()
            transaction.rollback()
            answer = pending.result(timeout=ANSWER_TIMEOUT_S)
    finally:
        engine.dispose()
    assert health.status_code == 200
    assert viewer["data"] == {"viewer": {"role": "ACCOUNT_MANAGER"}}
    assert waited
    assert len(_visit_ids(answer)) == 8
    assert turns.taken == 0


def test_a_turn_that_does_not_come_free_is_answered_busy(office: Office) -> None:
    """Past the lock timeout the caller hears "busy, retry" (503), not "Unexpected error.";
    nothing was written, and the same batch goes through once the turn is free."""
    manager = office.managers[3]
    items = _batch(office.shops(manager)[8:12], day_ago=7)
    settings = Settings(
        database_url=office.url,
        warm_kernels=False,
        jwt_secret=SECRET,
        log_level="WARNING",
        database_lock_timeout_s=0.2,
    )
    before = office.visit_count(manager)
    engine = create_engine_for(office.url)
    try:
        with TestClient(create_app(settings)) as impatient, engine.connect() as other:
            transaction = other.begin()
            _hold_turn(other, manager)
            refused = impatient.post(
                "/graphql",
                json={"query": SYNC, "variables": {"i": {"visits": items}}},
                headers=office.headers(manager),
            )
            transaction.rollback()
            assert office.visit_count(manager) == before
            retried = impatient.post(
                "/graphql",
                json={"query": SYNC, "variables": {"i": {"visits": items}}},
                headers=office.headers(manager),
            )
    finally:
        engine.dispose()
    errors = refused.json()["errors"]
    assert refused.status_code == 503, refused.text
    assert [e["extensions"]["code"] for e in errors] == ["SERVICE_UNAVAILABLE"]
    assert "nothing was saved: retry" in errors[0]["message"]
    assert refused.headers["Retry-After"] == "1"
    assert len(_visit_ids(retried.json())) == 4
    assert office.visit_count(manager) == before + 4


def test_more_concurrent_operations_than_pooled_connections_all_answer(office: Office) -> None:
    """Pool of 1 + 2 overflow, twelve handhelds downloading their shops at once: they queue
    for a connection permit without blocking the loop, and every one is answered (a checkout
    that waited on the loop stalled the process for the pool's 30 s timeout and failed)."""
    settings = Settings(
        database_url=office.url,
        warm_kernels=False,
        jwt_secret=SECRET,
        log_level="WARNING",
        database_pool_size=1,
    )
    with TestClient(create_app(settings)) as small:
        assert _gate(small).capacity == 1

        def download(who: str) -> dict[str, Any]:
            answer = small.post("/graphql", json={"query": SHOPS}, headers=office.headers(who))
            return dict(answer.json())

        with concurrent.futures.ThreadPoolExecutor(max_workers=12) as pool:
            who = [office.managers[k % len(office.managers)] for k in range(12)]
            answers = [
                f.result(timeout=ANSWER_TIMEOUT_S) for f in [pool.submit(download, w) for w in who]
            ]
        held_after = _gate(small).held
    assert all(a.get("errors") is None for a in answers), answers
    assert all(a["data"]["viewer"]["manager"]["retailers"]["nodes"] for a in answers)
    assert held_after == 0


def _gate(client: TestClient) -> Any:
    routes = client.app.routes  # type: ignore[attr-defined]
    return next(r for r in routes if getattr(r, "path", "") == "/graphql").app.state.gate
