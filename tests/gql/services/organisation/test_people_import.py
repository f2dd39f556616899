"""CSV import of departments, staff and managers: all or nothing, idempotent, logged."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

import geo
from gql.services.directory.importing import ImportRejected, ImportReport
from gql.services.organisation import importing
from tests.gql.api import Api
from tests.gql.conftest import DemoPeople

AT = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)
DEPARTMENTS = (
    "code,name,kind,parent_code\n"
    "XC,新城客服部,CUSTOMER_SERVICE,YXB\n"
    "XC2,新城二部,CUSTOMER_SERVICE,XC\n"
)
STAFF = (
    "staff_no,name,role,department_code,joined_on,active\n"
    "XH01,周主任,DEPARTMENT_HEAD,XC,2020-03-01,\n"
    "XD01,吴副主任,DEPUTY_HEAD,XC,2021-05-01,true\n"
    "XA01,郑稽查,AUDITOR,KHZ,2019-01-01,是\n"
)
MANAGERS = (
    "staff_no,name,department_code,joined_on,msisdn,carrier,start_lat,start_lon,start_label,"
    "coord_system\n"
    "XM01,冯经理,XC,2022-01-01,13912345601,MOBILE,28.0,120.7,新城办公室,\n"
    "XM02,陈经理,XC2,2022-01-01,18912345602,TELECOM,{lat},{lon},住所,GCJ02\n"
)


def _run(api: Api, kind: str, text: str, tmp_path: Path, name: str = "people.csv") -> ImportReport:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    run = {
        "departments": importing.import_departments,
        "staff": importing.import_staff,
        "managers": importing.import_managers,
    }[kind]
    with api.state.sessions() as session:
        try:
            report = run(session, path, now=AT)
        except ImportRejected:
            session.rollback()
            raise
        session.commit()
    return report


def _managers_file() -> str:
    gcj = geo.from_wgs84(geo.Wgs84(28.02, 120.72), geo.CoordSystem.GCJ02)
    return MANAGERS.format(lat=gcj.lat, lon=gcj.lon)


def test_a_small_company_imports_and_reimports_unchanged(
    api: Api, people: DemoPeople, tmp_path: Path
) -> None:
    """Departments (a parent defined on an earlier line), heads, auditors and managers arrive;
    the same files again change nothing; GraphQL shows the result and the change log."""
    assert str(_run(api, "departments", DEPARTMENTS, tmp_path)) == (
        "2 department rows: 2 inserted, 0 updated, 0 unchanged"
    )
    assert _run(api, "staff", STAFF, tmp_path).inserted == 3
    assert _run(api, "managers", _managers_file(), tmp_path).inserted == 2
    assert _run(api, "departments", DEPARTMENTS, tmp_path).unchanged == 2
    assert _run(api, "staff", STAFF, tmp_path).unchanged == 3
    assert _run(api, "managers", _managers_file(), tmp_path).unchanged == 2
    departments = api.data(
        "{ departments { code parent { code } head { staffNo } deputy { staffNo } "
        "people { staffNo } } }",
        as_=people.marketing,
    )["departments"]
    xc = next(d for d in departments if d["code"] == "XC")
    assert xc["parent"] == {"code": "YXB"}
    assert xc["head"] == {"staffNo": "XH01"}
    assert xc["deputy"] == {"staffNo": "XD01"}
    assert {p["staffNo"] for p in xc["people"]} == {"XH01", "XD01", "XM01"}
    managers = api.data(
        "{ staff(role: ACCOUNT_MANAGER, first: 100) { nodes { staffNo } } }", as_=people.admin
    )["staff"]["nodes"]
    assert {"staffNo": "XM02"} in managers
    log = api.data(
        "{ orgChanges(first: 100) { nodes { actorId action sourceFile } } }", as_=people.admin
    )["orgChanges"]["nodes"]
    assert len(log) == 7
    assert {(c["actorId"], c["action"], c["sourceFile"]) for c in log} == {
        (None, "IMPORTED", "people.csv")
    }


def test_a_changed_row_updates_only_that_person(
    api: Api, people: DemoPeople, tmp_path: Path
) -> None:
    """A manager's carrier changed in the file is one update; the rest stays unchanged."""
    _run(api, "departments", DEPARTMENTS, tmp_path)
    _run(api, "managers", _managers_file(), tmp_path)
    ported = _managers_file().replace("13912345601,MOBILE", "13912345601,TELECOM")
    report = _run(api, "managers", ported, tmp_path)
    assert (report.inserted, report.updated, report.unchanged) == (0, 1, 1)


def test_a_bad_people_file_lists_every_problem_and_writes_nothing(
    api: Api, people: DemoPeople, tmp_path: Path
) -> None:
    """Unknown department, bad phone, duplicate number, off-globe start, wrong kind, a taken
    head post: each named by line and column; not one row is written."""
    before = api.data("{ staff { totalCount } }", as_=people.admin)["staff"]["totalCount"]
    bad_managers = (
        "staff_no,name,department_code,joined_on,msisdn,carrier,start_lat,start_lon,start_label\n"
        "YM01,好经理,YXB,2022-01-01,13912345611,MOBILE,28.0,120.7,办公室\n"
        "YM02,坏经理,NOPE,2022-13-01,1234,PIGEON,95.0,120.7,住所\n"
        "YM03,重号,KHZ,2022-01-01,13912345611,MOBILE,28.0,abc,住所\n"
    )
    with pytest.raises(ImportRejected) as caught:
        _run(api, "managers", bad_managers, tmp_path)
    found = {(e.line, e.field) for e in caught.value.errors}
    assert found == {
        (2, "department_code"),
        (3, "department_code"),
        (3, "joined_on"),
        (3, "msisdn"),
        (3, "carrier"),
        (3, "start_lat"),
        (4, "msisdn"),
        (4, "department_code"),
        (4, "start_lon"),
    }
    head_file = (
        "staff_no,name,role,department_code,joined_on\n"
        "YH01,再来一个,DEPARTMENT_HEAD,{code},2020-01-01\n"
    )
    own = api.data("{ viewer { department { code } } }", as_=people.head)["viewer"]
    with pytest.raises(ImportRejected) as taken:
        _run(api, "staff", head_file.format(code=own["department"]["code"]), tmp_path)
    assert [(e.line, e.field) for e in taken.value.errors] == [(2, "role")]
    with pytest.raises(ImportRejected) as forward:
        _run(api, "departments", "code,name,kind,parent_code\nA1,甲,AUDIT_TEAM,B1\n"
             "B1,乙,AUDIT_TEAM,WZ\n", tmp_path)  # fmt: skip
    assert [(e.line, e.field) for e in forward.value.errors] == [(2, "parent_code")]
    after = api.data("{ staff { totalCount } }", as_=people.admin)["staff"]["totalCount"]
    assert after == before
    assert (
        api.data("{ orgChanges { totalCount } }", as_=people.admin)["orgChanges"]["totalCount"] == 0
    )
