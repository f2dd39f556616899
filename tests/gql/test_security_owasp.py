"""The OWASP GraphQL Cheat Sheet, item by item, for the protections of issue 14 items 5, 6, 8.

``docs/security.md`` walks every item of the cheat sheet and names the test of each; this
module holds the ones not proven elsewhere. Through the real app (``create_app`` over the demo
city, both stores) where the HTTP answer matters, through the schema where only the data does.
The limits (cost, sizes, worker pool, rate) have their own tests (see ``docs/security.md``).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import jwt
import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from gql.auth import mint_token
from gql.schema.errors import without_suggestions
from gql.schema.relay import decode_global_id, encode_global_id
from gql.settings import Settings
from tests.gql.api import Api
from tests.gql.conftest import DemoPeople
from tests.gql.http_app import app_client, app_settings
from tests.gql.schema.audit_helpers import ids_of, today_cst

SECRET = "owasp-Xk3#pL9v@Qz7!mW2$rT5^yB8&nD4*hF6"


def _settings(engine: sa.Engine, **overrides: Any) -> Settings:
    return app_settings(engine, SECRET, **overrides)


@pytest.fixture(scope="module")
def dev(demo_engine: sa.Engine) -> Iterator[TestClient]:
    yield from app_client(_settings(demo_engine))


@pytest.fixture(scope="module")
def prod(demo_engine: sa.Engine) -> Iterator[TestClient]:
    yield from app_client(_settings(demo_engine, mode="production"))


def _bearer(staff_no: str) -> dict[str, str]:
    token = mint_token(secret=SECRET, issuer="visitgis", staff_no=staff_no, ttl_s=600)
    return {"Authorization": f"Bearer {token}"}


def _messages(
    client: TestClient, who: str, query: str, variables: dict[str, Any] | None = None
) -> list[str]:
    response = client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=_bearer(who)
    )
    assert response.status_code < 500, response.text
    return [e["message"] for e in response.json().get("errors") or []]


# -- error handling: no name suggestions in production (cheat sheet: "Disable suggestions") ------

TYPOS: list[tuple[str, str, dict[str, Any] | None]] = [
    ("field", "{ viewr { role } }", None),
    ("argument", "{ retailers(frist: 1) { nodes { id } } }", None),
    ("input field", '{ retailers(filter: {serch: "x"}) { nodes { id } } }', None),
    ("enum value", '{ scoreboard(kind: MONTHH, period: "2026-09") { scope } }', None),
    ("type", "query($f: RetailerFiltr) { viewer { role } }", None),
    (
        "enum value in variables",
        'query($k: PeriodKind!) { scoreboard(kind: $k, period: "2026-09") { scope } }',
        {"k": "MONTHH"},
    ),
    (
        "input field in variables",
        "query($f: RetailerFilter) { retailers(filter: $f) { nodes { id } } }",
        {"f": {"serch": "x"}},
    ),
]


@pytest.mark.parametrize(("kind", "query", "variables"), TYPOS, ids=[t[0] for t in TYPOS])
def test_production_suggests_no_names_of_any_kind(
    dev: TestClient,
    prod: TestClient,
    people: DemoPeople,
    kind: str,
    query: str,
    variables: dict[str, Any] | None,
) -> None:
    """Development helps with "Did you mean …?"; production refuses the same typo without it."""
    helped = _messages(dev, people.marketing, query, variables)
    assert any("Did you mean" in m for m in helped), (kind, helped)
    refused = _messages(prod, people.marketing, query, variables)
    assert refused, kind
    assert not any("Did you mean" in m for m in refused), (kind, refused)
    assert refused == [without_suggestions(m) for m in helped]


def test_suggestion_stripping_keeps_the_rest_of_the_message() -> None:
    """Only the hint goes; what was wrong stays."""
    assert (
        without_suggestions("Cannot query field 'viewr' on type 'Query'. Did you mean 'viewer'?")
        == "Cannot query field 'viewr' on type 'Query'."
    )
    assert (
        without_suggestions(
            "Value 'MONTHH' does not exist in 'PeriodKind' enum. Did you mean the enum value "
            "'MONTH' or 'MONTHLY'? More."
        )
        == "Value 'MONTHH' does not exist in 'PeriodKind' enum. More."
    )


# -- authentication: JWT claims of the wrong type or absurd value --------------------------------


@pytest.mark.parametrize(
    "claims",
    [{"exp": 1e20}, {"exp": "2030-01-01T00:00:00Z"}, {"iat": -1e15}, {"sub": ["M001"]}],
    ids=["exp-1e20", "exp-string", "iat-minus-1e15", "sub-list"],
)
def test_signed_tokens_with_absurd_claims_are_a_clean_401(
    prod: TestClient, people: DemoPeople, claims: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    """Correctly signed, so only the claims can be wrong: UNAUTHENTICATED, nothing logged."""
    now = int(time.time())
    body = {"sub": people.marketing, "iss": "visitgis", "iat": now, "exp": now + 600, **claims}
    token = jwt.encode(body, SECRET, algorithm="HS256")
    caplog.clear()
    response = prod.post(
        "/graphql",
        json={"query": "{ viewer { role } }"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code < 500
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert "Traceback" not in response.text
    assert [r for r in caplog.records if r.levelno >= 40] == []


# -- access control: forged evidence (issue 14, defect 3) ----------------------------------------

RECORD = """mutation($i: ScoreEventRecordInput!) { scoreEventRecord(input: $i) {
  userErrors { field message code } event { id status } } }"""


@pytest.mark.parametrize(
    "audit_id",
    [
        encode_global_id("AuditRecord", 987_654_321),
        encode_global_id("AuditRecord", 2**31),
        encode_global_id("AuditRecord", 2**63),
    ],
    ids=["missing-record", "past-int32", "past-int64"],
)
def test_an_auditor_cannot_forge_a_finding(api: Api, people: DemoPeople, audit_id: str) -> None:
    """An audit record that does not exist (or cannot): a userError on auditId, nothing stored."""
    manager = ids_of(api, people.manager)["manager"]
    i = {
        "managerId": manager,
        "kind": "AUDIT_FINDING",
        "occurredOn": today_cst(),
        "finding": "PRICE_TAGS_MISSING",
        "auditId": audit_id,
    }
    payload = api.data(RECORD, {"i": i}, as_=people.auditor)["scoreEventRecord"]
    assert payload["event"] is None
    assert [e["field"] for e in payload["userErrors"]] == [["input", "auditId"]]


# -- evidence scoped to the caller: nearer retailers (issue 14, defect 9) -------------------------

NEAR = """query($lat: Float!, $lon: Float!) {
  retailers(first: 100, filter: {near: {lat: $lat, lon: $lon, radiusM: 1500}}) {
    nodes { id manager { id } position { lat lon } } } }"""
START = """mutation($i: VisitStartInput!) { visitStart(input: $i) {
  userErrors { field message } visit { id flags details } } }"""


def test_check_in_evidence_names_only_the_managers_own_retailers(
    api: Api, people: DemoPeople
) -> None:
    """A fix right at another manager's shop near one's own: that shop is weighed (the
    NEARER_RETAILER flag) but not named; what is named is one's own, five at most."""
    me = ids_of(api, people.manager)["manager"]
    mine = api.data(
        "{ viewer { manager { retailers(first: 100) { nodes { id position { lat lon } } } } } }",
        as_=people.manager,
    )["viewer"]["manager"]["retailers"]["nodes"]
    own_ids = {decode_global_id(r["id"])[1] for r in mine}
    chosen = None
    for shop in mine:
        p = shop["position"]
        around = api.data(NEAR, {"lat": p["lat"], "lon": p["lon"]}, as_=people.marketing)
        others = [n for n in around["retailers"]["nodes"] if n["manager"]["id"] != me]
        if others:
            chosen = (shop, others[0])
            break
    assert chosen is not None, "the demo city has shops of two managers within 1.5 km"
    shop, other = chosen
    fix = {
        "lat": other["position"]["lat"],
        "lon": other["position"]["lon"],
        "accuracyM": 5.0,
        "capturedAt": datetime.now(UTC).isoformat(),
    }
    i = {"retailerId": shop["id"], "idempotencyKey": str(uuid.uuid4()), "deviceFix": fix}
    payload = api.data(START, {"i": i}, as_=people.manager)["visitStart"]
    assert payload["userErrors"] == []
    visit = payload["visit"]
    assert "NEARER_RETAILER" in visit["flags"]
    named = [n["retailer_id"] for n in visit["details"]["check_in"]["nearer_retailers"]]
    assert decode_global_id(other["id"])[1] not in named
    assert set(named) <= own_ids
    assert len(named) <= 5


