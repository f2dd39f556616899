"""A small company set up from CSV files and GraphQL alone, then its day planned and published.

Only the first two files go through ``visitgis import`` (someone must be able to sign in);
everything after is uploaded with ``csvImport`` or done by mutations: people, managers,
retailers, sales and targets, a schedule, a department's published day, a closed retailer.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest
from starlette.datastructures import UploadFile

from gql.app import build_state
from gql.cli import main
from gql.services.calendar import local_day
from gql.settings import Settings
from gql.store.db import create_engine_for, session_factory
from tests.fixtures_db import _backends, fresh_database
from tests.gql.api import Api

if TYPE_CHECKING:
    from pathlib import Path

IMPORT = (
    "mutation($i: CsvImportInput!) { csvImport(input: $i) "
    "{ report { rows inserted updated unchanged } userErrors { field message code } } }"
)
DEPARTMENTS = """code,name,kind,parent_code
WZ,温州市烟草公司,COMPANY,
YX,营销部,MARKETING,WZ
KH,考核组,AUDIT_TEAM,WZ
KF1,一号客户服务部,CUSTOMER_SERVICE,YX
"""
FIRST_STAFF = """staff_no,name,role,department_code,joined_on
A001,管理员,ADMIN,WZ,2020-01-01
M001,营销员,MARKETING,YX,2020-01-01
"""
STAFF = """staff_no,name,role,department_code,joined_on
H001,部长,DEPARTMENT_HEAD,KF1,2019-03-01
D001,副部长,DEPUTY_HEAD,KF1,2019-03-01
U001,稽查员,AUDITOR,KH,2021-05-01
"""
MANAGERS = """staff_no,name,department_code,joined_on,msisdn,carrier,start_lat,start_lon,start_label
K001,甲经理,KF1,2022-01-01,13300000001,TELECOM,28.0100,120.6500,办公室
K002,乙经理,KF1,2022-01-01,13500000002,MOBILE,28.0150,120.6600,办公室
K003,丙经理,KF1,2022-01-01,18900000003,TELECOM,28.0200,120.6550,住所
"""


def _retailers() -> str:
    lines = [
        "licence_no,name,address,lat,lon,business_type,grade,opening_hours,order_weekday,"
        "key_customer,manager_staff_no"
    ]
    for n in range(36):
        lat = 28.0 + 0.004 * (n % 6)
        lon = 120.64 + 0.004 * (n // 6)
        manager = f"K00{1 + n // 12}"
        lines.append(
            f"3303020{n:05d},第{n}号烟酒店,测试路{n}号,{lat:.4f},{lon:.4f},ORDINARY,"
            f"{1 + n % 20},07:00-21:00,{n % 5},{'是' if n % 9 == 0 else '否'},{manager}"
        )
    return "\n".join(lines) + "\n"


SALES = """licence_no,order_date,volume_cartons,amount_yuan
330302000000,2026-11-02,10,2500.00
330302000001,2026-11-02,4,980.50
330302000013,2026-11-03,7,1400.00
"""
TARGETS = """manager_staff_no,month,volume_cartons,amount_yuan
K001,2027-01,1200,245000.00
K002,2027-01,900,180000.50
"""


def import_the_company(url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Migrate the database at ``url`` and import, with the CLI, the company and its first two
    people (an administrator and a marketing officer): what must exist before anyone signs in."""
    monkeypatch.setenv("VISITGIS_DATABASE_URL", url)
    monkeypatch.delenv("VISITGIS_SETTINGS_FILE", raising=False)
    assert main(["db", "upgrade"]) == 0
    for kind, text in (("departments", DEPARTMENTS), ("staff", FIRST_STAFF)):
        path = tmp_path / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        assert main(["import", kind, str(path)]) == 0


def _upload(api: Api, who: str, kind: str, text: str) -> dict[str, Any]:
    file = UploadFile(io.BytesIO(text.encode()), filename=f"{kind.lower()}.csv")
    done = api.data(IMPORT, {"i": {"kind": kind, "file": file}}, as_=who)["csvImport"]
    assert done["userErrors"] == [], done["userErrors"]
    return dict(done["report"])


