"""Reading retailers and managers through GraphQL, as each role."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from gql.schema.relay import encode_global_id
from tests.gql.api import Api
from tests.gql.conftest import DemoPeople

RETAILERS = """
query($filter: RetailerFilter, $first: Int, $after: String) {
  retailers(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id name licenceNo grade businessType position { lat lon } manager { staffNo } }
  }
}
"""


def _count(api: Api, who: str, filter: dict[str, object] | None = None) -> int:
    data = api.data(RETAILERS, {"filter": filter, "first": 1}, as_=who)
    return int(data["retailers"]["totalCount"])


def test_marketing_sees_every_retailer_of_the_demo_city(api: Api, people: DemoPeople) -> None:
    """The marketing department reads the whole city (about 3,000 retailers)."""
    assert 2_500 <= _count(api, people.marketing) <= 3_500


def test_a_manager_sees_only_their_own_retailers(api: Api, people: DemoPeople) -> None:
    """Every retailer a manager can list is assigned to that manager."""
    data = api.data(RETAILERS, {"first": 100}, as_=people.manager)
    nodes = data["retailers"]["nodes"]
    assert nodes
    assert {n["manager"]["staffNo"] for n in nodes} == {people.manager}
    assert _count(api, people.manager) < _count(api, people.marketing) / 5


def test_a_head_sees_their_department_and_nothing_else(api: Api, people: DemoPeople) -> None:
    """A head's retailers are exactly those of their department's managers."""
    mine = _count(api, people.head)
    elsewhere = _count(api, people.head_elsewhere)
    total = _count(api, people.marketing)
    assert _count(api, people.manager) < mine < total
    assert mine + elsewhere <= total
    assert _count(api, people.deputy) == mine


def test_auditors_without_audit_plans_see_no_retailers(api: Api, people: DemoPeople) -> None:
    """An auditor's scope comes from audit plans; with none, the list is empty."""
    assert _count(api, people.auditor) == 0


def test_anonymous_callers_are_told_to_sign_in(api: Api) -> None:
    """No token: a readable UNAUTHENTICATED error, no data."""
    result = api.execute(RETAILERS, {"first": 5})
    assert result.errors is not None
    assert result.errors[0].extensions == {"code": "UNAUTHENTICATED"}


def test_a_forged_token_is_anonymous(api: Api, people: DemoPeople) -> None:
    """A token signed with another secret does not authenticate."""
    from gql.auth import mint_token
    from gql.context import Context

    token = mint_token(secret="x" * 40, issuer="visitgis", staff_no=people.marketing, ttl_s=60)
    context = Context(state=api.state, token=token)
    assert context.principal is None
    assert context.auth_error == "invalid token"


def test_pages_walk_the_whole_list_without_overlap(api: Api, people: DemoPeople) -> None:
    """Following endCursor visits every retailer exactly once."""
    seen: list[str] = []
    after = None
    while True:
        page = api.data(RETAILERS, {"first": 100, "after": after}, as_=people.head)["retailers"]
        seen += [n["id"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == _count(api, people.head)


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"first": 0}, "first must be between 1 and 100"),
        ({"first": 101}, "first must be between 1 and 100"),
        ({"first": 5, "after": "garbage"}, "after:"),
        ({"filter": {"gradeMin": 0}}, "filter.gradeMin: grade must be within 1..30"),
        ({"filter": {"gradeMin": 9, "gradeMax": 3}}, "must not exceed"),
        ({"filter": {"search": "x"}}, "at least 2 characters"),
        (
            {"filter": {"bbox": {"south": 28.2, "west": 120.5, "north": 27.8, "east": 121.0}}},
            "south must be ≤ north",
        ),
        ({"filter": {"near": {"lat": 95, "lon": 120.6, "radiusM": 100}}}, "filter.near.lat"),
        ({"filter": {"near": {"lat": 28, "lon": 120.6, "radiusM": -1}}}, "filter.near.radiusM"),
        ({"filter": {"managerIds": ["not-an-id"]}}, "filter.managerIds.0"),
    ],
)
def test_bad_arguments_get_a_clear_message(
    api: Api, people: DemoPeople, variables: dict[str, object], message: str
) -> None:
    """Each bad argument is named in a readable (unmasked) error."""
    result = api.execute(RETAILERS, variables, as_=people.marketing)
    assert result.errors is not None
    assert message in result.errors[0].message
    assert (result.errors[0].extensions or {}).get("code") == "INVALID"


