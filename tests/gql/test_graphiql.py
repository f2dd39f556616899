"""The development GraphiQL page works offline: every asset from the service, a valid example."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from graphql import parse, validate
from starlette.testclient import TestClient

from gql.app import create_app
from gql.graphiql import ASSETS_URL, EXAMPLE_OPERATION, STATIC_DIR
from gql.schema import build_schema
from gql.settings import Settings
from tests.gql.http_app import empty_database_settings

HTML = {"accept": "text/html"}
CONTENT_TYPES = {".js": "javascript", ".css": "text/css"}


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A migrated, empty database of this module's own."""
    data_dir = tmp_path_factory.mktemp("graphiql")
    return empty_database_settings(data_dir)


@pytest.fixture(scope="module")
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as running:
        yield running


@pytest.fixture(scope="module")
def page(client: TestClient) -> str:
    response = client.get("/graphql", headers=HTML)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    return response.text


def _assets(page: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', page)


def test_the_page_loads_every_asset_from_the_service(client: TestClient, page: str) -> None:
    """Scripts and styles are paths here, each served 200 with its content type."""
    assets = [a for a in _assets(page) if not a.startswith("data:")]
    assert len(assets) == 5  # GraphiQL's script and CSS, React, ReactDOM, graphql-ws
    for asset in assets:
        assert asset.startswith(ASSETS_URL + "/"), asset
        response = client.get(asset)
        assert response.status_code == 200, asset
        expected = CONTENT_TYPES[Path(asset).suffix]
        assert expected in response.headers["content-type"], (asset, response.headers)
        assert len(response.content) > 1_000, asset


def test_the_page_names_no_external_host(page: str) -> None:
    """No http(s):// or ws(s):// URL at all: the endpoint and assets are relative to the page."""
    assert re.findall(r"\b(?:https?|wss?)://[^\s\"'<>]*", page) == []
    assert "unpkg" not in page
    assert "cdn" not in page.lower()


def test_the_vendored_assets_carry_their_licences_and_versions() -> None:
    """Each vendored file is named in the README, beside a licence file that exists."""
    folder = STATIC_DIR / "graphiql"
    readme = (folder / "README.md").read_text(encoding="utf-8")
    for asset in folder.glob("*.js"):
        assert f"`{asset.name}`" in readme
    for asset in folder.glob("*.css"):
        assert asset.name.removesuffix(".css") in readme
    licences = re.findall(r"`(licenses/[^`]+)`", readme)
    assert len(licences) == 4
    for licence in licences:
        assert "Permission is hereby granted" in (folder / licence).read_text(encoding="utf-8")
    for version in ("3.8.3", "18.2.0", "5.16.0"):
        assert version in readme


def test_the_example_operation_on_the_page_validates_against_the_schema(
    page: str, settings: Settings
) -> None:
    """What the page opens with (read back from the page) is valid for this schema."""
    match = re.search(r"defaultQuery: (\".*?\"),\n", page)
    assert match is not None
    operation = json.loads(match.group(1))
    assert operation == EXAMPLE_OPERATION
    document = parse(operation)
    assert validate(build_schema(settings)._schema, document) == []
    kinds = {d.operation.value for d in document.definitions}  # type: ignore[attr-defined]
    assert kinds == {"query", "subscription"}


def test_the_page_sends_the_token_for_queries_and_subscriptions(page: str) -> None:
    """The headers editor is on, and its headers become the WebSocket's connection params."""
    assert "isHeadersEditorEnabled: true" in page
    assert "connectionParams: headers" in page
    assert "Authorization" in page


def test_production_serves_neither_the_page_nor_its_assets(tmp_path: Path) -> None:
    """Production hides GraphiQL, and its assets with it."""
    settings = dataclasses.replace(
        empty_database_settings(tmp_path), mode="production", jwt_secret="p" * 40
    )
    with TestClient(create_app(settings)) as client:
        assert "GraphiQL" not in client.get("/graphql", headers=HTML).text
        assert client.get(f"{ASSETS_URL}/graphiql.min.js").status_code == 404
