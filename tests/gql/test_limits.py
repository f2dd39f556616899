"""Issue 14, defects 1, 2 and 5: cost that matches the work, size limits before parsing, cost
reported on every answer, rate limiting with ``RateLimit-*`` headers.

Through the real starlette app over the demo city (SQLite and PostgreSQL), so statuses, headers
and bodies are what a client sees.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from gql.app import create_app
from gql.auth import mint_token
from gql.settings import Settings
from tests.gql.conftest import DemoPeople
from tests.gql.http_app import app_settings

SECRET = "limits-tests-secret-" + "x" * 24
NESTED = (
    "retailers { nodes { manager { retailers { nodes { manager { retailers { nodes "
    "{ id name address } } } } } } } }"
)


def _settings(engine: sa.Engine, **overrides: Any) -> Settings:
    return app_settings(engine, SECRET, **overrides)


@pytest.fixture(scope="module")
def client(demo_engine: sa.Engine) -> Iterator[TestClient]:
    """The app with its default limits."""
    with TestClient(create_app(_settings(demo_engine)), raise_server_exceptions=False) as c:
        yield c


def _bearer(staff_no: str) -> dict[str, str]:
    token = mint_token(secret=SECRET, issuer="visitgis", staff_no=staff_no, ttl_s=600)
    return {"Authorization": f"Bearer {token}"}


def _error(response: Any) -> tuple[int, str, str]:
    body = response.json()
    (error, *_) = body["errors"]
    return response.status_code, error["extensions"]["code"], error["message"]


# -- 1. cost that matches the work ------------------------------------------------------------


def test_five_aliases_of_nested_default_pages_are_refused_before_they_run(
    client: TestClient, people: DemoPeople
) -> None:
    """Each connection without ``first`` returns 20, so the nesting costs 33,261, not 19.

    Before: counted as 1 item each, the query ran for seconds and returned megabytes.
    """
    query = "{ " + " ".join(f"a{i}: {NESTED}" for i in range(5)) + " }"
    started = time.perf_counter()
    response = client.post("/graphql", json={"query": query}, headers=_bearer(people.manager))
    elapsed_s = time.perf_counter() - started
    body = response.json()
    assert body.get("data") is None
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert body["errors"][0]["extensions"]["cost"] == 5 * 33_261
    assert len(response.content) < 2_000
    assert elapsed_s < 2.0  # refused before it ran, not after seconds of work


def test_the_node_limit_refuses_what_the_cost_limit_allows(demo_engine: sa.Engine) -> None:
    """Nested pages multiply into a node count, limited on its own (GitHub's 500,000)."""
    settings = _settings(demo_engine, max_query_cost=10**9, max_query_nodes=1_000)
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        query = "{ managers(first: 50) { nodes { retailers(first: 50) { nodes { id } } } } }"
        response = c.post("/graphql", json={"query": query})
    status, code, message = _error(response)
    assert (status, code) == (400, "NODE_LIMIT_EXCEEDED")
    assert "2550" in message  # 50 managers + 50 × 50 retailers


def test_every_answer_reports_its_requested_and_actual_cost(
    client: TestClient, people: DemoPeople
) -> None:
    """Shopify-style ``extensions.cost``: the bound before the run, the fields after it."""
    query = "{ retailers(first: 3) { nodes { id name } } }"
    response = client.post("/graphql", json={"query": query}, headers=_bearer(people.marketing))
    body = response.json()
    assert body.get("errors") is None, body
    cost = body["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 1 + 3 * (1 + 2)
    assert cost["requestedNodes"] == 3
    # retailers, nodes and 3 × (id, name)
    assert cost["actualQueryCost"] == 2 + 3 * 2
    assert cost["throttleStatus"]["currentlyAvailable"] < cost["throttleStatus"]["maximumAvailable"]


# -- 2. limits before parsing ------------------------------------------------------------------


def test_a_ten_megabyte_id_is_refused_fast_and_not_echoed(client: TestClient) -> None:
    """Before: 4.6 s with everyone waiting, and the error echoed the whole string back."""
    huge = "A" * 10_000_000
    started = time.perf_counter()
    response = client.post(
        "/graphql",
        json={"query": "query($id: ID!) { node(id: $id) { id } }", "variables": {"id": huge}},
    )
    elapsed_s = time.perf_counter() - started
    status, code, _ = _error(response)
    assert (status, code) == (413, "REQUEST_TOO_LARGE")
    assert len(response.content) < 1_000
    assert elapsed_s < 2.0


def test_an_inline_ten_megabyte_id_is_refused_by_the_body_limit(client: TestClient) -> None:
    """The same string written into the query text."""
    query = '{ node(id: "' + "A" * 10_000_000 + '") { id } }'
    response = client.post("/graphql", json={"query": query})
    status, code, _ = _error(response)
    assert (status, code) == (413, "REQUEST_TOO_LARGE")
    assert len(response.content) < 1_000


def test_an_announced_oversized_body_is_refused_unread(client: TestClient) -> None:
    """A Content-Length above the limit is refused from the header alone."""
    response = client.post(
        "/graphql",
        content=b"{}" + b" " * 1_000_001,
        headers={"content-type": "application/json"},
    )
    assert _error(response)[:2] == (413, "REQUEST_TOO_LARGE")


def test_the_body_limit_is_configurable(demo_engine: sa.Engine) -> None:
    """``max_body_bytes`` sets it; a small query still passes under a small limit."""
    with TestClient(
        create_app(_settings(demo_engine, max_body_bytes=200)), raise_server_exceptions=False
    ) as c:
        assert c.post("/graphql", json={"query": "{ __typename }"}).status_code == 200
        padded = {"query": "{ __typename }", "variables": {"x": "y" * 300}}
        assert _error(c.post("/graphql", json=padded))[:2] == (413, "REQUEST_TOO_LARGE")


def test_a_long_query_text_is_refused_before_parsing(client: TestClient) -> None:
    """Whitespace is no token, so only the length limit stops a 500 KB query."""
    query = "{" + " " * 500_000 + "__typename }"
    status, code, message = _error(client.post("/graphql", json={"query": query}))
    assert (status, code) == (413, "REQUEST_TOO_LARGE")
    assert "query" in message


def test_deeply_nested_variables_are_refused(client: TestClient) -> None:
    """Variables nested past the depth limit are a 400 naming the variable."""
    value: Any = 1
    for _ in range(50):
        value = [value]
    body = {"query": "query($v: [Int]) { __typename }", "variables": {"v": value}}
    status, code, message = _error(client.post("/graphql", json=body))
    assert (status, code) == (400, "VARIABLES_TOO_DEEP")
    assert message.startswith("$v ")


def test_a_long_search_text_is_refused_naming_where(client: TestClient) -> None:
    """A string variable past ``max_string_chars`` (titles, notes, search text)."""
    body = {
        "query": "query($q: String) { __typename }",
        "variables": {"input": {"title": "t" * 10_001}},
    }
    status, code, message = _error(client.post("/graphql", json=body))
    assert (status, code) == (400, "STRING_TOO_LONG")
    assert "$input.title" in message
    assert "ttt" not in message


def test_an_overlong_id_literal_is_refused_by_its_type(client: TestClient) -> None:
    """An ``ID`` is short: 200 characters are refused though far below the string limit."""
    query = '{ node(id: "' + "A" * 200 + '") { id } }'
    status, code, message = _error(client.post("/graphql", json={"query": query}))
    assert (status, code) == (400, "STRING_TOO_LONG")
    assert "node(id)" in message
    assert "AAAA" not in message


def test_an_overlong_id_variable_is_refused_by_its_type(client: TestClient) -> None:
    """The same through a variable of type ``ID!``."""
    body = {"query": "query($id: ID!) { node(id: $id) { id } }", "variables": {"id": "A" * 200}}
    status, code, _ = _error(client.post("/graphql", json=body))
    assert (status, code) == (400, "STRING_TOO_LONG")


# -- 4. the heavy lane -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lane", "executor"), [("process", ProcessPoolExecutor), ("thread", ThreadPoolExecutor)]
)
def test_an_expensive_query_runs_in_the_heavy_lane_with_the_same_answer(
    demo_engine: sa.Engine,
    client: TestClient,
    people: DemoPeople,
    lane: str,
    executor: type[Executor],
) -> None:
    """At or above ``heavy_query_cost`` a query runs in a worker process (or thread).

    Its answer, errors and cost are the same as on the main loop.
    """
    query = (
        '{ retailers(first: 5) { nodes { id name manager { name } } } nope: node(id: "!") { id } }'
    )
    headers = _bearer(people.marketing)
    expected = client.post("/graphql", json={"query": query}, headers=headers).json()
    assert expected["errors"][0]["path"] == ["nope"]  # errors, with paths, cross the lane too
    assert expected["extensions"]["cost"]["actualQueryCost"] > 1
    settings = _settings(demo_engine, heavy_query_cost=1, heavy_query_lane=lane)
    with TestClient(create_app(settings), raise_server_exceptions=False) as app_client:
        response = app_client.post("/graphql", json={"query": query}, headers=headers)
        view = app_client.app.router.routes[2].app._view  # type: ignore[attr-defined]
        assert isinstance(view.heavy.start(), executor)
        assert view.heavy.finished == 1  # it ran in the lane
        assert view.heavy.admitted == 0  # and gave its slot back
        assert view._in_lane == set()
    assert response.status_code == 200
    assert response.json() == expected


def test_reports_run_in_the_heavy_lane_by_default(
    demo_engine: sa.Engine, people: DemoPeople
) -> None:
    """A report aggregates a whole period: it weighs the default heavy cost, so it runs in the
    lane (a worker thread here) and its answer says so by its cost, whatever the selection."""
    query = (
        '{ disciplineReport(filter: {firstDay: "2026-11-01", lastDay: "2026-11-30"}) '
        "{ totals { plannedStops } } }"
    )
    settings = _settings(demo_engine, heavy_query_lane="thread")
    with TestClient(create_app(settings), raise_server_exceptions=False) as app_client:
        response = app_client.post(
            "/graphql", json={"query": query}, headers=_bearer(people.marketing)
        )
        view = app_client.app.router.routes[2].app._view  # type: ignore[attr-defined]
        finished = view.heavy.finished
    body = response.json()
    assert "errors" not in body, body
    assert body["extensions"]["cost"]["requestedQueryCost"] >= settings.heavy_query_cost
    assert finished == 1
