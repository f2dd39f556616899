"""Day plans start from the applied 4-week schedule; a department's day is published at once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from gql.schema.relay import decode_global_id
from gql.services.calendar import local_day
from tests.gql.api import Api
from tests.gql.conftest import DemoPeople

ERRORS = "userErrors { field message code }"
CREATE = (
    "mutation($i: VisitPlanCreateInput!) { visitPlanCreate(input: $i) "
    "{ plan { id optimisedAgainst stops { retailer { id } } sources { retailerId source } } "
    f"skipped {{ retailerId reason }} {ERRORS} }} }}"
)
BULK = (
    "mutation($i: VisitPlansPublishInput!) { visitPlansPublish(input: $i) "
    "{ elapsedS plans { version plan { id status manager { id } stops { retailer { id } } "
    f"sources {{ source }} }} }} {ERRORS} }} }}"
)
PLAN = "query($m: ID!, $d: Date!) { visitPlan(managerId: $m, date: $d) { id status } }"


def _next_monday() -> str:
    today = local_day(datetime.now(UTC))
    return (today + timedelta(days=7 - today.weekday())).isoformat()


def _apply_schedule(api: Api, people: DemoPeople, department_id: str) -> str:
    made = api.data(
        "mutation($i: ScheduleProposalCreateInput!) { scheduleProposalCreate(input: $i) "
        "{ proposal { id } userErrors { message } } }",
        {"i": {"departmentId": department_id}},
        as_=people.marketing,
    )["scheduleProposalCreate"]
    assert made["proposal"] is not None, made
    applied = api.data(
        "mutation($id: ID!) { territoryProposalApply(input: {id: $id}) "
        "{ proposal { id status } userErrors { message } } }",
        {"id": made["proposal"]["id"]},
        as_=people.marketing,
    )["territoryProposalApply"]
    assert applied["proposal"]["status"] == "APPLIED", applied
    return str(made["proposal"]["id"])


def _me(api: Api, who: str) -> dict[str, Any]:
    viewer = api.data("{ viewer { department { id } manager { id } } }", as_=who)["viewer"]
    return {"manager": viewer["manager"]["id"], "department": viewer["department"]["id"]}


def _scheduled_monday(api: Api, who: str, manager_id: str) -> list[str]:
    """The schedule's Monday of week 1 (next week: the schedule was applied this week)."""
    days = api.data(
        "query($m: ID!) { schedule(managerId: $m, week: 1) { days { weekday retailerIds } } }",
        {"m": manager_id},
        as_=who,
    )["schedule"]["days"]
    return list(next(d["retailerIds"] for d in days if d["weekday"] == 0))


def _key_customers_on_monday(api: Api, who: str) -> set[str]:
    manager = _me(api, who)["manager"]
    nodes = api.data(
        "query($m: [ID!]) { retailers(first: 100, filter: {managerIds: $m, keyCustomer: true, "
        "statuses: [ACTIVE]}) "
        "{ nodes { id orderWeekday } } }",
        {"m": [manager]},
        as_=who,
    )["retailers"]["nodes"]
    return {n["id"] for n in nodes if n["orderWeekday"] == 0}


def test_a_plan_starts_from_the_applied_schedules_day(api: Api, people: DemoPeople) -> None:
    """Without retailerIds the day is the schedule's day for the manager (week from the week
    of applying), plus key customers whose order day it is; each retailer keeps its source."""
    me = _me(api, people.manager)
    proposal = _apply_schedule(api, people, me["department"])
    scheduled = _scheduled_monday(api, people.manager, me["manager"])
    assert scheduled
    made = api.data(
        CREATE, {"i": {"managerId": me["manager"], "date": _next_monday()}}, as_=people.manager
    )["visitPlanCreate"]
    assert made["userErrors"] == []
    plan = made["plan"]
    basis = plan["optimisedAgainst"]
    assert basis["dayList"] == "schedule"
    assert basis["cycleWeek"] == 1
    assert basis["scheduleProposalId"] == decode_global_id(proposal)[1]
    sources = {s["retailerId"]: s["source"] for s in plan["sources"]}
    assert {r for r, s in sources.items() if s == "SCHEDULED"} == set(scheduled)
    extra = {r for r, s in sources.items() if s == "KEY_CUSTOMER"}
    assert extra == _key_customers_on_monday(api, people.manager) - set(scheduled)
    stops = {s["retailer"]["id"] for s in plan["stops"]}
    left = {s["retailerId"] for s in made["skipped"]}
    assert stops | left == set(sources)
    assert not stops & left


