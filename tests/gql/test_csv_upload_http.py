"""A CSV file uploaded over HTTP as a GraphQL multipart request (the spec's operations/map/file).

Uploads carry ``Apollo-Require-Preflight`` (CSRF: a cross-site form cannot send it); without it
a multipart post is 415 like every other simple-request body.
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING

from starlette.testclient import TestClient

from gql.app import create_app
from gql.auth import mint_token
from gql.domain import DepartmentKind, Role
from gql.store.db import create_engine_for, session_factory, sqlite_url
from gql.store.migrate import upgrade
from gql.store.repositories import DepartmentRepository, StaffRepository
from tests.gql.http_app import app_settings

if TYPE_CHECKING:
    from pathlib import Path

SECRET = "upload-tests-secret-" + "u" * 24
IMPORT = (
    "mutation($i: CsvImportInput!) { csvImport(input: $i) "
    "{ report { rows inserted unchanged } userErrors { field message code } } }"
)
DEPARTMENTS = (
    "code,name,kind,parent_code\nYX,营销部,MARKETING,WZ\nKF9,九号客户服务部,CUSTOMER_SERVICE,YX\n"
)


def _multipart(
    client: TestClient, token: str, text: bytes, mapping: object, *, preflight: bool = True
) -> dict[str, object]:
    operations = {"query": IMPORT, "variables": {"i": {"kind": "DEPARTMENTS", "file": None}}}
    response = client.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps(mapping)},
        files={"0": ("departments.csv", text, "text/csv")},
        headers={"Authorization": f"Bearer {token}"}
        | ({"Apollo-Require-Preflight": "true"} if preflight else {}),
    )
    return {"status": response.status_code, "body": response.json()}


def test_a_multipart_upload_imports_the_file_and_a_bad_one_writes_nothing(tmp_path: Path) -> None:
    """The file part mapped to `variables.i.file` is imported (and again: unchanged); a bad row
    is named by its line; a map naming a missing part is a 400 BAD_REQUEST in the JSON shape."""
    engine = create_engine_for(sqlite_url(tmp_path))
    upgrade(engine)
    with session_factory(engine)() as session:
        company = DepartmentRepository(session).add(
            code="WZ", name="公司", kind=DepartmentKind.COMPANY, parent_id=None
        )
        StaffRepository(session).add(
            staff_no="A0001",
            name="管理员",
            role=Role.ADMIN,
            department_id=company.id,
            joined_on=date(2020, 1, 1),
        )
        session.commit()
    token = mint_token(secret=SECRET, issuer="visitgis", staff_no="A0001", ttl_s=600)
    settings = app_settings(engine, SECRET)
    token = mint_token(secret=SECRET, issuer=settings.jwt_issuer, staff_no="A0001", ttl_s=600)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        done = _multipart(client, token, DEPARTMENTS.encode(), {"0": ["variables.i.file"]})
        assert done["status"] == 200
        payload = done["body"]["data"]["csvImport"]  # type: ignore[index]
        assert payload == {"report": {"rows": 2, "inserted": 2, "unchanged": 0}, "userErrors": []}
        again = _multipart(client, token, DEPARTMENTS.encode(), {"0": ["variables.i.file"]})
        assert again["body"]["data"]["csvImport"]["report"]["unchanged"] == 2  # type: ignore[index]
        bad = DEPARTMENTS.replace("CUSTOMER_SERVICE", "SHOP").replace("KF9", "KF8")
        refused = _multipart(client, token, bad.encode(), {"0": ["variables.i.file"]})
        errors = refused["body"]["data"]["csvImport"]["userErrors"]  # type: ignore[index]
        assert [e["field"] for e in errors] == [["input", "file", "3"]]
        assert "kind" in errors[0]["message"]
        missing = _multipart(client, token, DEPARTMENTS.encode(), {"1": ["variables.i.file"]})
        assert missing["status"] == 400
        assert missing["body"]["errors"][0]["extensions"]["code"] == "BAD_REQUEST"  # type: ignore[index]
        unflagged = _multipart(
            client, token, b"code,name,kind,parent_code\nX1,x,AUDIT_TEAM,WZ\n",
            {"0": ["variables.i.file"]}, preflight=False,
        )  # fmt: skip
        assert unflagged["status"] == 415
        assert "Apollo-Require-Preflight" in unflagged["body"]["errors"][0]["message"]  # type: ignore[index]
    with engine.connect() as connection:
        codes = {r[0] for r in connection.exec_driver_sql("SELECT code FROM departments")}
    engine.dispose()
    assert codes == {"WZ", "YX", "KF9"}
