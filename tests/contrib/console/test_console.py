"""The console is served at ``/console`` only when settings name its folder, and its query fits."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from graphql import build_schema, parse, validate
from starlette.testclient import TestClient

from gql.app import create_app
from gql.settings import SettingsError, load_settings
from tests.gql.http_app import empty_database_settings

CONSOLE_DIR = Path(__file__).resolve().parents[3] / "contrib" / "console"
SCHEMA_FILE = Path(__file__).resolve().parents[3] / "schema.graphql"


def test_console_served_when_its_folder_is_set(tmp_path: Path) -> None:
    enabled = replace(empty_database_settings(tmp_path), console_dir=CONSOLE_DIR)
    with TestClient(create_app(enabled)) as client:
        page = client.get("/console/")
        leaflet = client.get("/console/vendor/leaflet/leaflet.js")
    assert page.status_code == 200
    assert '<html lang="zh-CN">' in page.text
    assert leaflet.status_code == 200
    assert "1.9.4" in leaflet.text


def test_console_absent_by_default(tmp_path: Path) -> None:
    with TestClient(create_app(empty_database_settings(tmp_path))) as client:
        assert client.get("/console/").status_code == 404


def test_console_dir_without_index_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"has no index\.html"):
        load_settings(env={"VISITGIS_CONSOLE_DIR": str(tmp_path)})


def test_console_queries_validate_against_the_schema() -> None:
    schema = build_schema(SCHEMA_FILE.read_text(encoding="utf-8"))
    for path in [CONSOLE_DIR / "console.js", *sorted((CONSOLE_DIR / "views").glob("*.js"))]:
        source = path.read_text(encoding="utf-8")
        fragments = dict(re.findall(r"const (\w+) = `(fragment[^`]*)`", source))
        documents = re.findall(r"= `((?:query|subscription|mutation)[^`]*)`", source)
        assert documents or path.name.startswith("_"), f"{path.name} sends no GraphQL"
        for document in documents:
            text = re.sub(r"\$\{(\w+)\}", lambda m, f=fragments: f[m.group(1)], document)
            assert validate(schema, parse(text)) == [], (path.name, document[:60])
