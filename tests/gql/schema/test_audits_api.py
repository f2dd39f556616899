"""Audit plans, records and the cross-check through GraphQL, with their access rules (R5)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa

from tests.gql.api import Api
from tests.gql.conftest import DemoPeople
from tests.gql.schema.audit_helpers import AuditTeam, audit_team, ids_of, today_cst

PLAN_FIELDS = """
id seed inputsDigest status planDate design optimisedAgainst method lengthM provenOptimal
strata { stratum population expected drawn }
stops { seq retailerId managerId drawn eta }
edits { seq action retailerId authorId reason at }
"""
CREATE = (
    "mutation($i: AuditPlanCreateInput!) { auditPlanCreate(input: $i) {"
    f" userErrors {{ field message code }} plan {{ {PLAN_FIELDS} }} }} }}"
)
ADJUST = (
    "mutation($i: AuditPlanAdjustInput!) { auditPlanAdjust(input: $i) {"
    f" userErrors {{ field message code }} plan {{ {PLAN_FIELDS} }} }} }}"
)
SUBMIT = """
mutation($i: AuditRecordSubmitInput!) { auditRecordSubmit(input: $i) {
  userErrors { message code }
  record { id retailerId managerId auditorId satisfaction managerVisited auditorVerdict
           auditorDistanceM auditorVerdictEvidence { kind distanceM eventAt } }
} }"""
PLAN = f"query($id: ID!) {{ auditPlan(id: $id) {{ {PLAN_FIELDS} records {{ id }} }} }}"
CROSS = """
query($p: ID!, $f: Date, $l: Date) { auditDiscrepancies(planId: $p, firstDay: $f, lastDay: $l) {
  firstDay lastDay
  checks { auditId retailerId verdict answer verifiedVisitIds }
  discrepancies { auditId retailerId kind visitIds }
} }"""
POSITION = "query($id: ID!) { node(id: $id) { ... on Retailer { position { lat lon } } } }"


@pytest.fixture(scope="module")
def team(demo_engine: sa.Engine, reader: Api, people: DemoPeople) -> AuditTeam:
    """Two auditors who are not ``people.auditor`` (read once; nothing written)."""
    return audit_team(demo_engine, reader, people.auditor)


def _create(api: Api, who: str, **extra: Any) -> dict[str, Any]:
    i = {
        "date": today_cst(),
        "design": {"size": 6},
        "start": {"lat": 28.0, "lon": 120.65, "label": "考核组"},
        **extra,
    }
    return dict(api.data(CREATE, {"i": i}, as_=who)["auditPlanCreate"])


def _department(api: Api, people: DemoPeople) -> str:
    return str(ids_of(api, people.manager)["department"])


def _fix_at(api: Api, retailer_id: str, *, as_: str, offset: float = 0.0) -> dict[str, Any]:
    position = api.data(POSITION, {"id": retailer_id}, as_=as_)["node"]["position"]
    return {
        "lat": position["lat"] + offset,
        "lon": position["lon"],
        "accuracyM": 8.0,
        "capturedAt": datetime.now(UTC).isoformat(),
    }


def test_the_same_seed_and_inputs_draw_the_same_sample(
    api: Api, people: DemoPeople, team: AuditTeam
) -> None:
    """Two plans drawn with one seed over the same scope hold the same retailers and digest."""
    department = _department(api, people)
    first = _create(api, team.lead, departmentId=department, seed="987654321987654321987")
    second = _create(api, team.lead, departmentId=department, seed="987654321987654321987")
    assert first["userErrors"] == []
    assert second["userErrors"] == []
    a, b = first["plan"], second["plan"]
    assert a["seed"] == b["seed"] == "987654321987654321987"
    assert a["inputsDigest"] == b["inputsDigest"]
    assert sorted(s["retailerId"] for s in a["stops"]) == sorted(
        s["retailerId"] for s in b["stops"]
    )
    assert len(a["stops"]) == 6
    assert sum(s["drawn"] for s in a["strata"]) == 6
    assert all(s["drawn"] for s in a["stops"])


def test_a_different_seed_draws_a_different_sample(
    api: Api, people: DemoPeople, team: AuditTeam
) -> None:
    """Over many seeds the draw is not constant: the seed really drives the sample."""
    department = _department(api, people)
    samples = {
        tuple(
            sorted(
                s["retailerId"]
                for s in _create(api, team.lead, departmentId=department, seed=str(seed))["plan"][
                    "stops"
                ]
            )
        )
        for seed in range(1, 6)
    }
    assert len(samples) > 1


def test_the_plan_is_stratified_by_manager_and_routed_with_times(
    api: Api, people: DemoPeople, team: AuditTeam
) -> None:
    """Proportional allocation gives each of the five managers one or two of eight seats;
    every served stop has an arrival time and the route has a length."""
    plan = _create(
        api, team.lead, departmentId=_department(api, people), design={"size": 8}, seed="42"
    )["plan"]
    assert len(plan["strata"]) == 5
    assert all(1 <= s["drawn"] <= 2 for s in plan["strata"])
    assert sum(s["population"] * 8 for s in plan["strata"]) == pytest.approx(
        sum(s["expected"] for s in plan["strata"]) * sum(s["population"] for s in plan["strata"])
    )
    assert [s["seq"] for s in plan["stops"]] == list(range(1, 9))
    assert plan["lengthM"] > 0
    assert all(s["eta"] is not None for s in plan["stops"])
    # free-form JSON speaks the API's camelCase too
    assert plan["design"]["size"] == 8
    assert "stratifyBy" in plan["design"]
    assert "roadFactor" in plan["optimisedAgainst"]
    assert not [k for k in (*plan["design"], *plan["optimisedAgainst"]) if "_" in k]


@pytest.mark.parametrize("who", ["manager", "head", "deputy", "admin"])
def test_only_auditors_and_marketing_create_audit_plans(
    api: Api, people: DemoPeople, who: str
) -> None:
    """Managers, heads, deputies and administrators get FORBIDDEN and nothing is drawn."""
    result = _create(api, getattr(people, who), departmentId=_department(api, people))
    assert result["plan"] is None
    assert result["userErrors"][0]["code"] == "FORBIDDEN"


def test_bad_designs_get_clear_errors(api: Api, people: DemoPeople, team: AuditTeam) -> None:
    """A sample larger than the population, a missing scope and a bad seed are refused."""
    department = _department(api, people)
    too_big = _create(api, team.lead, departmentId=department, design={"size": 100_000})
    assert "exceeds" in too_big["userErrors"][0]["message"]
    assert too_big["userErrors"][0]["field"] == ["input", "design"]
    no_scope = _create(api, team.lead)
    assert "a department, managers or an area" in no_scope["userErrors"][0]["message"]
    assert no_scope["userErrors"][0]["field"] is None  # the input as a whole
    bad_seed = _create(api, team.lead, departmentId=department, seed="-3")
    assert bad_seed["userErrors"] == [
        {
            "field": ["input", "seed"],
            "message": "give a decimal integer between 0 and 2**128 - 1",
            "code": "INVALID",
        }
    ]
    equal_with_size = _create(
        api, team.lead, departmentId=department, design={"allocation": "EQUAL", "size": 3}
    )
    assert "per_stratum" in equal_with_size["userErrors"][0]["message"]
    off_globe = _create(api, team.lead, departmentId=department, start={"lat": 95.0, "lon": 1.0})
    assert [(e["field"], e["code"]) for e in off_globe["userErrors"]] == [
        (["input", "start", "lat"], "INVALID_COORDINATE")
    ]
    bad_start = _create(api, team.lead, departmentId=department, startTime="9")
    assert [(e["field"], e["code"]) for e in bad_start["userErrors"]] == [
        (["input", "startTime"], "INVALID")
    ]


def test_plans_are_hidden_from_managers_heads_and_unassigned_auditors(
    api: Api, people: DemoPeople, team: AuditTeam
) -> None:
    """An audit stays unannounced: only the team and marketing can read the plan."""
    plan = _create(api, team.lead, departmentId=_department(api, people))["plan"]
    for who in (people.manager, people.head, team.other):
        assert api.data(PLAN, {"id": plan["id"]}, as_=who)["auditPlan"] is None
    assert api.data(PLAN, {"id": plan["id"]}, as_=people.marketing)["auditPlan"]["id"] == plan["id"]
    listed = api.data("{ auditPlans(first: 100) { nodes { id } } }", as_=people.manager)
    assert listed["auditPlans"]["nodes"] == []


def test_manual_edits_are_recorded_in_the_plan_history(
    api: Api, people: DemoPeople, team: AuditTeam
) -> None:
    """An addition and a removal carry author, reason and time; the list follows them."""
    department = _department(api, people)
    plan = _create(api, team.lead, departmentId=department, seed="7")["plan"]
    other = _create(api, team.lead, departmentId=department, seed="8")["plan"]
    in_plan = {s["retailerId"] for s in plan["stops"]}
    extra = next(s["retailerId"] for s in other["stops"] if s["retailerId"] not in in_plan)
    dropped = plan["stops"][0]["retailerId"]
    result = api.data(
        ADJUST,
        {
            "i": {
                "planId": plan["id"],
                "reason": "complaint hotline",
                "add": [extra],
                "remove": [dropped],
            }
        },
        as_=team.lead,
    )["auditPlanAdjust"]
    assert result["userErrors"] == []
    edits = result["plan"]["edits"]
    assert [(e["action"], e["retailerId"]) for e in edits] == [("REMOVE", dropped), ("ADD", extra)]
    assert {e["authorId"] for e in edits} == {team.lead_id}
    assert {e["reason"] for e in edits} == {"complaint hotline"}
    assert [e["seq"] for e in edits] == [1, 2]
    assert edits[0]["at"] <= edits[1]["at"]
    stops = {s["retailerId"]: s for s in result["plan"]["stops"]}
    assert dropped not in stops
    assert stops[extra]["drawn"] is False
    assert len(stops) == len(plan["stops"])
    again = api.data(PLAN, {"id": plan["id"]}, as_=people.marketing)["auditPlan"]
    assert again["edits"] == edits
    assert again["seed"] == plan["seed"]  # the draw itself is never rewritten


def test_bad_edits_write_nothing(api: Api, people: DemoPeople, team: AuditTeam) -> None:
    """Removing a retailer not on the plan, no reason, or an unassigned auditor (to whom the
    plan does not exist): no edit is written."""
    plan = _create(api, team.lead, departmentId=_department(api, people))["plan"]
    absent = _create(api, team.lead, departmentId=_department(api, people), seed="5")["plan"]
    outsider = next(
        s["retailerId"]
        for s in absent["stops"]
        if s["retailerId"] not in {p["retailerId"] for p in plan["stops"]}
    )
    cases = [
        ({"reason": "x", "remove": [outsider]}, team.lead, "not in plan", ["input", "remove"]),
        ({"reason": "  ", "add": [outsider]}, team.lead, "say why", ["input", "reason"]),
        (
            {"reason": "x", "add": [outsider]},
            team.other,
            "audit plan not found",
            ["input", "planId"],
        ),
        ({"reason": "x", "add": ["bad-id"]}, team.lead, "not a valid ID", ["input", "add", "0"]),
    ]
    for extra, who, message, field in cases:
        result = api.data(ADJUST, {"i": {"planId": plan["id"], **extra}}, as_=who)
        errors = result["auditPlanAdjust"]["userErrors"]
        assert errors, extra
        assert message in errors[0]["message"], errors
        assert errors[0]["field"] == field, errors
    assert api.data(PLAN, {"id": plan["id"]}, as_=team.lead)["auditPlan"]["edits"] == []


def test_a_record_verifies_the_auditors_own_position(
    api: Api, people: DemoPeople, team: AuditTeam
) -> None:
    """A fix at the shop is IN_PLACE, one 800 m away NOT_IN_PLACE; answers are stored."""
    plan = _create(api, team.lead, departmentId=_department(api, people))["plan"]
    near, far = plan["stops"][0]["retailerId"], plan["stops"][1]["retailerId"]
    answers = {
        "priceTagsShown": True,
        "policyPromoted": False,
        "satisfaction": 4,
        "managerVisited": "NOT_SURE",
    }
    at_shop = api.data(
        SUBMIT,
        {
            "i": {
                "planId": plan["id"],
                "retailerId": near,
                **answers,
                "deviceFix": _fix_at(api, near, as_=people.marketing),
            }
        },
        as_=team.lead,
    )["auditRecordSubmit"]
    assert at_shop["userErrors"] == []
    assert at_shop["record"]["auditorVerdict"] == "IN_PLACE"
    assert at_shop["record"]["satisfaction"] == 4
    assert at_shop["record"]["auditorId"] == team.lead_id
    away = api.data(
        SUBMIT,
        {
            "i": {
                "planId": plan["id"],
                "retailerId": far,
                **answers,
                "deviceFix": _fix_at(api, far, as_=people.marketing, offset=0.0072),
            }
        },
        as_=team.lead,
    )["auditRecordSubmit"]["record"]
    assert away["auditorVerdict"] == "NOT_IN_PLACE"
    assert away["auditorDistanceM"] > 700
    evidence = away["auditorVerdictEvidence"]
    assert evidence["kind"] == "NOT_IN_PLACE"
    assert evidence["distanceM"] == round(away["auditorDistanceM"], 1)
    assert evidence["eventAt"].endswith("Z")


def test_bad_records_are_refused(api: Api, people: DemoPeople, team: AuditTeam) -> None:
    """Satisfaction 7, a retailer off the plan, a second record and an outsider are refused."""
    plan = _create(api, team.lead, departmentId=_department(api, people), seed="11")["plan"]
    other = _create(api, team.lead, departmentId=_department(api, people), seed="12")["plan"]
    on_plan = plan["stops"][0]["retailerId"]
    off_plan = next(
        s["retailerId"]
        for s in other["stops"]
        if s["retailerId"] not in {p["retailerId"] for p in plan["stops"]}
    )
    base = {
        "planId": plan["id"],
        "priceTagsShown": True,
        "policyPromoted": True,
        "satisfaction": 5,
        "managerVisited": "YES",
    }

    def submit(who: str, **extra: Any) -> list[dict[str, Any]]:
        data = api.data(SUBMIT, {"i": {**base, **extra}}, as_=who)
        return list(data["auditRecordSubmit"]["userErrors"])

    assert "satisfaction" in submit(team.lead, retailerId=on_plan, satisfaction=7)[0]["message"]
    assert "not on this audit plan" in submit(team.lead, retailerId=off_plan)[0]["message"]
    assert submit(team.other, retailerId=on_plan)[0]["code"] in {"FORBIDDEN", "NOT_FOUND"}
    assert submit(people.manager, retailerId=on_plan)[0]["code"] in {"FORBIDDEN", "NOT_FOUND"}
    assert submit(team.lead, retailerId=on_plan) == []
    assert "already audited" in submit(team.lead, retailerId=on_plan)[0]["message"]
    records = api.data(PLAN, {"id": plan["id"]}, as_=team.lead)["auditPlan"]["records"]
    assert len(records) == 1


def _visits_today(api: Api, retailer_id: str, people: DemoPeople) -> int:
    query = """query($r: ID!, $from: DateTime) {
      visits(filter: {retailerId: $r, startedFrom: $from}, first: 100) { totalCount } }"""
    start = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    from datetime import timedelta

    data = api.data(
        query,
        {"r": retailer_id, "from": (start - timedelta(days=1)).isoformat()},
        as_=people.marketing,
    )
    return int(data["visits"]["totalCount"])


def test_the_cross_check_finds_every_planted_discrepancy_and_nothing_else(
    api: Api, people: DemoPeople, team: AuditTeam
) -> None:
    """Verified visit + NO, no visit + YES, no visit + NOT_SURE, verified + YES: exactly the
    first two are discrepancies, of the right kinds, citing the right visit."""
    manager = ids_of(api, people.other_manager_same_department)["manager"]
    plan = _create(api, team.lead, managerIds=[manager], design={"size": 12}, seed="2024")["plan"]
    fresh = [
        s["retailerId"] for s in plan["stops"] if _visits_today(api, s["retailerId"], people) == 0
    ]
    assert len(fresh) >= 4
    denied, confirmed, unsure, agreed = fresh[:4]
    visit_ids = {}
    for retailer in (denied, agreed):
        fix = _fix_at(api, retailer, as_=people.marketing, offset=0.00003)
        started = api.data(
            """mutation($i: VisitStartInput!) { visitStart(input: $i) {
                 userErrors { message } visit { id verdict } } }""",
            {"i": {"retailerId": retailer, "idempotencyKey": str(uuid.uuid4()), "deviceFix": fix}},
            as_=people.other_manager_same_department,
        )["visitStart"]
        assert started["visit"]["verdict"] == "IN_PLACE", started
        visit_ids[retailer] = started["visit"]["id"]
    answers = {denied: "NO", confirmed: "YES", unsure: "NOT_SURE", agreed: "YES"}
    records = {}
    for retailer, answer in answers.items():
        record = api.data(
            SUBMIT,
            {
                "i": {
                    "planId": plan["id"],
                    "retailerId": retailer,
                    "priceTagsShown": True,
                    "policyPromoted": True,
                    "satisfaction": 3,
                    "managerVisited": answer,
                }
            },
            as_=team.lead,
        )["auditRecordSubmit"]["record"]
        records[retailer] = record["id"]
    today = today_cst()
    result = api.data(CROSS, {"p": plan["id"], "f": today, "l": today}, as_=team.lead)
    found = {
        (d["retailerId"], d["kind"], tuple(d["visitIds"]))
        for d in result["auditDiscrepancies"]["discrepancies"]
    }
    assert found == {
        (denied, "RETAILER_DENIES_VERIFIED_VISIT", (visit_ids[denied],)),
        (confirmed, "RETAILER_CONFIRMS_UNVERIFIED_VISIT", ()),
    }
    verdicts = {c["retailerId"]: c["verdict"] for c in result["auditDiscrepancies"]["checks"]}
    assert verdicts == {
        denied: "INCONCLUSIVE",
        confirmed: "INCONCLUSIVE",
        unsure: "NOT_IN_PLACE",
        agreed: "IN_PLACE",
    }
    hidden = api.execute(CROSS, {"p": plan["id"]}, as_=people.head)
    assert hidden.errors
    assert "not found" in hidden.errors[0].message