@pytest.fixture(params=_backends())
def company(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Any:
    """An empty migrated database where the CLI imported the company and its first two people."""
    with fresh_database(request.param, tmp_path_factory) as url:
        import_the_company(url, tmp_path, monkeypatch)
        engine = create_engine_for(url)
        try:
            yield Api(build_state(Settings(warm_kernels=False), engine, session_factory(engine)))
        finally:
            engine.dispose()


def test_a_company_from_csv_plans_and_publishes_a_departments_day(company: Api) -> None:
    """People, managers, retailers, sales and targets uploaded; sales read back by the head;
    a schedule applied; the department's Monday published from it; a closed shop left out."""
    api = company
    assert _upload(api, "A001", "STAFF", STAFF)["inserted"] == 3
    assert _upload(api, "M001", "MANAGERS", MANAGERS)["inserted"] == 3
    assert _upload(api, "M001", "RETAILERS", _retailers())["inserted"] == 36
    assert _upload(api, "A001", "SALES", SALES)["inserted"] == 3
    assert _upload(api, "M001", "TARGETS", TARGETS)["inserted"] == 2
    assert _upload(api, "M001", "RETAILERS", _retailers())["unchanged"] == 36

    department = api.data("{ viewer { department { id } } }", as_="H001")["viewer"]["department"]
    summary = api.data(
        '{ salesSummary(filter: {firstDay: "2026-11-01", lastDay: "2026-11-30"}) '
        "{ orders volumeCartons amount { amount } byManager { manager { staffNo } orders } } }",
        as_="H001",
    )["salesSummary"]
    assert summary["orders"] == 3
    assert summary["volumeCartons"] == 21
    assert summary["amount"]["amount"] == "4880.50"
    assert {r["manager"]["staffNo"]: r["orders"] for r in summary["byManager"]} == {
        "K001": 2,
        "K002": 1,
    }

    proposal = api.data(
        "mutation($i: ScheduleProposalCreateInput!) { scheduleProposalCreate(input: $i) "
        "{ proposal { id } userErrors { message } } }",
        {"i": {"departmentId": department["id"]}},
        as_="M001",
    )["scheduleProposalCreate"]
    assert proposal["userErrors"] == [], proposal
    applied = api.data(
        "mutation($id: ID!) { territoryProposalApply(input: {id: $id}) "
        "{ proposal { status } userErrors { message } } }",
        {"id": proposal["proposal"]["id"]},
        as_="M001",
    )["territoryProposalApply"]
    assert applied["proposal"]["status"] == "APPLIED"

    today = local_day(datetime.now(UTC))
    monday = today + timedelta(days=7 - today.weekday())
    k1 = api.data("{ viewer { manager { id } } }", as_="K001")["viewer"]["manager"]["id"]
    scheduled = api.data(
        "query($m: ID!) { schedule(managerId: $m, week: 1) { days { weekday retailerIds } } }",
        {"m": k1},
        as_="H001",
    )["schedule"]["days"]
    monday_shops = next(d["retailerIds"] for d in scheduled if d["weekday"] == 0)
    assert monday_shops
    closed = api.data(
        "mutation($i: RetailerStatusChangeInput!) { retailerClose(input: $i) "
        "{ userErrors { message } } }",
        {"i": {"id": monday_shops[0], "effectiveOn": monday.isoformat(), "reason": "注销"}},
        as_="M001",
    )["retailerClose"]
    assert closed["userErrors"] == []

    published = api.data(
        "mutation($i: VisitPlansPublishInput!) { visitPlansPublish(input: $i) "
        "{ plans { version plan { status manager { staffNo } stops { retailer { id } } "
        "sources { retailerId source } } skipped { retailerId reason } } "
        "userErrors { message } } }",
        {"i": {"departmentId": department["id"], "date": monday.isoformat()}},
        as_="H001",
    )["visitPlansPublish"]
    assert published["userErrors"] == []
    by_manager = {p["plan"]["manager"]["staffNo"]: p for p in published["plans"]}
    assert set(by_manager) == {"K001", "K002", "K003"}
    assert {p["plan"]["status"] for p in published["plans"]} == {"PUBLISHED"}
    mine = by_manager["K001"]
    stops = {s["retailer"]["id"] for s in mine["plan"]["stops"]}
    assert monday_shops[0] not in stops
    assert {"retailerId": monday_shops[0], "reason": "NOT_ACTIVE"} in mine["skipped"]
    assert set(monday_shops[1:]) <= stops | {s["retailerId"] for s in mine["skipped"]}
    assert {s["source"] for s in mine["plan"]["sources"]} <= {"SCHEDULED", "KEY_CUSTOMER"}
