"""Coordinates for Chinese web maps: every position and GeoJSON output in the map's datum.

The datum round trip is checked with an independent implementation (``prcoords``), and the
distance to the WGS-84 truth with the haversine formula, so a wrong shift cannot hide behind
the same code converting both ways.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

import prcoords
import pytest
import sqlalchemy as sa
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLUnionType,
)
from shapely.geometry import Point, shape

import gql.schema
from gql.settings import Settings
from tests.gql.api import Api
from tests.gql.conftest import DemoPeople
from tests.gql.schema.audit_helpers import AuditTeam, audit_team, ids_of, today_cst

GEO_TYPES = {"GeoPoint"}
"""Besides every GeoJSON type: GeoJson*, *Feature, *FeatureCollection and *Map (layers)."""


def _is_geo(name: str) -> bool:
    return (
        name in GEO_TYPES
        or name.startswith("GeoJson")
        or name.endswith(("Feature", "FeatureCollection", "Map"))
    )


def _named(t: Any) -> Any:
    while isinstance(t, GraphQLNonNull | GraphQLList):
        t = t.of_type
    return t


def _haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Independent of geo/: the textbook formula on a 6,371,008.8 m sphere."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(a))


# -- schema-wide --------------------------------------------------------------------------------


def test_every_field_returning_a_position_or_geojson_takes_coordinate_system() -> None:
    """Outside the geometry types themselves, each such field has coordinateSystem = WGS84."""
    schema = gql.schema.build_schema(Settings())._schema
    checked = []
    for type_name, gtype in schema.type_map.items():
        if type_name.startswith("__") or not isinstance(gtype, GraphQLObjectType):
            continue
        if _is_geo(type_name) or type_name.endswith("Properties"):
            continue  # inside a geometry: the datum was chosen by the field that returned it
        for field_name, field in gtype.fields.items():
            target = _named(field.type)
            if isinstance(target, GraphQLUnionType):
                geo = all(_is_geo(t.name) for t in target.types)
            else:
                geo = _is_geo(target.name)
            if not geo:
                continue
            argument = field.args.get("coordinateSystem")
            where = f"{type_name}.{field_name}"
            assert argument is not None, f"{where} has no coordinateSystem argument"
            assert isinstance(_named(argument.type), GraphQLEnumType), where
            assert _named(argument.type).name == "CoordinateSystem", where
            assert argument.default_value in ("WGS84", _named(argument.type).values["WGS84"].value)
            checked.append(where)
    expected = {
        "Retailer.position",
        "Manager.startPoint",
        "PositionFix.position",
        "AuditPlan.start",
        "AuditPlan.map",
        "VisitPlan.map",
        "ScheduleDay.map",
        "TerritoryProposal.map",
        "TerritorySummary.centre",
        "Visit.verdictMap",
    }
    assert expected <= set(checked)


def test_every_position_input_accepts_a_coordinate_system() -> None:
    """Inputs with lat/lon (or a bounding box) say which datum they are in."""
    schema = gql.schema.build_schema(Settings())._schema
    found = []
    for name, gtype in schema.type_map.items():
        if not isinstance(gtype, GraphQLInputObjectType):
            continue
        fields = gtype.fields
        if {"lat", "lon"} <= set(fields) or {"south", "west", "north", "east"} <= set(fields):
            assert "coordinateSystem" in fields, name
            assert _named(fields["coordinateSystem"].type).name == "CoordinateSystem", name
            found.append(name)
    assert {"NearInput", "BoundingBoxInput", "StartPointInput", "DeviceFixInput"} <= set(found)


# -- a retailer on Chinese basemaps -------------------------------------------------------------

POSITION = """query($id: ID!) { node(id: $id) { ... on Retailer {
  wgs: position { lat lon coordinateSystem }
  gcj: position(coordinateSystem: GCJ02) { lat lon coordinateSystem }
  bd: position(coordinateSystem: BD09) { lat lon coordinateSystem }
} } }"""


def _a_retailer(api: Api, people: DemoPeople) -> dict[str, Any]:
    nodes = api.data(
        "{ viewer { manager { retailers(first: 3) { nodes { id } } } } }", as_=people.manager
    )["viewer"]["manager"]["retailers"]["nodes"]
    return dict(api.data(POSITION, {"id": nodes[0]["id"]}, as_=people.manager)["node"]) | {
        "id": nodes[0]["id"]
    }


@pytest.mark.parametrize(
    ("system", "back", "shift_m"),
    [("gcj", prcoords.gcj_wgs_bored, (300, 800)), ("bd", prcoords.bd_wgs_bored, (700, 1500))],
)
def test_a_retailer_drawn_on_a_chinese_basemap_lands_within_1_m_of_its_true_spot(
    api: Api, people: DemoPeople, system: str, back: Any, shift_m: tuple[int, int]
) -> None:
    """Converted back by prcoords, the GCJ-02/BD-09 position is < 1 m from the WGS-84 one."""
    shop = _a_retailer(api, people)
    truth, drawn = shop["wgs"], shop[system]
    assert drawn["coordinateSystem"] == {"gcj": "GCJ02", "bd": "BD09"}[system]
    assert truth["coordinateSystem"] == "WGS84"
    # the basemap's datum really differs: drawing WGS-84 on it would be hundreds of metres off
    low, high = shift_m
    assert low < _haversine_m(truth["lat"], truth["lon"], drawn["lat"], drawn["lon"]) < high
    lat, lon = back(prcoords.Coords(drawn["lat"], drawn["lon"]))
    assert _haversine_m(truth["lat"], truth["lon"], lat, lon) < 1.0


def test_near_and_bbox_in_gcj02_find_the_retailer_the_map_shows(
    api: Api, people: DemoPeople
) -> None:
    """A GCJ-02 point read off AMap finds the shop; the same numbers taken as WGS-84 do not."""
    shop = _a_retailer(api, people)
    lat, lon = shop["gcj"]["lat"], shop["gcj"]["lon"]
    query = "query($f: RetailerFilter) { retailers(filter: $f, first: 100) { nodes { id } } }"

    def ids(f: dict[str, Any]) -> set[str]:
        nodes = api.data(query, {"f": f}, as_=people.head)["retailers"]["nodes"]
        return {n["id"] for n in nodes}

    near = {"lat": lat, "lon": lon, "radiusM": 25.0}
    assert shop["id"] in ids({"near": near | {"coordinateSystem": "GCJ02"}})
    assert shop["id"] not in ids({"near": near})
    box = {"south": lat - 0.0003, "west": lon - 0.0003, "north": lat + 0.0003, "east": lon + 0.0003}
    assert shop["id"] in ids({"bbox": box | {"coordinateSystem": "GCJ02"}})
    assert shop["id"] not in ids({"bbox": box})


def test_an_out_of_range_gcj02_point_is_a_coded_error_naming_the_field(
    api: Api, people: DemoPeople
) -> None:
    """No 5xx: the request error names filter.near and says INVALID_COORDINATE."""
    result = api.execute(
        "{ retailers(filter: {near: {lat: 95, lon: 120, radiusM: 10, coordinateSystem: GCJ02}})"
        " { totalCount } }",
        as_=people.head,
    )
    assert result.errors is not None
    assert result.errors[0].extensions is not None
    assert result.errors[0].extensions["code"] == "INVALID_COORDINATE"


# -- GeoJSON structure --------------------------------------------------------------------------

ROUTE = """
  stops { type features { type geometry { type coordinates } properties {
    seq retailerId planStopId label eta etd windowOpens windowCloses } } }
  legs { type features { type geometry { type coordinates } properties {
    fromSeq toSeq distanceM durationS } } }
