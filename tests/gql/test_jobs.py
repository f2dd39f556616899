"""Planning as jobs (issue 19): asked for over GraphQL, answered at once, computed by a worker.

On both stores: the in-process runner of the app computes a queued territory job and the
proposal is read through ``job``; asking again for a busy district returns the same job; a
job is its requester's and marketing's only; a cancelled job is never run; bad input is
answered at once and queues nothing. ``tests/gql/test_scale_out.py`` runs the job through a
separate ``visitgis worker`` process on PostgreSQL.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from gql.app import create_app
from gql.auth import mint_token
from gql.domain import Role
from gql.services.jobs.runner import RunnerSettings, run_one
from gql.settings import Settings
from gql.store.db import create_engine_for
from tests.fixtures_db import _backends, fresh_database
from tests.gql.http_app import active_staff, seeded_demo_staff

SECRET = "planning-jobs-secret-" + "j" * 24
DEADLINE_S = 180.0
"""Bounds the wait for a job (a demo district computes in seconds); not a timing assertion."""
REQUEST = """mutation($i: TerritoryProposalCreateInput!) { territoryProposalRequest(input: $i) {
  job { id kind status } userErrors { field message } } }"""
JOB = """query($id: ID!) { job(id: $id) { id status progress message attempts error
  proposal { id status kind } } }"""
CANCEL = """mutation($id: ID!) { jobCancel(input: { id: $id }) {
  job { id status } userErrors { message } } }"""


@dataclass(frozen=True)
class Office:
    client: TestClient
    url: str
    marketing: str
    head: str
    department_id: str

    def post(self, query: str, variables: dict[str, Any], staff_no: str) -> dict[str, Any]:
        token = mint_token(secret=SECRET, issuer="visitgis", staff_no=staff_no, ttl_s=3600)
        response = self.client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 200, response.text
        body = dict(response.json())
        assert body.get("errors") is None, body["errors"]
        return dict(body["data"])


def _office(url: str, client: TestClient) -> Office:
    engine = create_engine_for(url)
    try:
        rows = active_staff(engine)
    finally:
        engine.dispose()
    marketing = next(r.staff_no for r in rows if r.role == Role.MARKETING.name)
    head = next(r for r in rows if r.role == Role.DEPARTMENT_HEAD.name)
    office = Office(client, url, marketing, head.staff_no, "")
    department = office.post("{ viewer { department { id } } }", {}, head.staff_no)
    return Office(client, url, marketing, head.staff_no, department["viewer"]["department"]["id"])


@pytest.fixture(scope="module", params=_backends())
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    with fresh_database(request.param, tmp_path_factory) as url:
        seeded_demo_staff(url)
        yield url


def _app(url: str, *, in_process: bool) -> TestClient:
    settings = Settings(
        database_url=url,
        warm_kernels=False,
        jwt_secret=SECRET,
        log_level="WARNING",
        jobs_in_process=in_process,
    )
    return TestClient(create_app(settings), raise_server_exceptions=False)


def _wait_finished(office: Office, job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + DEADLINE_S
    while True:
        job = office.post(JOB, {"id": job_id}, office.marketing)["job"]
        if job["status"] not in ("QUEUED", "RUNNING") or time.monotonic() > deadline:
            return dict(job)
        time.sleep(0.2)  # polling a condition with a deadline, as a planning screen does


def test_a_territory_job_is_answered_at_once_and_computed_by_the_runner(database: str) -> None:
    with _app(database, in_process=True) as client:
        office = _office(database, client)
        asked = office.post(
            REQUEST, {"i": {"departmentId": office.department_id}}, office.marketing
        )
        job = asked["territoryProposalRequest"]["job"]
        assert asked["territoryProposalRequest"]["userErrors"] == []
        assert job["kind"] == "TERRITORIES"
        assert job["status"] in ("QUEUED", "RUNNING")
        again = office.post(
            REQUEST, {"i": {"departmentId": office.department_id}}, office.marketing
        )
        done = _wait_finished(office, job["id"])
        head_view = office.post(JOB, {"id": job["id"]}, office.head)["job"]
    if again["territoryProposalRequest"]["job"]["status"] in ("QUEUED", "RUNNING"):
        assert again["territoryProposalRequest"]["job"]["id"] == job["id"]  # one per district
    assert done["status"] == "SUCCEEDED", done
    assert done["progress"] == 1.0
    assert done["attempts"] == 1
    assert done["proposal"]["kind"] == "TERRITORIES"
    assert done["proposal"]["status"] == "PROPOSED"
    assert head_view is None  # not the head's job: as if missing


def test_a_cancelled_job_never_runs_and_bad_input_queues_nothing(database: str) -> None:
    with _app(database, in_process=False) as client:
        office = _office(database, client)
        bad = office.post(
            REQUEST, {"i": {"departmentId": office.department_id, "managers": 0}}, office.marketing
        )["territoryProposalRequest"]
        asked = office.post(
            REQUEST, {"i": {"departmentId": office.department_id}}, office.marketing
        )
        job_id = asked["territoryProposalRequest"]["job"]["id"]
        cancelled = office.post(CANCEL, {"id": job_id}, office.marketing)["jobCancel"]["job"]
        engine = create_engine_for(database)
        try:
            ran = run_one(engine, RunnerSettings(worker="test"))
            with engine.connect() as db:
                jobs = db.execute(sa.text("SELECT count(*) FROM jobs")).scalar_one()
        finally:
            engine.dispose()
        after = office.post(JOB, {"id": job_id}, office.marketing)["job"]
    assert bad["job"] is None
    assert bad["userErrors"][0]["field"] == ["input", "managers"]
    assert cancelled["status"] == "CANCELLED"
    assert ran is None
    assert after["status"] == "CANCELLED"
    assert after["proposal"] is None
    assert jobs >= 1


IMPORT_REQUEST = """mutation($i: CsvImportInput!) { csvImportRequest(input: $i) {
  job { id kind status } userErrors { field message code } } }"""
IMPORT_JOB = """query($id: ID!) { job(id: $id) { id kind status error
  importReport { kind rows inserted updated unchanged } problems { field message code } } }"""
SALES_DAY = "2026-11-03"


def _upload_job(office: Office, staff_no: str, text: str) -> dict[str, Any]:
    """``csvImportRequest`` as a browser sends it: a GraphQL multipart request."""
    token = mint_token(secret=SECRET, issuer="visitgis", staff_no=staff_no, ttl_s=3600)
    operations = {"query": IMPORT_REQUEST, "variables": {"i": {"kind": "SALES", "file": None}}}
    response = office.client.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.i.file"]})},
        files={"0": ("sales.csv", text.encode(), "text/csv")},
        headers={"Authorization": f"Bearer {token}", "Apollo-Require-Preflight": "true"},
    )
    assert response.status_code == 200, response.text
    return dict(response.json()["data"]["csvImportRequest"])


def _sales_rows(url: str) -> int:
    engine = create_engine_for(url)
    try:
        with engine.connect() as db:
            return int(db.execute(sa.text("SELECT count(*) FROM sales_orders")).scalar_one())
    finally:
        engine.dispose()


def _sales_brands(url: str, day: str, licences: list[str]) -> list[str | None]:
    """The brands of these retailers' orders on ``day``, in licence order."""
    engine = create_engine_for(url)
    query = sa.text(
        "SELECT s.brand FROM sales_orders s JOIN retailers r ON r.id = s.retailer_id "
        "WHERE s.order_date = :d AND r.licence_no IN :l ORDER BY r.licence_no"
    ).bindparams(sa.bindparam("l", expanding=True))
    try:
        with engine.connect() as db:
            rows = db.execute(query, {"d": date.fromisoformat(day), "l": licences})
            return [b for (b,) in rows]
    finally:
        engine.dispose()