def test_every_fault_of_a_filter_is_reported_at_once(api: Api, people: DemoPeople) -> None:
    """Three bad filter fields: one error whose ``problems`` name each field (camelCase)."""
    bad = {"gradeMin": 0, "search": "x", "near": {"lat": 95, "lon": 120.6, "radiusM": 100}}
    result = api.execute(RETAILERS, {"filter": bad}, as_=people.marketing)
    assert result.errors is not None
    extensions = result.errors[0].extensions or {}
    assert extensions["code"] == "INVALID"
    assert [p["field"] for p in extensions["problems"]] == [
        ["filter", "gradeMin"],
        ["filter", "near", "lat"],
        ["filter", "search"],
    ]


def test_filters_narrow_the_list_consistently(api: Api, people: DemoPeople) -> None:
    """Grade, business type and box filters return only matching retailers."""
    data = api.data(
        RETAILERS,
        {"filter": {"gradeMin": 20, "gradeMax": 30, "businessTypes": ["ORDINARY"]}, "first": 100},
        as_=people.marketing,
    )
    nodes = data["retailers"]["nodes"]
    assert nodes
    assert all(20 <= n["grade"] <= 30 and n["businessType"] == "ORDINARY" for n in nodes)
    box = {"south": 27.95, "west": 120.6, "north": 28.05, "east": 120.7}
    boxed = api.data(RETAILERS, {"filter": {"bbox": box}, "first": 100}, as_=people.marketing)
    for node in boxed["retailers"]["nodes"]:
        assert 27.95 <= node["position"]["lat"] <= 28.05
        assert 120.6 <= node["position"]["lon"] <= 120.7


def test_text_search_finds_a_retailer_by_licence_number(api: Api, people: DemoPeople) -> None:
    """Searching a licence number returns that retailer."""
    some = api.data(RETAILERS, {"first": 1}, as_=people.marketing)["retailers"]["nodes"][0]
    found = api.data(
        RETAILERS, {"filter": {"search": some["licenceNo"]}, "first": 5}, as_=people.marketing
    )["retailers"]["nodes"]
    assert some["id"] in [n["id"] for n in found]


NODE = "query($id: ID!) { node(id: $id) { id ... on Retailer { name } ... on Manager { name } } }"


def test_node_hides_other_peoples_objects_like_missing_ones(api: Api, people: DemoPeople) -> None:
    """A manager asking for a colleague's retailer gets null, exactly as for a missing ID."""
    theirs = api.data(RETAILERS, {"first": 1}, as_=people.manager_elsewhere)["retailers"]
    their_id = theirs["nodes"][0]["id"]
    assert api.data(NODE, {"id": their_id}, as_=people.manager_elsewhere)["node"] is not None
    assert api.data(NODE, {"id": their_id}, as_=people.manager)["node"] is None
    missing = encode_global_id("Retailer", 10_000_000)
    assert api.data(NODE, {"id": missing}, as_=people.manager)["node"] is None
    bad = api.execute(NODE, {"id": "%%%"}, as_=people.manager)
    assert bad.errors is not None
    assert "not a valid ID" in bad.errors[0].message


def test_managers_are_scoped_like_retailers(api: Api, people: DemoPeople) -> None:
    """A manager lists only themselves; a head their department; marketing everyone."""
    query = "{ managers(first: 100) { totalCount nodes { staffNo } } }"
    own = api.data(query, as_=people.manager)["managers"]
    assert [n["staffNo"] for n in own["nodes"]] == [people.manager]
    dept = api.data(query, as_=people.head)["managers"]["nodes"]
    assert people.manager in {n["staffNo"] for n in dept}
    assert people.manager_elsewhere not in {n["staffNo"] for n in dept}
    assert api.data(query, as_=people.marketing)["managers"]["totalCount"] == 15


