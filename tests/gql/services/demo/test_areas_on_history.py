"""Customer types by area over the seeded history: the API and the command agree and add up."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from gql.cli import main
from gql.domain import Role
from tests.gql.services.demo.test_analysis_on_history import _cli
from tests.gql.services.demo.test_reports_on_history import PERIOD, _staff

if TYPE_CHECKING:
    import pytest

    from tests.gql.api import Api
    from tests.gql.services.demo.conftest import SeededHistory

AREAS = """
query($f: AreaFilter!) { customerTypesByArea(filter: $f) {
  areaKind cellSizeM testedAreas
  areas { key name centreLat retailers volumeCartons byType { businessType retailers }
          byTypeAndGrade { retailers } orderWeekdays
          opening { withHours openBefore9 openAfter21 pastMidnight middayBreak }
          test { tested statistic degreesOfFreedom pValue adjustedPValue flagged reason } }
  company { retailers volumeCartons } } }
"""


def test_areas_add_up_to_the_company(api: Api, history_city: SeededHistory) -> None:
    who = _staff(history_city, Role.MARKETING)[0].staff_no
    for kind in ("DISTRICT", "TERRITORY", "GRID"):
        f = {**PERIOD, "areaKind": kind, "cellSizeM": 2000}
        report = api.data(AREAS, {"f": f}, as_=who)["customerTypesByArea"]
        areas, company = report["areas"], report["company"]
        assert areas, kind
        assert sum(a["retailers"] for a in areas) == company["retailers"] > 0
        for a in areas:
            assert sum(a["orderWeekdays"]) == a["retailers"]
            assert sum(c["retailers"] for c in a["byTypeAndGrade"]) == a["retailers"]
            assert a["test"]["tested"] == (a["test"]["pValue"] is not None)
        assert report["testedAreas"] == sum(a["test"]["tested"] for a in areas)
        assert (report["cellSizeM"] is not None) == (kind == "GRID")


def test_a_bad_cell_size_is_a_clear_error(api: Api, history_city: SeededHistory) -> None:
    who = _staff(history_city, Role.MARKETING)[0].staff_no
    f = {**PERIOD, "areaKind": "GRID", "cellSizeM": 5}
    result = api.execute(AREAS, {"f": f}, as_=who)
    assert result.errors is not None
    assert "cell size" in result.errors[0].message
    assert result.errors[0].extensions is not None
    assert result.errors[0].extensions["problems"][0]["field"] == ["filter", "cellSizeM"]


def test_visitgis_report_areas(
    history_city: SeededHistory,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _cli(history_city, monkeypatch)
    args = ["--from", PERIOD["firstDay"], "--to", PERIOD["lastDay"], "--area", "territory"]
    assert main(["report", "areas", *args]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    areas = [r for r in rows if r["row"] == "area"]
    assert areas[-1]["area_key"] == "COMPANY"
    assert sum(int(r["retailers"]) for r in areas[:-1]) == int(areas[-1]["retailers"])
