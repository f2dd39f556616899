"""A plan's day over GraphQL: publish, visit, skip with a reason, done; re-plan as a new version."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from gql.services.calendar import local_day
from tests.gql.api import Api
from tests.gql.conftest import DemoPeople

ERRORS = "userErrors { field message code }"
CREATE = (
    "mutation($i: VisitPlanCreateInput!) { visitPlanCreate(input: $i) "
    "{ plan { id stops { planStopId retailer { id position { lat lon } } } } "
    f"{ERRORS} }} }}"
)
PUBLISH = (
    "mutation($i: VisitPlanPublishInput!) { visitPlanPublish(input: $i) "
    f"{{ plan {{ id status }} version {ERRORS} }} }}"
)
SKIP = (
    "mutation($i: VisitPlanStopSkipInput!) { visitPlanStopSkip(input: $i) "
    f"{{ stop {{ planStopId state skipReason }} {ERRORS} }} }}"
)
START = (
    "mutation($i: VisitStartInput!) { visitStart(input: $i) "
    f"{{ visit {{ id verdict }} {ERRORS} }} }}"
)
LIFECYCLE = """
query($id: ID!) { node(id: $id) { ... on VisitPlan { status lifecycle {
  progress version replanReason publishedAt
  stops { planStopId state visitId verdict skipReason }
} } } }"""


def _lifecycle(api: Api, plan_id: str, who: str) -> dict[str, Any]:
    node = api.data(LIFECYCLE, {"id": plan_id}, as_=who)["node"]
    assert node is not None
    return dict(node["lifecycle"])


def _visit(api: Api, who: str, stop: dict[str, Any], *, tie: bool) -> dict[str, Any]:
    shop = stop["retailer"]
    fix = {
        "lat": shop["position"]["lat"],
        "lon": shop["position"]["lon"],
        "accuracyM": 8.0,
        "capturedAt": datetime.now(UTC).isoformat(),
    }
    given: dict[str, Any] = {
        "retailerId": shop["id"],
        "idempotencyKey": str(uuid.uuid4()),
        "deviceFix": fix,
    }
    if tie:
        given["planStopId"] = stop["planStopId"]
    started = api.data(START, {"i": given}, as_=who)["visitStart"]
    assert started["userErrors"] == []
    return dict(started["visit"])


def _plan_today(api: Api, who: str, retailer_ids: list[str]) -> dict[str, Any]:
    manager = api.data("{ viewer { manager { id } } }", as_=who)["viewer"]["manager"]["id"]
    today = local_day(datetime.now(UTC)).isoformat()
    made = api.data(
        CREATE, {"i": {"managerId": manager, "date": today, "retailerIds": retailer_ids}}, as_=who
    )["visitPlanCreate"]
    assert made["userErrors"] == []
    return dict(made["plan"])


def test_a_published_plan_is_worked_through_to_done_and_replanned_as_a_new_version(
    api: Api, people: DemoPeople
) -> None:
    """DRAFT → PUBLISHED → IN_PROGRESS → DONE; every stop visited (tied or by retailer) or
    skipped with a reason; then a re-plan needs a reason, gets version 2, supersedes v1."""
    shops = api.data(
        "{ viewer { manager { retailers(first: 3) { nodes { id } } } } }", as_=people.manager
    )["viewer"]["manager"]["retailers"]["nodes"]
    plan = _plan_today(api, people.manager, [s["id"] for s in shops])
    stops = plan["stops"]
    draft = _lifecycle(api, plan["id"], people.manager)
    assert (draft["progress"], draft["version"]) == ("DRAFT", None)
    assert {s["state"] for s in draft["stops"]} == {"PLANNED"}

    published = api.data(PUBLISH, {"i": {"id": plan["id"]}}, as_=people.head)["visitPlanPublish"]
    assert published["userErrors"] == []
    assert (published["plan"]["status"], published["version"]) == ("PUBLISHED", 1)
    again = api.data(PUBLISH, {"i": {"id": plan["id"]}}, as_=people.head)["visitPlanPublish"]
    assert [e["code"] for e in again["userErrors"]] == ["CONFLICT"]
    assert _lifecycle(api, plan["id"], people.manager)["progress"] == "PUBLISHED"

    visit = _visit(api, people.manager, stops[0], tie=True)
    state = _lifecycle(api, plan["id"], people.marketing)
    assert state["progress"] == "IN_PROGRESS"
    assert state["stops"][0]["state"] == "VISITED"
    assert state["stops"][0]["visitId"] == visit["id"]
    assert state["stops"][0]["verdict"] == visit["verdict"]

    second = stops[1]["planStopId"]
    empty = api.data(SKIP, {"i": {"planStopId": second, "reason": " "}}, as_=people.manager)
    assert [e["field"] for e in empty["visitPlanStopSkip"]["userErrors"]] == [["input", "reason"]]
    by_marketing = api.data(
        SKIP, {"i": {"planStopId": second, "reason": "店休"}}, as_=people.marketing
    )["visitPlanStopSkip"]
    assert [e["code"] for e in by_marketing["userErrors"]] == ["FORBIDDEN"]
    elsewhere = api.data(
        SKIP, {"i": {"planStopId": second, "reason": "店休"}}, as_=people.manager_elsewhere
    )["visitPlanStopSkip"]
    assert [e["code"] for e in elsewhere["userErrors"]] == ["NOT_FOUND"]
    skipped = api.data(
        SKIP, {"i": {"planStopId": second, "reason": "店铺装修停业"}}, as_=people.manager
    )["visitPlanStopSkip"]
    assert skipped["stop"] == {
        "planStopId": second,
        "state": "SKIPPED",
        "skipReason": "店铺装修停业",
    }
    visited_again = api.data(
        SKIP, {"i": {"planStopId": stops[0]["planStopId"], "reason": "x"}}, as_=people.manager
    )["visitPlanStopSkip"]
    assert [e["code"] for e in visited_again["userErrors"]] == ["CONFLICT"]

    _visit(api, people.manager, stops[2], tie=False)  # matched by retailer and day
    done = _lifecycle(api, plan["id"], people.manager)
    assert done["progress"] == "DONE"
    assert [s["state"] for s in done["stops"]] == ["VISITED", "SKIPPED", "VISITED"]

    # the re-plan keeps the visited shop (its visit counts) and the skipped one (planned anew)
    replan = _plan_today(api, people.manager, [s["retailer"]["id"] for s in stops[:2]])
    refused = api.data(PUBLISH, {"i": {"id": replan["id"]}}, as_=people.manager)
    assert [e["field"] for e in refused["visitPlanPublish"]["userErrors"]] == [["input", "reason"]]
    v2 = api.data(
        PUBLISH, {"i": {"id": replan["id"], "reason": "客户临时要求改期"}}, as_=people.manager
    )["visitPlanPublish"]
    assert v2["version"] == 2
    newer = _lifecycle(api, replan["id"], people.manager)
    assert (newer["version"], newer["replanReason"]) == (2, "客户临时要求改期")
    assert _lifecycle(api, plan["id"], people.manager)["progress"] == "SUPERSEDED"
    assert sorted(s["state"] for s in newer["stops"]) == ["PLANNED", "VISITED"]

    api.state.clock = lambda: datetime.now(UTC) + timedelta(days=1)  # the day is over
    after = _lifecycle(api, replan["id"], people.manager)
    assert after["progress"] == "DONE"
    assert sorted(s["state"] for s in after["stops"]) == ["NOT_VISITED", "VISITED"]


def test_only_drafts_in_scope_are_published(api: Api, people: DemoPeople) -> None:
    """Another department's head sees no plan; an auditor may not publish; bad IDs are named."""
    shops = api.data(
        "{ viewer { manager { retailers(first: 2) { nodes { id } } } } }", as_=people.manager
    )["viewer"]["manager"]["retailers"]["nodes"]
    plan = _plan_today(api, people.manager, [s["id"] for s in shops])
    foreign = api.data(PUBLISH, {"i": {"id": plan["id"]}}, as_=people.head_elsewhere)
    assert [e["code"] for e in foreign["visitPlanPublish"]["userErrors"]] == ["NOT_FOUND"]
    auditor = api.data(PUBLISH, {"i": {"id": plan["id"]}}, as_=people.auditor)
    assert [e["code"] for e in auditor["visitPlanPublish"]["userErrors"]] == ["NOT_FOUND"]
    wrong_type = api.data(PUBLISH, {"i": {"id": shops[0]["id"]}}, as_=people.manager)
    assert wrong_type["visitPlanPublish"]["userErrors"][0]["field"] == ["input", "id"]
    still = _lifecycle(api, plan["id"], people.manager)
    assert still["progress"] == "DRAFT"


