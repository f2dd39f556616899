"""Requests that never reach execution: a GraphQL-shaped JSON answer with a 4xx/5xx status.

Through the real app (``create_app``, its own migrated SQLite file). Each case was answered with
plain text, an HTML/plain 500 or a masked "Unexpected error." and a logged traceback before.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

import gql.app
from gql.app import _LazyGraphQL, create_app
from gql.settings import Settings
from tests.gql.http_app import empty_database_settings

JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A migrated, empty database of this module's own."""
    data_dir = tmp_path_factory.mktemp("http-errors")
    return empty_database_settings(data_dir)


@pytest.fixture(scope="module")
def client(settings: Settings) -> Iterator[TestClient]:
    """The app, answering server errors as a client would see them."""
    with TestClient(create_app(settings), raise_server_exceptions=False) as running:
        yield running


def _error(response: Any) -> tuple[int, str, str]:
    """(status, code, message) of a GraphQL-shaped error answer; fails on any other shape."""
    assert response.headers["content-type"].startswith("application/json"), response.text
    body = response.json()
    assert set(body) == {"errors"}, body
    (error,) = body["errors"]
    return response.status_code, error["extensions"]["code"], error["message"]


def test_a_gbk_body_is_a_400_naming_the_encoding(client: TestClient) -> None:
    """A Windows client posting GBK (not UTF-8) JSON: 400 BAD_REQUEST, not an HTML 500."""
    body = '{"query": "{ viewer { role } }", "operationName": "查询"}'.encode("gbk")
    status, code, message = _error(client.post("/graphql", content=body, headers=JSON))
    assert (status, code) == (400, "BAD_REQUEST")
    assert "not UTF-8" in message


@pytest.mark.parametrize(("body", "kind"), [(b"null", "null"), (b'"hi"', "str"), (b"42", "int")])
def test_a_json_body_that_is_not_an_object_is_a_400(
    client: TestClient, body: bytes, kind: str
) -> None:
    """null, a string or a number is valid JSON but no request: 400, saying what it got."""
    status, code, message = _error(client.post("/graphql", content=body, headers=JSON))
    assert (status, code) == (400, "BAD_REQUEST")
    assert message.endswith(f"not {kind}")


def test_broken_json_and_a_missing_query_are_400s(client: TestClient) -> None:
    """strawberry's own refusals take the same shape."""
    assert _error(client.post("/graphql", content=b"{", headers=JSON))[:2] == (400, "BAD_REQUEST")
    assert _error(client.post("/graphql", json={}))[:2] == (400, "BAD_REQUEST")


def test_a_subscription_by_post_is_a_wrong_transport_and_logs_nothing(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    """A client mistake, answered 400 WRONG_TRANSPORT naming WebSocket; no traceback logged."""
    with caplog.at_level(logging.WARNING):
        response = client.post("/graphql", json={"query": "subscription { visitEvents { kind } }"})
    status, code, message = _error(response)
    assert (status, code) == (400, "WRONG_TRANSPORT")
    assert "WebSocket" in message
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_wrong_methods_and_media_types_are_405_and_415(client: TestClient) -> None:
    """PUT and a query by GET are 405 with ``Allow: POST``; a text/plain body is 415."""
    put = client.put("/graphql", json={"query": "{ __typename }"})
    assert _error(put)[:2] == (405, "METHOD_NOT_ALLOWED")
    assert put.headers["allow"] == "POST"
    get = client.get("/graphql", params={"query": "{ __typename }"})
    assert _error(get)[:2] == (405, "METHOD_NOT_ALLOWED")
    plain = client.post("/graphql", content=b"{}", headers={"content-type": "text/plain"})
    assert _error(plain)[:2] == (415, "UNSUPPORTED_MEDIA_TYPE")


def test_documents_the_schema_refuses_carry_their_code(client: TestClient) -> None:
    """Syntax, validation and variable errors are GraphQL answers (200) with a code each."""
    cases = [
        ({"query": "{ viewer { "}, "GRAPHQL_PARSE_FAILED"),
        ({"query": "{ nope }"}, "GRAPHQL_VALIDATION_FAILED"),
        (
            {
                "query": "query($f: Int) { retailers(first: $f) { totalCount } }",
                "variables": {"f": "x"},
            },
            "INVALID_VARIABLES",
        ),
    ]
    for body, expected in cases:
        response = client.post("/graphql", json=body)
        assert response.status_code == 200
        assert [e["extensions"]["code"] for e in response.json()["errors"]] == [expected]


def test_a_crash_outside_execution_is_a_masked_500_with_its_traceback_logged(
    client: TestClient, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug before execution (here: building the context) is 500 INTERNAL_SERVER_ERROR; the
    secret in its message stays in the log, never in the answer."""

    def broken(*_: Any) -> Any:
        raise RuntimeError("postgresql://admin:hunter2@db is on fire")

    monkeypatch.setattr(gql.app, "build_context", broken)
    with caplog.at_level(logging.ERROR):
        response = client.post("/graphql", json={"query": "{ __typename }"})
    status, code, message = _error(response)
    assert (status, code, message) == (500, "INTERNAL_SERVER_ERROR", "Unexpected error.")
    assert "hunter2" not in response.text
    assert any(r.exc_info and "hunter2" in str(r.exc_info[1]) for r in caplog.records)


def test_a_starting_service_answers_503_as_json(tmp_path: Path) -> None:
    """Before the kernels are warm, /graphql is 503 SERVICE_UNAVAILABLE with Retry-After."""
    view = _LazyGraphQL(Settings(data_dir=tmp_path, warm_kernels=False))
    app = Starlette(routes=[Route("/graphql", view)])
    with TestClient(app) as starting:
        response = starting.post("/graphql", json={"query": "{ __typename }"})
    assert _error(response)[:2] == (503, "SERVICE_UNAVAILABLE")
    assert response.headers["retry-after"] == "5"


def test_a_starting_service_closes_websockets_with_try_again_later(tmp_path: Path) -> None:
    """A dashboard that connects during warm-up is told to retry (1013), not sent HTTP."""
    view = _LazyGraphQL(Settings(data_dir=tmp_path, warm_kernels=False))
    app = Starlette(routes=[WebSocketRoute("/graphql", view)])
    with (
        TestClient(app) as starting,
        pytest.raises(WebSocketDisconnect) as closed,
        starting.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws,
    ):
        ws.receive_json()
    assert closed.value.code == 1013
