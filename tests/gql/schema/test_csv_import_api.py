"""CSV uploads over GraphQL: the CLI's checks and writes, all or nothing, idempotent, by role."""

from __future__ import annotations

import io
from typing import Any

import pytest
from starlette.datastructures import UploadFile

from tests.gql.api import Api
from tests.gql.conftest import DemoPeople

IMPORT = (
    "mutation($i: CsvImportInput!) { csvImport(input: $i) "
    "{ report { kind rows inserted updated unchanged } userErrors { field message code } } }"
)
SUMMARY = "query($f: SalesFilter) { salesSummary(filter: $f) { orders volumeCartons } }"
DAY = "2026-11-02"


def _upload(api: Api, who: str, kind: str, text: str, *, encoding: str = "utf-8") -> Any:
    file = UploadFile(io.BytesIO(text.encode(encoding)), filename=f"{kind.lower()}.csv")
    return api.data(IMPORT, {"i": {"kind": kind, "file": file}}, as_=who)["csvImport"]


def _licences(api: Api, who: str, n: int) -> list[str]:
    nodes = api.data(
        "query($n: Int) { retailers(first: $n) { nodes { licenceNo } } }", {"n": n}, as_=who
    )["retailers"]["nodes"]
    return [r["licenceNo"] for r in nodes]


def _day_sales(api: Api, who: str) -> dict[str, int]:
    return dict(
        api.data(SUMMARY, {"f": {"firstDay": DAY, "lastDay": DAY}}, as_=who)["salesSummary"]
    )


def test_a_sales_file_is_imported_once_and_again_changes_nothing(
    api: Api, people: DemoPeople
) -> None:
    """Two new orders are inserted and counted by salesSummary; the same file again: unchanged."""
    first, second = _licences(api, people.marketing, 2)
    text = (
        "licence_no,order_date,volume_cartons,amount_yuan\n"
        f"{first},{DAY},12,1530.50\n{second},{DAY},3,402.00\n"
    )
    before = _day_sales(api, people.marketing)
    done = _upload(api, people.marketing, "SALES", text)
    assert done["userErrors"] == []
    assert done["report"] == {
        "kind": "sales",
        "rows": 2,
        "inserted": 2,
        "updated": 0,
        "unchanged": 0,
    }
    after = _day_sales(api, people.marketing)
    assert after["orders"] == before["orders"] + 2
    assert after["volumeCartons"] == before["volumeCartons"] + 15
    again = _upload(api, people.admin, "SALES", text)
    assert again["report"]["unchanged"] == 2
    assert _day_sales(api, people.marketing) == after


BRANDS = """query($f: SalesFilter) { sales(filter: $f, first: 50) {
  nodes { retailer { licenceNo } volumeCartons brand } } }"""


def test_a_sales_file_with_brands_stores_them_and_a_bad_brand_writes_nothing(
    api: Api, people: DemoPeople
) -> None:
    """The optional ``brand`` column (here as its alias ``product``) is stored and read back
    on each order; an empty cell is an unknown brand; a brand with a tab is a row problem."""
    first, second = _licences(api, people.marketing, 2)
    day = "2026-11-05"
    bad = f"licence_no,order_date,volume_cartons,amount_yuan,brand\n{first},{day},2,1.00,a\tb\n"
    refused = _upload(api, people.marketing, "SALES", bad)
    assert [e["field"] for e in refused["userErrors"]] == [["input", "file", "2"]]
    assert "brand" in refused["userErrors"][0]["message"]
    text = (
        "licence_no,order_date,volume_cartons,amount_yuan,product\n"
        f"{first},{day},12,1530.50,利群\n{second},{day},3,402.00,\n"
    )
    done = _upload(api, people.marketing, "SALES", text)
    assert done["userErrors"] == []
    nodes = api.data(BRANDS, {"f": {"firstDay": day, "lastDay": day}}, as_=people.marketing)[
        "sales"
    ]["nodes"]
    assert {(n["retailer"]["licenceNo"], n["brand"]) for n in nodes} == {
        (first, "利群"),
        (second, None),
    }


def test_a_bad_sales_file_lists_every_row_problem_and_writes_nothing(
    api: Api, people: DemoPeople
) -> None:
    """An unknown licence and a negative volume: one error each at its line; no order written."""
    (good,) = _licences(api, people.marketing, 1)
    text = (
        "licence_no,order_date,volume_cartons,amount_yuan\n"
        f"{good},{DAY},12,1530.50\n"
        f"999999999999,{DAY},1,10.00\n"
        f"{good},2026-11-03,-4,10.00\n"
    )
    before = _day_sales(api, people.marketing)
    refused = _upload(api, people.marketing, "SALES", text)
    assert refused["report"] is None
    lines = {tuple(e["field"]) for e in refused["userErrors"]}
    assert lines == {("input", "file", "3"), ("input", "file", "4")}
    assert all(e["code"] == "INVALID" for e in refused["userErrors"])
    assert any("licence_no" in e["message"] for e in refused["userErrors"])
    assert any("volume_cartons" in e["message"] for e in refused["userErrors"])
    assert _day_sales(api, people.marketing) == before


