"""Check-in, check-out and offline sync through GraphQL, with verification and evidence."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

import pytest

import geo
from gql.schema.relay import encode_global_id
from tests.gql.api import Api
from tests.gql.conftest import DemoPeople

START = """
mutation($i: VisitStartInput!) { visitStart(input: $i) {
  replayed userErrors { field message code }
  visit { id verdict distanceM probabilityWithin reasons flags lateUpload startedAt
          fixes { phase source accuracyM capturedAt position { lat lon } } retailer { id } }
} }"""
END = """
mutation($i: VisitEndInput!) { visitEnd(input: $i) {
  userErrors { field message code } visit { id verdict dwellS reasons flags endedAt }
} }"""
SYNC = """
mutation($i: VisitsSyncInput!) { visitsSync(input: $i) {
  userErrors { message code }
  results { idempotencyKey created error { message code } visit { id verdict lateUpload } }
} }"""
MY_RETAILERS = (
    "{ viewer { manager { retailers(first: 50) { nodes { id position { lat lon } } } } } }"
)


def _retailers(api: Api, who: str) -> list[dict[str, Any]]:
    data = api.data(MY_RETAILERS, as_=who)
    return list(data["viewer"]["manager"]["retailers"]["nodes"])


def _fix(
    lat: float, lon: float, accuracy_m: float = 8.0, at: datetime | None = None
) -> dict[str, Any]:
    when = at or datetime.now(UTC)
    return {"lat": lat, "lon": lon, "accuracyM": accuracy_m, "capturedAt": when.isoformat()}


def _key() -> str:
    return str(uuid.uuid4())


def test_a_check_in_at_the_shop_is_in_place_with_its_evidence(api: Api, people: DemoPeople) -> None:
    """A sharp GPS fix a few metres from the shop is IN_PLACE, and the fix is stored."""
    shop = _retailers(api, people.manager)[0]
    lat, lon = shop["position"]["lat"], shop["position"]["lon"]
    data = api.data(
        START,
        {
            "i": {
                "retailerId": shop["id"],
                "idempotencyKey": _key(),
                "deviceFix": _fix(lat + 0.00005, lon),
            }
        },
        as_=people.manager,
    )["visitStart"]
    assert data["userErrors"] == []
    visit = data["visit"]
    assert visit["verdict"] == "IN_PLACE"
    assert visit["distanceM"] < 15
    assert visit["fixes"][0]["source"] == "DEVICE_GPS"
    assert visit["fixes"][0]["phase"] == "START"


def test_a_check_in_far_away_is_not_in_place(api: Api, people: DemoPeople) -> None:
    """A sharp fix 800 m from the shop is NOT_IN_PLACE."""
    shop = _retailers(api, people.manager)[1]
    lat, lon = shop["position"]["lat"], shop["position"]["lon"]
    visit = api.data(
        START,
        {
            "i": {
                "retailerId": shop["id"],
                "idempotencyKey": _key(),
                "deviceFix": _fix(lat + 0.0072, lon),
            }
        },
        as_=people.manager,
    )["visitStart"]["visit"]
    assert visit["verdict"] == "NOT_IN_PLACE"
    assert visit["distanceM"] > 700


def test_a_coarse_fix_cannot_prove_presence(api: Api, people: DemoPeople) -> None:
    """A 300 m accuracy fix right at the shop is INCONCLUSIVE, never IN_PLACE."""
    shop = _retailers(api, people.manager)[2]
    lat, lon = shop["position"]["lat"], shop["position"]["lon"]
    visit = api.data(
        START,
        {
            "i": {
                "retailerId": shop["id"],
                "idempotencyKey": _key(),
                "deviceFix": _fix(lat, lon, 300.0),
            }
        },
        as_=people.manager,
    )["visitStart"]["visit"]
    assert visit["verdict"] == "INCONCLUSIVE"


def test_a_retried_start_returns_the_same_visit(api: Api, people: DemoPeople) -> None:
    """The same idempotency key returns the first visit, marked as replayed."""
    shop = _retailers(api, people.manager)[3]
    lat, lon = shop["position"]["lat"], shop["position"]["lon"]
    variables = {
        "i": {"retailerId": shop["id"], "idempotencyKey": _key(), "deviceFix": _fix(lat, lon)}
    }
    first = api.data(START, variables, as_=people.manager)["visitStart"]
    again = api.data(START, variables, as_=people.manager)["visitStart"]
    assert first["replayed"] is False
    assert again["replayed"] is True
    assert again["visit"]["id"] == first["visit"]["id"]
    # the first answer is built from what was inserted; the replay is read back: same visit
    assert again["visit"] == first["visit"]


def test_check_out_derives_dwell_and_the_whole_visit_verdict(api: Api, people: DemoPeople) -> None:
    """An end fix away from the shop makes the whole visit NOT_IN_PLACE; dwell is derived."""
    shop = _retailers(api, people.manager)[4]
    lat, lon = shop["position"]["lat"], shop["position"]["lon"]
    start_at = datetime.now(UTC) - timedelta(minutes=9)
    visit = api.data(
        START,
        {
            "i": {
                "retailerId": shop["id"],
                "idempotencyKey": _key(),
                "deviceFix": _fix(lat, lon, at=start_at),
                "deviceTime": start_at.isoformat(),
            }
        },
        as_=people.manager,
    )["visitStart"]["visit"]
    assert visit["verdict"] == "IN_PLACE"
    ended = api.data(
        END, {"i": {"visitId": visit["id"], "deviceFix": _fix(lat + 0.01, lon)}}, as_=people.manager
    )["visitEnd"]["visit"]
    assert ended["verdict"] == "NOT_IN_PLACE"
    assert 500 <= ended["dwellS"] <= 600
    again = api.data(END, {"i": {"visitId": visit["id"]}}, as_=people.manager)["visitEnd"]
    assert again["visit"]["endedAt"] == ended["endedAt"]  # ending twice changes nothing


def test_nobody_but_the_manager_can_check_in_at_their_retailers(
    api: Api, people: DemoPeople
) -> None:
    """A colleague's retailer is 'not found'; heads and marketing cannot record visits."""
    shop = _retailers(api, people.manager)[5]
    variables = {"i": {"retailerId": shop["id"], "idempotencyKey": _key()}}
    colleague = api.data(START, variables, as_=people.other_manager_same_department)["visitStart"]
    assert colleague["visit"] is None
    assert colleague["userErrors"][0]["code"] == "NOT_FOUND"
    for who in (people.head, people.marketing, people.admin, people.auditor):
        refused = api.data(START, variables, as_=who)["visitStart"]
        assert refused["userErrors"][0]["code"] == "FORBIDDEN"


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"idempotencyKey": "short"}, ["input", "idempotencyKey"]),
        (
            {
                "deviceFix": {
                    "lat": 95.0,
                    "lon": 120.6,
                    "accuracyM": 5,
                    "capturedAt": "2026-11-27T08:00:00Z",
                }
            },
            ["input", "deviceFix"],
        ),
        (
            {
                "deviceFix": {
                    "lat": 28.0,
                    "lon": 120.6,
                    "accuracyM": -5,
                    "capturedAt": "2026-11-27T08:00:00Z",
                }
            },
            ["input", "deviceFix"],
        ),
        ({"deviceTime": "2099-01-01T00:00:00Z"}, ["input", "deviceTime"]),
        ({"retailerId": "garbage"}, ["input", "retailerId"]),
    ],
)
def test_bad_check_ins_are_refused_and_write_nothing(
    api: Api, people: DemoPeople, patch: dict[str, Any], field: list[str]
) -> None:
    """Each bad input gets a user error naming it, and no visit is created."""
    shop = _retailers(api, people.manager)[6]
    before = api.data("{ visits(first: 1) { totalCount } }", as_=people.manager)
    variables = {"i": {"retailerId": shop["id"], "idempotencyKey": _key(), **patch}}
    result = api.data(START, variables, as_=people.manager)["visitStart"]
    assert result["visit"] is None
    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [(field, "INVALID")]
    after = api.data("{ visits(first: 1) { totalCount } }", as_=people.manager)
    assert after == before


