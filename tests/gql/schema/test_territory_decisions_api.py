"""Marketing's decision tools over GraphQL: a whole territory locked, two proposals compared."""

from __future__ import annotations

from tests.gql.api import Api
from tests.gql.conftest import DemoPeople

CREATE = """mutation($i: TerritoryProposalCreateInput!) { territoryProposalCreate(input: $i) {
  proposal { id assignments { retailerId managerId } } userErrors { field message } } }"""
COMPARE = """query($a: ID!, $b: ID!) { territoryProposalComparison(a: $a, b: $b) {
  comparedRetailers disagreements { retailerId managerAId managerBId retailer { id } }
  measures { name a b } } }"""
WHO = "{ viewer { department { id } manager { id } } }"


def test_a_locked_territory_is_left_out_and_the_comparison_names_every_difference(
    api: Api, people: DemoPeople
) -> None:
    me = api.data(WHO, as_=people.manager)["viewer"]
    department, manager = me["department"]["id"], me["manager"]["id"]
    locked = api.data(
        CREATE,
        {"i": {"departmentId": department, "lockedManagerIds": [manager], "warmStart": False}},
        as_=people.marketing,
    )["territoryProposalCreate"]["proposal"]
    free = api.data(
        CREATE, {"i": {"departmentId": department, "warmStart": False}}, as_=people.marketing
    )["territoryProposalCreate"]["proposal"]
    assert manager not in {a["managerId"] for a in locked["assignments"]}
    compared = api.data(COMPARE, {"a": locked["id"], "b": free["id"]}, as_=people.marketing)[
        "territoryProposalComparison"
    ]
    in_locked = {a["retailerId"]: a["managerId"] for a in locked["assignments"]}
    in_free = {a["retailerId"]: a["managerId"] for a in free["assignments"]}
    expected = {r for r in in_locked.keys() | in_free.keys() if in_locked.get(r) != in_free.get(r)}
    assert compared["comparedRetailers"] == len(in_locked.keys() | in_free.keys())
    assert {d["retailerId"] for d in compared["disagreements"]} == expected
    assert all(d["retailer"]["id"] == d["retailerId"] for d in compared["disagreements"])
    assert {m["name"] for m in compared["measures"]} >= {"workloadCv", "meanDistanceToCentreM"}


def test_a_manager_of_another_district_cannot_be_locked(api: Api, people: DemoPeople) -> None:
    mine = api.data(WHO, as_=people.manager)["viewer"]["department"]["id"]
    theirs = api.data(WHO, as_=people.manager_elsewhere)["viewer"]["manager"]["id"]
    payload = api.data(
        CREATE, {"i": {"departmentId": mine, "lockedManagerIds": [theirs]}}, as_=people.marketing
    )["territoryProposalCreate"]
    assert payload["proposal"] is None
    assert payload["userErrors"][0]["field"] == ["input", "lockedManagerIds", "0"]
