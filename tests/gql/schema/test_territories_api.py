"""Territory and schedule proposals through GraphQL: propose, compare, apply, read schedules.

Creating, discarding and applying *schedules* runs on the shared demo city (none of them moves
a retailer). Applying *territories* reassigns retailers, so those tests use their own freshly
seeded database.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import sqlalchemy as sa
from scipy.optimize import linear_sum_assignment

from gql.domain import Role
from gql.schema.relay import decode_global_id
from gql.store.repositories import StaffRepository
from tests.gql.api import Api
from tests.gql.conftest import DemoPeople

PROPOSAL_FIELDS = """
    id kind status departmentId retailerCount movedRetailers
    proposed { workload { cv worstDeviation } retailerCount { cv } fragmentedTerritories }
    current { workload { cv worstDeviation } retailerCount { cv } }
    territories { managerId retailers workloadMin }
"""
CREATE = (
    "mutation($i: TerritoryProposalCreateInput!) { territoryProposalCreate(input: $i) "
    "{ proposal { " + PROPOSAL_FIELDS + " } userErrors { field message code } } }"
)
SCHEDULE = (
    "mutation($i: ScheduleProposalCreateInput!) { scheduleProposalCreate(input: $i) "
    "{ proposal { id kind status schedule { maxDayHours capHours daysOverCap totalTravelM } "
    "districtZones { orders ordersBalance { cv } } } userErrors { field message code } } }"
)
APPLY = (
    "mutation($id: ID!) { territoryProposalApply(input: {id: $id}) "
    "{ proposal { id status } movedRetailers userErrors { field message code } } }"
)
DISCARD = (
    "mutation($id: ID!) { territoryProposalDiscard(input: {id: $id}) "
    "{ proposal { id status } userErrors { field message code } } }"
)
CURRENT = (
    "query($d: ID) { territories(departmentId: $d) { departmentId "
    "metrics { workload { cv } } territories { managerId retailers } } }"
)


def _department(api: Api, who: str) -> str:
    return str(api.data("{ viewer { department { id } } }", as_=who)["viewer"]["department"]["id"])


def _manager_id(api: Api, who: str) -> str:
    return str(api.data("{ viewer { manager { id } } }", as_=who)["viewer"]["manager"]["id"])


def _create(api: Api, who: str, **input: Any) -> dict[str, Any]:
    return dict(api.data(CREATE, {"i": input}, as_=who)["territoryProposalCreate"])


def test_marketing_proposes_and_sees_the_current_plan_beside_it(
    api: Api, people: DemoPeople
) -> None:
    """A proposal is better balanced than today and changes no retailer until applied."""
    department = _department(api, people.head)
    before = api.data(CURRENT, {"d": department}, as_=people.marketing)
    payload = _create(api, people.marketing, departmentId=department)
    assert payload["userErrors"] == []
    proposal = payload["proposal"]
    assert (proposal["kind"], proposal["status"]) == ("TERRITORIES", "PROPOSED")
    assert proposal["departmentId"] == department
    assert proposal["proposed"]["workload"]["worstDeviation"] <= 0.05
    assert proposal["proposed"]["workload"]["cv"] < proposal["current"]["workload"]["cv"]
    assert proposal["proposed"]["fragmentedTerritories"] == 0
    assert sum(t["retailers"] for t in proposal["territories"]) == proposal["retailerCount"]
    after = api.data(CURRENT, {"d": department}, as_=people.marketing)
    assert after == before


def test_heads_read_their_department_and_nobody_else_reads_proposals(
    api: Api, people: DemoPeople
) -> None:
    """Head and deputy see their department's proposal; others get null, as if missing."""
    department = _department(api, people.head)
    proposal_id = _create(api, people.marketing, departmentId=department)["proposal"]["id"]
    query = "query($id: ID!) { territoryProposal(id: $id) { id } }"
    for who in (people.head, people.deputy, people.marketing):
        assert api.data(query, {"id": proposal_id}, as_=who)["territoryProposal"] is not None
    for who in (people.head_elsewhere, people.manager, people.auditor, people.admin):
        assert api.data(query, {"id": proposal_id}, as_=who)["territoryProposal"] is None


