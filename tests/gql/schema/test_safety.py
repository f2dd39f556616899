"""Hostile and careless clients: limits, batching, masking, production hardening, timeouts.

Everything here goes through the real starlette app (``create_app``) over the demo city, so the
HTTP status codes and bodies are the ones a client would see.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from gql.auth import mint_token
from gql.services.directory.service import DirectoryService
from gql.services.visits.service import VisitService
from gql.settings import Settings
from tests.gql.conftest import DemoPeople, backend_of, own_city
from tests.gql.http_app import app_client, app_settings

SECRET = "safety-tests-secret-" + "x" * 24


def _settings(engine: sa.Engine, **overrides: Any) -> Settings:
    return app_settings(engine, SECRET, **overrides)


@pytest.fixture(scope="module")
def dev(demo_engine: sa.Engine) -> Iterator[TestClient]:
    """The app in development mode."""
    yield from app_client(_settings(demo_engine))


@pytest.fixture(scope="module")
def prod(demo_engine: sa.Engine) -> Iterator[TestClient]:
    """The app in production mode."""
    yield from app_client(_settings(demo_engine, mode="production"))


@pytest.fixture(scope="module")
def bearer(people: DemoPeople) -> dict[str, str]:
    """Headers of the marketing department (sees everything, so limits are what stops them)."""
    token = mint_token(secret=SECRET, issuer="visitgis", staff_no=people.marketing, ttl_s=600)
    return {"Authorization": f"Bearer {token}"}


def _post(
    client: TestClient, headers: dict[str, str], query: str, variables: dict[str, Any] | None = None
) -> tuple[int, dict[str, Any]]:
    response = client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    return response.status_code, response.json()


def _messages(body: dict[str, Any]) -> list[str]:
    return [e["message"] for e in body.get("errors") or []]


# -- limits ---------------------------------------------------------------------------------------


def test_deep_queries_are_refused_before_they_run(dev: TestClient, bearer: dict[str, str]) -> None:
    """Nesting past the depth limit is a readable error and no data."""
    inner = "id"
    for _ in range(7):
        inner = f"manager {{ retailers(first: 1) {{ nodes {{ {inner} }} }} }}"
    _, body = _post(dev, bearer, f"{{ retailers(first: 1) {{ nodes {{ {inner} }} }} }}")
    assert body.get("data") is None
    assert any("exceeds maximum operation depth" in m for m in _messages(body)), body


def test_a_query_within_the_depth_limit_runs(dev: TestClient, bearer: dict[str, str]) -> None:
    """The same shape, shallow enough, is answered (the limit is not a blanket ban)."""
    status, body = _post(
        dev,
        bearer,
        "{ retailers(first: 1) { nodes { manager { retailers(first: 1) { nodes { id } } } } } }",
    )
    assert status == 200
    assert "errors" not in body or body["errors"] is None, body


def test_too_many_aliases_are_refused(dev: TestClient, bearer: dict[str, str]) -> None:
    """31 aliases of a cheap field exceed the alias limit of 30."""
    query = "{ " + " ".join(f"a{i}: viewer {{ role }}" for i in range(31)) + " }"
    _, body = _post(dev, bearer, query)
    assert body.get("data") is None
    assert any("31 aliases found" in m for m in _messages(body)), body


def test_too_many_tokens_are_refused_by_the_parser(dev: TestClient, bearer: dict[str, str]) -> None:
    """A document of thousands of tokens stops at the parser, with a message saying why."""
    query = "{ viewer { " + "role " * 2_500 + "} }"
    _, body = _post(dev, bearer, query)
    assert body.get("data") is None
    assert any("tokens" in m for m in _messages(body)), body


def test_expensive_nested_pages_are_refused_with_their_cost(
    dev: TestClient, bearer: dict[str, str]
) -> None:
    """100 managers x 100 retailers is refused before any SQL, naming cost and limit."""
    query = "{ managers(first: 100) { nodes { retailers(first: 100) { nodes { id name } } } } }"
    _, body = _post(dev, bearer, query)
    assert body.get("data") is None
    error = body["errors"][0]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert error["extensions"]["cost"] > error["extensions"]["limit"] == 5_000


def test_a_variable_page_size_cannot_sneak_past_the_cost_limit(
    dev: TestClient, bearer: dict[str, str]
) -> None:
    """``first`` given as a variable is costed with its value."""
    query = (
        "query($n: Int) { managers(first: $n) { nodes { retailers(first: $n) "
        "{ nodes { id name } } } } }"
    )
    _, body = _post(dev, bearer, query, {"n": 100})
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
    status, small = _post(dev, bearer, query, {"n": 3})
    assert status == 200
    assert small.get("errors") is None, small


def test_page_sizes_outside_one_to_a_hundred_are_user_errors(
    dev: TestClient, bearer: dict[str, str]
) -> None:
    """``first: 0`` and ``first: 1000`` get a message naming ``first``."""
    for first in (0, 1_000, -5):
        _, body = _post(dev, bearer, f"{{ retailers(first: {first}) {{ totalCount }} }}")
        assert body.get("data") is None
        assert any("first" in m for m in _messages(body)), body


# -- batching and transport ------------------------------------------------------------------------


def test_batched_requests_are_refused(dev: TestClient, bearer: dict[str, str]) -> None:
    """A JSON array of operations is HTTP 400 (one operation per request)."""
    response = dev.post(
        "/graphql",
        json=[{"query": "{ viewer { role } }"}, {"query": "{ viewer { role } }"}],
        headers=bearer,
    )
    assert response.status_code == 400


def test_queries_via_get_are_refused(dev: TestClient, bearer: dict[str, str]) -> None:
    """GET cannot carry operations (no CSRF-able or cache-poisonable reads)."""
    response = dev.get("/graphql", params={"query": "{ viewer { role } }"}, headers=bearer)
    assert response.status_code in (400, 405)
    assert "viewer" not in response.text


def test_a_body_that_is_not_json_is_a_clean_400(dev: TestClient, bearer: dict[str, str]) -> None:
    """Garbage bodies get a 4xx, never a 500."""
    response = dev.post(
        "/graphql",
        content=b"{not json",
        headers={**bearer, "content-type": "application/json"},
    )
    assert response.status_code == 400


# -- readable validation errors, masked bugs ----------------------------------------------------


def test_validation_errors_stay_readable(dev: TestClient, bearer: dict[str, str]) -> None:
    """An unknown field and a wrong argument type are explained, not masked."""
    _, body = _post(dev, bearer, "{ retailers(first: 1) { nodes { nope } } }")
    assert "Cannot query field 'nope' on type 'Retailer'." in _messages(body)[0]
    _, body = _post(dev, bearer, '{ retailers(first: "ten") { totalCount } }')
    assert "Int cannot represent non-integer value" in _messages(body)[0]


@pytest.mark.parametrize(
    ("query", "variables", "needle"),
    [
        ("query($id: ID!) { retailer(id: $id) { id } }", {"id": "garbage"}, "ID"),
        (
            "query($id: ID!) { manager(id: $id) { id } }",
            {"id": "UmV0YWlsZXI6MQ"},  # a Retailer ID where a Manager ID belongs
            "Manager",
        ),
        (
            "query($m: ID!, $d: Date!) { visitPlan(managerId: $m, date: $d) { id } }",
            {"m": "TWFuYWdlcjox", "d": "2026-13-45"},
            "Date",
        ),
        (
            "query($f: RetailerFilter) { retailers(filter: $f) { totalCount } }",
            {"f": {"near": {"lat": 95.0, "lon": 120.0, "radiusM": 100}}},
            "lat",
        ),
        (
            "query($f: VisitFilter) { visits(filter: $f) { totalCount } }",
            {"f": {"startedFrom": "yesterday"}},
            "DateTime",
        ),
    ],
)
def test_bad_arguments_get_specific_messages(
    dev: TestClient, bearer: dict[str, str], query: str, variables: dict[str, Any], needle: str
) -> None:
    """Bad IDs, dates and coordinates are named in the error, with no data and no 500."""
    status, body = _post(dev, bearer, query, variables)
    assert status == 200
    assert body.get("data") in (None, {}) or all(v is None for v in body["data"].values())
    messages = _messages(body)
    assert messages, body
    assert needle in messages[0], body
    assert "Unexpected error" not in messages[0]


def test_unexpected_errors_are_masked(
    dev: TestClient, bearer: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug's message (which might hold secrets) never reaches the client."""

    def broken(self: DirectoryService) -> list[object]:
        raise RuntimeError("postgresql://admin:hunter2@db/internal is on fire")

    monkeypatch.setattr(DirectoryService, "departments", broken)
    status, body = _post(dev, bearer, "{ departments { id } }")
    assert status == 200
    assert _messages(body) == ["Unexpected error."]
    assert body["errors"][0]["extensions"] == {"code": "INTERNAL_SERVER_ERROR"}
    assert "hunter2" not in str(body)


