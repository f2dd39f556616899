"""Audit, workload and effect reports over the seeded history: non-empty, consistent, exported.

The effect run is the paper's three claims on the demo in one command: standardised daily work
(coverage, verified share), shorter routes (route and plan savings) and balanced workload (CV).
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Any

import pytest
from openpyxl import load_workbook

from gql.cli import main
from gql.domain import Role
from gql.store.db import session_factory
from gql.store.repositories import ManagerRepository
from tests.gql.services.demo.conftest import TODAY
from tests.gql.services.demo.test_reports_on_history import PERIOD, _staff

if TYPE_CHECKING:
    from tests.gql.api import Api
    from tests.gql.services.demo.conftest import SeededHistory

AUDITS = """
query($f: ReportFilter!) { auditReport(filter: $f) {
  rows { audits }
  totals { group { code } audits auditedRetailers retailers retailerCoveragePct auditedManagers
           managers managerCoveragePct answers { key audits } verdicts { key audits }
           findings { key audits pct } discrepancies discrepancyKinds { key audits }
           kappa kappaPairs kappaObserved kappaExpected bothYes managerOnly retailerOnly bothNo
           satisfactionMean } } }
"""
WORKLOAD = """
query($f: ReportFilter!) { workloadReport(filter: $f) {
  managers { manager { code } department { code } retailers volumeCartons modelHoursPerWeek
             workedDays visits dwellHours travelHours measuredHoursPerDay }
  balance { group { kind code } managers retailers modelHoursCv measuredHoursPerDayCv
            retailersCv volumeCv } } }
"""
EFFECT = """
query($f: EffectFilter!) { effectReport(filter: $f) {
  managers comparison { code } comparisonManagers
  measures { name claim before after beforeCi { low high } afterCi { low high } difference
             differenceCi { low high } did didCi { low high } } } }