@pytest.mark.parametrize("role", ["manager", "head", "deputy", "auditor", "admin"])
def test_only_marketing_may_create_proposals(api: Api, people: DemoPeople, role: str) -> None:
    """Every other role gets FORBIDDEN and no proposal is stored."""
    count = "{ territoryProposals(first: 1) { totalCount } }"
    before = api.data(count, as_=people.marketing)["territoryProposals"]["totalCount"]
    payload = _create(api, getattr(people, role), departmentId=_department(api, people.head))
    assert payload["proposal"] is None
    assert [e["code"] for e in payload["userErrors"]] == ["FORBIDDEN"]
    after = api.data(count, as_=people.marketing)["territoryProposals"]["totalCount"]
    assert after == before


@pytest.mark.parametrize(
    ("input", "needle"),
    [
        ({"managers": 100_000}, "use at most"),
        ({"managers": 0}, "at least 1"),
        ({"managers": 40}, "active manager(s); ask for at most"),
        ({"lockedRetailerIds": ["UmV0YWlsZXI6OTk5OTk5OQ=="]}, "not an active retailer"),
        ({"departmentId": "UmV0YWlsZXI6MQ=="}, "expected a Department ID"),
        ({"maxMoves": -1}, "max moves must be 0 or more"),
    ],
)
def test_bad_input_gets_a_user_error_naming_what_to_fix(
    api: Api, people: DemoPeople, input: dict[str, Any], needle: str
) -> None:
    """More managers than retailers or managers, unknown locks, wrong IDs: clear messages."""
    if "departmentId" not in input:
        input = {**input, "departmentId": _department(api, people.head)}
    payload = _create(api, people.marketing, **input)
    assert payload["proposal"] is None
    assert len(payload["userErrors"]) == 1
    assert needle in payload["userErrors"][0]["message"]


def test_an_infeasible_cap_names_the_manager_and_the_remedy(api: Api, people: DemoPeople) -> None:
    """A 1-hour cap cannot hold; the error says to add managers or raise the cap."""
    data = api.data(
        SCHEDULE,
        {"i": {"departmentId": _department(api, people.head), "capHours": 1.0}},
        as_=people.marketing,
    )["scheduleProposalCreate"]
    assert data["proposal"] is None
    message = data["userErrors"][0]["message"]
    assert "raise the cap" in message
    assert "add managers" in message


def test_a_discarded_proposal_stays_on_record_and_cannot_be_applied(
    api: Api, people: DemoPeople
) -> None:
    """Discard keeps the proposal readable; a later apply is refused with its status."""
    proposal_id = _create(api, people.marketing, departmentId=_department(api, people.head))[
        "proposal"
    ]["id"]
    refused = api.data(DISCARD, {"id": proposal_id}, as_=people.head)["territoryProposalDiscard"]
    assert [e["code"] for e in refused["userErrors"]] == ["FORBIDDEN"]
    done = api.data(DISCARD, {"id": proposal_id}, as_=people.marketing)["territoryProposalDiscard"]
    assert done["proposal"]["status"] == "DISCARDED"
    again = api.data(APPLY, {"id": proposal_id}, as_=people.marketing)["territoryProposalApply"]
    assert again["proposal"] is None
    assert "DISCARDED" in again["userErrors"][0]["message"]