def test_offline_batches_synced_twice_create_nothing_twice(api: Api, people: DemoPeople) -> None:
    """Device times are kept, old events are late, and a re-sent batch creates nothing new."""
    shops = _retailers(api, people.manager)[10:13]
    morning = datetime.now(UTC) - timedelta(hours=3)
    batch = []
    for n, shop in enumerate(shops):
        lat, lon = shop["position"]["lat"], shop["position"]["lon"]
        at = morning + timedelta(minutes=30 * n)
        batch.append(
            {
                "retailerId": shop["id"],
                "idempotencyKey": _key(),
                "startedAt": at.isoformat(),
                "startFix": _fix(lat, lon, at=at),
                "endedAt": (at + timedelta(minutes=10)).isoformat(),
                "endFix": _fix(lat, lon, at=at + timedelta(minutes=10)),
            }
        )
    batch.reverse()  # order-independent
    first = api.data(SYNC, {"i": {"visits": batch}}, as_=people.manager)["visitsSync"]
    assert [r["created"] for r in first["results"]] == [True, True, True]
    assert all(r["visit"]["lateUpload"] for r in first["results"])
    assert all(r["visit"]["verdict"] == "IN_PLACE" for r in first["results"])
    second = api.data(SYNC, {"i": {"visits": batch}}, as_=people.manager)["visitsSync"]
    assert [r["created"] for r in second["results"]] == [False, False, False]
    assert [r["visit"]["id"] for r in second["results"]] == [
        r["visit"]["id"] for r in first["results"]
    ]


