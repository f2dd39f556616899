"""Organisation over GraphQL: departments, staff, managers, carrier ports and the change log."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import geo
from gql.domain import AccountManager, Carrier
from gql.services.visits.carrier_lookup import CarrierLookup
from tests.gql.api import Api
from tests.gql.conftest import DemoPeople

ERRORS = "userErrors { field message code }"
DEPARTMENTS = "{ departments { id code kind } }"
DEPT_CREATE = (
    "mutation($i: DepartmentCreateInput!) { departmentCreate(input: $i) "
    f"{{ department {{ id code parent {{ code }} }} {ERRORS} }} }}"
)
DEPT_UPDATE = (
    "mutation($i: DepartmentUpdateInput!) { departmentUpdate(input: $i) "
    f"{{ department {{ id name parent {{ code }} }} {ERRORS} }} }}"
)
STAFF_CREATE = (
    "mutation($i: StaffCreateInput!) { staffCreate(input: $i) "
    f"{{ staff {{ id staffNo role active department {{ code }} }} {ERRORS} }} }}"
)
STAFF_UPDATE = (
    "mutation($i: StaffUpdateInput!) { staffUpdate(input: $i) "
    f"{{ staff {{ id role active department {{ code }} }} {ERRORS} }} }}"
)
MANAGER_CREATE = (
    "mutation($i: ManagerCreateInput!) { managerCreate(input: $i) "
    f"{{ manager {{ id staffNo carrier msisdnMasked startPoint {{ lat lon }} }} {ERRORS} }} }}"
)
CARRIER_CHANGE = (
    "mutation($i: ManagerCarrierChangeInput!) { managerCarrierChange(input: $i) "
    f"{{ manager {{ id carrier msisdnMasked }} {ERRORS} }} }}"
)
DEPARTMENT = """
query($id: ID!) { node(id: $id) { ... on Department {
  code parent { code } head { staffNo } deputy { staffNo } people { staffNo role active }
} } }"""
STAFF = """
query($role: Role, $d: ID, $after: String) {
  staff(role: $role, departmentId: $d, first: 100, after: $after) {
    totalCount nodes { id staffNo role active } pageInfo { hasNextPage endCursor }
  }
}"""
CHANGES = """
query($s: ID) { orgChanges(subjectId: $s, first: 100) {
  totalCount nodes { actorId subject subjectId action effectiveOn reason
  changes { field old new } }
} }"""


def _departments(api: Api, who: str) -> dict[str, dict[str, str]]:
    return {d["code"]: d for d in api.data(DEPARTMENTS, as_=who)["departments"]}


def _code() -> str:
    return "T" + uuid.uuid4().hex[:8].upper()


def _msisdn() -> str:
    return f"139{uuid.uuid4().int % 10**8:08d}"


def _staff_count(api: Api, who: str) -> int:
    return int(api.data(STAFF, as_=who)["staff"]["totalCount"])


def _manager_input(department_id: str, **overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "staffNo": _code(),
        "name": "钱经理",
        "departmentId": department_id,
        "joinedOn": "2026-12-01",
        "msisdn": _msisdn(),
        "carrier": "TELECOM",
        "start": {"lat": 28.0, "lon": 120.65, "label": "瓯海办公室"},
    }
    base.update(overrides)
    return base


def _viewer_ids(api: Api, who: str) -> dict[str, str]:
    viewer = api.data("{ viewer { staff { id } department { id } } }", as_=who)["viewer"]
    return {"staff": viewer["staff"]["id"], "department": viewer["department"]["id"]}


def test_admin_builds_a_department_with_head_deputy_and_people(
    api: Api, people: DemoPeople
) -> None:
    """A new service department below marketing gets a head and a deputy; queries show them."""
    codes = _departments(api, people.admin)
    new = api.data(
        DEPT_CREATE,
        {
            "i": {
                "code": "T1",
                "name": "新城客服部",
                "kind": "CUSTOMER_SERVICE",
                "parentId": codes["YXB"]["id"],
            }
        },
        as_=people.admin,
    )["departmentCreate"]
    assert new["userErrors"] == []
    assert new["department"]["parent"] == {"code": "YXB"}
    department_id = new["department"]["id"]
    for staff_no, role in (("TH1", "DEPARTMENT_HEAD"), ("TD1", "DEPUTY_HEAD")):
        made = api.data(
            STAFF_CREATE,
            {
                "i": {
                    "staffNo": staff_no,
                    "name": "新人",
                    "role": role,
                    "departmentId": department_id,
                    "joinedOn": "2026-12-01",
                }
            },
            as_=people.admin,
        )["staffCreate"]
        assert made["userErrors"] == []
    second = api.data(
        STAFF_CREATE,
        {
            "i": {
                "staffNo": "TH2",
                "name": "又一个",
                "role": "DEPARTMENT_HEAD",
                "departmentId": department_id,
                "joinedOn": "2026-12-01",
            }
        },
        as_=people.admin,
    )["staffCreate"]
    assert second["staff"] is None
    assert [(e["field"], e["code"]) for e in second["userErrors"]] == [
        (["input", "role"], "CONFLICT")
    ]
    shown = api.data(DEPARTMENT, {"id": department_id}, as_=people.marketing)["node"]
    assert shown["head"] == {"staffNo": "TH1"}
    assert shown["deputy"] == {"staffNo": "TD1"}
    assert {p["staffNo"] for p in shown["people"]} == {"TH1", "TD1"}


def test_bad_department_input_reports_every_fault_and_writes_nothing(
    api: Api, people: DemoPeople
) -> None:
    """Bad code, empty name, missing parent: all reported; no department appears."""
    before = _departments(api, people.admin)
    result = api.data(
        DEPT_CREATE,
        {"i": {"code": "bad code!", "name": " ", "kind": "CUSTOMER_SERVICE"}},
        as_=people.admin,
    )["departmentCreate"]
    assert result["department"] is None
    assert sorted(e["field"][-1] for e in result["userErrors"]) == ["code", "name", "parentId"]
    duplicate = api.data(
        DEPT_CREATE,
        {"i": {"code": "YXB", "name": "重复", "kind": "MARKETING", "parentId": before["WZ"]["id"]}},
        as_=people.admin,
    )["departmentCreate"]
    assert [e["code"] for e in duplicate["userErrors"]] == ["DUPLICATE"]
    assert _departments(api, people.admin) == before


def test_a_department_cannot_move_below_itself(api: Api, people: DemoPeople) -> None:
    """Marketing moved below one of its own service departments would make a loop."""
    codes = _departments(api, people.admin)
    service = next(d for d in codes.values() if d["kind"] == "CUSTOMER_SERVICE")
    result = api.data(
        DEPT_UPDATE, {"i": {"id": codes["YXB"]["id"], "parentId": service["id"]}}, as_=people.admin
    )["departmentUpdate"]
    assert result["department"] is None
    assert result["userErrors"][0]["field"] == ["input", "parentId"]
    moved = api.data(
        DEPT_UPDATE, {"i": {"id": service["id"], "name": "改名客服部"}}, as_=people.admin
    )["departmentUpdate"]
    assert moved["department"]["name"] == "改名客服部"


def test_manager_from_gcj02_start_is_stored_in_wgs84_and_logged(
    api: Api, people: DemoPeople
) -> None:
    """The start point arrives as GCJ-02 (what a web map shows) and is stored as WGS-84."""
    department = _viewer_ids(api, people.manager)["department"]
    gcj = geo.from_wgs84(geo.Wgs84(28.01, 120.66), geo.CoordSystem.GCJ02)
    made = api.data(
        MANAGER_CREATE,
        {
            "i": _manager_input(
                department,
                start={"lat": gcj.lat, "lon": gcj.lon, "label": "家", "coordinateSystem": "GCJ02"},
            )
        },
        as_=people.marketing,
    )["managerCreate"]
    assert made["userErrors"] == []
    start = made["manager"]["startPoint"]
    assert geo.haversine_m(start["lat"], start["lon"], 28.01, 120.66) < 0.5
    log = api.data(CHANGES, {"s": made["manager"]["id"]}, as_=people.admin)["orgChanges"]
    (entry,) = log["nodes"]
    assert entry["action"] == "CREATED"
    assert entry["actorId"] == _viewer_ids(api, people.marketing)["staff"]
    changes = {c["field"]: (c["old"], c["new"]) for c in entry["changes"]}
    assert changes["carrier"] == (None, "TELECOM")
    assert "****" in changes["msisdn"][1]


def test_bad_manager_input_reports_every_fault_and_writes_nothing(
    api: Api, people: DemoPeople
) -> None:
    """Taken staff number and phone, bad phone, wrong department kind, start off the globe."""
    codes = _departments(api, people.admin)
    before = _staff_count(api, people.admin)
    bad = api.data(
        MANAGER_CREATE,
        {
            "i": _manager_input(
                codes["KHZ"]["id"],
                staffNo=people.manager,
                msisdn="12345",
                start={"lat": 95.0, "lon": 120.0, "label": ""},
            )
        },
        as_=people.admin,
    )["managerCreate"]
    assert bad["manager"] is None
    fields = {tuple(e["field"]): e["code"] for e in bad["userErrors"]}
    assert fields == {
        ("input", "staffNo"): "DUPLICATE",
        ("input", "departmentId"): "INVALID",
        ("input", "msisdn"): "INVALID",
        ("input", "start", "label"): "INVALID",
        ("input", "start", "lat"): "INVALID_COORDINATE",
    }
    assert _staff_count(api, people.admin) == before


def test_a_ported_number_is_asked_of_the_new_carrier_at_the_next_check_in(
    api: Api, people: DemoPeople
) -> None:
    """managerCarrierChange is in force at once: the very next visitStart asks the new carrier."""
    asked: list[Carrier] = []

    class Recorder:
        async def locate(self, manager: AccountManager, *, deadline_s: float) -> CarrierLookup:
            asked.append(manager.carrier)
            return CarrierLookup(outcome_code="NOT_CONFIGURED", detail="recorded")

    api.state.locator = Recorder()
    viewer = api.data(
        "{ viewer { manager { id carrier retailers(first: 1) "
        "{ nodes { id position { lat lon } } } } } }",
        as_=people.manager,
    )["viewer"]["manager"]
    new_carrier = "MOBILE" if viewer["carrier"] == "TELECOM" else "TELECOM"
    ported = api.data(
        CARRIER_CHANGE,
        {"i": {"id": viewer["id"], "carrier": new_carrier, "reason": "携号转网"}},
        as_=people.marketing,
    )["managerCarrierChange"]
    assert ported["userErrors"] == []
    assert ported["manager"]["carrier"] == new_carrier
    shop = viewer["retailers"]["nodes"][0]
    started = api.data(
        "mutation($i: VisitStartInput!) { visitStart(input: $i) { visit { id } "
        "userErrors { message } } }",
        {
            "i": {
                "retailerId": shop["id"],
                "idempotencyKey": str(uuid.uuid4()),
                "deviceFix": {
                    "lat": shop["position"]["lat"],
                    "lon": shop["position"]["lon"],
                    "accuracyM": 8.0,
                    "capturedAt": datetime.now(UTC).isoformat(),
                },
            }
        },
        as_=people.manager,
    )["visitStart"]
    assert started["visit"] is not None, started["userErrors"]
    assert asked == [Carrier(new_carrier)]
    same_again = api.data(
        CARRIER_CHANGE, {"i": {"id": viewer["id"], "carrier": new_carrier}}, as_=people.admin
    )["managerCarrierChange"]
    assert [e["code"] for e in same_again["userErrors"]] == ["CONFLICT"]
    log = api.data(CHANGES, {"s": viewer["id"]}, as_=people.marketing)["orgChanges"]["nodes"]
    assert [(c["action"], c["reason"]) for c in log] == [("PHONE_CHANGED", "携号转网")]
    carrier = next(f for f in log[0]["changes"] if f["field"] == "carrier")
    assert (carrier["old"], carrier["new"]) == (viewer["carrier"], new_carrier)


def test_deactivation_keeps_the_person_and_refuses_their_sign_in(
    api: Api, people: DemoPeople
) -> None:
    """An inactive manager is still listed (history kept), but their token no longer works."""
    ids = _viewer_ids(api, people.other_manager_same_department)
    refused = api.data(
        STAFF_UPDATE, {"i": {"id": ids["staff"], "active": False}}, as_=people.marketing
    )["staffUpdate"]
    assert [e["code"] for e in refused["userErrors"]] == ["FORBIDDEN"]
    done = api.data(
        STAFF_UPDATE,
        {"i": {"id": ids["staff"], "active": False, "effectiveOn": "2026-12-31", "reason": "离职"}},
        as_=people.admin,
    )["staffUpdate"]
    assert done["userErrors"] == []
    assert done["staff"]["active"] is False
    gone = api.execute("{ viewer { role } }", as_=people.other_manager_same_department)
    assert gone.errors is not None
    listed = api.data(STAFF, {"role": "ACCOUNT_MANAGER"}, as_=people.admin)["staff"]["nodes"]
    assert {
        "id": ids["staff"],
        "staffNo": people.other_manager_same_department,
        "role": "ACCOUNT_MANAGER",
        "active": False,
    } in listed
    (entry,) = api.data(CHANGES, {"s": ids["staff"]}, as_=people.admin)["orgChanges"]["nodes"]
    assert entry["action"] == "DEACTIVATED"
    assert entry["effectiveOn"] == "2026-12-31"
    assert {"field": "active", "old": "true", "new": "false"} in entry["changes"]
    assert entry["reason"] == "离职"


def test_marketing_transfers_but_cannot_make_a_manager_by_role(
    api: Api, people: DemoPeople
) -> None:
    """A head moves to be deputy elsewhere only if that post is free; the manager role is fixed."""
    head = _viewer_ids(api, people.head)
    other = _viewer_ids(api, people.head_elsewhere)
    taken = api.data(
        STAFF_UPDATE,
        {"i": {"id": head["staff"], "role": "DEPUTY_HEAD", "departmentId": other["department"]}},
        as_=people.marketing,
    )["staffUpdate"]
    assert [e["code"] for e in taken["userErrors"]] == ["CONFLICT"]
    to_manager = api.data(
        STAFF_UPDATE, {"i": {"id": head["staff"], "role": "ACCOUNT_MANAGER"}}, as_=people.admin
    )["staffUpdate"]
    assert to_manager["userErrors"][0]["field"] == ["input", "role"]


def test_staff_are_filtered_by_role_and_department_and_scoped(api: Api, people: DemoPeople) -> None:
    """Marketing sees every auditor; a head sees only their own department; a manager only self."""
    auditors = api.data(STAFF, {"role": "AUDITOR"}, as_=people.marketing)["staff"]["nodes"]
    assert auditors
    assert {a["role"] for a in auditors} == {"AUDITOR"}
    own = _viewer_ids(api, people.head)
    mine = api.data(STAFF, {"d": own["department"]}, as_=people.head)["staff"]
    everyone = api.data(STAFF, {"d": own["department"]}, as_=people.marketing)["staff"]
    assert mine == everyone
    elsewhere = _viewer_ids(api, people.head_elsewhere)["department"]
    assert api.data(STAFF, {"d": elsewhere}, as_=people.head)["staff"]["totalCount"] == 0
    me = api.data(STAFF, None, as_=people.manager)["staff"]["nodes"]
    assert [s["staffNo"] for s in me] == [people.manager]
    assert api.execute("{ orgChanges { totalCount } }", as_=people.head).errors is not None


START_MOVE = (
    "mutation($i: ManagerStartMoveInput!) { managerStartMove(input: $i) "
    f"{{ manager {{ id startLabel startPoint {{ lat lon }} }} {ERRORS} }} }}"
)


def test_a_start_point_moves_from_bd09_and_bad_input_changes_nothing(
    api: Api, people: DemoPeople
) -> None:
    """BD-09 (Baidu map) input is stored as WGS-84; an empty label and an off-globe point are
    both reported and the start stays; heads may not move it."""
    manager = api.data("{ viewer { manager { id startLabel } } }", as_=people.manager)["viewer"][
        "manager"
    ]
    bd = geo.from_wgs84(geo.Wgs84(28.03, 120.68), geo.CoordSystem.BD09)
    denied = api.data(
        START_MOVE,
        {"i": {"id": manager["id"], "start": {"lat": 28.0, "lon": 120.6, "label": "家"}}},
        as_=people.head,
    )["managerStartMove"]
    assert [e["code"] for e in denied["userErrors"]] == ["FORBIDDEN"]
    bad = api.data(
        START_MOVE,
        {"i": {"id": manager["id"], "start": {"lat": 91.0, "lon": 120.6, "label": " "}}},
        as_=people.marketing,
    )["managerStartMove"]
    assert sorted(tuple(e["field"]) for e in bad["userErrors"]) == [
        ("input", "start", "label"),
        ("input", "start", "lat"),
    ]
    moved = api.data(
        START_MOVE,
        {
            "i": {
                "id": manager["id"],
                "start": {
                    "lat": bd.lat,
                    "lon": bd.lon,
                    "label": "新家",
                    "coordinateSystem": "BD09",
                },
                "reason": "搬家",
            }
        },
        as_=people.marketing,
    )["managerStartMove"]
    assert moved["userErrors"] == []
    point = moved["manager"]["startPoint"]
    assert geo.haversine_m(point["lat"], point["lon"], 28.03, 120.68) < 1.0
    (entry,) = api.data(CHANGES, {"s": manager["id"]}, as_=people.admin)["orgChanges"]["nodes"]
    assert (entry["action"], entry["reason"]) == ("START_MOVED", "搬家")
    (change,) = entry["changes"]
    assert change["old"].endswith(manager["startLabel"])
    assert change["new"].endswith("新家")


PERSON = """query($role: Role) { staff(role: $role, first: 100) { nodes {
  id staffNo role manager { id staffNo staff { id staffNo } } } } }"""


def test_a_person_is_one_staff_member_and_at_most_one_manager(api: Api, people: DemoPeople) -> None:
    """Staff.manager and Manager.staff link the two views of one person both ways."""
    nodes = api.data(PERSON, as_=people.marketing)["staff"]["nodes"]
    managers = [n for n in nodes if n["role"] == "ACCOUNT_MANAGER"]
    others = [n for n in nodes if n["role"] != "ACCOUNT_MANAGER"]
    assert managers
    assert others
    for person in managers:
        assert person["manager"]["staffNo"] == person["staffNo"]
        assert person["manager"]["staff"] == {"id": person["id"], "staffNo": person["staffNo"]}
    assert all(person["manager"] is None for person in others)
    # a manager sees their own link, and nobody else's staff record through it
    own = api.data("{ viewer { manager { staffNo staff { staffNo } } } }", as_=people.manager)[
        "viewer"
    ]["manager"]
    assert own["staff"] == {"staffNo": own["staffNo"]}
