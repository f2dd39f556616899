"""Reports over the seeded history: non-empty, self-consistent, scoped, and exported by the CLI."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

import pytest

from gql.cli import main
from gql.domain import Role
from gql.schema.relay import encode_global_id
from gql.store.db import session_factory
from gql.store.repositories import StaffRepository
from tests.gql.services.demo.conftest import TODAY

if TYPE_CHECKING:
    from tests.gql.api import Api
    from tests.gql.services.demo.conftest import SeededHistory

DISCIPLINE = """
query($f: ReportFilter!) { disciplineReport(filter: $f) {
  rows { group { code } firstDay plannedStops visits }
  totals { group { kind id code } plannedStops visitedStops coveragePct visits
           verdicts { key visits pct } dwellMedianS dwellBuckets { visits } lateUploads
           firstStartMedian lastEndMedian } } }
"""
ROUTES = """
query($f: ReportFilter!) { routeReport(filter: $f) {
  totals { group { code } plannedDays planKm baselineKm ownOrderKm plannedOrderKm savingPct
           travelledKm tauMean inOrderPct } } }
"""
PERIOD = {"firstDay": "2026-11-01", "lastDay": TODAY.isoformat()}


def _staff(city: SeededHistory, role: Role) -> list[Any]:
    with session_factory(city.engine)() as session:
        staff = [s for _, s in StaffRepository(session).page(first=500).items]
    return sorted((s for s in staff if s.role is role), key=lambda s: s.staff_no)


def test_marketing_sees_every_department_with_consistent_totals(
    api: Api, history_city: SeededHistory
) -> None:
    who = _staff(history_city, Role.MARKETING)[0].staff_no
    by = {
        g: api.data(DISCIPLINE, {"f": {**PERIOD, "groupBy": g, "grain": "WEEK"}}, as_=who)[
            "disciplineReport"
        ]
        for g in ("MANAGER", "DEPARTMENT", "COMPANY")
    }
    company = by["COMPANY"]["totals"]
    assert len(company) == 1
    total = company[0]
    assert total["group"]["id"] is None
    assert total["plannedStops"] > 0
    assert total["visits"] > 0
    for g in ("MANAGER", "DEPARTMENT"):
        assert sum(t["visits"] for t in by[g]["totals"]) == total["visits"]
        assert sum(t["plannedStops"] for t in by[g]["totals"]) == total["plannedStops"]
    assert sum(r["visits"] for r in by["COMPANY"]["rows"]) == total["visits"]
    assert sum(v["visits"] for v in total["verdicts"]) == total["visits"]
    assert sum(b["visits"] for b in total["dwellBuckets"]) <= total["visits"]
    assert 0 < total["coveragePct"] <= 100
    assert total["visitedStops"] <= total["plannedStops"]
    assert total["firstStartMedian"] <= total["lastEndMedian"]


def test_routes_have_plans_and_travel(api: Api, history_city: SeededHistory) -> None:
    who = _staff(history_city, Role.MARKETING)[0].staff_no
    [total] = api.data(ROUTES, {"f": {**PERIOD, "groupBy": "COMPANY"}}, as_=who)["routeReport"][
        "totals"
    ]
    assert total["plannedDays"] > 0
    assert total["planKm"] > 0
    assert total["planKm"] <= total["baselineKm"]
    assert total["plannedOrderKm"] <= total["ownOrderKm"] + 1e-9
    assert total["travelledKm"] > 0
    assert -1 <= total["tauMean"] <= 1
    assert 0 < total["inOrderPct"] <= 100


def test_a_head_sees_only_their_department(api: Api, history_city: SeededHistory) -> None:
    head = _staff(history_city, Role.DEPARTMENT_HEAD)[0]
    data = api.data(DISCIPLINE, {"f": {**PERIOD, "groupBy": "DEPARTMENT"}}, as_=head.staff_no)
    groups = [t["group"] for t in data["disciplineReport"]["totals"]]
    assert len(groups) == 1
    marketing = _staff(history_city, Role.MARKETING)[0].staff_no
    every = api.data(DISCIPLINE, {"f": {**PERIOD, "groupBy": "DEPARTMENT"}}, as_=marketing)
    others = [t["group"]["id"] for t in every["disciplineReport"]["totals"]]
    foreign = next(i for i in others if i != groups[0]["id"])
    denied = api.execute(DISCIPLINE, {"f": {**PERIOD, "departmentId": foreign}}, as_=head.staff_no)
    missing = api.execute(
        DISCIPLINE,
        {"f": {**PERIOD, "departmentId": encode_global_id("Department", 999_999)}},
        as_=head.staff_no,
    )
    assert denied.errors is not None
    assert missing.errors is not None
    assert "department not found" in denied.errors[0].message
    assert denied.errors[0].message == missing.errors[0].message
    assert denied.errors[0].extensions == missing.errors[0].extensions


def test_a_bad_period_is_a_clear_error(api: Api, history_city: SeededHistory) -> None:
    who = _staff(history_city, Role.MARKETING)[0].staff_no
    result = api.execute(
        DISCIPLINE, {"f": {"firstDay": "2026-12-04", "lastDay": "2026-11-01"}}, as_=who
    )
    assert result.errors is not None
    assert "ends before it starts" in result.errors[0].message
    assert result.errors[0].extensions is not None
    assert result.errors[0].extensions["code"] == "INVALID"
    assert result.errors[0].extensions["problems"][0]["field"] == ["filter", "lastDay"]


def test_the_cli_exports_csv_in_the_scope_of_as(
    history_city: SeededHistory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Any,
) -> None:
    monkeypatch.delenv("VISITGIS_SETTINGS_FILE", raising=False)
    monkeypatch.setenv(
        "VISITGIS_DATABASE_URL", history_city.engine.url.render_as_string(hide_password=False)
    )
    head = _staff(history_city, Role.DEPARTMENT_HEAD)[0].staff_no
    args = ["--from", "2026-11-01", "--to", TODAY.isoformat(), "--by", "department"]
    assert main(["report", "discipline", *args, "--as", head]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["row"] for r in rows} == {"period", "total"}
    assert len({r["group_code"] for r in rows}) == 1  # the head's department only
    [total] = [r for r in rows if r["row"] == "total"]
    assert int(total["visits"]) == sum(int(r["visits"]) for r in rows if r["row"] == "period")
    out = tmp_path / "routes.csv"
    assert main(["report", "routes", *args, "--output", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    with out.open(encoding="utf-8") as written:
        assert float(next(csv.DictReader(written))["plan_km"]) >= 0
    assert main(["report", "routes", *args, "--department", "NOPE"]) == 1
    assert "no department with code 'NOPE'" in capsys.readouterr().err