def test_a_bad_item_in_a_batch_does_not_stop_the_others(api: Api, people: DemoPeople) -> None:
    """Per-item results: the foreign retailer fails, the own one is stored."""
    mine = _retailers(api, people.manager)[14]
    theirs = _retailers(api, people.manager_elsewhere)[0]
    at = datetime.now(UTC) - timedelta(hours=1)
    batch = [
        {"retailerId": theirs["id"], "idempotencyKey": _key(), "startedAt": at.isoformat()},
        {"retailerId": mine["id"], "idempotencyKey": _key(), "startedAt": at.isoformat()},
    ]
    results = api.data(SYNC, {"i": {"visits": batch}}, as_=people.manager)["visitsSync"]["results"]
    assert results[0]["visit"] is None
    assert results[0]["error"]["code"] == "NOT_FOUND"
    assert results[1]["created"] is True, results


def test_oversized_batches_are_refused_whole(api: Api, people: DemoPeople) -> None:
    """More than 200 events: one user error, nothing stored."""
    mine = _retailers(api, people.manager)[15]
    at = datetime.now(UTC).isoformat()
    batch = [
        {"retailerId": mine["id"], "idempotencyKey": _key(), "startedAt": at} for _ in range(201)
    ]
    payload = api.data(SYNC, {"i": {"visits": batch}}, as_=people.manager)["visitsSync"]
    assert payload["results"] == []
    assert "at most 200" in payload["userErrors"][0]["message"]


def test_visit_lists_obey_scope(api: Api, people: DemoPeople) -> None:
    """Heads see their department's visits, others' heads none of them; admins none."""
    shop = _retailers(api, people.manager)[16]
    lat, lon = shop["position"]["lat"], shop["position"]["lon"]
    visit = api.data(
        START,
        {"i": {"retailerId": shop["id"], "idempotencyKey": _key(), "deviceFix": _fix(lat, lon)}},
        as_=people.manager,
    )["visitStart"]["visit"]
    query = "query($id: ID!) { node(id: $id) { id } }"
    assert api.data(query, {"id": visit["id"]}, as_=people.head)["node"] == {"id": visit["id"]}
    assert api.data(query, {"id": visit["id"]}, as_=people.marketing)["node"] is not None
    for who in (people.head_elsewhere, people.manager_elsewhere, people.admin, people.auditor):
        assert api.data(query, {"id": visit["id"]}, as_=who)["node"] is None
    history = api.data(
        "query($r: ID!) { visits(filter: {retailerId: $r}) { nodes { id } } }",
        {"r": shop["id"]},
        as_=people.head,
    )["visits"]["nodes"]
    assert {"id": visit["id"]} in history


def test_a_visit_is_tied_to_its_plan_stop_and_foreign_stops_are_refused(
    api: Api, people: DemoPeople
) -> None:
    """planStopId from the plan links the visit; a stop of another retailer is a user error."""
    manager_id = api.data("{ viewer { manager { id } } }", as_=people.manager)["viewer"]["manager"][
        "id"
    ]
    plan = api.data(
        """mutation($i: VisitPlanCreateInput!) { visitPlanCreate(input: $i) {
             plan { stops { planStopId retailer { id position { lat lon } } } } } }""",
        {"i": {"managerId": manager_id, "date": "2026-12-08"}},
        as_=people.manager,
    )["visitPlanCreate"]["plan"]
    first, second = plan["stops"][0], plan["stops"][1]
    shop = first["retailer"]
    lat, lon = shop["position"]["lat"], shop["position"]["lon"]
    ok = api.data(
        START,
        {
            "i": {
                "retailerId": shop["id"],
                "idempotencyKey": _key(),
                "deviceFix": _fix(lat, lon),
                "planStopId": first["planStopId"],
            }
        },
        as_=people.manager,
    )["visitStart"]
    assert ok["userErrors"] == []
    wrong = api.data(
        START,
        {
            "i": {
                "retailerId": shop["id"],
                "idempotencyKey": _key(),
                "planStopId": second["planStopId"],
            }
        },
        as_=people.manager,
    )["visitStart"]
    assert wrong["visit"] is None
    assert wrong["userErrors"][0]["field"] == ["input", "planStopId"]
    missing = api.data(
        START,
        {
            "i": {
                "retailerId": shop["id"],
                "idempotencyKey": _key(),
                "planStopId": encode_global_id("PlanStop", 999_999_999),
            }
        },
        as_=people.manager,
    )["visitStart"]
    assert missing["userErrors"][0]["code"] == "INVALID"
    not_a_stop = api.data(
        START,
        {"i": {"retailerId": shop["id"], "idempotencyKey": _key(), "planStopId": shop["id"]}},
        as_=people.manager,
    )["visitStart"]
    assert not_a_stop["visit"] is None
    assert not_a_stop["userErrors"][0]["field"] == ["input", "planStopId"]