@pytest.mark.parametrize(
    "query",
    [
        # a page announces its managers: loaded at once, in one statement
        """query($n: Int) { retailers(first: $n) { totalCount nodes {
        name openingWindows { opens } manager { name department { name } } } } }""",
        # retailers reached through visits: the awaiting DataLoader path batches them
        """query($n: Int) { visits(first: $n) { nodes {
        retailer { name manager { name department { name } } } } } }""",
    ],
    ids=["retailer page", "retailers of visits"],
)
def test_sql_statements_do_not_grow_with_page_size(
    api: Api, people: DemoPeople, demo_engine: sa.Engine, query: str
) -> None:
    """A page with its retailers' managers costs the same statements for 5 or 100 rows."""
    _visit_several_shops(api, people)
    counts = []
    sizes = []
    for size in (5, 100):
        statements: list[str] = []

        def count(*args: object, _seen: list[str] = statements) -> None:
            if not str(args[2]).startswith(("SAVEPOINT", "RELEASE SAVEPOINT")):
                _seen.append(str(args[2]))  # savepoints: the test's own transaction

        sa.event.listen(demo_engine, "before_cursor_execute", count)
        try:
            data = api.data(query, {"n": size}, as_=people.marketing)
        finally:
            sa.event.remove(demo_engine, "before_cursor_execute", count)
        counts.append(len(statements))
        sizes.append(len(next(iter(data.values()))["nodes"]))
    assert sizes[0] == 5, sizes
    assert sizes[1] > 5, sizes
    assert counts[0] == counts[1], counts
    assert counts[0] <= 8


def _visit_several_shops(api: Api, people: DemoPeople) -> None:
    """Check in at a few shops of two managers, so visit lists have rows to resolve."""
    for who in (people.manager, people.other_manager_same_department):
        shops = api.data(
            "{ viewer { manager { retailers(first: 4) { nodes { id position { lat lon } } } } } }",
            as_=who,
        )["viewer"]["manager"]["retailers"]["nodes"]
        for shop in shops:
            fix = {
                "lat": shop["position"]["lat"],
                "lon": shop["position"]["lon"],
                "accuracyM": 6.0,
                "capturedAt": datetime.now(UTC).isoformat(),
            }
            started = api.data(
                "mutation($i: VisitStartInput!) { visitStart(input: $i) { visit { id } } }",
                {
                    "i": {
                        "retailerId": shop["id"],
                        "idempotencyKey": str(uuid.uuid4()),
                        "deviceFix": fix,
                    }
                },
                as_=who,
            )
            assert started["visitStart"]["visit"] is not None


NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Retailer { name } } }"


def test_nodes_refetches_many_in_order_with_the_scope_of_node(api: Api, people: DemoPeople) -> None:
    """Own objects come back in the order asked; foreign and missing ones are null alike."""
    mine = api.data(RETAILERS, {"first": 2}, as_=people.manager)["retailers"]["nodes"]
    theirs = api.data(RETAILERS, {"first": 1}, as_=people.manager_elsewhere)["retailers"]
    missing = encode_global_id("Retailer", 10_000_000)
    ids = [mine[1]["id"], theirs["nodes"][0]["id"], missing, mine[0]["id"]]
    found = api.data(NODES, {"ids": ids}, as_=people.manager)["nodes"]
    assert [None if node is None else node["id"] for node in found] == [
        mine[1]["id"],
        None,
        None,
        mine[0]["id"],
    ]
    bad = api.execute(NODES, {"ids": [mine[0]["id"], "%%%"]}, as_=people.manager)
    assert bad.errors is not None
    assert bad.errors[0].extensions is not None
    assert bad.errors[0].extensions["problems"][0]["field"] == ["ids", "1"]