"""


def _is_position(p: Any) -> bool:
    """[lon, lat] in the demo city (Wenzhou): lon ≈ 120.6, lat ≈ 28 — so order is checked."""
    return isinstance(p, list) and len(p) == 2 and 119.0 < p[0] < 122.0 and 26.0 < p[1] < 30.0


def check_geojson(obj: dict[str, Any]) -> None:
    """RFC 7946 structure of a FeatureCollection, with every position [lon, lat]."""
    assert obj["type"] == "FeatureCollection"
    for feature in obj["features"]:
        assert feature["type"] == "Feature"
        assert isinstance(feature["properties"], dict)
        geometry = feature["geometry"]
        kind, coords = geometry["type"], geometry["coordinates"]
        if kind == "Point":
            assert _is_position(coords), coords
        elif kind == "LineString":
            assert len(coords) >= 2
            assert all(_is_position(p) for p in coords), coords
        elif kind in ("Polygon", "MultiPolygon"):
            polygons = [coords] if kind == "Polygon" else coords
            for rings in polygons:
                for ring in rings:
                    assert len(ring) >= 4
                    assert ring[0] == ring[-1]
                    assert all(_is_position(p) for p in ring)
            assert shape(geometry).is_valid
        else:
            raise AssertionError(f"unexpected geometry {kind}")


def _plan(api: Api, people: DemoPeople, system: str = "WGS84") -> dict[str, Any]:
    manager = api.data("{ viewer { manager { id } } }", as_=people.manager)["viewer"]["manager"]
    plan = api.data(
        "mutation($i: VisitPlanCreateInput!, $c: CoordinateSystem!) { visitPlanCreate(input: $i)"
        " { plan { stops { seq eta planStopId retailer { id position(coordinateSystem: $c)"
        " { lat lon } } } map(coordinateSystem: $c) {" + ROUTE + "} } userErrors { message } } }",
        {"i": {"managerId": manager["id"], "date": "2026-12-09"}, "c": system},
        as_=people.manager,
    )["visitPlanCreate"]
    assert plan["plan"] is not None, plan["userErrors"]
    return dict(plan["plan"])


@pytest.mark.parametrize("system", ["WGS84", "GCJ02"])
def test_a_day_plan_map_is_geojson_of_its_stops_in_order_and_its_legs(
    api: Api, people: DemoPeople, system: str
) -> None:
    """Stops carry order, ETA, window and retailer; each lies where the retailer is drawn."""
    plan = _plan(api, people, system)
    check_geojson(plan["map"]["stops"])
    check_geojson(plan["map"]["legs"])
    stops = plan["map"]["stops"]["features"]
    legs = plan["map"]["legs"]["features"]
    assert stops[0]["properties"]["seq"] == 0
    assert stops[0]["properties"]["label"]
    assert [s["properties"]["seq"] for s in stops[1:]] == [s["seq"] for s in plan["stops"]]
    for feature, stop in zip(stops[1:], plan["stops"], strict=True):
        props = feature["properties"]
        assert props["retailerId"] == stop["retailer"]["id"]
        assert (props["eta"], props["planStopId"]) == (stop["eta"], stop["planStopId"])
        assert props["windowOpens"] is not None
        assert props["windowOpens"] <= props["windowCloses"]
        position = stop["retailer"]["position"]
        assert feature["geometry"]["coordinates"] == pytest.approx(
            [position["lon"], position["lat"]], abs=1e-7
        )
    assert len(legs) in (len(stops) - 1, len(stops))
    for n, leg in enumerate(legs[: len(stops) - 1], start=1):
        assert leg["properties"]["toSeq"] == stops[n]["properties"]["seq"]
        assert leg["geometry"]["coordinates"] == [
            stops[n - 1]["geometry"]["coordinates"],
            stops[n]["geometry"]["coordinates"],
        ]


def test_the_deprecated_json_route_follows_the_same_points(api: Api, people: DemoPeople) -> None:
    """Kept beside `map` (deprecated): the same positions, in the same datum."""
    manager = api.data("{ viewer { manager { id } } }", as_=people.manager)["viewer"]["manager"]
    plan = api.data(
        "mutation($i: VisitPlanCreateInput!) { visitPlanCreate(input: $i) { plan {"
        " route(coordinateSystem: BD09) map(coordinateSystem: BD09) {" + ROUTE + "} } } }",
        {"i": {"managerId": manager["id"], "date": "2026-12-09"}},
        as_=people.manager,
    )["visitPlanCreate"]["plan"]
    points = [f["geometry"]["coordinates"] for f in plan["map"]["stops"]["features"]]
    assert plan["route"]["geometry"]["coordinates"][: len(points)] == points


@pytest.fixture(scope="module")
def team(demo_engine: sa.Engine, reader: Api, people: DemoPeople) -> AuditTeam:
    """Two auditors (read once; nothing written)."""
    return audit_team(demo_engine, reader, people.auditor)


def test_an_audit_route_map_starts_and_ends_at_the_start_point_given_in_gcj02(
    api: Api, people: DemoPeople, team: AuditTeam
) -> None:
    """The start point picked on AMap is stored as WGS-84 and drawn back where it was picked."""
    department = ids_of(api, people.manager)["department"]
    picked = {"lat": 27.9911, "lon": 120.7040}
    created = api.data(
        "mutation($i: AuditPlanCreateInput!) { auditPlanCreate(input: $i) {"
        " userErrors { field message code } plan { stops { seq retailerId }"
        " start { lat lon } gcj: start(coordinateSystem: GCJ02) { lat lon }"
        " map(coordinateSystem: GCJ02) {" + ROUTE + "} } } }",
        {
            "i": {
                "date": today_cst(),
                "design": {"size": 5},
                "departmentId": department,
                "start": picked | {"label": "考核组", "coordinateSystem": "GCJ02"},
            }
        },
        as_=team.lead,
    )["auditPlanCreate"]
    assert created["userErrors"] == []
    plan = created["plan"]
    assert plan["gcj"] == pytest.approx(picked, abs=1e-6)
    wgs = prcoords.gcj_wgs_bored(prcoords.Coords(picked["lat"], picked["lon"]))
    assert _haversine_m(plan["start"]["lat"], plan["start"]["lon"], wgs.lat, wgs.lon) < 1.0
    check_geojson(plan["map"]["stops"])
    check_geojson(plan["map"]["legs"])
    stops = plan["map"]["stops"]["features"]
    legs = plan["map"]["legs"]["features"]
    assert [s["properties"]["retailerId"] for s in stops[1:]] == [
        s["retailerId"] for s in plan["stops"]
    ]
    assert legs[-1]["properties"]["toSeq"] == 0
    assert legs[-1]["geometry"]["coordinates"][-1] == stops[0]["geometry"]["coordinates"]
    assert stops[0]["geometry"]["coordinates"] == pytest.approx(
        [picked["lon"], picked["lat"]], abs=1e-6
    )


def test_territory_outlines_are_valid_polygons_containing_their_retailers(
    api: Api, people: DemoPeople
) -> None:
    """One MultiPolygon per manager; each of its proposed retailers lies inside."""
    department = api.data("{ viewer { department { id } } }", as_=people.head)["viewer"][
        "department"
    ]["id"]
    proposal = api.data(
        "mutation($i: TerritoryProposalCreateInput!) { territoryProposalCreate(input: $i) {"
        " userErrors { message } proposal { id territories { managerId retailers }"
        " assignments { retailerId managerId }"
        " map { type features { type geometry { type coordinates } properties {"
        " managerId retailers workloadMin orderVolume } } } } } }",
        {"i": {"departmentId": department}},
        as_=people.marketing,
    )["territoryProposalCreate"]
    assert proposal["userErrors"] == []
    proposal = proposal["proposal"]
    check_geojson(proposal["map"])
    features = {f["properties"]["managerId"]: f for f in proposal["map"]["features"]}
    assert set(features) == {t["managerId"] for t in proposal["territories"] if t["retailers"]}
    where: dict[str, dict[str, float]] = {}
    after = None
    while True:
        page = api.data(
            "query($m: [ID!], $a: String) { retailers(filter: {managerIds: $m}, first: 100,"
            " after: $a) { pageInfo { hasNextPage endCursor }"
            " nodes { id position { lat lon } } } }",
            {"m": [t["managerId"] for t in proposal["territories"]], "a": after},
            as_=people.marketing,
        )["retailers"]
        where |= {n["id"]: n["position"] for n in page["nodes"]}
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert {a["retailerId"] for a in proposal["assignments"]} <= set(where)
    for a in proposal["assignments"]:
        outline = shape(features[a["managerId"]]["geometry"])
        assert outline.is_valid
        p = where[a["retailerId"]]
        assert outline.contains(Point(p["lon"], p["lat"])), a
    for t in proposal["territories"]:
        if t["retailers"]:
            assert features[t["managerId"]]["properties"]["retailers"] == t["retailers"]


def test_verdict_geometry_shows_the_fix_its_accuracy_and_the_threshold(
    api: Api, people: DemoPeople
) -> None:
    """Retailer point, threshold circle around it, fix point and accuracy circle, in metres."""
    shop = _a_retailer(api, people)
    truth = shop["wgs"]
    visit = api.data(
        "mutation($i: VisitStartInput!) { visitStart(input: $i) { visit { verdict verdictMap {"
        " points { type features { type geometry { type coordinates } properties {"
        " kind retailerId phase source accuracyM } } }"
        " circles { type features { type geometry { type coordinates } properties {"
        " kind radiusM phase } } } } } userErrors { message } } }",
        {
            "i": {
                "retailerId": shop["id"],
                "idempotencyKey": "coords-verdict-1",
                "deviceFix": {
                    "lat": truth["lat"] + 0.0001,
                    "lon": truth["lon"],
                    "accuracyM": 12.0,
                    "capturedAt": datetime.now(UTC).isoformat(),
                },
            }
        },
        as_=people.manager,
    )["visitStart"]["visit"]
    check_geojson(visit["verdictMap"]["points"])
    check_geojson(visit["verdictMap"]["circles"])
    by_kind = {
        f["properties"]["kind"]: f
        for layer in ("points", "circles")
        for f in visit["verdictMap"][layer]["features"]
    }
    assert set(by_kind) == {"RETAILER", "THRESHOLD", "FIX", "ACCURACY"}
    assert by_kind["RETAILER"]["geometry"]["coordinates"] == pytest.approx(
        [truth["lon"], truth["lat"]], abs=1e-7
    )
    assert by_kind["FIX"]["geometry"]["coordinates"] == pytest.approx(
        [truth["lon"], truth["lat"] + 0.0001], abs=1e-7
    )
    for kind, centre in (("THRESHOLD", by_kind["RETAILER"]), ("ACCURACY", by_kind["FIX"])):
        lon0, lat0 = centre["geometry"]["coordinates"]
        radius = by_kind[kind]["properties"]["radiusM"]
        ring = by_kind[kind]["geometry"]["coordinates"][0]
        for lon, lat in ring:
            assert _haversine_m(lat0, lon0, lat, lon) == pytest.approx(radius, rel=0.01)
    assert by_kind["ACCURACY"]["properties"]["radiusM"] == 12.0


def test_a_schedule_day_map_runs_depot_to_depot_through_its_retailers_in_order(
    api: Api, people: DemoPeople
) -> None:
    """Each routed day of a schedule is GeoJSON: depot, stops in route order, legs back."""
    department = api.data("{ viewer { department { id } } }", as_=people.head)["viewer"][
        "department"
    ]["id"]
    proposal = api.data(
        "mutation($i: ScheduleProposalCreateInput!) { scheduleProposalCreate(input: $i)"
        " { proposal { id } userErrors { message } } }",
        {"i": {"departmentId": department}},
        as_=people.marketing,
    )["scheduleProposalCreate"]["proposal"]
    manager = api.data("{ viewer { manager { id } } }", as_=people.manager)["viewer"]["manager"]
    days = api.data(
        "query($m: ID!, $p: ID) { schedule(managerId: $m, proposalId: $p) { days {"
        " retailerIds map(coordinateSystem: GCJ02) {" + ROUTE + "} } } }",
        {"m": manager["id"], "p": proposal["id"]},
        as_=people.marketing,
    )["schedule"]["days"]
    assert days
    for day in days[:3]:
        check_geojson(day["map"]["stops"])
        check_geojson(day["map"]["legs"])
        stops = day["map"]["stops"]["features"]
        assert stops[0]["properties"]["seq"] == 0
        assert [s["properties"]["retailerId"] for s in stops[1:]] == day["retailerIds"]
        assert len(day["map"]["legs"]["features"]) == len(stops)