def test_a_schedule_gives_each_manager_20_routed_days_under_the_cap(
    api: Api, people: DemoPeople
) -> None:
    """Schedule proposal: 4 weeks × 5 days per manager, none over the cap, zones balanced."""
    department = _department(api, people.head)
    created = api.data(SCHEDULE, {"i": {"departmentId": department}}, as_=people.marketing)[
        "scheduleProposalCreate"
    ]
    assert created["userErrors"] == []
    proposal = created["proposal"]
    assert proposal["schedule"]["daysOverCap"] == 0
    assert proposal["schedule"]["maxDayHours"] <= proposal["schedule"]["capHours"] == 8.0
    assert len(proposal["districtZones"]["orders"]) == 5
    manager = _manager_id(api, people.manager)
    days = api.data(
        "query($m: ID!, $p: ID) { schedule(managerId: $m, proposalId: $p) "
        "{ managerId days { week weekday hours retailerIds } } }",
        {"m": manager, "p": proposal["id"]},
        as_=people.marketing,
    )["schedule"]["days"]
    assert len(days) == 20
    assert {(d["week"], d["weekday"]) for d in days} == {(w, d) for w in range(4) for d in range(5)}
    assert all(d["hours"] <= 8.0 for d in days)
    own = api.data(
        "query($m: [ID!]) { retailers(filter: {managerIds: $m, statuses: [ACTIVE]}, first: 1) "
        "{ totalCount } }",
        {"m": [manager]},
        as_=people.marketing,
    )["retailers"]["totalCount"]
    assert len({r for d in days for r in d["retailerIds"]}) == own
    zones = api.data(
        "query($p: ID!) { districtZones(proposalId: $p) { orders } }",
        {"p": proposal["id"]},
        as_=people.head,
    )["districtZones"]
    assert zones["orders"] == proposal["districtZones"]["orders"]


def test_a_manager_reads_only_their_own_applied_schedule(api: Api, people: DemoPeople) -> None:
    """After marketing applies a schedule, the manager sees it; a colleague's stays hidden."""
    department = _department(api, people.head)
    proposal_id = api.data(SCHEDULE, {"i": {"departmentId": department}}, as_=people.marketing)[
        "scheduleProposalCreate"
    ]["proposal"]["id"]
    query = (
        "query($m: ID!, $p: ID) { schedule(managerId: $m, week: 1, proposalId: $p) "
        "{ days { week } } }"
    )
    me = _manager_id(api, people.manager)
    assert api.data(query, {"m": me, "p": proposal_id}, as_=people.manager)["schedule"] is None
    applied = api.data(APPLY, {"id": proposal_id}, as_=people.marketing)["territoryProposalApply"]
    assert applied["proposal"]["status"] == "APPLIED"
    assert applied["movedRetailers"] == 0
    mine = api.data(query, {"m": me, "p": None}, as_=people.manager)["schedule"]
    assert [d["week"] for d in mine["days"]] == [1] * 5
    colleague = _manager_id(api, people.other_manager_same_department)
    assert api.data(query, {"m": colleague, "p": None}, as_=people.manager)["schedule"] is None
    assert api.data(query, {"m": colleague, "p": None}, as_=people.head)["schedule"] is not None


# -- applying territories (each test's reassignments are rolled back after it) -------------------


def _who(api: Api, role: Role) -> str:
    with api.state.sessions() as session:
        staff = StaffRepository(session).page(first=500).items
    return next(s.staff_no for _, s in staff if s.role is role)


def _owners(api: Api) -> dict[int, int | None]:
    with api.state.sessions() as session:
        rows = session.execute(sa.text("SELECT id, manager_id FROM retailers")).all()
    return {int(r[0]): r[1] for r in rows}


def test_only_marketing_applies_and_a_refused_apply_changes_nothing(api: Api) -> None:
    """A manager or head gets FORBIDDEN and every retailer keeps its manager."""
    marketing = _who(api, Role.MARKETING)
    head = _who(api, Role.DEPARTMENT_HEAD)
    proposal = _create(api, marketing, departmentId=_department(api, head))["proposal"]
    before = _owners(api)
    for who in (head, _who(api, Role.ACCOUNT_MANAGER), _who(api, Role.ADMIN)):
        data = api.data(APPLY, {"id": proposal["id"]}, as_=who)["territoryProposalApply"]
        assert [e["code"] for e in data["userErrors"]] in (["FORBIDDEN"], ["NOT_FOUND"])
    assert _owners(api) == before


