"""A visit's verdict evidence comes typed: camelCase, global IDs, resolvable retailers."""

from __future__ import annotations

import math
import uuid
from datetime import UTC, datetime
from typing import Any

from gql.schema.relay import encode_global_id
from tests.gql.api import Api
from tests.gql.conftest import DemoPeople

MY_RETAILERS = """{ viewer { manager { retailers(first: 100) {
  nodes { id position { lat lon } } } } } }"""
START = """
mutation($i: VisitStartInput!) { visitStart(input: $i) {
  userErrors { field message code }
  visit { id flags details
          checkIn { kind radiusM distanceM probabilityWithin sigmaM reasons flags eventAt
                    nearerRetailers { retailerId distanceM retailer { id } } }
          checkOut { kind }
          carrierOutcome { outcome detail } }
} }"""


def _apart_m(a: dict[str, Any], b: dict[str, Any]) -> float:
    lat = math.radians((a["lat"] + b["lat"]) / 2)
    d_lat = (a["lat"] - b["lat"]) * 111_320.0
    d_lon = (a["lon"] - b["lon"]) * 111_320.0 * math.cos(lat)
    return math.hypot(d_lat, d_lon)


def test_check_in_at_a_neighbour_names_it_as_a_typed_nearer_retailer(
    api: Api, people: DemoPeople
) -> None:
    """Standing at shop B while checking in at shop A lists B, by global ID and resolvable."""
    shops = api.data(MY_RETAILERS, as_=people.manager)["viewer"]["manager"]["retailers"]["nodes"]
    visited = shops[0]
    neighbour = min(shops[1:], key=lambda shop: _apart_m(shop["position"], visited["position"]))
    spot = neighbour["position"]
    fix = {
        "lat": spot["lat"],
        "lon": spot["lon"],
        "accuracyM": 5.0,
        "capturedAt": datetime.now(UTC).isoformat(),
    }
    visit = api.data(
        START,
        {"i": {"retailerId": visited["id"], "idempotencyKey": str(uuid.uuid4()), "deviceFix": fix}},
        as_=people.manager,
    )["visitStart"]["visit"]
    check_in, recorded = visit["checkIn"], visit["details"]["check_in"]
    assert check_in["kind"] == recorded["kind"]
    assert check_in["radiusM"] == recorded["radius_m"]
    assert check_in["distanceM"] == recorded["distance_m"]
    assert check_in["sigmaM"] == recorded["sigma_m"]
    assert check_in["reasons"] == recorded["reasons"]
    assert check_in["eventAt"].endswith("Z")
    assert visit["checkOut"] is None
    near = check_in["nearerRetailers"]
    assert neighbour["id"] in [n["retailerId"] for n in near]
    assert [n["retailerId"] for n in near] == [
        encode_global_id("Retailer", n["retailer_id"]) for n in recorded["nearer_retailers"]
    ]
    assert all(n["retailer"]["id"] == n["retailerId"] for n in near)
    assert [n["distanceM"] for n in near] == [n["distance_m"] for n in recorded["nearer_retailers"]]