def test_an_import_job_writes_the_file_or_lists_its_problems_and_writes_nothing(
    database: str,
) -> None:
    """A sales file queued by marketing is imported by the runner and reported; a file with a
    bad row fails with that row's problem and writes none of its rows; a head may not upload
    sales (refused at once, nothing queued); the stored file is dropped once the job ends."""
    with _app(database, in_process=True) as client:
        office = _office(database, client)
        nodes = office.post(
            "{ retailers(first: 2) { nodes { licenceNo } } }", {}, office.marketing
        )["retailers"]["nodes"]
        first, second = (n["licenceNo"] for n in nodes)
        header = "licence_no,order_date,volume_cartons,amount_yuan,brand\n"
        good = f"{header}{first},{SALES_DAY},12,1530.50,利群\n{second},{SALES_DAY},3,402.00,\n"
        bad = f"{header}{first},2026-11-04,5,600.00,利群\n{second},2026-11-04,-3,402.00,\n"
        before = _sales_rows(database)
        queued = _upload_job(office, office.marketing, good)
        done = _wait_finished_import(office, queued["job"]["id"])
        after_good = _sales_rows(database)
        brands = _sales_brands(database, SALES_DAY, sorted([first, second]))
        failed = _wait_finished_import(
            office, _upload_job(office, office.marketing, bad)["job"]["id"]
        )
        after_bad = _sales_rows(database)
        refused = _upload_job(office, office.head, good)
    assert queued["userErrors"] == []
    assert queued["job"]["kind"] == "IMPORT"
    assert done["status"] == "SUCCEEDED", done
    assert done["importReport"] == {
        "kind": "sales", "rows": 2, "inserted": 2, "updated": 0, "unchanged": 0
    }  # fmt: skip
    assert done["problems"] == []
    assert after_good == before + 2
    # the job path reads the optional brand column too (the second's cell is empty: unknown)
    assert brands == (["利群", None] if first < second else [None, "利群"])
    assert failed["status"] == "FAILED"
    assert failed["importReport"] is None
    assert [p["field"] for p in failed["problems"]] == [["input", "file", "3"]]
    assert "volume_cartons" in failed["problems"][0]["message"]
    assert after_bad == after_good  # the good row of the bad file was not written either
    assert refused["job"] is None
    assert refused["userErrors"][0]["code"] == "FORBIDDEN"
    engine = create_engine_for(database)
    try:
        with engine.connect() as db:
            kept = db.execute(
                sa.text("SELECT count(*) FROM jobs WHERE payload IS NOT NULL")
            ).scalar_one()
    finally:
        engine.dispose()
    assert kept == 0


