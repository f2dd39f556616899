"""``licenceSiteCheck``: the spacing verdict and crowding at a proposed licence position."""

from __future__ import annotations

import math

import pytest

import geo
from tests.gql.api import Api
from tests.gql.conftest import DemoPeople

CHECK = """query($i: LicenceSiteInput!) { licenceSiteCheck(input: $i) {
  position { lat lon } respectsSpacing minSpacingM
  conflicts { retailerId distanceM retailer { licenceNo } }
  nearest { retailerId distanceM }
  radiusM localCount localPerKm2 districtRadiusM districtCount districtPerKm2 densityRatio } }"""
SHOPS = "{ retailers(first: 1) { nodes { id position { lat lon } } } }"


def _a_shop(api: Api, people: DemoPeople) -> dict[str, float | str]:
    node = api.data(SHOPS, as_=people.marketing)["retailers"]["nodes"][0]
    return {"id": node["id"], "lat": node["position"]["lat"], "lon": node["position"]["lon"]}


def _moved(lat: float, lon: float, north_m: float) -> tuple[float, float]:
    return lat + north_m / 111_195.0, lon


def test_next_door_to_a_shop_breaks_the_spacing_and_names_it(api: Api, people: DemoPeople) -> None:
    """20 m north of a licensed shop: not allowed, that shop is the nearest conflict."""
    shop = _a_shop(api, people)
    lat, lon = _moved(float(shop["lat"]), float(shop["lon"]), 20.0)
    check = api.data(CHECK, {"i": {"lat": lat, "lon": lon}}, as_=people.marketing)[
        "licenceSiteCheck"
    ]
    assert check["respectsSpacing"] is False
    assert check["conflicts"][0]["retailerId"] == shop["id"]
    assert check["conflicts"][0]["distanceM"] == pytest.approx(20.0, abs=0.5)
    assert check["conflicts"][0]["retailer"]["licenceNo"]
    assert check["nearest"][0]["retailerId"] == shop["id"]
    assert [n["distanceM"] for n in check["nearest"]] == sorted(
        n["distanceM"] for n in check["nearest"]
    )
    assert check["localCount"] >= 1
    assert check["localPerKm2"] == pytest.approx(check["localCount"] / (math.pi * 0.5**2), rel=1e-3)
    assert check["districtPerKm2"] == pytest.approx(
        check["districtCount"] / (math.pi * 5.0**2), rel=1e-3
    )
    assert check["densityRatio"] == pytest.approx(
        check["localPerKm2"] / check["districtPerKm2"], rel=1e-2
    )


def test_open_country_respects_spacing_and_is_empty_around(api: Api, people: DemoPeople) -> None:
    """Far from every shop (0.6° east): allowed, nothing within 5 km, no ratio."""
    shop = _a_shop(api, people)
    lat, lon = float(shop["lat"]), float(shop["lon"]) + 0.6
    check = api.data(CHECK, {"i": {"lat": lat, "lon": lon}}, as_=people.admin)["licenceSiteCheck"]
    assert check["respectsSpacing"] is True
    assert check["conflicts"] == []
    assert (check["localCount"], check["districtCount"], check["densityRatio"]) == (0, 0, None)
    assert len(check["nearest"]) == 5
    assert check["nearest"][0]["distanceM"] > 5_000  # beyond the district counted


def test_a_gcj02_position_is_checked_where_it_really_is(api: Api, people: DemoPeople) -> None:
    """The same spot picked on AMap (GCJ-02, ~500 m off in WGS-84 terms) gives the same answer."""
    shop = _a_shop(api, people)
    lat, lon = _moved(float(shop["lat"]), float(shop["lon"]), 20.0)
    gcj = geo.from_wgs84(geo.Wgs84(lat, lon), "GCJ02")
    as_gcj = api.data(
        CHECK,
        {"i": {"lat": gcj.lat, "lon": gcj.lon, "coordinateSystem": "GCJ02"}},
        as_=people.marketing,
    )["licenceSiteCheck"]
    assert as_gcj["position"]["lat"] == pytest.approx(lat, abs=1e-6)
    assert as_gcj["conflicts"][0]["retailerId"] == shop["id"]


@pytest.mark.parametrize(
    ("variables", "path", "code"),
    [
        ({"lat": 95.0, "lon": 120.0}, ["input", "lat"], "INVALID_COORDINATE"),
        ({"lat": 28.0, "lon": 120.6, "radiusM": 10.0}, ["input", "radiusM"], "INVALID"),
        ({"lat": 28.0, "lon": 120.6, "radiusM": 9000.0}, ["input", "radiusM"], "INVALID"),
    ],
)
def test_bad_positions_and_radii_are_named(
    api: Api, people: DemoPeople, variables: dict[str, float], path: list[str], code: str
) -> None:
    result = api.execute(CHECK, {"i": variables}, as_=people.marketing)
    assert result.errors
    extensions = result.errors[0].extensions or {}
    assert extensions["code"] == code
    assert result.errors[0].message.startswith(".".join(path[1:]))


VACANCIES = """query($d: ID, $c: Float, $r: Float, $n: Int) {
  licenceVacancies(departmentId: $d, cellSizeM: $c, reachM: $r, first: $n) {
    minSpacingM cellSizeM reachM totalCells
    cells { centre { lat lon } nearestLicenceM retailersWithinReach } } }"""


def test_every_vacant_cell_passes_the_site_check_and_bad_sizes_are_named(
    api: Api, people: DemoPeople
) -> None:
    """The cells listed respect spacing by the site check's own measure (its spatial index),
    busiest first; cell size, reach and count out of range are each named."""
    department = api.data("{ viewer { department { id } } }", as_=people.head)["viewer"][
        "department"
    ]["id"]
    found = api.data(
        VACANCIES, {"d": department, "c": 100.0, "r": 500.0, "n": 20}, as_=people.marketing
    )["licenceVacancies"]
    assert found["totalCells"] >= len(found["cells"]) > 0
    busy = [c["retailersWithinReach"] for c in found["cells"]]
    assert busy == sorted(busy, reverse=True)
    for cell in found["cells"][:5]:
        check = api.data(
            CHECK, {"i": {"lat": cell["centre"]["lat"], "lon": cell["centre"]["lon"]}},
            as_=people.marketing,
        )["licenceSiteCheck"]  # fmt: skip
        assert check["respectsSpacing"] is True
        assert check["nearest"][0]["distanceM"] == pytest.approx(cell["nearestLicenceM"], abs=1.0)
    refused = api.execute(
        VACANCIES, {"d": department, "c": 5.0, "r": 10.0, "n": 0}, as_=people.marketing
    )
    assert refused.errors
    said = refused.errors[0].message
    for where in ("cellSizeM", "reachM", "first"):
        assert where in said