# -- CSRF: no simple-request content type runs an operation ---------------------------------------


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-www-form-urlencoded", b"query=%7B+viewer+%7B+role+%7D+%7D"),
        ("multipart/form-data; boundary=x", b'--x\r\nContent-Disposition: form-data; name="q"'),
        ("text/plain", b'{"query": "{ viewer { role } }"}'),
    ],
    ids=["form", "multipart", "text"],
)
def test_cross_site_form_posts_run_nothing(
    prod: TestClient, people: DemoPeople, content_type: str, body: bytes
) -> None:
    """A browser form can post these without a preflight: 415 even with a valid token."""
    headers = {**_bearer(people.marketing), "content-type": content_type}
    response = prod.post("/graphql", content=body, headers=headers)
    assert response.status_code == 415
    assert response.json()["errors"][0]["extensions"]["code"] == "UNSUPPORTED_MEDIA_TYPE"
    assert "role" not in response.text


# -- injection: strings are data, never SQL ------------------------------------------------------

COUNT = """query($s: String) { retailers(filter: {search: $s}, first: 1) { totalCount } }"""


@pytest.mark.parametrize(
    "attack",
    ["' OR 1=1 --", "%' OR '%'='", "x'; DROP TABLE retailers; --", "\\", "_%", "\x00"],
)
def test_injection_strings_match_nothing_and_break_nothing(
    api: Api, people: DemoPeople, attack: str
) -> None:
    """Bound parameters and escaped LIKE patterns: no row matches, every table still answers."""
    before = api.data(COUNT, {"s": None}, as_=people.marketing)["retailers"]["totalCount"]
    result = api.execute(COUNT, {"s": attack}, as_=people.marketing)
    if result.errors is None:
        assert result.data is not None
        assert result.data["retailers"]["totalCount"] == 0
    else:  # a user error about the text, never a masked bug
        assert all(e.message != "Unexpected error." for e in result.errors)
    after = api.data(COUNT, {"s": None}, as_=people.marketing)["retailers"]["totalCount"]
    assert after == before > 0
