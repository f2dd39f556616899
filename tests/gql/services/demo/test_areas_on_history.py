"""Customer types by area over the seeded history: the API and the command agree and add up."""

from __future__ import annotations

import csv
import io
import math
from typing import TYPE_CHECKING

from gql.cli import main
from gql.domain import Role
from gql.services.demo.brands import BRANDS as BRANDS_OF_THE_DEMO
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


BRANDS = """
query($f: AreaFilter!) { customerTypesByArea(filter: $f) {
  brandTestedAreas
  areas { key volumeCartons
    brandMix { byBrand { brand orders volumeCartons share companyShare }
               byTypeAndBrand { businessType brand volumeCartons share }
               test { tested statistic degreesOfFreedom pValue adjustedPValue flagged } } }
  company { volumeCartons brandMix { byBrand { brand volumeCartons share } } } } }
"""


def test_the_demo_has_a_brand_mix_that_adds_up(api: Api, history_city: SeededHistory) -> None:
    """Every seeded order has one of the five demo brands: per district the brand cartons add
    up to the area's cartons, shares to 1, each type's cartons to the area's; the districts
    (hundreds of orders each) are tested with 4 degrees of freedom."""
    who = _staff(history_city, Role.MARKETING)[0].staff_no
    report = api.data(BRANDS, {"f": PERIOD}, as_=who)["customerTypesByArea"]
    company = report["company"]["brandMix"]["byBrand"]
    assert [c["brand"] for c in company] == sorted(BRANDS_OF_THE_DEMO)
    assert sum(c["volumeCartons"] for c in company) == report["company"]["volumeCartons"] > 0
    assert math.isclose(sum(c["share"] for c in company), 1.0)
    for area in report["areas"]:
        mix = area["brandMix"]
        assert sum(c["volumeCartons"] for c in mix["byBrand"]) == area["volumeCartons"]
        assert sum(c["volumeCartons"] for c in mix["byTypeAndBrand"]) == area["volumeCartons"]
        assert math.isclose(sum(c["share"] for c in mix["byBrand"]), 1.0)
        assert (mix["test"]["tested"], mix["test"]["degreesOfFreedom"]) == (True, 4)
        adjusted = min(1.0, mix["test"]["pValue"] * report["brandTestedAreas"])
        assert math.isclose(mix["test"]["adjustedPValue"], adjusted)
    assert report["brandTestedAreas"] == len(report["areas"]) > 1


def test_a_head_sees_the_brand_mix_of_their_department_only(
    api: Api, history_city: SeededHistory
) -> None:
    """A head's report has their district only, and the company beside it is that district."""
    head = _staff(history_city, Role.DEPARTMENT_HEAD)[0].staff_no
    report = api.data(BRANDS, {"f": PERIOD}, as_=head)["customerTypesByArea"]
    (area,) = report["areas"]
    assert report["company"]["volumeCartons"] == area["volumeCartons"]
    assert [c["share"] for c in area["brandMix"]["byBrand"]] == [
        c["companyShare"] for c in area["brandMix"]["byBrand"]
    ]
    assert not area["brandMix"]["test"]["flagged"]


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
    brands = [r for r in rows if r["row"] == "brand" and r["area_key"] == "COMPANY"]
    assert sorted(r["brand"] for r in brands) == sorted(BRANDS_OF_THE_DEMO)
    assert all(r["brand_known"] == "True" for r in brands)