def test_without_a_schedule_the_day_is_the_order_day_list(api: Api, people: DemoPeople) -> None:
    """No applied schedule: the retailers whose order day it is, recorded as ORDER_DAY."""
    me = _me(api, people.manager)
    made = api.data(
        CREATE, {"i": {"managerId": me["manager"], "date": _next_monday()}}, as_=people.manager
    )["visitPlanCreate"]
    assert made["userErrors"] == []
    assert made["plan"]["optimisedAgainst"]["dayList"] == "order_day"
    assert {s["source"] for s in made["plan"]["sources"]} == {"ORDER_DAY"}


def test_added_and_removed_retailers_are_recorded(api: Api, people: DemoPeople) -> None:
    """A removed retailer is no stop (source REMOVED); an added one is a stop (ADDED)."""
    me = _me(api, people.manager)
    _apply_schedule(api, people, me["department"])
    scheduled = _scheduled_monday(api, people.manager, me["manager"])
    mine = api.data(
        "{ viewer { manager { retailers(first: 100) { nodes { id status } } } } }",
        as_=people.manager,
    )["viewer"]["manager"]["retailers"]["nodes"]
    extra = next(
        r["id"]
        for r in mine
        if r["id"] not in scheduled
        and r["status"] == "ACTIVE"
        and r["id"] not in _key_customers_on_monday(api, people.manager)
    )
    made = api.data(
        CREATE,
        {
            "i": {
                "managerId": me["manager"],
                "date": _next_monday(),
                "addRetailerIds": [extra],
                "removeRetailerIds": [scheduled[0]],
            }
        },
        as_=people.head,
    )["visitPlanCreate"]
    assert made["userErrors"] == []
    sources = {s["retailerId"]: s["source"] for s in made["plan"]["sources"]}
    assert sources[extra] == "ADDED"
    assert sources[scheduled[0]] == "REMOVED"
    stops = {s["retailer"]["id"] for s in made["plan"]["stops"]}
    assert scheduled[0] not in stops
    assert extra in stops


def test_bad_additions_and_removals_are_refused_and_nothing_is_written(
    api: Api, people: DemoPeople
) -> None:
    """Every fault at once, at its index; no plan is stored."""
    me = _me(api, people.manager)
    _apply_schedule(api, people, me["department"])
    scheduled = _scheduled_monday(api, people.manager, me["manager"])
    elsewhere = api.data(
        "{ viewer { manager { retailers(first: 1) { nodes { id } } } } }",
        as_=people.other_manager_same_department,
    )["viewer"]["manager"]["retailers"]["nodes"][0]["id"]
    outsider = next(
        r
        for r in api.data(
            "{ viewer { manager { retailers(first: 100) { nodes { id } } } } }",
            as_=people.manager,
        )["viewer"]["manager"]["retailers"]["nodes"]
        if r["id"] not in scheduled
    )["id"]
    made = api.data(
        CREATE,
        {
            "i": {
                "managerId": me["manager"],
                "date": _next_monday(),
                "addRetailerIds": [scheduled[1], elsewhere],
                "removeRetailerIds": [outsider],
            }
        },
        as_=people.manager,
    )["visitPlanCreate"]
    assert made["plan"] is None
    fields = {tuple(e["field"]): e["message"] for e in made["userErrors"]}
    assert fields.keys() == {
        ("input", "addRetailerIds", "0"),
        ("input", "addRetailerIds", "1"),
        ("input", "removeRetailerIds", "0"),
    }
    assert "already" in fields[("input", "addRetailerIds", "0")]
    assert "not assigned" in fields[("input", "addRetailerIds", "1")]
    assert "not on the day's list" in fields[("input", "removeRetailerIds", "0")]
    mixed = api.data(
        CREATE,
        {
            "i": {
                "managerId": me["manager"],
                "date": _next_monday(),
                "retailerIds": [outsider],
                "addRetailerIds": [outsider],
            }
        },
        as_=people.manager,
    )["visitPlanCreate"]
    assert [e["field"] for e in mixed["userErrors"]] == [["input", "addRetailerIds"]]
    found = api.data(PLAN, {"m": me["manager"], "d": _next_monday()}, as_=people.manager)
    assert found["visitPlan"] is None