@pytest.mark.parametrize(
    ("text", "where", "needle"),
    [
        ("licence_no,order_date,amount_yuan\n1,2,3\n", ["input", "file", "1"], "volume_cartons"),
        ("", ["input", "file"], "empty"),
        ("licence_no,order_date,volume_cartons,amount_yuan\n", ["input", "file"], "no data"),
    ],
)
def test_a_bad_file_as_a_whole_is_refused(
    api: Api, people: DemoPeople, text: str, where: list[str], needle: str
) -> None:
    """A missing column (header line), an empty file, a header without rows."""
    refused = _upload(api, people.marketing, "SALES", text)
    assert refused["report"] is None
    assert refused["userErrors"][0]["field"] == where
    assert needle in refused["userErrors"][0]["message"]


def test_bytes_that_are_no_text_are_refused(api: Api, people: DemoPeople) -> None:
    """Neither UTF-8 nor GB18030: one file-level error."""
    file = UploadFile(io.BytesIO(b"\xff\xfe\x81\x30\x00\xff"), filename="x.csv")
    refused = api.data(IMPORT, {"i": {"kind": "RETAILERS", "file": file}}, as_=people.admin)[
        "csvImport"
    ]
    assert [(e["field"], e["code"]) for e in refused["userErrors"]] == [
        (["input", "file"], "INVALID")
    ]
    assert "GB18030" in refused["userErrors"][0]["message"]


@pytest.mark.parametrize(
    ("who", "kind"),
    [
        ("head", "SALES"),
        ("manager", "RETAILERS"),
        ("marketing", "DEPARTMENTS"),
        ("marketing", "STAFF"),
        ("admin", "TARGETS"),
        ("auditor", "MANAGERS"),
    ],
)
def test_each_kind_is_imported_only_by_its_roles(
    api: Api, people: DemoPeople, who: str, kind: str
) -> None:
    """Refused as FORBIDDEN before the file is read."""
    caller = getattr(people, who)
    refused = _upload(api, caller, kind, "anything\n1\n")
    assert [e["code"] for e in refused["userErrors"]] == ["FORBIDDEN"]


def test_a_staff_upload_logs_the_uploader_as_the_actor(api: Api, people: DemoPeople) -> None:
    """A new auditor from the file; the change log names who uploaded it."""
    team = next(
        d
        for d in api.data("{ departments { id code kind } }", as_=people.admin)["departments"]
        if d["kind"] == "AUDIT_TEAM"
    )
    text = "staff_no,name,role,department_code,joined_on\nQ9001,上传稽查员,AUDITOR,{},2026-12-01\n"
    done = _upload(api, people.admin, "STAFF", text.format(team["code"]))
    assert done["userErrors"] == []
    assert done["report"]["inserted"] == 1
    admin = api.data("{ viewer { staff { id } } }", as_=people.admin)["viewer"]["staff"]["id"]
    changes = api.data("{ orgChanges(last: 1) { nodes { action actorId } } }", as_=people.admin)[
        "orgChanges"
    ]["nodes"]
    assert changes == [{"action": "IMPORTED", "actorId": admin}]


def test_a_file_refused_by_the_database_mid_write_leaves_nothing_behind(
    api: Api, people: DemoPeople, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The orders are written, then the database refuses (a key taken meanwhile): the upload
    is refused as a whole and the savepoint takes the written orders back."""
    from sqlalchemy.exc import IntegrityError

    from gql.store.repositories import SalesRepository

    written = SalesRepository.upsert_orders

    def write_then_refuse(self: SalesRepository, drafts: Any, **options: Any) -> Any:
        written(self, drafts, **options)
        raise IntegrityError("INSERT", {}, Exception("duplicate key (taken meanwhile)"))

    monkeypatch.setattr(SalesRepository, "upsert_orders", write_then_refuse)
    (licence,) = _licences(api, people.marketing, 1)
    before = _day_sales(api, people.marketing)
    refused = _upload(
        api,
        people.marketing,
        "SALES",
        f"licence_no,order_date,volume_cartons,amount_yuan\n{licence},{DAY},5,100.00\n",
    )
    assert refused["report"] is None
    assert [e["field"] for e in refused["userErrors"]] == [["input", "file"]]
    assert "database refused" in refused["userErrors"][0]["message"]
    assert _day_sales(api, people.marketing) == before