"""
BEFORE = ("2026-11-13", "2026-11-23")
AFTER = ("2026-11-24", "2026-12-03")
EFFECT_PERIODS = {
    "before": {"firstDay": BEFORE[0], "lastDay": BEFORE[1]},
    "after": {"firstDay": AFTER[0], "lastDay": AFTER[1]},
}


def test_audits_have_coverage_findings_and_kappa(api: Api, history_city: SeededHistory) -> None:
    who = _staff(history_city, Role.MARKETING)[0].staff_no
    f = {"firstDay": "2026-10-01", "lastDay": TODAY.isoformat(), "groupBy": "COMPANY"}
    report = api.data(AUDITS, {"f": f}, as_=who)["auditReport"]
    [total] = report["totals"]
    assert total["audits"] == history_city.summary.audits.records
    assert sum(r["audits"] for r in report["rows"]) == total["audits"]
    assert 0 < total["auditedRetailers"] <= total["retailers"]
    assert 0 < total["retailerCoveragePct"] <= 100
    assert total["auditedManagers"] == total["managers"]  # every department is audited
    assert sum(a["audits"] for a in total["answers"]) == total["audits"]
    assert sum(v["audits"] for v in total["verdicts"]) == total["audits"]
    assert total["discrepancies"] > 0  # the demo plants some
    assert sum(d["audits"] for d in total["discrepancyKinds"]) == total["discrepancies"]
    table = (total["bothYes"], total["managerOnly"], total["retailerOnly"], total["bothNo"])
    assert sum(table) == total["kappaPairs"] > 0
    assert -1 <= total["kappa"] <= 1
    observed = (total["bothYes"] + total["bothNo"]) / total["kappaPairs"]
    assert total["kappaObserved"] == pytest.approx(observed)
    assert 1 <= total["satisfactionMean"] <= 5


def test_workload_has_hours_per_manager_and_cvs(api: Api, history_city: SeededHistory) -> None:
    who = _staff(history_city, Role.MARKETING)[0].staff_no
    report = api.data(WORKLOAD, {"f": PERIOD}, as_=who)["workloadReport"]
    managers = report["managers"]
    assert len(managers) == history_city.city.managers
    assert all(m["modelHoursPerWeek"] > 0 for m in managers)
    assert sum(m["visits"] for m in managers) > 0
    assert any(m["travelHours"] > 0 for m in managers)
    [company] = [b for b in report["balance"] if b["group"]["kind"] == "COMPANY"]
    assert company["managers"] == len(managers)
    assert company["retailers"] == sum(m["retailers"] for m in managers)
    for key in ("modelHoursCv", "measuredHoursPerDayCv", "retailersCv", "volumeCv"):
        assert company[key] > 0
    departments = [b for b in report["balance"] if b["group"]["kind"] == "DEPARTMENT"]
    assert sum(d["managers"] for d in departments) == len(managers)


def test_effect_has_every_measure_with_intervals(api: Api, history_city: SeededHistory) -> None:
    who = _staff(history_city, Role.MARKETING)[0].staff_no
    report = api.data(EFFECT, {"f": {**EFFECT_PERIODS, "resamples": 200}}, as_=who)["effectReport"]
    assert report["managers"] == history_city.city.managers
    assert report["comparison"] is None
    for m in report["measures"]:
        assert m["before"] is not None, m["name"]
        assert m["after"] is not None, m["name"]
        for ci, point in (("beforeCi", "before"), ("afterCi", "after")):
            assert m[ci]["low"] - 1e-9 <= m[point] <= m[ci]["high"] + 1e-9, m["name"]
        assert m["difference"] == pytest.approx(m["after"] - m["before"])
        assert m["did"] is None


def test_effect_against_a_comparison_department(api: Api, history_city: SeededHistory) -> None:
    who = _staff(history_city, Role.MARKETING)[0].staff_no
    departments = api.data(WORKLOAD, {"f": PERIOD}, as_=who)["workloadReport"]["balance"]
    codes = [b["group"]["code"] for b in departments if b["group"]["kind"] == "DEPARTMENT"]
    ids = _department_ids(api, who)
    f = {
        **EFFECT_PERIODS,
        "departmentId": ids[codes[0]],
        "compareDepartmentId": ids[codes[1]],
        "resamples": 200,
    }
    report = api.data(EFFECT, {"f": f}, as_=who)["effectReport"]
    assert report["comparison"]["code"] == codes[1]
    share = next(m for m in report["measures"] if m["name"] == "verified_share_pct")
    assert share["did"] is not None
    assert share["didCi"]["low"] <= share["did"] <= share["didCi"]["high"]


def _department_ids(api: Api, who: str) -> dict[str, str]:
    query = """query($f: ReportFilter!) { disciplineReport(filter: $f) {
      totals { group { id code } } } }"""
    data = api.data(query, {"f": {**PERIOD, "groupBy": "DEPARTMENT"}}, as_=who)
    return {t["group"]["code"]: t["group"]["id"] for t in data["disciplineReport"]["totals"]}


def test_a_bad_effect_period_is_a_clear_error(api: Api, history_city: SeededHistory) -> None:
    who = _staff(history_city, Role.MARKETING)[0].staff_no
    f = {**EFFECT_PERIODS, "after": {"firstDay": BEFORE[1], "lastDay": AFTER[1]}}
    result = api.execute(EFFECT, {"f": f}, as_=who)
    assert result.errors is not None
    assert "must end before the after period starts" in result.errors[0].message
    assert result.errors[0].extensions is not None
    assert result.errors[0].extensions["problems"][0]["field"] == ["filter", "after", "firstDay"]


def _cli(city: SeededHistory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VISITGIS_SETTINGS_FILE", raising=False)
    monkeypatch.setenv(
        "VISITGIS_DATABASE_URL", city.engine.url.render_as_string(hide_password=False)
    )


def test_one_effect_run_shows_the_three_claims(
    history_city: SeededHistory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`visitgis report effect` on the demo: every claim's measures with numbers and intervals."""
    _cli(history_city, monkeypatch)
    args = ["--before", "..".join(BEFORE), "--after", "..".join(AFTER), "--resamples", "200"]
    assert main(["report", "effect", *args]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    claims = {r["claim"] for r in rows if r["claim"]}
    assert claims == {"STANDARDISED_WORK", "SHORTER_ROUTES", "BALANCED_WORKLOAD"}
    for r in rows:
        for column in ("before", "before_low", "before_high", "after", "after_low", "after_high",
                       "difference", "difference_low", "difference_high"):  # fmt: skip
            assert r[column] != "", (r["measure"], column)
    coverage = next(r for r in rows if r["measure"] == "coverage_pct")
    assert 0 < float(coverage["after"]) <= 100
    cv = next(r for r in rows if r["measure"] == "workload_cv")
    assert float(cv["before"]) > 0


def test_reports_export_as_xlsx(
    history_city: SeededHistory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Any,
) -> None:
    """--output x.xlsx writes a workbook whose cells hold numbers; the same rows as the CSV."""
    _cli(history_city, monkeypatch)
    args = ["--from", PERIOD["firstDay"], "--to", TODAY.isoformat(), "--by", "department"]
    assert main(["report", "audits", *args]) == 0
    as_csv = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    out = tmp_path / "audits.xlsx"
    assert main(["report", "audits", *args, "--output", str(out)]) == 0
    assert f"wrote {len(as_csv)} rows" in capsys.readouterr().out
    sheet = load_workbook(out).active
    assert sheet is not None
    assert sheet.title == "audits"
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert list(header) == list(as_csv[0])
    assert len(rows) == len(as_csv)
    audits = header.index("audits")
    assert sum(r[audits] for r in rows if r[0] == "total") == sum(
        int(r["audits"]) for r in as_csv if r["row"] == "total"
    )
    assert main(["report", "workload", *args, "--output", str(tmp_path / "w.xlsx")]) == 0
    with pytest.raises(SystemExit):
        main(["report", "effect", "--before", "2026-11-13", "--after", AFTER[0]])
    assert "expected FIRST..LAST" in capsys.readouterr().err


def test_effect_summary_has_a_page_per_department(
    history_city: SeededHistory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--summary: one "what changed" page per department in scope, every measure on each."""
    _cli(history_city, monkeypatch)
    args = ["--before", "..".join(BEFORE), "--after", "..".join(AFTER), "--resamples", "100"]
    assert main(["report", "effect", *args, "--summary"]) == 0
    page = capsys.readouterr().out
    with session_factory(history_city.engine)() as session:
        departments = {m.department_id for m in ManagerRepository(session).all()}
    assert page.count("# What changed: ") == len(departments)
    assert page.count("| coverage_pct (%) | standardised daily work |") == page.count("# What")
    head = _staff(history_city, Role.DEPARTMENT_HEAD)[0].staff_no
    assert main(["report", "effect", *args, "--summary", "--as", head]) == 0
    assert capsys.readouterr().out.count("# What changed: ") == 1


def test_what_changed_pages_over_graphql(api: Api, history_city: SeededHistory) -> None:
    """A head gets their department's page; marketing one per department with managers."""
    query = """query($f: EffectFilter!) { effectReportsByDepartment(filter: $f) {
      group { kind code } managers measures { name after } } }"""
    f = {**EFFECT_PERIODS, "resamples": 100}
    head = _staff(history_city, Role.DEPARTMENT_HEAD)[0].staff_no
    [page] = api.data(query, {"f": f}, as_=head)["effectReportsByDepartment"]
    assert page["group"]["kind"] == "DEPARTMENT"
    marketing = _staff(history_city, Role.MARKETING)[0].staff_no
    pages = api.data(query, {"f": f}, as_=marketing)["effectReportsByDepartment"]
    assert sum(p["managers"] for p in pages) == history_city.city.managers
    assert all(m["after"] is not None for p in pages for m in p["measures"])


def test_delivery_report_lists_zones_then_missed_shops_as_csv_and_xlsx(
    history_city: SeededHistory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Any,
) -> None:
    """`visitgis report delivery --window 07:00-08:00`: a row per zone, then one per missed
    shop, the zones' counts adding up to the missed rows; the workbook holds the same rows; a
    malformed window is refused by the parser."""
    _cli(history_city, monkeypatch)
    assert main(["report", "delivery", "--window", "07:00-08:00"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    zones = [r for r in rows if r["row"] == "zone"]
    missed = [r for r in rows if r["row"] == "missed"]
    assert zones
    assert missed
    assert sum(int(z["retailers"]) - int(z["fitting"]) for z in zones) == len(missed)
    assert {r["window"] for r in rows} == {"07:00-08:00"}
    out = tmp_path / "delivery.xlsx"
    assert main(["report", "delivery", "--window", "07:00-08:00", "--output", str(out)]) == 0
    sheet = load_workbook(out).active
    assert sheet is not None
    assert len(list(sheet.iter_rows(values_only=True))) == len(rows) + 1
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main(["report", "delivery", "--window", "7-8"])
    assert "expected HH:MM-HH:MM" in capsys.readouterr().err