def test_a_departments_day_is_created_and_published_in_one_go(api: Api, people: DemoPeople) -> None:
    """One published plan per active manager from the schedule; again only with a reason
    (then version 2); a refusal writes nothing."""
    me = _me(api, people.manager)
    _apply_schedule(api, people, me["department"])
    day = _next_monday()
    managers = api.data(
        "query($d: ID) { managers(departmentId: $d, first: 100) { nodes { id active } } }",
        {"d": me["department"]},
        as_=people.head,
    )["managers"]["nodes"]
    active = {m["id"] for m in managers if m["active"]}
    done = api.data(BULK, {"i": {"departmentId": me["department"], "date": day}}, as_=people.head)[
        "visitPlansPublish"
    ]
    assert done["userErrors"] == []
    assert {p["plan"]["manager"]["id"] for p in done["plans"]} == active
    assert {p["version"] for p in done["plans"]} == {1}
    assert {p["plan"]["status"] for p in done["plans"]} == {"PUBLISHED"}
    assert all(
        {s["source"] for s in p["plan"]["sources"]} <= {"SCHEDULED", "KEY_CUSTOMER"}
        for p in done["plans"]
    )
    first_ids = {p["plan"]["id"] for p in done["plans"]}
    again = api.data(
        BULK, {"i": {"departmentId": me["department"], "date": day}}, as_=people.marketing
    )["visitPlansPublish"]
    assert again["plans"] == []
    assert [e["field"] for e in again["userErrors"]] == [["input", "reason"]]
    current = api.data(PLAN, {"m": me["manager"], "d": day}, as_=people.head)["visitPlan"]
    assert current["id"] in first_ids
    replanned = api.data(
        BULK,
        {"i": {"departmentId": me["department"], "date": day, "reason": "new territory"}},
        as_=people.marketing,
    )["visitPlansPublish"]
    assert replanned["userErrors"] == []
    assert {p["version"] for p in replanned["plans"]} == {2}


def test_bulk_publishing_is_refused_outside_scope_and_for_bad_input(
    api: Api, people: DemoPeople
) -> None:
    """A manager may not; another department's head sees no such department; a bad start
    time and an over-long reason are named; nothing is written."""
    me = _me(api, people.manager)
    day = _next_monday()
    mine = {"departmentId": me["department"], "date": day}
    forbidden = api.data(BULK, {"i": mine}, as_=people.manager)["visitPlansPublish"]
    assert [e["code"] for e in forbidden["userErrors"]] == ["FORBIDDEN"]
    hidden = api.data(BULK, {"i": mine}, as_=people.head_elsewhere)["visitPlansPublish"]
    assert [e["code"] for e in hidden["userErrors"]] == ["NOT_FOUND"]
    bad = api.data(
        BULK, {"i": {**mine, "startTime": "25:00", "reason": "x" * 401}}, as_=people.head
    )["visitPlansPublish"]
    assert {tuple(e["field"]) for e in bad["userErrors"]} >= {("input", "startTime")}
    bad_reason = api.data(BULK, {"i": {**mine, "reason": "x" * 401}}, as_=people.head)[
        "visitPlansPublish"
    ]
    assert [e["field"] for e in bad_reason["userErrors"]] == [["input", "reason"]]
    assert api.data(PLAN, {"m": me["manager"], "d": day}, as_=people.head)["visitPlan"] is None