def test_applying_reassigns_exactly_as_proposed_and_locked_retailers_stay(api: Api) -> None:
    """After apply every retailer has its proposed manager; locked ones kept theirs."""
    marketing = _who(api, Role.MARKETING)
    head = _who(api, Role.DEPARTMENT_HEAD)
    department = _department(api, head)
    assignments_query = (
        "query($id: ID!) { territoryProposal(id: $id) { assignments "
        "{ retailerId managerId previousManagerId moved } } }"
    )
    first = _create(api, marketing, departmentId=department)["proposal"]
    rows = api.data(assignments_query, {"id": first["id"]}, as_=marketing)
    locked = [a["retailerId"] for a in rows["territoryProposal"]["assignments"]][::5]
    proposal = _create(api, marketing, departmentId=department, lockedRetailerIds=locked)[
        "proposal"
    ]
    assert proposal["movedRetailers"] > 0
    assignments = api.data(assignments_query, {"id": proposal["id"]}, as_=marketing)[
        "territoryProposal"
    ]["assignments"]
    applied = api.data(APPLY, {"id": proposal["id"]}, as_=marketing)["territoryProposalApply"]
    assert applied["userErrors"] == []
    assert applied["proposal"]["status"] == "APPLIED"
    assert applied["movedRetailers"] == proposal["movedRetailers"]
    assert applied["movedRetailers"] == sum(a["moved"] for a in assignments)
    by_id = {a["retailerId"]: a for a in assignments}
    for retailer_id in locked:
        assert by_id[retailer_id]["managerId"] == by_id[retailer_id]["previousManagerId"]
    listed = api.data(
        "query($id: ID!) { node(id: $id) { ... on Retailer { manager { id } } } }",
        {"id": assignments[0]["retailerId"]},
        as_=marketing,
    )["node"]
    assert listed["manager"]["id"] == assignments[0]["managerId"]
    current = api.data(CURRENT, {"d": department}, as_=marketing)["territories"]
    now = {t["managerId"]: t["retailers"] for t in current["territories"]}
    proposed = {t["managerId"]: t["retailers"] for t in proposal["territories"]}
    assert now == proposed
    twice = api.data(APPLY, {"id": proposal["id"]}, as_=marketing)["territoryProposalApply"]
    assert "APPLIED" in twice["userErrors"][0]["message"]


PARTIAL_APPLY = (
    "mutation($id: ID!, $m: [ID!]) { territoryProposalApply(input: {id: $id, managerIds: $m}) "
    "{ proposal { id status } movedRetailers userErrors { field message code } } }"
)
REASONS = (
    "query($id: ID!) { territoryProposal(id: $id) { assignments "
    "{ retailerId managerId previousManagerId moved reason } } }"
)


def test_some_territories_apply_first_the_rest_later_and_each_move_says_why(api: Api) -> None:
    """Applying one manager's territory moves exactly the retailers it gains or loses and
    leaves the proposal PROPOSED; applying the rest moves the others and closes it. Every moved
    retailer carries the reason its stage gave, every unmoved one KEPT or UNASSIGNED. A manager
    outside the proposal is named at its place in the input, and nothing moves."""
    marketing = _who(api, Role.MARKETING)
    head = _who(api, Role.DEPARTMENT_HEAD)
    department = _department(api, head)
    first = _create(api, marketing, departmentId=department)["proposal"]
    rows = api.data(REASONS, {"id": first["id"]}, as_=marketing)["territoryProposal"]
    locked = [a["retailerId"] for a in rows["assignments"]][::5]
    proposal = _create(api, marketing, departmentId=department, lockedRetailerIds=locked)[
        "proposal"
    ]
    assignments = api.data(REASONS, {"id": proposal["id"]}, as_=marketing)["territoryProposal"][
        "assignments"
    ]
    moved = [a for a in assignments if a["moved"]]
    assert moved
    assert {a["reason"] for a in moved} <= {"REPLAN", "CONTIGUITY", "BALANCE"}
    assert {a["reason"] for a in assignments if not a["moved"]} <= {"KEPT", "UNASSIGNED"}

    stranger = api.data("{ managers(first: 100) { nodes { id } } }", as_=marketing)["managers"][
        "nodes"
    ]
    planned = {a["managerId"] for a in assignments}
    outsider = next(m["id"] for m in stranger if m["id"] not in planned)  # another department's
    before = _owners(api)
    refused = api.data(
        PARTIAL_APPLY, {"id": proposal["id"], "m": [moved[0]["managerId"], outsider]},
        as_=marketing,
    )["territoryProposalApply"]  # fmt: skip
    assert refused["userErrors"][0]["field"] == ["input", "managerIds", "1"]
    assert _owners(api) == before

    def touching(manager: str) -> list[dict[str, Any]]:
        return [a for a in moved if manager in (a["managerId"], a["previousManagerId"])]

    chosen = min({a["managerId"] for a in moved}, key=lambda m: len(touching(m)))
    concerned = touching(chosen)
    assert len(concerned) < len(moved)
    part = api.data(PARTIAL_APPLY, {"id": proposal["id"], "m": [chosen]}, as_=marketing)[
        "territoryProposalApply"
    ]
    assert part["userErrors"] == []
    assert part["movedRetailers"] == len(concerned)
    assert part["proposal"]["status"] == "PROPOSED"
    after_part = _owners(api)
    changed = {rid for rid in before if before[rid] != after_part[rid]}
    assert changed == {decode_global_id(a["retailerId"])[1] for a in concerned}

    rest = api.data(APPLY, {"id": proposal["id"]}, as_=marketing)["territoryProposalApply"]
    assert rest["userErrors"] == []
    assert rest["movedRetailers"] == len(moved) - len(concerned)
    assert rest["proposal"]["status"] == "APPLIED"
    final = _owners(api)
    for a in assignments:
        assert final[decode_global_id(a["retailerId"])[1]] == decode_global_id(a["managerId"])[1]


