"""retailerCreate / retailerUpdate: validation, coordinate systems, spacing, R-tree sync."""

from __future__ import annotations

import uuid
from typing import Any

import geo
from tests.gql.api import Api
from tests.gql.conftest import DemoPeople

CREATE = """
mutation($i: RetailerCreateInput!) { retailerCreate(input: $i) {
  retailer { id licenceNo version position { lat lon } }
  userErrors { field message code } warnings { field message code }
} }"""
UPDATE = """
mutation($i: RetailerUpdateInput!) { retailerUpdate(input: $i) {
  retailer { id version name grade position { lat lon } }
  userErrors { field message code } warnings { code }
} }"""
NEAR = """
query($lat: Float!, $lon: Float!, $r: Float!) {
  retailers(filter: {near: {lat: $lat, lon: $lon, radiusM: $r}}, first: 100) { nodes { id } }
}"""


def _input(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "licenceNo": "3303" + uuid.uuid4().hex[:8],
        "name": "新开便利店",
        "address": "温州市鹿城区测试路1号",
        "lat": 27.9,
        "lon": 120.9,
        "businessType": "CONVENIENCE",
        "grade": 12,
        "orderWeekday": 2,
        "openingWindows": [
            {"openS": 7 * 3600, "closeS": 12 * 3600},
            {"openS": 14 * 3600, "closeS": 21 * 3600},
        ],
    }
    base.update(overrides)
    return base


def test_admin_creates_a_retailer_from_gcj02_and_near_finds_it(
    api: Api, people: DemoPeople
) -> None:
    """GCJ-02 input is stored as WGS-84 and the R-tree sees the new retailer at once."""
    gcj = geo.from_wgs84(geo.Wgs84(27.91, 120.91), geo.CoordSystem.GCJ02)
    payload = api.data(
        CREATE, {"i": _input(lat=gcj.lat, lon=gcj.lon, coordinateSystem="GCJ02")}, as_=people.admin
    )["retailerCreate"]
    assert payload["userErrors"] == []
    position = payload["retailer"]["position"]
    assert geo.haversine_m(position["lat"], position["lon"], 27.91, 120.91) < 0.5
    near = api.data(NEAR, {"lat": 27.91, "lon": 120.91, "r": 30.0}, as_=people.marketing)
    assert {"id": payload["retailer"]["id"]} in near["retailers"]["nodes"]


def test_a_retailer_too_close_to_another_is_warned_or_refused(api: Api, people: DemoPeople) -> None:
    """Licence spacing: a warning by default, a refusal with enforceSpacing."""
    first = api.data(CREATE, {"i": _input(lat=27.95, lon=120.95)}, as_=people.admin)[
        "retailerCreate"
    ]
    assert first["userErrors"] == []
    close = api.data(CREATE, {"i": _input(lat=27.9501, lon=120.95)}, as_=people.admin)[
        "retailerCreate"
    ]
    assert close["retailer"] is not None
    assert [w["code"] for w in close["warnings"]] == ["SPACING_VIOLATION"]
    refused = api.data(
        CREATE, {"i": _input(lat=27.9502, lon=120.95, enforceSpacing=True)}, as_=people.admin
    )["retailerCreate"]
    assert refused["retailer"] is None
    assert refused["userErrors"][0]["code"] == "SPACING_VIOLATION"


def test_only_admins_and_marketing_edit_retailers(api: Api, people: DemoPeople) -> None:
    """Managers, heads and auditors get FORBIDDEN and nothing is created."""
    licence = "3303" + uuid.uuid4().hex[:8]
    for who in (people.manager, people.head, people.auditor):
        payload = api.data(CREATE, {"i": _input(licenceNo=licence)}, as_=who)["retailerCreate"]
        assert payload["retailer"] is None
        assert payload["userErrors"][0]["code"] == "FORBIDDEN"
    search = api.data(
        "query($s: String!) { retailers(filter: {search: $s}) { totalCount } }",
        {"s": licence},
        as_=people.marketing,
    )
    assert search["retailers"]["totalCount"] == 0
    ok = api.data(CREATE, {"i": _input(licenceNo=licence)}, as_=people.marketing)["retailerCreate"]
    assert ok["userErrors"] == []


def test_every_bad_field_is_reported_and_nothing_written(api: Api, people: DemoPeople) -> None:
    """Bad grade, weekday and window: one user error each, with field paths."""
    licence = "3303" + uuid.uuid4().hex[:8]
    payload = api.data(
        CREATE,
        {
            "i": _input(
                licenceNo=licence,
                grade=31,
                orderWeekday=9,
                openingWindows=[{"openS": 20 * 3600, "closeS": 8 * 3600}],
            )
        },
        as_=people.admin,
    )["retailerCreate"]
    assert payload["retailer"] is None
    fields = [e["field"] for e in payload["userErrors"]]
    assert ["input", "openingWindows", "0"] in fields
    again = api.data(
        CREATE, {"i": _input(licenceNo=licence, grade=31, orderWeekday=9)}, as_=people.admin
    )
    codes = {tuple(e["field"]): e["code"] for e in again["retailerCreate"]["userErrors"]}
    assert ("input", "grade") in codes
    assert ("input", "orderWeekday") in codes


