"""``retailerDensity``: every visible retailer counted once, scoped like the directory."""

from __future__ import annotations

from tests.gql.api import Api
from tests.gql.conftest import DemoPeople

DENSITY = """query($c: Float!, $d: ID, $s: CoordinateSystem!) {
  retailerDensity(cellSizeM: $c, departmentId: $d, coordinateSystem: $s) { lat lon retailers } }"""
COUNT = """query($d: ID) { managers(departmentId: $d, first: 100) {
  nodes { retailers(first: 1) { totalCount } } } }"""
TOTAL = "{ retailers(first: 1) { totalCount } }"


def _cells(
    api: Api, who: str, cell_m: float, department: str | None = None, system: str = "WGS84"
) -> list[dict]:
    return api.data(DENSITY, {"c": cell_m, "d": department, "s": system}, as_=who)[
        "retailerDensity"
    ]


def test_marketing_counts_the_whole_company_at_any_cell_size(api: Api, people: DemoPeople) -> None:
    total = api.data(TOTAL, as_=people.marketing)["retailers"]["totalCount"]
    coarse, fine = _cells(api, people.marketing, 5_000.0), _cells(api, people.marketing, 250.0)
    assert sum(c["retailers"] for c in coarse) == total == sum(c["retailers"] for c in fine)
    assert len(coarse) < len(fine)
    assert [c["retailers"] for c in fine] == sorted((c["retailers"] for c in fine), reverse=True)


def test_a_head_counts_their_department_and_nothing_of_another(
    api: Api, people: DemoPeople
) -> None:
    mine = api.data("{ viewer { department { id } } }", as_=people.head)["viewer"]["department"][
        "id"
    ]
    other = api.data("{ viewer { department { id } } }", as_=people.head_elsewhere)["viewer"][
        "department"
    ]["id"]
    expected = sum(
        m["retailers"]["totalCount"]
        for m in api.data(COUNT, {"d": mine}, as_=people.marketing)["managers"]["nodes"]
    )
    assert sum(c["retailers"] for c in _cells(api, people.head, 1_000.0)) == expected
    assert sum(c["retailers"] for c in _cells(api, people.head, 1_000.0, mine)) == expected
    assert _cells(api, people.head, 1_000.0, other) == []  # as if empty


def test_centres_come_in_the_datum_asked_for(api: Api, people: DemoPeople) -> None:
    wgs = _cells(api, people.marketing, 2_000.0)
    gcj = _cells(api, people.marketing, 2_000.0, system="GCJ02")
    assert [c["retailers"] for c in wgs] == [c["retailers"] for c in gcj]
    shift = abs(gcj[0]["lat"] - wgs[0]["lat"]) + abs(gcj[0]["lon"] - wgs[0]["lon"])
    assert 1e-4 < shift < 1e-2  # GCJ-02 moves a Chinese point by a few hundred metres


def test_a_bad_cell_size_is_named(api: Api, people: DemoPeople) -> None:
    for cell_m in (10.0, 50_000.0):
        result = api.execute(DENSITY, {"c": cell_m, "d": None, "s": "WGS84"}, as_=people.marketing)
        assert result.errors
        assert (result.errors[0].extensions or {})["code"] == "INVALID"
        assert "cell size must be 50..20000 m" in result.errors[0].message
        assert result.errors[0].message.startswith("cellSizeM")  # the argument, named as sent