ORDER_DAYS = (
    "mutation($i: ScheduleProposalCreateInput!) { scheduleProposalCreate(input: $i) "
    "{ proposal { districtZones { orderingRetailers orderDayChanges } } "
    "userErrors { field message code } } }"
)


def test_a_schedule_changes_at_most_a_tenth_of_order_days_unless_allowed(
    api: Api, people: DemoPeople
) -> None:
    """By default a schedule gives at most 10 % of the ordering retailers a new order day; a
    share of 0 keeps every one; null lets the zoning change them freely; a share out of
    [0, 1] is refused at its field."""
    department = _department(api, people.head)

    def zones(**extra: Any) -> dict[str, Any]:
        done = api.data(
            ORDER_DAYS, {"i": {"departmentId": department, **extra}}, as_=people.marketing
        )["scheduleProposalCreate"]
        assert done["userErrors"] == [], done
        return dict(done["proposal"]["districtZones"])

    default, kept, free = (
        zones(),
        zones(maxOrderDayChangeShare=0.0),
        zones(maxOrderDayChangeShare=None),
    )
    ordering = sum(default["orderingRetailers"])
    assert ordering > 0
    assert default["orderDayChanges"] <= 0.1 * ordering
    assert kept["orderDayChanges"] == 0
    assert free["orderDayChanges"] > 0.1 * ordering
    refused = api.data(
        ORDER_DAYS,
        {"i": {"departmentId": department, "maxOrderDayChangeShare": 1.5}},
        as_=people.marketing,
    )["scheduleProposalCreate"]
    assert refused["proposal"] is None
    assert refused["userErrors"][0]["field"] == ["input", "maxOrderDayChangeShare"]


BARRIERS_SET = (
    "mutation($i: DistrictBarriersSetInput!) { districtBarriersSet(input: $i) "
    "{ geojson userErrors { field message code } } }"
)
SPLIT = (
    "mutation($i: TerritoryProposalCreateInput!) { territoryProposalCreate(input: $i) "
    "{ proposal { id territories { managerId pieces links { kind name } } "
    "assignments { managerId retailer { position { lat lon } } } } "
    "userErrors { field message code } } }"
)


def _line(role: str, kind: str, name: str, points: list[list[float]]) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {"role": role, "kind": kind, "name": name},
        "geometry": {"type": "LineString", "coordinates": points},
    }