def test_six_bad_fields_are_six_user_errors_at_once(api: Api, people: DemoPeople) -> None:
    """Licence, name, position, grade, weekday and the second window are all wrong: one user
    error each, camelCase paths rooted at ``input``, in one answer; nothing is written."""
    before = api.data("{ retailers(first: 1) { totalCount } }", as_=people.marketing)
    payload = api.data(
        CREATE,
        {
            "i": _input(
                licenceNo=" ",
                name="",
                lat=95.0,
                grade=0,
                orderWeekday=9,
                openingWindows=[
                    {"openS": 7 * 3600, "closeS": 12 * 3600},
                    {"openS": 20 * 3600, "closeS": 8 * 3600},
                ],
            )
        },
        as_=people.admin,
    )["retailerCreate"]
    assert payload["retailer"] is None
    assert sorted((e["field"], e["code"]) for e in payload["userErrors"]) == [
        (["input", "grade"], "INVALID"),
        (["input", "lat"], "INVALID_COORDINATE"),
        (["input", "licenceNo"], "INVALID"),
        (["input", "name"], "INVALID"),
        (["input", "openingWindows", "1"], "INVALID"),
        (["input", "orderWeekday"], "INVALID"),
    ]
    assert all(e["message"] and "input" not in e["message"] for e in payload["userErrors"])
    after = api.data("{ retailers(first: 1) { totalCount } }", as_=people.marketing)
    assert after == before


def test_a_malformed_id_names_its_input_field(api: Api, people: DemoPeople) -> None:
    """A Department ID where a Manager ID belongs: one user error at ``input.managerId``."""
    department = api.data("{ departments { id } }", as_=people.admin)["departments"][0]["id"]
    payload = api.data(CREATE, {"i": _input(managerId=department)}, as_=people.admin)
    assert payload["retailerCreate"]["userErrors"] == [
        {
            "field": ["input", "managerId"],
            "message": "expected a Manager ID, got a Department ID",
            "code": "INVALID",
        }
    ]


def test_duplicate_licence_numbers_are_refused(api: Api, people: DemoPeople) -> None:
    """A licence number can be registered once."""
    licence = "3303" + uuid.uuid4().hex[:8]
    assert (
        api.data(CREATE, {"i": _input(licenceNo=licence, lat=27.85)}, as_=people.admin)[
            "retailerCreate"
        ]["userErrors"]
        == []
    )
    dup = api.data(CREATE, {"i": _input(licenceNo=licence, lat=27.86)}, as_=people.admin)
    assert dup["retailerCreate"]["userErrors"][0]["code"] == "DUPLICATE"


def test_updates_need_the_current_version(api: Api, people: DemoPeople) -> None:
    """An update with a stale version is refused; with the current one it applies."""
    created = api.data(CREATE, {"i": _input(lat=27.82, lon=120.82)}, as_=people.admin)
    retailer = created["retailerCreate"]["retailer"]
    first = api.data(
        UPDATE,
        {"i": {"id": retailer["id"], "expectedVersion": retailer["version"], "grade": 20}},
        as_=people.admin,
    )["retailerUpdate"]
    assert first["userErrors"] == []
    assert first["retailer"]["grade"] == 20
    assert first["retailer"]["version"] == retailer["version"] + 1
    stale = api.data(
        UPDATE,
        {"i": {"id": retailer["id"], "expectedVersion": retailer["version"], "name": "X"}},
        as_=people.admin,
    )["retailerUpdate"]
    assert stale["userErrors"] == [
        {
            "field": ["input", "expectedVersion"],
            "message": f"the retailer changed meanwhile (now version {retailer['version'] + 1}); "
            "reload and try again",
            "code": "STALE_VERSION",
        }
    ]
    missing = api.data(
        UPDATE,
        {"i": {"id": "UmV0YWlsZXI6OTk5OTk5OTk", "expectedVersion": 1}},
        as_=people.admin,
    )["retailerUpdate"]
    assert [(e["field"], e["code"]) for e in missing["userErrors"]] == [
        (["input", "id"], "NOT_FOUND")
    ]
    moved = api.data(
        UPDATE,
        {
            "i": {
                "id": retailer["id"],
                "expectedVersion": first["retailer"]["version"],
                "lat": 27.83,
                "lon": 120.83,
            }
        },
        as_=people.admin,
    )["retailerUpdate"]
    assert moved["retailer"]["position"] == {"lat": 27.83, "lon": 120.83}
    near = api.data(NEAR, {"lat": 27.83, "lon": 120.83, "r": 5.0}, as_=people.marketing)
    assert {"id": retailer["id"]} in near["retailers"]["nodes"]