def _wait_finished_import(office: Office, job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + DEADLINE_S
    while True:
        job = office.post(IMPORT_JOB, {"id": job_id}, office.marketing)["job"]
        if job["status"] not in ("QUEUED", "RUNNING") or time.monotonic() > deadline:
            return dict(job)
        time.sleep(0.1)  # polling a condition with a deadline, as a screen does


REFRESH_REQUEST = """mutation($i: ReportRefreshRequestInput!) { reportRefreshRequest(input: $i) {
  job { id kind status } userErrors { field message code } } }"""
REFRESH_JOB = """query($id: ID!) { job(id: $id) { id status error
  reportRefresh { full marks daysWritten seconds } } }"""


def test_a_report_refresh_is_a_job_that_folds_the_stale_marks_in(database: str) -> None:
    """The first refresh builds (full), a second folds in the one mark a write left, deletes
    it, and rewrites that manager-day; a head may not ask; asking twice while one is queued
    returns that one."""
    with _app(database, in_process=False) as client:
        office = _office(database, client)
        denied = office.post(REFRESH_REQUEST, {"i": {}}, office.head)["reportRefreshRequest"]
        first = office.post(REFRESH_REQUEST, {"i": {}}, office.marketing)["reportRefreshRequest"]
        again = office.post(REFRESH_REQUEST, {"i": {}}, office.marketing)["reportRefreshRequest"]
        engine = create_engine_for(database)
        try:
            run_one(engine, RunnerSettings(worker="test"))
            built = office.post(REFRESH_JOB, {"id": first["job"]["id"]}, office.marketing)["job"]
            with engine.begin() as db:  # what a check-in's transaction leaves behind
                manager_id = db.execute(
                    sa.text("SELECT staff_id FROM account_managers ORDER BY staff_id LIMIT 1")
                ).scalar_one()
                db.execute(
                    sa.text("INSERT INTO report_stale_days (manager_id, day) VALUES (:m, :d)"),
                    {"m": manager_id, "d": date(2026, 12, 1)},
                )
            second = office.post(REFRESH_REQUEST, {"i": {}}, office.marketing)
            job_id = second["reportRefreshRequest"]["job"]["id"]
            run_one(engine, RunnerSettings(worker="test"))
            folded = office.post(REFRESH_JOB, {"id": job_id}, office.marketing)["job"]
            with engine.connect() as db:
                marks_left = db.execute(sa.text("SELECT count(*) FROM report_stale_days")).scalar()
        finally:
            engine.dispose()
    assert denied["job"] is None
    assert denied["userErrors"][0]["code"] == "FORBIDDEN"
    assert first["job"]["kind"] == "REPORT_REFRESH"
    assert again["job"]["id"] == first["job"]["id"]  # one refresh at a time
    assert built["status"] == "SUCCEEDED", built
    assert built["reportRefresh"]["full"] is True
    assert folded["status"] == "SUCCEEDED", folded
    assert folded["reportRefresh"]["full"] is False
    assert folded["reportRefresh"]["marks"] == 1
    assert marks_left == 0
