"""What one handheld press sends to the database, counted statement by statement.

Every press of a morning peak waits for each of its round trips on a worker's loop, and the
database's CPU is shared with the workers on one host: a press reads its caller (staff and
manager record) in one statement, looks its idempotency key up once, and a check-out reads its
visit once (the write itself tells a concurrent end).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from gql.app import create_app
from gql.auth import mint_token
from gql.domain import Role
from gql.settings import Settings
from tests.fixtures_db import _backends, fresh_database
from tests.gql.http_app import seeded_demo_staff

SECRET = "press-round-trips-secret-" + "r" * 20
START = """mutation($i: VisitStartInput!) { visitStart(input: $i) {
  userErrors { message } visit { id } } }"""
END = """mutation($i: VisitEndInput!) { visitEnd(input: $i) {
  userErrors { message } visit { id endedAt } } }"""
SHOPS = "{ viewer { manager { retailers(first: 5) { nodes { id position { lat lon } } } } } }"


class _Press:
    def __init__(self, client: TestClient, staff_no: str) -> None:
        self.client = client
        token = mint_token(secret=SECRET, issuer="visitgis", staff_no=staff_no, ttl_s=3600)
        self.headers = {"Authorization": f"Bearer {token}"}

    def __call__(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        response = self.client.post(
            "/graphql", json={"query": query, "variables": variables}, headers=self.headers
        )
        body = dict(response.json())
        assert body.get("errors") is None, body["errors"]
        return body


@pytest.fixture(scope="module", params=_backends())
def press(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[_Press, list[str], str]]:
    """A manager's handheld on the demo city, the statements the app sends, the backend."""
    with fresh_database(request.param, tmp_path_factory) as url:
        rows = seeded_demo_staff(url)
        manager = next(r.staff_no for r in rows if r.role == Role.ACCOUNT_MANAGER.name)
        settings = Settings(
            database_url=url, warm_kernels=False, jwt_secret=SECRET, log_level="WARNING"
        )
        with TestClient(create_app(settings), raise_server_exceptions=False) as client:
            route = next(r for r in client.app.routes if getattr(r, "path", "") == "/graphql")  # type: ignore[attr-defined]
            engine: sa.Engine = route.app.state.engine
            sent: list[str] = []

            def note(_conn: Any, cursor: Any, statement: str, *_: Any) -> None:
                # "[tx]" marks a statement sent inside a transaction (PostgreSQL: after BEGIN)
                in_tx = engine.dialect.name == "postgresql" and not cursor.connection.autocommit
                sent.append(("[tx] " if in_tx else "") + " ".join(statement.split()))

            sa.event.listen(engine, "before_cursor_execute", note)
            try:
                yield _Press(client, manager), sent, request.param
            finally:
                sa.event.remove(engine, "before_cursor_execute", note)


def _reading(sent: list[str], table: str) -> list[str]:
    return [s for s in _bare(sent) if s.upper().startswith("SELECT") and f" FROM {table}" in s]


def _bare(sent: list[str]) -> list[str]:
    return [s.removeprefix("[tx] ") for s in sent]


def _reads_outside_the_write(sent: list[str], backend: str) -> None:
    """On PostgreSQL a press reads without BEGIN/COMMIT: only its turn and writes are in one."""
    if backend != "postgresql":
        return  # SQLite keeps its (free) transaction
    turn = next(i for i, s in enumerate(sent) if "advisory_xact_lock" in s)
    assert not any(s.startswith("[tx]") for s in sent[:turn]), sent[:turn]
    assert all(s.startswith("[tx]") for s in sent[turn:]), sent[turn:]


def test_a_check_in_and_its_check_out_read_caller_key_and_visit_once(
    press: tuple[_Press, list[str], str],
) -> None:
    post, sent, backend = press
    shop = post(SHOPS, {})["data"]["viewer"]["manager"]["retailers"]["nodes"][0]
    fix = {
        "lat": shop["position"]["lat"],
        "lon": shop["position"]["lon"],
        "accuracyM": 8.0,
        "capturedAt": datetime.now(UTC).replace(microsecond=0).isoformat(),
    }
    sent.clear()
    started = post(
        START,
        {"i": {"retailerId": shop["id"], "idempotencyKey": str(uuid.uuid4()), "deviceFix": fix}},
    )["data"]["visitStart"]["visit"]
    assert len(_reading(sent, "staff")) == 1, _reading(sent, "staff")
    key_lookups = [s for s in _bare(sent) if s.startswith("SELECT visits.id FROM visits")]
    assert len(key_lookups) == 1, key_lookups
    assert sum(s.startswith("INSERT INTO visits") for s in _bare(sent)) == 1
    _reads_outside_the_write(sent, backend)

    sent.clear()
    ended = post(END, {"i": {"visitId": started["id"], "deviceFix": fix}})
    assert ended["data"]["visitEnd"]["visit"]["endedAt"] is not None
    assert len(_reading(sent, "staff")) == 1, _reading(sent, "staff")
    visit_reads = [s for s in _bare(sent) if s.startswith("SELECT visits.id, visits.manager_id")]
    assert len(visit_reads) == 1, visit_reads
    assert sum(s.startswith("UPDATE visits SET ended_at") for s in _bare(sent)) == 1
    _reads_outside_the_write(sent, backend)
