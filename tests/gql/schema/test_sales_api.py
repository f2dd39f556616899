"""Sales over GraphQL: scoped by role (denied looks empty), consistent totals, bad filters."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from gql.schema.relay import encode_global_id
from tests.gql.api import Api
from tests.gql.conftest import DemoPeople

SUMMARY = (
    "query($f: SalesFilter) { salesSummary(filter: $f) { orders retailers volumeCartons "
    "amount { amount currency } byManager { managerId orders volumeCartons amount { amount } } } }"
)
SALES = (
    "query($f: SalesFilter, $first: Int, $after: String) { sales(filter: $f, first: $first, "
    "after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { retailerId "
    "managerId orderDate volumeCartons amount { amount currency } manager { id } } } }"
)
PERIOD = {"firstDay": "2026-09-07", "lastDay": "2026-09-20"}


def _summary(api: Api, who: str, given: dict[str, Any] | None = None) -> dict[str, Any]:
    return dict(api.data(SUMMARY, {"f": {**PERIOD, **(given or {})}}, as_=who)["salesSummary"])


def _me(api: Api, who: str) -> dict[str, str]:
    viewer = api.data("{ viewer { department { id } manager { id } } }", as_=who)["viewer"]
    return {"manager": viewer["manager"]["id"], "department": viewer["department"]["id"]}


def _all_pages(api: Api, who: str, given: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    after = None
    while True:
        page = api.data(SALES, {"f": given, "first": 100, "after": after}, as_=who)["sales"]
        found.extend(page["nodes"])
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


def test_a_head_sees_their_department_and_marketing_the_same_when_filtering_it(
    api: Api, people: DemoPeople
) -> None:
    """The head's totals are marketing's for that department; every row is one of its managers."""
    me = _me(api, people.manager)
    head = _summary(api, people.head)
    assert head["orders"] > 0
    assert head["amount"]["currency"] == "CNY"
    marketing = _summary(api, people.marketing, {"departmentId": me["department"]})
    assert marketing == head
    everyone = _summary(api, people.marketing)
    assert everyone["orders"] > head["orders"]
    managers = api.data(
        "query($d: ID) { managers(departmentId: $d, first: 100) { nodes { id } } }",
        {"d": me["department"]},
        as_=people.head,
    )["managers"]["nodes"]
    assert {r["managerId"] for r in head["byManager"]} <= {m["id"] for m in managers}
    assert sum(r["orders"] for r in head["byManager"]) == head["orders"]
    assert sum(Decimal(r["amount"]["amount"]) for r in head["byManager"]) == Decimal(
        head["amount"]["amount"]
    )


def test_a_manager_sees_only_their_own_and_others_look_empty(api: Api, people: DemoPeople) -> None:
    """A manager's summary is theirs alone; asking for a colleague's is empty, not an error."""
    me = _me(api, people.manager)
    mine = _summary(api, people.manager)
    assert [r["managerId"] for r in mine["byManager"]] == [me["manager"]]
    colleague = _me(api, people.other_manager_same_department)["manager"]
    theirs = api.data(
        SALES, {"f": {**PERIOD, "managerIds": [colleague]}, "first": 5}, as_=people.manager
    )["sales"]
    assert theirs["totalCount"] == 0
    assert theirs["nodes"] == []
    assert _summary(api, people.manager, {"managerIds": [colleague]})["orders"] == 0
    elsewhere = _summary(api, people.head_elsewhere, {"departmentId": me["department"]})
    assert elsewhere == {
        "orders": 0,
        "retailers": 0,
        "volumeCartons": 0,
        "amount": {"amount": "0.00", "currency": "CNY"},
        "byManager": [],
    }
    assert _summary(api, people.auditor)["orders"] == 0


def test_the_list_adds_up_to_the_summary(api: Api, people: DemoPeople) -> None:
    """Every page of one retailer's orders sums to its summary; rows carry their manager."""
    me = _me(api, people.manager)
    retailer = api.data(
        "{ viewer { manager { retailers(first: 1) { nodes { id } } } } }", as_=people.manager
    )["viewer"]["manager"]["retailers"]["nodes"][0]["id"]
    given = {"retailerIds": [retailer]}
    rows = _all_pages(api, people.manager, given)
    summary = api.data(SUMMARY, {"f": given}, as_=people.manager)["salesSummary"]
    assert len(rows) == summary["orders"] > 0
    assert sum(r["volumeCartons"] for r in rows) == summary["volumeCartons"]
    assert sum(Decimal(r["amount"]["amount"]) for r in rows) == Decimal(summary["amount"]["amount"])
    assert {r["managerId"] for r in rows} == {me["manager"]}
    assert {r["manager"]["id"] for r in rows} == {me["manager"]}
    dates = [r["orderDate"] for r in rows]
    in_period = _all_pages(api, people.manager, {**given, **PERIOD})
    assert [r["orderDate"] for r in in_period] == [
        d for d in dates if PERIOD["firstDay"] <= d <= PERIOD["lastDay"]
    ]


def test_bad_filters_are_client_errors_naming_the_argument(api: Api, people: DemoPeople) -> None:
    """A period ending before it starts, or a wrong kind of ID: INVALID at the filter path."""
    backwards = api.execute(
        SUMMARY, {"f": {"firstDay": "2026-09-20", "lastDay": "2026-09-07"}}, as_=people.head
    )
    assert backwards.errors is not None
    error = backwards.errors[0]
    assert error.extensions["code"] == "INVALID"
    assert error.message.startswith("filter.lastDay")
    wrong = api.execute(
        SALES,
        {"f": {"retailerIds": [encode_global_id("Manager", 1)]}, "first": 5},
        as_=people.marketing,
    )
    assert wrong.errors is not None
    assert wrong.errors[0].extensions["code"] == "INVALID"
    assert wrong.errors[0].message.startswith("filter.retailerIds.0")
    anonymous = api.execute(SUMMARY, {"f": PERIOD})
    assert anonymous.errors is not None
    assert anonymous.errors[0].extensions["code"] == "UNAUTHENTICATED"


def test_the_months_add_up_to_the_summary(api: Api, people: DemoPeople) -> None:
    """A period over two months: one row per month, in order, summing to the totals."""
    summary = api.data(
        "query($f: SalesFilter) { salesSummary(filter: $f) { orders volumeCartons "
        "amount { amount } byMonth { month orders volumeCartons amount { amount } } } }",
        {"f": {"firstDay": "2026-09-20", "lastDay": "2026-10-10"}},
        as_=people.head,
    )["salesSummary"]
    assert [m["month"] for m in summary["byMonth"]] == ["2026-09-01", "2026-10-01"]
    assert sum(m["orders"] for m in summary["byMonth"]) == summary["orders"]
    assert sum(m["volumeCartons"] for m in summary["byMonth"]) == summary["volumeCartons"]
    assert sum(Decimal(m["amount"]["amount"]) for m in summary["byMonth"]) == Decimal(
        summary["amount"]["amount"]
    )
