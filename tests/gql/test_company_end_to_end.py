"""A company run on visitgis alone, over HTTP: from CSV files to a walked day (issue 16).

Only the company and its first two people come through ``visitgis import`` (someone has to be
able to sign in). Everyone else signs in with RS256 tokens of the company's identity provider
(a JWKS file, keys made here); people, managers, retailers, sales and targets arrive as CSV
uploads (GraphQL multipart over HTTP); marketing applies territories and a schedule; the head
publishes the department's day; a manager walks the published plan through the mock carriers
(real SOAP over loopback) and skips one stop with a reason. No Python helper writes the store.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from starlette.testclient import TestClient

from contrib.mock_carriers import MockCarrierServer, mobile_app, telecom_app
from contrib.mock_carriers.state import mobile_state, telecom_state
from gql.app import create_app
from gql.services.calendar import local_day
from gql.settings import Settings
from tests.fixtures_db import _backends, fresh_database
from tests.gql.test_company_from_csv import (
    MANAGERS,
    SALES,
    STAFF,
    TARGETS,
    _retailers,
    import_the_company,
)

K001_MSISDN = "13300000001"  # as MANAGERS lists it
ISSUER = "https://sso.example-tobacco.cn/realms/staff"
AUDIENCE = "visitgis"
PASSWORD = "company-e2e-carrier-pw"
TEMPLATE = Path(__file__).resolve().parents[2] / "contrib" / "mock_carriers" / "demo_region.toml"
IMPORT = (
    "mutation($i: CsvImportInput!) { csvImport(input: $i) "
    "{ report { inserted unchanged } userErrors { field message } } }"
)
PLAN = """query($m: ID!, $d: Date!) { visitPlan(managerId: $m, date: $d) {
  id status stops { planStopId seq retailer { id position { lat lon } } }
  lifecycle { stops { planStopId state verdict skipReason } } } }"""


class Company:
    """The app over HTTP, the identity provider's key, and the mock carriers."""

    def __init__(self, client: TestClient, key: rsa.RSAPrivateKey, telecom: Any, mobile: Any):
        self.client = client
        self.key = key
        self.telecom = telecom
        self.mobile = mobile

    def token(self, staff_no: str) -> str:
        """What the identity provider signs for a staff member (the claim names the number)."""
        now = datetime.now(UTC)
        claims = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": f"opaque-{staff_no}",
            "employee_id": staff_no,
            "iat": int(now.timestamp()),
            "exp": int((now + timedelta(minutes=30)).timestamp()),
        }
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": "sso-1"})

    def data(self, query: str, variables: dict[str, Any] | None, who: str) -> dict[str, Any]:
        response = self.client.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {self.token(who)}"},
        )
        body = response.json()
        assert response.status_code == 200, body
        assert body.get("errors") is None, body["errors"]
        return dict(body["data"])

    def upload(self, who: str, kind: str, text: str) -> dict[str, Any]:
        operations = {"query": IMPORT, "variables": {"i": {"kind": kind, "file": None}}}
        response = self.client.post(
            "/graphql",
            data={
                "operations": json.dumps(operations),
                "map": json.dumps({"0": ["variables.i.file"]}),
            },
            files={"0": (f"{kind.lower()}.csv", text.encode(), "text/csv")},
            headers={
                "Authorization": f"Bearer {self.token(who)}",
                "Apollo-Require-Preflight": "true",
            },
        )
        body = response.json()
        assert response.status_code == 200, body
        done = body["data"]["csvImport"]
        assert done["userErrors"] == [], done["userErrors"]
        return dict(done["report"])

    def place_phone(self, msisdn: str, lat: float, lon: float) -> None:
        for server in (self.telecom, self.mobile):
            server.carrier.phones[msisdn] = (lat, lon)