def test_a_river_keeps_every_territory_on_one_bank_except_across_its_bridge(
    api: Api, people: DemoPeople
) -> None:
    """Marketing draws a river through the district's middle with one bridge: in the next
    proposal every territory is in one piece, and any territory with shops on both banks
    relies on the bridge. Heads read their district's barriers, managers do not; a bad file
    is refused whole at its feature."""
    department = _department(api, people.head)
    before = api.data(SPLIT, {"i": {"departmentId": department}}, as_=people.marketing)
    shops = [
        a["retailer"]["position"]
        for a in before["territoryProposalCreate"]["proposal"]["assignments"]
    ]
    lons = sorted(s["lon"] for s in shops)
    lats = sorted(s["lat"] for s in shops)
    river_lon, bridge_lat = lons[len(lons) // 2], lats[len(lats) // 2]
    river = _line(
        "barrier", "river", "river", [[river_lon, lats[0] - 0.1], [river_lon, lats[-1] + 0.1]]
    )
    bridge = _line("crossing", "bridge", "bridge",
                   [[river_lon - 0.004, bridge_lat], [river_lon + 0.004, bridge_lat]])  # fmt: skip
    document = {"type": "FeatureCollection", "features": [river, bridge]}
    done = api.data(
        BARRIERS_SET, {"i": {"departmentId": department, "geojson": document}},
        as_=people.marketing,
    )["districtBarriersSet"]  # fmt: skip
    assert done["userErrors"] == []
    query = "query($d: ID) { districtBarriers(departmentId: $d) }"
    assert api.data(query, {"d": department}, as_=people.head)["districtBarriers"] == document
    hidden = api.execute(query, {"d": department}, as_=people.manager)
    assert hidden.errors
    assert hidden.errors[0].extensions["code"] == "NOT_FOUND"

    created = api.data(SPLIT, {"i": {"departmentId": department}}, as_=people.marketing)
    proposal = created["territoryProposalCreate"]["proposal"]
    banks: dict[str, set[bool]] = {}
    for a in proposal["assignments"]:
        banks.setdefault(a["managerId"], set()).add(a["retailer"]["position"]["lon"] < river_lon)
    for territory in proposal["territories"]:
        assert territory["pieces"] == 1, territory
        if len(banks[territory["managerId"]]) == 2:  # on both banks: only over the bridge
            assert {"kind": "bridge", "name": "bridge"} in territory["links"], territory
    assert any(len(b) == 1 for b in banks.values())

    bad = dict(document, features=[river, dict(bridge, geometry={"type": "Point"})])
    refused = api.data(
        BARRIERS_SET, {"i": {"departmentId": department, "geojson": bad}}, as_=people.marketing
    )["districtBarriersSet"]
    assert refused["userErrors"][0]["field"] == ["input", "geojson", "features", "1"]
    assert api.data(query, {"d": department}, as_=people.head)["districtBarriers"] == document


HOMES = (
    "mutation($i: TerritoryProposalCreateInput!) { territoryProposalCreate(input: $i) "
    "{ proposal { proposed { medianHomeDistanceM workloadWithCommute { cv } } "
    "territories { managerId centre { lat lon } } } userErrors { field message code } } }"
)


def test_a_cold_start_gives_each_manager_the_territory_nearest_their_start_point(
    api: Api, people: DemoPeople
) -> None:
    """Planned afresh, the territories go to the managers so that the sum of squared
    distances from each manager's start point (home or office) to their territory's centre is
    the least any assignment of these territories could give (no one sent across the district
    to spare others a few hundred metres); the proposal reports the median."""
    department = _department(api, people.head)
    done = api.data(
        HOMES, {"i": {"departmentId": department, "warmStart": False}}, as_=people.marketing
    )["territoryProposalCreate"]
    assert done["userErrors"] == []
    proposal = done["proposal"]
    starts = {
        m["id"]: m["startPoint"]
        for m in api.data(
            "{ managers(first: 100) { nodes { id startPoint { lat lon } } } }", as_=people.marketing
        )["managers"]["nodes"]
    }
    territories = proposal["territories"]
    cos = np.cos(np.radians(territories[0]["centre"]["lat"]))

    def km(a: dict[str, float], b: dict[str, float]) -> float:
        return float(np.hypot(a["lat"] - b["lat"], (a["lon"] - b["lon"]) * cos) * 111.2)

    cost = np.array(
        [[km(starts[t["managerId"]], u["centre"]) for u in territories] for t in territories]
    )
    rows, cols = linear_sum_assignment(cost**2)
    chosen = float(np.trace(cost**2))  # each manager with the territory the proposal gives them
    assert chosen <= 1.01 * float((cost[rows, cols] ** 2).sum())
    assert proposal["proposed"]["medianHomeDistanceM"] > 0
    assert proposal["proposed"]["workloadWithCommute"]["cv"] >= 0
