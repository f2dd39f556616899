"""Every malformed request gets a clean 4xx GraphQL answer and no traceback (issue 14, item 8).

Property-based: hypothesis throws generated bodies, variables and tokens at the app — over HTTP
(``create_app`` with its own migrated SQLite file) for bodies and tokens, and through the schema
on the demo city (both stores) for variables — and asserts no 5xx, no masked "Unexpected error."
and no ERROR log line. Example counts are bounded so the module runs in seconds; the named
cases of the issue are pinned with ``@example``.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from datetime import UTC, timedelta, timezone
from typing import Any

import jwt
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from gql.app import create_app
from gql.schema.relay import encode_global_id
from gql.settings import Settings
from gql.store.db import create_engine_for, sqlite_url
from gql.store.migrate import upgrade
from tests.gql.api import Api
from tests.gql.conftest import DemoPeople

JSON = {"content-type": "application/json"}
FAST = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
BIG = 2**63


@pytest.fixture(scope="module")
def app_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data_dir = tmp_path_factory.mktemp("malformed")
    engine = create_engine_for(sqlite_url(data_dir))
    upgrade(engine)
    engine.dispose()
    return Settings(data_dir=data_dir, warm_kernels=False)


@pytest.fixture(scope="module")
def client(app_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings), raise_server_exceptions=False) as running:
        yield running


def _errors_logged(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def _clean_http(response: Any, caplog: pytest.LogCaptureFixture) -> None:
    """A GraphQL-shaped JSON answer below 500, and nothing logged as an error."""
    assert response.status_code < 500, response.text[:500]
    assert response.headers["content-type"].startswith("application/json"), response.text[:200]
    body = response.json()
    assert isinstance(body, dict)
    for error in body.get("errors") or []:
        assert error["extensions"]["code"] != "INTERNAL_SERVER_ERROR", error
    assert _errors_logged(caplog) == []
    assert "Traceback" not in response.text


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)


@FAST
@given(body=st.binary(max_size=200))
@example(body=b"\xff\xfe{")
@example(body=b"null")
@example(body=b'"query"')
@example(body=b"42")
@example(body=b'{"query": "{ viewer { role } }", "variables": ' + b"[" * 5000 + b"]" * 5000 + b"}")
def test_any_body_is_a_clean_answer(
    client: TestClient, caplog: pytest.LogCaptureFixture, body: bytes
) -> None:
    """Bytes that are not UTF-8, JSON that is not an object, variables 5,000 deep."""
    caplog.clear()
    _clean_http(client.post("/graphql", content=body, headers=JSON), caplog)


@FAST
@given(
    payload=st.dictionaries(
        st.sampled_from(["query", "variables", "operationName", "extensions"]), _json_values
    )
)
def test_any_json_object_is_a_clean_answer(
    client: TestClient, caplog: pytest.LogCaptureFixture, payload: dict[str, Any]
) -> None:
    """Every field of a request mistyped in every way."""
    caplog.clear()
    _clean_http(client.post("/graphql", content=json.dumps(payload), headers=JSON), caplog)


_claim = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.lists(st.integers(), max_size=2),
)


@FAST
@given(exp=_claim, iat=_claim, nbf=_claim, sub=_claim, raw=st.text(max_size=60))
@example(exp=1e20, iat=0, nbf=None, sub="M001", raw="")
@example(exp="2030-01-01", iat=0, nbf=None, sub="M001", raw="")
@example(exp=None, iat=-1e15, nbf=None, sub="M001", raw="")
def test_any_token_is_a_clean_401(
    client: TestClient,
    app_settings: Settings,
    caplog: pytest.LogCaptureFixture,
    exp: Any,
    iat: Any,
    nbf: Any,
    sub: Any,
    raw: str,
) -> None:
    """Correctly signed tokens with claims of any type and size, and garbage tokens."""
    now = int(time.time())
    claims: dict[str, Any] = {"iss": app_settings.jwt_issuer, "sub": sub, "iat": iat}
    claims["exp"] = now + 600 if exp is None else exp
    if nbf is not None:
        claims["nbf"] = nbf
    signed = jwt.encode(claims, app_settings.jwt_secret, algorithm="HS256")
    for token in (signed, raw):
        caplog.clear()
        headers = {**JSON, "authorization": f"Bearer {token}"}
        try:
            response = client.post(
                "/graphql", json={"query": "{ viewer { role } }"}, headers=headers
            )
        except UnicodeEncodeError:
            continue  # not sendable as an HTTP header at all
        _clean_http(response, caplog)


# -- through the schema, on the demo city ------------------------------------------------

_ids = st.one_of(
    st.builds(
        encode_global_id,
        st.sampled_from(["Retailer", "Manager", "Visit", "AuditRecord", "cursor", "Nope"]),
        st.integers(min_value=-(2**70), max_value=2**70),
    ),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.text(max_size=30),
    st.sampled_from(
        [
            str(BIG),
            str(-BIG - 1),
            "1e308",
            "NaN",
            "-0",
            "\x00",
            "UmV0YWlsZXI6OTk5OTk5OTk5OTk5OTk5OTk5OTk=",
        ]
    ),
)


def _clean_result(result: Any, caplog: pytest.LogCaptureFixture) -> None:
    for error in result.errors or []:
        assert (error.extensions or {}).get("code") != "INTERNAL_SERVER_ERROR", error
        assert error.message != "Unexpected error.", error
    assert _errors_logged(caplog) == []


@FAST
@given(node_id=_ids, first=st.integers(min_value=-(2**70), max_value=2**70), after=_ids)
@example(node_id=str(BIG), first=BIG, after=str(BIG))
@example(
    node_id=encode_global_id("Retailer", 2**31),
    first=1,
    after=encode_global_id("cursor", 2**63),
)
def test_any_id_page_size_or_cursor_is_a_clean_answer(
    api: Api,
    people: DemoPeople,
    caplog: pytest.LogCaptureFixture,
    node_id: str,
    first: int,
    after: str,
) -> None:
    """IDs and cursors at and past 2^63 (SQLite's integer), negative and non-numeric ones."""
    caplog.clear()
    query = """query ($id: ID!, $first: Int, $after: String) {
      node(id: $id) { id } retailer(id: $id) { id }
      retailers(first: $first, after: $after) { nodes { id } }
    }"""
    _clean_result(
        api.execute(query, {"id": node_id, "first": first, "after": after}, as_=people.marketing),
        caplog,
    )


_instants = st.one_of(
    st.datetimes(timezones=st.just(UTC)).map(lambda d: d.isoformat()),
    st.datetimes(
        timezones=st.sampled_from([timezone(timedelta(hours=14)), timezone(-timedelta(hours=12))])
    ).map(lambda d: d.isoformat()),
    st.text(max_size=30),
)


@FAST
@given(device_time=_instants, retailer_id=_ids)
@example(device_time="0001-01-01T00:00:00+00:00", retailer_id="1")
@example(device_time="9999-12-31T23:59:59+00:00", retailer_id=str(BIG))
@example(device_time="2026-09-01T09:00:00+00:00", retailer_id=encode_global_id("Retailer", 2**40))
def test_any_device_time_or_retailer_is_a_clean_answer(
    api: Api,
    people: DemoPeople,
    caplog: pytest.LogCaptureFixture,
    device_time: str,
    retailer_id: str,
) -> None:
    """A handheld's clock anywhere in datetime's range (year 1, year 9999) and any retailer."""
    caplog.clear()
    mutation = """mutation ($i: VisitStartInput!) {
      visitStart(input: $i) { visit { id } userErrors { field code } }
    }"""
    variables = {
        "i": {
            "retailerId": retailer_id,
            "idempotencyKey": "k" + str(abs(hash(device_time))),
            "deviceTime": device_time,
        }
    }
    _clean_result(api.execute(mutation, variables, as_=people.manager), caplog)
    query = """query ($from: DateTime) { visits(filter: {startedFrom: $from}) { nodes { id } } }"""
    _clean_result(api.execute(query, {"from": device_time}, as_=people.marketing), caplog)
