"""What operators see: /metrics, request ids, and one structured log line per operation."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from gql.app import create_app
from gql.auth import mint_token
from gql.logs import JsonFormatter, configure_logging
from gql.settings import DEV_JWT_SECRET
from tests.gql.http_app import empty_database_settings

WHO = "query Who { viewer { role } }"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = empty_database_settings(Path(tmp_path_factory.mktemp("observed")))
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """The service's own logging set-up (JSON lines), written here; put back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    configure_logging("INFO", "json")
    stream = io.StringIO()
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(stream)
    try:
        yield stream
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def _sample(text: str, name: str, labels: str) -> float:
    """The value of one series in an exposition (0 when absent)."""
    match = re.search(rf"^{re.escape(name)}\{{{re.escape(labels)}\}} (\S+)$", text, re.M)
    return float(match.group(1)) if match else 0.0


def test_metrics_count_operations_by_name_and_errors_by_code(client: TestClient) -> None:
    """Each answered operation is timed under its name and type; each error counts its code."""
    series = "visitgis_graphql_operation_seconds_count"
    labels = 'operation="Who",type="query"'
    unauthenticated = 'code="UNAUTHENTICATED"'
    before = client.get("/metrics").text
    for _ in range(3):
        client.post("/graphql", json={"query": WHO})
    client.post("/graphql", json={"query": "{ viewer { role } }"})
    after = client.get("/metrics")
    assert after.status_code == 200
    assert after.headers["content-type"].startswith("text/plain")
    text = after.text
    assert _sample(text, series, labels) - _sample(before, series, labels) == 3
    anonymous = 'operation="anonymous",type="query"'
    assert _sample(text, series, anonymous) - _sample(before, series, anonymous) == 1
    errors = "visitgis_graphql_errors_total"
    assert _sample(text, errors, unauthenticated) - _sample(before, errors, unauthenticated) == 4
    assert "visitgis_db_pool_connections" in text  # read at scrape time
    assert "visitgis_live_subscribers 0.0" in text


def test_operation_names_from_clients_are_bounded_labels(client: TestClient) -> None:
    """A name that is not an identifier is counted as ``other``, never as a new series."""
    odd = "query { viewer { role } }"
    client.post("/graphql", json={"query": odd, "operationName": 'x" } evil{'})
    text = client.get("/metrics").text
    assert "evil" not in text


def test_every_answer_carries_a_request_id_and_a_sane_one_is_kept(client: TestClient) -> None:
    """A new id per request; the caller's ``X-Request-Id`` is echoed only if it is sane."""
    first = client.get("/healthz").headers["x-request-id"]
    second = client.get("/healthz").headers["x-request-id"]
    assert first != second
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    kept = client.get("/healthz", headers={"X-Request-Id": "handheld-7f3a-0001"})
    assert kept.headers["x-request-id"] == "handheld-7f3a-0001"
    forged = client.get("/healthz", headers={"X-Request-Id": 'a" level="ERROR'})
    assert forged.headers["x-request-id"] != 'a" level="ERROR'


def test_one_json_line_per_operation_names_request_operation_and_caller(
    client: TestClient, json_log: io.StringIO
) -> None:
    """The line has the request id the caller saw, the operation's name and the staff number;
    probes log nothing (the test client's own lines aside)."""
    token = mint_token(secret=DEV_JWT_SECRET, issuer="visitgis", staff_no="M0042", ttl_s=600)
    answer = client.post(
        "/graphql", json={"query": WHO}, headers={"Authorization": f"Bearer {token}"}
    )
    client.get("/readyz")
    client.get("/healthz")
    lines = [json.loads(line) for line in json_log.getvalue().splitlines() if line]
    operations = [line for line in lines if line["msg"] == "operation"]
    assert len(operations) == 1, lines
    line = operations[0]
    assert line["request_id"] == answer.headers["x-request-id"]
    assert (line["operation"], line["staff_no"], line["type"]) == ("Who", "M0042", "query")
    assert isinstance(line["duration_ms"], float)
    ours = [line for line in lines if line["logger"].split(".")[0] in ("visitgis", "alembic")]
    assert ours == [line], lines  # quiet probes


def test_json_lines_never_carry_ansi_escapes() -> None:
    """uvicorn adds ``color_message`` (the message with colours) to its records: dropped."""
    record = logging.makeLogRecord(
        {"msg": "Started server process", "color_message": "\x1b[36mStarted\x1b[0m"}
    )
    line = JsonFormatter().format(record)
    assert "\x1b" not in line
    assert "\\u001b" not in line
    assert json.loads(line)["msg"] == "Started server process"