def test_anonymous_errors_say_how_to_sign_in(dev: TestClient) -> None:
    """No token: UNAUTHENTICATED with an instruction (not masked, not a 500)."""
    status, body = _post(dev, {}, "{ viewer { role } }")
    assert status == 200
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "Bearer" in body["errors"][0]["message"]


# -- production hardening ------------------------------------------------------------------------

INTROSPECTION = "{ __schema { queryType { name } types { name } } }"


def test_introspection_works_in_development(dev: TestClient, bearer: dict[str, str]) -> None:
    """Developers (and GraphiQL) can introspect a development server."""
    _, body = _post(dev, bearer, INTROSPECTION)
    assert body["data"]["__schema"]["queryType"]["name"] == "Query"


def test_introspection_is_off_in_production(prod: TestClient, people: DemoPeople) -> None:
    """Production does not describe itself, even to a signed-in caller."""
    token = mint_token(secret=SECRET, issuer="visitgis", staff_no=people.marketing, ttl_s=600)
    _, body = _post(prod, {"Authorization": f"Bearer {token}"}, INTROSPECTION)
    assert body.get("data") is None
    assert any("introspection" in m.lower() for m in _messages(body)), body


def test_field_suggestions_are_off_in_production_only(
    dev: TestClient, prod: TestClient, bearer: dict[str, str], people: DemoPeople
) -> None:
    """'Did you mean' leaks field names; production omits it, development keeps it."""
    _, body = _post(dev, bearer, "{ viewr { role } }")
    assert "Did you mean 'viewer'?" in _messages(body)[0]
    token = mint_token(secret=SECRET, issuer="visitgis", staff_no=people.marketing, ttl_s=600)
    _, body = _post(prod, {"Authorization": f"Bearer {token}"}, "{ viewr { role } }")
    assert _messages(body) == ["Cannot query field 'viewr' on type 'Query'."]