VISITS_ON_DAYS = """query($f: VisitFilter) { visits(filter: $f, first: 100) { nodes { id } } }"""


def test_the_day_filter_uses_the_company_calendar_day_not_the_utc_date(
    api: Api, people: DemoPeople
) -> None:
    """23:59 and 00:01 company time (UTC+8) fall on two days, though both are one UTC date.

    Both visits are synced now (offline): the day is the one they were made on.
    """
    china = timezone(timedelta(hours=8))
    day = datetime.now(china).date() - timedelta(days=2)
    late = datetime.combine(day, time(23, 59), china)
    early_next = late + timedelta(minutes=2)
    assert late.astimezone(UTC).date() == early_next.astimezone(UTC).date()
    shops = _retailers(api, people.manager)[20:22]
    batch = [
        {
            "retailerId": shop["id"],
            "idempotencyKey": _key(),
            "startedAt": at.isoformat(),
            "startFix": _fix(shop["position"]["lat"], shop["position"]["lon"], at=at),
        }
        for shop, at in zip(shops, (late, early_next), strict=True)
    ]
    synced = api.data(SYNC, {"i": {"visits": batch}}, as_=people.manager)["visitsSync"]
    late_id, early_id = (r["visit"]["id"] for r in synced["results"])

    def listed(first: date, last: date) -> set[str]:
        f = {"dayFrom": first.isoformat(), "dayTo": last.isoformat()}
        nodes = api.data(VISITS_ON_DAYS, {"f": f}, as_=people.manager)["visits"]["nodes"]
        return {n["id"] for n in nodes}

    on_day, next_day = listed(day, day), listed(day + timedelta(days=1), day + timedelta(days=1))
    assert late_id in on_day
    assert early_id not in on_day
    assert early_id in next_day
    assert late_id not in next_day
    assert {late_id, early_id} <= listed(day, day + timedelta(days=1))
    backwards = api.execute(
        VISITS_ON_DAYS,
        {"f": {"dayFrom": (day + timedelta(days=1)).isoformat(), "dayTo": day.isoformat()}},
        as_=people.manager,
    )
    assert backwards.errors is not None
    assert backwards.errors[0].extensions == {"code": "INVALID", **backwards.errors[0].extensions}
    assert "first day must not be after the last day" in backwards.errors[0].message


def _start_at(api: Api, who: str, shop: dict[str, Any], fix: dict[str, Any]) -> dict[str, Any]:
    data = api.data(
        START,
        {"i": {"retailerId": shop["id"], "idempotencyKey": _key(), "deviceFix": fix}},
        as_=who,
    )["visitStart"]
    assert data["userErrors"] == []
    return dict(data["visit"])


def test_a_gps_fix_repeated_bit_for_bit_at_another_shop_is_flagged(
    api: Api, people: DemoPeople
) -> None:
    """The second check-in repeats the first one's GPS coordinates exactly: REUSED_COORDINATES
    (the database finds the candidate among the manager's fixes); 2 m off is no repeat."""
    first, second, third = _retailers(api, people.manager)[20:23]
    lat, lon = first["position"]["lat"] + 0.0000123, first["position"]["lon"]
    assert (
        "REUSED_COORDINATES" not in _start_at(api, people.manager, first, _fix(lat, lon))["flags"]
    )
    again = _start_at(api, people.manager, second, _fix(lat, lon))
    assert "REUSED_COORDINATES" in again["flags"]
    near = _start_at(api, people.manager, third, _fix(lat + 0.00002, lon))
    assert "REUSED_COORDINATES" not in near["flags"]


def test_a_repeat_is_found_across_datums(api: Api, people: DemoPeople) -> None:
    """A fix stored in GCJ-02, then the same place sent in WGS-84: still the same coordinates
    (the database is asked in each datum where the stored fix would have to lie)."""
    first, second = _retailers(api, people.manager)[24:26]
    lat, lon = first["position"]["lat"], first["position"]["lon"]
    gcj = geo.from_wgs84(geo.Wgs84(lat, lon), "GCJ02")
    stored = _fix(gcj.lat, gcj.lon) | {"coordinateSystem": "GCJ02"}
    assert "REUSED_COORDINATES" not in _start_at(api, people.manager, first, stored)["flags"]
    wgs = geo.to_wgs84(geo.point_in("GCJ02", gcj.lat, gcj.lon))
    again = _start_at(api, people.manager, second, _fix(wgs.lat, wgs.lon))
    assert "REUSED_COORDINATES" in again["flags"]
