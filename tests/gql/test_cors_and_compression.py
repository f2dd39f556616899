"""Browsers on another host (the console, a front end) and compressed answers, as configured."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from gql.app import create_app
from gql.settings import SettingsError, load_settings
from tests.gql.http_app import empty_database_settings

CONSOLE = "https://console.example-tobacco.cn"


def _client(tmp_path: Path, **overrides: object) -> TestClient:
    settings = dataclasses.replace(empty_database_settings(tmp_path), **overrides)
    return TestClient(create_app(settings), raise_server_exceptions=False)


def test_a_configured_origin_may_call_the_api_and_no_other(tmp_path: Path) -> None:
    """Preflight from the console's origin is allowed with the headers the API needs; another
    origin gets no CORS headers (the browser then refuses to read the answer)."""
    with _client(tmp_path, cors_origins=CONSOLE) as client:
        allowed = client.options(
            "/graphql",
            headers={
                "Origin": CONSOLE,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type",
            },
        )
        answered = client.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"Origin": CONSOLE}
        )
        stranger = client.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"Origin": "https://evil.example"}
        )
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == CONSOLE
    assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
    assert answered.headers["access-control-allow-origin"] == CONSOLE
    assert "x-request-id" in answered.headers["access-control-expose-headers"].lower()
    assert "access-control-allow-origin" not in stranger.headers


def test_without_origins_there_is_no_cross_origin_access(tmp_path: Path) -> None:
    with _client(tmp_path) as client:
        answer = client.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"Origin": CONSOLE}
        )
    assert "access-control-allow-origin" not in answer.headers


def test_large_answers_are_compressed_for_clients_that_accept_it(tmp_path: Path) -> None:
    """The introspection answer (tens of kB) comes gzipped; a small one does not; 0 turns it off."""
    query = {"query": "{ __schema { types { name description } } }"}
    with _client(tmp_path) as client:
        big = client.post("/graphql", json=query, headers={"Accept-Encoding": "gzip"})
        small = client.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"Accept-Encoding": "gzip"}
        )
    with _client(tmp_path, gzip_min_bytes=0) as client:
        plain = client.post("/graphql", json=query, headers={"Accept-Encoding": "gzip"})
    assert big.headers["content-encoding"] == "gzip"
    assert big.json()["data"]["__schema"]["types"]  # httpx decoded it
    assert "content-encoding" not in small.headers
    assert "content-encoding" not in plain.headers


@pytest.mark.parametrize("origin", ["*", "console.example.cn", "https://a.cn/path"])
def test_origins_must_be_exact(origin: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(env={"VISITGIS_CORS_ORIGINS": f"{CONSOLE},{origin}"})
    assert f"cors_origins: {origin!r} is not an origin" in str(caught.value)