SYNC = """
mutation($i: VisitsSyncInput!) { visitsSync(input: $i) {
  results { visit { id } created error { field code } } userErrors { field message code }
} }"""


def test_an_offline_visit_names_its_stop_and_a_wrong_stop_is_that_items_error(
    api: Api, people: DemoPeople
) -> None:
    """visitsSync accepts planStopId: the stop is VISITED by that visit; a stop of another
    retailer is refused for that item only, naming `planStopId`."""
    shops = api.data(
        "{ viewer { manager { retailers(first: 2) { nodes { id } } } } }", as_=people.manager
    )["viewer"]["manager"]["retailers"]["nodes"]
    plan = _plan_today(api, people.manager, [s["id"] for s in shops])
    published = api.data(PUBLISH, {"i": {"id": plan["id"]}}, as_=people.manager)
    assert published["visitPlanPublish"]["userErrors"] == []
    first, second = plan["stops"]
    at = datetime.now(UTC) - timedelta(minutes=5)

    def offline(stop: dict[str, Any], named: dict[str, Any]) -> dict[str, Any]:
        shop = stop["retailer"]
        return {
            "retailerId": shop["id"],
            "idempotencyKey": str(uuid.uuid4()),
            "startedAt": at.isoformat(),
            "startFix": {
                "lat": shop["position"]["lat"],
                "lon": shop["position"]["lon"],
                "accuracyM": 8.0,
                "capturedAt": at.isoformat(),
            },
            "planStopId": named["planStopId"],
        }

    synced = api.data(
        SYNC,
        {"i": {"visits": [offline(first, first), offline(second, first)]}},
        as_=people.manager,
    )["visitsSync"]
    good, wrong = synced["results"]
    assert good["error"] is None
    assert wrong["visit"] is None
    assert wrong["error"]["field"][-1] == "planStopId"
    state = _lifecycle(api, plan["id"], people.manager)
    assert [s["state"] for s in state["stops"]] == ["VISITED", "PLANNED"]
    assert state["stops"][0]["visitId"] == good["visit"]["id"]