def test_production_serves_no_graphiql(prod: TestClient, dev: TestClient) -> None:
    """A browser GET gets no IDE in production."""
    html = {"Accept": "text/html"}
    assert "graphiql" in dev.get("/graphql", headers=html).text.lower()
    assert "graphiql" not in prod.get("/graphql", headers=html).text.lower()


# -- execution timeout -------------------------------------------------------------------------


def test_an_operation_past_the_execution_timeout_is_http_503_and_releases_its_session(
    demo_engine: sa.Engine,
    people: DemoPeople,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """A stuck operation is cut at the timeout with a 503 GraphQL-shaped answer (it was plain
    text); its unit of work is rolled back, not left holding the database (a later write
    succeeds). The real app commits, so it runs on a demo city of this test's own."""
    with own_city(backend_of(demo_engine), tmp_path_factory) as city:
        _timeout_releases_the_session(city.state.engine, people, monkeypatch)


def _timeout_releases_the_session(
    engine: sa.Engine, people: DemoPeople, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = VisitService.start
    sessions: list[Session] = []  # held on purpose: garbage collection must not be the fix

    async def stuck(self: VisitService, command: Any) -> Any:
        sessions.append(self._session)
        outcome = await original(self, command)  # writes (flushes) the visit...
        await asyncio.sleep(60)  # ...and then hangs
        return outcome

    monkeypatch.setattr(VisitService, "start", stuck)
    token = mint_token(secret=SECRET, issuer="visitgis", staff_no=people.manager, ttl_s=600)
    headers = {"Authorization": f"Bearer {token}"}
    key = str(uuid.uuid4())
    for client in app_client(_settings(engine)):  # the lookup is not under the short timeout
        shop = _post(
            client, headers, "{ viewer { manager { retailers(first: 1) { nodes { id } } } } }"
        )[1]
        shop_id = shop["data"]["viewer"]["manager"]["retailers"]["nodes"][0]["id"]
    for client in app_client(_settings(engine, execution_timeout_s=0.5)):
        response = client.post(
            "/graphql",
            json={
                "query": "mutation($i: VisitStartInput!) "
                "{ visitStart(input: $i) { visit { id } } }",
                "variables": {"i": {"retailerId": shop_id, "idempotencyKey": key}},
            },
            headers=headers,
        )
        assert response.status_code == 503
        (error,) = response.json()["errors"]
        assert error["extensions"] == {"code": "OPERATION_TIMEOUT"}
        assert "nothing was saved" in error["message"]
        # the cut operation released its session: the next write goes through at once
        assert len(sessions) == 1
        assert not sessions[0].in_transaction()
        monkeypatch.setattr(VisitService, "start", original)
        _, after = _post(
            client,
            headers,
            "mutation($i: VisitStartInput!) { visitStart(input: $i) { visit { id } } }",
            {"i": {"retailerId": shop_id, "idempotencyKey": str(uuid.uuid4())}},
        )
        assert after.get("errors") is None, after
        assert after["data"]["visitStart"]["visit"] is not None
    with engine.connect() as connection:
        stored = connection.execute(
            sa.text("SELECT count(*) FROM visits WHERE idempotency_key = :k"), {"k": key}
        ).scalar_one()
    assert stored == 0
