"""Suspending, closing and reopening a retailer from a day: it leaves plans, keeps its history."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from gql.schema.relay import encode_global_id
from gql.services.calendar import local_day
from tests.gql.api import Api
from tests.gql.conftest import DemoPeople
from tests.gql.schema.test_plans_from_schedule_api import (
    CREATE,
    _apply_schedule,
    _me,
    _next_monday,
    _scheduled_monday,
)

ERRORS = "userErrors { field message code }"


def _mutation(name: str) -> str:
    return (
        f"mutation($i: RetailerStatusChangeInput!) {{ {name}(input: $i) "
        "{ retailer { id status version } change { status previousStatus effectiveOn reason "
        f"changedById }} stopsLetGo {ERRORS} }} }}"
    )


HISTORY = (
    "query($id: ID!) { retailer(id: $id) { status version statusHistory "
    "{ status previousStatus effectiveOn reason } } }"
)


def _today() -> date:
    return local_day(datetime.now(UTC))


def _change(api: Api, who: str, name: str, retailer: str, day: date, reason: str) -> Any:
    return api.data(
        _mutation(name),
        {"i": {"id": retailer, "effectiveOn": day.isoformat(), "reason": reason}},
        as_=who,
    )[name]


def _history(api: Api, who: str, retailer: str) -> dict[str, Any]:
    return dict(api.data(HISTORY, {"id": retailer}, as_=who)["retailer"])


def test_a_retailer_closed_from_a_day_leaves_schedule_built_plans_from_that_day(
    api: Api, people: DemoPeople
) -> None:
    """Closed from next Monday: today's status stays ACTIVE, the Monday plan leaves it out as
    NOT_ACTIVE, its history shows the change; reopened from the Monday after, it is back."""
    me = _me(api, people.manager)
    _apply_schedule(api, people, me["department"])
    shop = _scheduled_monday(api, people.manager, me["manager"])[0]
    monday = date.fromisoformat(_next_monday())
    closed = _change(api, people.marketing, "retailerClose", shop, monday, "licence revoked")
    assert closed["userErrors"] == []
    assert closed["retailer"]["status"] == "ACTIVE"
    assert closed["change"]["previousStatus"] == "ACTIVE"
    assert closed["change"]["changedById"] is not None
    made = api.data(
        CREATE, {"i": {"managerId": me["manager"], "date": monday.isoformat()}}, as_=people.head
    )["visitPlanCreate"]
    assert made["userErrors"] == []
    assert shop not in {s["retailer"]["id"] for s in made["plan"]["stops"]}
    assert {"retailerId": shop, "reason": "NOT_ACTIVE"} in made["skipped"]
    reopened = _change(
        api, people.admin, "retailerReopen", shop, monday + timedelta(weeks=4), "licence restored"
    )
    assert reopened["userErrors"] == []
    later = api.data(
        CREATE,
        {"i": {"managerId": me["manager"], "date": (monday + timedelta(weeks=4)).isoformat()}},
        as_=people.head,
    )["visitPlanCreate"]
    assert shop in {s["retailer"]["id"] for s in later["plan"]["stops"]}
    history = _history(api, people.head, shop)["statusHistory"]
    assert [(h["status"], h["effectiveOn"]) for h in history] == [
        ("CLOSED", monday.isoformat()),
        ("ACTIVE", (monday + timedelta(weeks=4)).isoformat()),
    ]


def test_suspending_from_today_lets_go_of_its_stops_in_published_plans(
    api: Api, people: DemoPeople
) -> None:
    """Status SUSPENDED at once (version up); tomorrow's published stop there is SKIPPED with
    the reason; the other stop stays planned."""
    me = _me(api, people.manager)
    shops = api.data(
        "{ viewer { manager { retailers(first: 40) { nodes { id status } } } } }",
        as_=people.manager,
    )["viewer"]["manager"]["retailers"]["nodes"]
    active = [s["id"] for s in shops if s["status"] == "ACTIVE"][:2]
    tomorrow = (_today() + timedelta(days=1)).isoformat()
    made = api.data(
        CREATE,
        {"i": {"managerId": me["manager"], "date": tomorrow, "retailerIds": active}},
        as_=people.manager,
    )["visitPlanCreate"]
    plan = made["plan"]["id"]
    published = api.data(
        "mutation($i: VisitPlanPublishInput!) { visitPlanPublish(input: $i) "
        "{ userErrors { message } } }",
        {"i": {"id": plan}},
        as_=people.manager,
    )["visitPlanPublish"]
    assert published["userErrors"] == []
    before = _history(api, people.marketing, active[0])
    done = _change(api, people.marketing, "retailerSuspend", active[0], _today(), "装修停业")
    assert done["userErrors"] == []
    assert done["retailer"]["status"] == "SUSPENDED"
    assert done["retailer"]["version"] == before["version"] + 1
    assert done["stopsLetGo"] == 1
    stops = api.data(
        "query($id: ID!) { node(id: $id) { ... on VisitPlan { stops { retailer { id } } "
        "lifecycle { stops { state skipReason } } } } }",
        {"id": plan},
        as_=people.manager,
    )["node"]
    states = {
        s["retailer"]["id"]: life
        for s, life in zip(stops["stops"], stops["lifecycle"]["stops"], strict=True)
    }
    assert states[active[0]]["state"] == "SKIPPED"
    assert "SUSPENDED" in states[active[0]]["skipReason"]
    assert "装修停业" in states[active[0]]["skipReason"]
    assert states[active[1]]["state"] == "PLANNED"


@pytest.mark.parametrize(
    ("who", "first", "second", "code", "where"),
    [
        ("marketing", ("retailerSuspend", 0, ""), None, "INVALID", ["input", "reason"]),
        ("marketing", ("retailerSuspend", 400, "x"), None, "INVALID", ["input", "effectiveOn"]),
        ("marketing", ("retailerReopen", 0, "x"), None, "CONFLICT", ["input", "id"]),
        ("admin", ("retailerClose", 3, "x"), ("retailerSuspend", 5, "x"), "CONFLICT", None),
        ("admin", ("retailerSuspend", 9, "x"), ("retailerClose", 2, "x"), "CONFLICT", None),
        ("manager", ("retailerClose", 0, "x"), None, "FORBIDDEN", None),
        ("head", ("retailerSuspend", 0, "x"), None, "FORBIDDEN", None),
        ("auditor", ("retailerClose", 0, "x"), None, "FORBIDDEN", None),
    ],
)
def test_bad_status_changes_are_refused_and_write_nothing(
    api: Api,
    people: DemoPeople,
    who: str,
    first: tuple[str, int, str],
    second: tuple[str, int, str] | None,
    code: str,
    where: list[str] | None,
) -> None:
    """Empty reason, a day over a year away, reopening an active shop, a state that does not
    allow it (suspending a closed shop), dating before a later change, the wrong role."""
    caller = {
        "marketing": people.marketing,
        "admin": people.admin,
        "manager": people.manager,
        "head": people.head,
        "auditor": people.auditor,
    }[who]
    shop = api.data(
        "{ viewer { manager { retailers(first: 5) { nodes { id status } } } } }",
        as_=people.manager,
    )["viewer"]["manager"]["retailers"]["nodes"]
    target = next(s["id"] for s in shop if s["status"] == "ACTIVE")
    if second is not None:
        name, days, reason = first
        setup = _change(
            api, people.marketing, name, target, _today() + timedelta(days=days), reason
        )
        assert setup["userErrors"] == []
        first = second
    before = _history(api, people.marketing, target)
    name, days, reason = first
    refused = _change(api, caller, name, target, _today() + timedelta(days=days), reason)
    assert refused["retailer"] is None
    assert refused["change"] is None
    assert [e["code"] for e in refused["userErrors"]] == [code]
    if where is not None:
        assert refused["userErrors"][0]["field"] == where
    assert _history(api, people.marketing, target) == before


def test_an_unknown_retailer_is_not_found(api: Api, people: DemoPeople) -> None:
    """A retailer ID that does not exist: NOT_FOUND at input.id."""
    refused = _change(
        api, people.marketing, "retailerClose", encode_global_id("Retailer", 10**8), _today(), "x"
    )
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [
        ("NOT_FOUND", ["input", "id"])
    ]


def test_a_status_set_by_editing_the_retailer_is_kept_in_its_history(
    api: Api, people: DemoPeople
) -> None:
    """retailerUpdate to CLOSED: a change from today in statusHistory, by the editor."""
    shop = next(
        s["id"]
        for s in api.data(
            "{ viewer { manager { retailers(first: 10) { nodes { id status } } } } }",
            as_=people.manager,
        )["viewer"]["manager"]["retailers"]["nodes"]
        if s["status"] == "ACTIVE"
    )
    version = _history(api, people.marketing, shop)["version"]
    edited = api.data(
        "mutation($i: RetailerUpdateInput!) { retailerUpdate(input: $i) "
        "{ retailer { status } userErrors { message } } }",
        {"i": {"id": shop, "expectedVersion": version, "status": "CLOSED"}},
        as_=people.marketing,
    )["retailerUpdate"]
    assert edited["userErrors"] == []
    after = _history(api, people.marketing, shop)
    assert after["status"] == "CLOSED"
    assert [
        (h["status"], h["previousStatus"], h["effectiveOn"]) for h in after["statusHistory"]
    ] == [("CLOSED", "ACTIVE", _today().isoformat())]


def test_without_a_schedule_a_closed_retailer_is_simply_not_on_the_order_day_list(
    api: Api, people: DemoPeople
) -> None:
    """Closed from today: next Monday's order-day list neither includes nor mentions it."""
    me = _me(api, people.manager)
    monday_shops = [
        s["id"]
        for s in api.data(
            "query($m: [ID!]) { retailers(first: 100, filter: {managerIds: $m, "
            "statuses: [ACTIVE]}) { nodes { id orderWeekday } } }",
            {"m": [me["manager"]]},
            as_=people.manager,
        )["retailers"]["nodes"]
        if s["orderWeekday"] == 0
    ]
    closed = _change(api, people.marketing, "retailerClose", monday_shops[0], _today(), "注销")
    assert closed["userErrors"] == []
    made = api.data(
        CREATE, {"i": {"managerId": me["manager"], "date": _next_monday()}}, as_=people.manager
    )["visitPlanCreate"]
    assert made["plan"]["optimisedAgainst"]["dayList"] == "order_day"
    listed = {s["retailerId"] for s in made["plan"]["sources"]}
    assert monday_shops[0] not in listed
    assert monday_shops[0] not in {s["retailerId"] for s in made["skipped"]}
    assert set(monday_shops[1:]) <= listed


def test_a_list_of_retailers_reads_each_ones_status_history(api: Api, people: DemoPeople) -> None:
    """Batched per request: the suspended shop shows its change, the others none."""
    me = _me(api, people.manager)
    listed = (
        "query($m: [ID!]) { retailers(first: 10, filter: {managerIds: $m}) "
        "{ nodes { id statusHistory { status } } } }"
    )
    nodes = api.data(listed, {"m": [me["manager"]]}, as_=people.head)["retailers"]["nodes"]
    target = nodes[3]["id"]
    done = _change(api, people.admin, "retailerSuspend", target, _today(), "整顿")
    assert done["userErrors"] == []
    again = api.data(listed, {"m": [me["manager"]]}, as_=people.head)["retailers"]["nodes"]
    assert {n["id"]: n["statusHistory"] for n in again} == {
        n["id"]: ([{"status": "SUSPENDED"}] if n["id"] == target else []) for n in nodes
    }