@pytest.fixture(params=_backends())
def company(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Company]:
    """The company and its first two people imported by the CLI; the app, its identity
    provider and both mock carriers running."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key())) | {"kid": "sso-1", "alg": "RS256"}
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [jwk]}), encoding="utf-8")
    with (
        fresh_database(request.param, tmp_path_factory) as url,
        MockCarrierServer(telecom_app(telecom_state(password=PASSWORD))) as telecom,
        MockCarrierServer(mobile_app(mobile_state(password=PASSWORD))) as mobile,
    ):
        monkeypatch.setenv("VISITGIS_CARRIER_PASSWORD", PASSWORD)
        import_the_company(url, tmp_path, monkeypatch)
        region = tmp_path / "region.toml"
        region.write_text(
            TEMPLATE.read_text(encoding="utf-8")
            .replace("http://127.0.0.1:8701", telecom.url)
            .replace("http://127.0.0.1:8702", mobile.url)
            .replace("enabled = true", "enabled = false"),  # every press asks the network
            encoding="utf-8",
        )
        settings = Settings(
            database_url=url,
            carriers_file=region,
            warm_kernels=False,
            log_level="WARNING",
            oidc_jwks=str(jwks),
            oidc_issuer=ISSUER,
            oidc_audience=AUDIENCE,
            oidc_staff_claim="employee_id",
            heavy_query_lane="thread",
        )
        with TestClient(create_app(settings)) as client:
            yield Company(client, key, telecom, mobile)


def test_a_company_set_up_from_files_and_graphql_walks_a_published_day(company: Company) -> None:
    """Set up, plan, publish, walk: every stop of the walked plan ends visited (verified
    IN_PLACE through the carriers) or skipped with the manager's reason."""
    assert company.upload("A001", "STAFF", STAFF)["inserted"] == 3
    assert company.upload("M001", "MANAGERS", MANAGERS)["inserted"] == 3
    assert company.upload("M001", "RETAILERS", _retailers())["inserted"] == 36
    assert company.upload("A001", "SALES", SALES)["inserted"] == 3
    assert company.upload("M001", "TARGETS", TARGETS)["inserted"] == 2
    roles = {
        who: company.data("{ viewer { role } }", None, who)["viewer"]["role"]
        for who in ("H001", "U001", "K001")
    }
    assert roles == {"H001": "DEPARTMENT_HEAD", "U001": "AUDITOR", "K001": "ACCOUNT_MANAGER"}

    department = company.data("{ viewer { department { id } } }", None, "H001")["viewer"]
    for create, variables in (
        ("territoryProposalCreate(input: $i)", {"departmentId": department["department"]["id"]}),
        ("scheduleProposalCreate(input: $i)", {"departmentId": department["department"]["id"]}),
    ):
        kind = create.split("(")[0]
        input_type = kind[0].upper() + kind[1:] + "Input"
        made = company.data(
            f"mutation($i: {input_type}!) {{ {create} {{ proposal {{ id }} "
            "userErrors { message } } }",
            {"i": variables},
            "M001",
        )[kind]
        assert made["userErrors"] == [], made
        applied = company.data(
            "mutation($id: ID!) { territoryProposalApply(input: {id: $id}) "
            "{ proposal { status } userErrors { message } } }",
            {"id": made["proposal"]["id"]},
            "M001",
        )["territoryProposalApply"]
        assert applied["proposal"]["status"] == "APPLIED", applied

    today = local_day(datetime.now(UTC))
    published = company.data(
        "mutation($i: VisitPlansPublishInput!) { visitPlansPublish(input: $i) "
        "{ plans { plan { manager { staffNo } } } userErrors { message } } }",
        {"i": {"departmentId": department["department"]["id"], "date": today.isoformat()}},
        "H001",
    )["visitPlansPublish"]
    assert published["userErrors"] == []
    assert {p["plan"]["manager"]["staffNo"] for p in published["plans"]} == {
        "K001",
        "K002",
        "K003",
    }
    manager = company.data("{ viewer { manager { id } } }", None, "K001")["viewer"]
    plan = company.data(PLAN, {"m": manager["manager"]["id"], "d": today.isoformat()}, "K001")
    plan = plan["visitPlan"]
    if len(plan["stops"]) < 2:  # a weekend, or a light day: the head adds shops not on it
        listed = {stop["retailer"]["id"] for stop in plan["stops"]}
        shops = company.data(
            "{ viewer { manager { retailers(first: 5) { nodes { id } } } } }", None, "K001"
        )["viewer"]["manager"]["retailers"]["nodes"]
        shops = [s for s in shops if s["id"] not in listed][:3]
        replanned = company.data(
            "mutation($i: VisitPlanCreateInput!) { visitPlanCreate(input: $i) "
            "{ plan { id } userErrors { message } } }",
            {
                "i": {
                    "managerId": manager["manager"]["id"],
                    "date": today.isoformat(),
                    "addRetailerIds": [s["id"] for s in shops],
                }
            },
            "H001",
        )["visitPlanCreate"]
        assert replanned["userErrors"] == [], replanned
        republished = company.data(
            "mutation($i: VisitPlanPublishInput!) { visitPlanPublish(input: $i) "
            "{ userErrors { message } } }",
            {"i": {"id": replanned["plan"]["id"], "reason": "no scheduled day: shops added"}},
            "H001",
        )["visitPlanPublish"]
        assert republished["userErrors"] == []
        plan = company.data(PLAN, {"m": manager["manager"]["id"], "d": today.isoformat()}, "K001")
        plan = plan["visitPlan"]
    assert plan["status"] == "PUBLISHED"
    stops = sorted(plan["stops"], key=lambda s: s["seq"])
    assert len(stops) >= 2

    *walked, skipped = stops
    for stop in walked:
        shop = stop["retailer"]
        lat, lon = shop["position"]["lat"], shop["position"]["lon"]
        company.place_phone(K001_MSISDN, lat, lon)
        fix = {
            "lat": lat,
            "lon": lon,
            "accuracyM": 8.0,
            "capturedAt": datetime.now(UTC).isoformat(),
        }
        started = company.data(
            "mutation($i: VisitStartInput!) { visitStart(input: $i) "
            "{ visit { id } userErrors { message } } }",
            {
                "i": {
                    "retailerId": shop["id"],
                    "idempotencyKey": str(uuid.uuid4()),
                    "deviceFix": fix,
                    "planStopId": stop["planStopId"],
                }
            },
            "K001",
        )["visitStart"]
        assert started["userErrors"] == [], started
        ended = company.data(
            "mutation($i: VisitEndInput!) { visitEnd(input: $i) "
            "{ visit { verdict } userErrors { message } } }",
            {"i": {"visitId": started["visit"]["id"], "deviceFix": fix}},
            "K001",
        )["visitEnd"]
        assert ended["userErrors"] == [], ended
    skip = company.data(
        "mutation($i: VisitPlanStopSkipInput!) { visitPlanStopSkip(input: $i) "
        "{ stop { state skipReason } userErrors { message } } }",
        {"i": {"planStopId": skipped["planStopId"], "reason": "店主外出，卷帘门关闭"}},
        "K001",
    )["visitPlanStopSkip"]
    assert skip["userErrors"] == [], skip
    assert company.telecom.carrier.requests_seen + company.mobile.carrier.requests_seen > 0

    final = company.data(PLAN, {"m": manager["manager"]["id"], "d": today.isoformat()}, "H001")
    progress = {s["planStopId"]: s for s in final["visitPlan"]["lifecycle"]["stops"]}
    for stop in walked:
        assert progress[stop["planStopId"]]["state"] == "VISITED"
        assert progress[stop["planStopId"]]["verdict"] == "IN_PLACE"
    assert progress[skipped["planStopId"]]["state"] == "SKIPPED"
    assert progress[skipped["planStopId"]]["skipReason"] == "店主外出，卷帘门关闭"
