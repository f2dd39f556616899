"""Authorization-matrix cases for the audit and score root fields (issue 7).

Kept beside ``test_authorization_matrix.py`` (which merges ``SCORE_MATRIX`` into its table) so
the audit/score rows live with their helpers; both import ``matrix_support``, neither the other.
Objects several cases read (an audit plan; closed months: November 2026 for reads and
amendments, August 2026 for the reopen case, August and October 2025 for reviews; a goal) are
made once by the module's set-up Api (``shared``); each case's own writes (September 2026
closed by the close case, the events it retracts or decides) are rolled back after it. Audit
plans assign the marketing caller and a *second* auditor, so ``people.auditor`` keeps an empty
scope. Inputs are dated today (the real clock): the matrix is about who, not when.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gql.domain import Role
from gql.domain.evaluations import ScoreEventKind, ScoreEventStatus
from gql.schema.relay import decode_global_id, encode_global_id
from gql.services.calendar import local_day
from gql.store.db import session_factory
from gql.store.repositories import EvaluationRepository, StaffRepository
from gql.store.repositories.evaluations import ScoreEventDraft
from tests.gql.schema.audit_helpers import today_cst
from tests.gql.schema.matrix_support import Case, expect, run_payload, run_query, shared

if TYPE_CHECKING:
    from tests.gql.api import Api
    from tests.gql.schema.matrix_support import Targets

_TEAM_READ = expect("marketing")
_FILE_READ = expect("manager", "head", "deputy", "marketing")
_GOALS = expect("manager", "head", "deputy", "marketing")


def _staff_ids(api: Api) -> dict[str, str]:
    return shared(api, "_staff_ids", _make_staff_ids)


def _make_staff_ids(api: Api) -> dict[str, str]:
    """Staff IDs of the first marketing member and the second auditor (by staff number)."""
    with session_factory(api.state.engine)() as session:
        staff = [s for _, s in StaffRepository(session).page(first=500).items]
    marketing = next(s for s in staff if s.role is Role.MARKETING)
    auditors = [s for s in staff if s.role is Role.AUDITOR]

    def gid(staff_no: str) -> str:
        viewer = api.data("{ viewer { staff { id } } }", as_=staff_no)
        return str(viewer["viewer"]["staff"]["id"])

    return {
        "marketing_no": marketing.staff_no,
        "marketing": gid(marketing.staff_no),
        "auditor": gid(auditors[1].staff_no),
    }


def _new_plan(api: Api, t: Targets, seed: str = "77") -> dict[str, Any]:
    ids = _staff_ids(api)
    data = api.data(
        "mutation($i: AuditPlanCreateInput!) { auditPlanCreate(input: $i) "
        "{ plan { id stops { retailerId } } userErrors { message } } }",
        {
            "i": {
                "date": today_cst(),  # its records are made on its day
                "departmentId": t.department_id,
                "design": {"size": 4},
                "start": {"lat": 28.0, "lon": 120.65},
                "auditorIds": [ids["marketing"], ids["auditor"]],
                "seed": seed,
            }
        },
        as_=ids["marketing_no"],
    )["auditPlanCreate"]
    assert data["plan"] is not None, data["userErrors"]
    return dict(data["plan"])


def _shared_plan(api: Api, t: Targets) -> dict[str, Any]:
    return shared(api, "_shared_plan", lambda maker: _make_shared_plan(maker, t))


def _make_shared_plan(api: Api, t: Targets) -> dict[str, Any]:
    return _new_plan(api, t, seed="78")


def _closed_november(api: Api, t: Targets) -> str:
    return shared(api, "_closed_november", lambda maker: _make_closed_november(maker, t))


def _make_closed_november(api: Api, t: Targets) -> str:
    """The target manager's closed November 2026 result (closed once, by marketing)."""
    ids = _staff_ids(api)
    closed = api.data(
        "mutation($i: EvaluationCloseInput!) { evaluationClose(input: $i) "
        "{ results { id managerId } userErrors { message } } }",
        {"i": {"departmentId": t.department_id, "kind": "MONTH", "period": "2026-11"}},
        as_=ids["marketing_no"],
    )["evaluationClose"]
    assert closed["userErrors"] == [], closed
    return str(next(r["id"] for r in closed["results"] if r["managerId"] == t.manager_id))


def _goal(api: Api, t: Targets) -> str:
    return shared(api, "_goal", lambda maker: _make_goal(maker, t))


def _make_goal(api: Api, t: Targets) -> str:
    data = api.data(
        "mutation($i: GoalSetInput!) { goalSet(input: $i) { goal { id } userErrors { message } } }",
        {
            "i": {
                "managerId": t.manager_id,
                "period": "2027-Q4",
                "title": "sales completion",
                "unit": "%",
                "baseline": 90.0,
                "target": 100.0,
                "direction": "RAISE",
            }
        },
        as_=_staff_ids(api)["marketing_no"],
    )["goalSet"]
    return str(data["goal"]["id"])


# -- reads ---------------------------------------------------------------------------------------


def _audit_plan(api: Api, t: Targets, who: str | None) -> str:
    plan = _shared_plan(api, t)["id"]
    return run_query(
        api,
        who,
        "query($id: ID!) { auditPlan(id: $id) { id } }",
        {"id": plan},
        lambda d: d["auditPlan"] is not None,
    )


def _audit_plans(api: Api, t: Targets, who: str | None) -> str:
    plan = _shared_plan(api, t)["id"]
    return run_query(
        api,
        who,
        "{ auditPlans(first: 100) { nodes { id } } }",
        None,
        lambda d: plan in {n["id"] for n in d["auditPlans"]["nodes"]},
    )


def _audit_discrepancies(api: Api, t: Targets, who: str | None) -> str:
    return run_query(
        api,
        who,
        "query($p: ID!) { auditDiscrepancies(planId: $p) { firstDay } }",
        {"p": _shared_plan(api, t)["id"]},
        lambda d: d["auditDiscrepancies"] is not None,
    )


def _month_score(api: Api, t: Targets, who: str | None) -> str:
    _closed_november(api, t)
    return run_query(
        api,
        who,
        'query($m: ID!) { managerMonthScore(managerId: $m, month: "2026-11") { total } }',
        {"m": t.manager_id},
        lambda d: d["managerMonthScore"] is not None,
    )


def _score_events(api: Api, t: Targets, who: str | None) -> str:
    return run_query(
        api,
        who,
        'query($m: ID!) { scoreEvents(managerId: $m, period: "2026-11") { id } }',
        {"m": t.manager_id},
        lambda d: d["scoreEvents"] is not None,
    )


def _manager_file(api: Api, t: Targets, who: str | None) -> str:
    _closed_november(api, t)
    return run_query(
        api,
        who,
        "query($m: ID!) { managerFile(managerId: $m) { id } }",
        {"m": t.manager_id},
        lambda d: len(d["managerFile"]) > 0,
    )


def _evaluation_result(api: Api, t: Targets, who: str | None) -> str:
    return run_query(
        api,
        who,
        "query($id: ID!) { evaluationResult(id: $id) { id history { number } } }",
        {"id": _closed_november(api, t)},
        lambda d: d["evaluationResult"] is not None,
    )


def _scoreboard(api: Api, t: Targets, who: str | None) -> str:
    _closed_november(api, t)
    return run_query(
        api,
        who,
        'query($d: ID!) { scoreboard(departmentId: $d, kind: MONTH, period: "2026-11") '
        "{ rows { managerId } } }",
        {"d": t.department_id},
        lambda d: t.manager_id in {r["managerId"] for r in d["scoreboard"]["rows"]},
    )


def _goals(api: Api, t: Targets, who: str | None) -> str:
    goal = _goal(api, t)
    return run_query(
        api,
        who,
        "query($m: ID!) { goals(managerId: $m) { id } }",
        {"m": t.manager_id},
        lambda d: goal in {g["id"] for g in d["goals"]},
    )


def _leaderboard(api: Api, t: Targets, who: str | None) -> str:
    return run_query(
        api,
        who,
        'query($d: ID!) { leaderboard(departmentId: $d, firstDay: "2026-10-01", '
        'lastDay: "2026-10-07") { managerId } }',
        {"d": t.department_id},
        lambda d: t.manager_id in {e["managerId"] for e in d["leaderboard"]},
    )


def _classification(api: Api, t: Targets, who: str | None) -> str:
    _closed_november(api, t)
    return run_query(
        api,
        who,
        'query($m: ID!) { managerClassification(managerId: $m, period: "2026-11") { quadrant } }',
        {"m": t.manager_id},
        lambda d: d["managerClassification"] is not None,
    )


def _supervisors(api: Api, t: Targets, who: str | None) -> str:
    return run_query(
        api,
        who,
        'query($d: ID!) { supervisorDeductions(departmentId: $d, period: "2026-11") { points } }',
        {"d": t.department_id},
        lambda d: d["supervisorDeductions"] is not None,
    )


# -- mutations -----------------------------------------------------------------------------------


def _plan_create(api: Api, t: Targets, who: str | None) -> str:
    return run_payload(
        api,
        who,
        "mutation($i: AuditPlanCreateInput!) { auditPlanCreate(input: $i) "
        "{ plan { id } userErrors { field message code } } }",
        {
            "i": {
                "date": "2026-12-09",
                "departmentId": t.department_id,
                "design": {"size": 3},
                "start": {"lat": 28.0, "lon": 120.65},
                "auditorIds": [_staff_ids(api)["auditor"]],
            }
        },
        "auditPlanCreate",
    )


def _plan_adjust(api: Api, t: Targets, who: str | None) -> str:
    plan = _new_plan(api, t)
    return run_payload(
        api,
        who,
        "mutation($i: AuditPlanAdjustInput!) { auditPlanAdjust(input: $i) "
        "{ plan { id } userErrors { field message code } } }",
        {
            "i": {
                "planId": plan["id"],
                "reason": "shop closed",
                "remove": [plan["stops"][0]["retailerId"]],
            }
        },
        "auditPlanAdjust",
    )


def _record_submit(api: Api, t: Targets, who: str | None) -> str:
    plan = _new_plan(api, t)
    return run_payload(
        api,
        who,
        "mutation($i: AuditRecordSubmitInput!) { auditRecordSubmit(input: $i) "
        "{ record { id } userErrors { field message code } } }",
        {
            "i": {
                "planId": plan["id"],
                "retailerId": plan["stops"][0]["retailerId"],
                "priceTagsShown": True,
                "policyPromoted": True,
                "satisfaction": 5,
                "managerVisited": "YES",
            }
        },
        "auditRecordSubmit",
    )


def _findings_record(api: Api, t: Targets, who: str | None) -> str:
    return run_payload(
        api,
        who,
        "mutation($p: ID!) { auditFindingsRecord(input: {planId: $p}) "
        "{ eventIds userErrors { field message code } } }",
        {"p": _shared_plan(api, t)["id"]},
        "auditFindingsRecord",
    )


def _event_record(api: Api, t: Targets, who: str | None) -> str:
    return run_payload(
        api,
        who,
        "mutation($i: ScoreEventRecordInput!) { scoreEventRecord(input: $i) "
        "{ event { id } userErrors { field message code } } }",
        {
            "i": {
                "managerId": t.manager_id,
                "kind": "BASIC_WORK_CHECK",
                "occurredOn": today_cst(),
                "item": "retailer file up to date",
                "passed": True,
            }
        },
        "scoreEventRecord",
    )


def _closed(api: Api, t: Targets, kind: str, period: str) -> None:
    """A period closed once for the target department (by marketing), for later cases."""
    shared(api, f"_closed:{kind}:{period}", lambda maker: _make_closed(maker, t, kind, period))


def _make_closed(api: Api, t: Targets, kind: str, period: str) -> bool:
    closed = api.data(
        "mutation($i: EvaluationCloseInput!) { evaluationClose(input: $i) "
        "{ results { id } userErrors { message } } }",
        {"i": {"departmentId": t.department_id, "kind": kind, "period": period}},
        as_=_staff_ids(api)["marketing_no"],
    )["evaluationClose"]
    assert closed["userErrors"] == [], closed
    return True


def _fresh_event(api: Api, t: Targets, status: ScoreEventStatus) -> str:
    """A new event about the target manager dated today, recorded by the department's head
    (RECORDED) or a held finding (HELD), straight in the store, in the case's transaction."""
    _, manager = decode_global_id(t.manager_id)
    with api.state.sessions() as session:  # the case's own transaction: rolled back after it
        staff = StaffRepository(session)
        target = staff.get(manager)
        assert target is not None
        head = next(
            s
            for s in staff.by_department(target.department_id, role=Role.DEPARTMENT_HEAD)
            if s.active
        )
        recorded = status is ScoreEventStatus.RECORDED
        [event_id] = EvaluationRepository(session).add_events(
            [
                ScoreEventDraft(
                    manager_id=manager,
                    kind=ScoreEventKind.BASIC_WORK_CHECK
                    if recorded
                    else ScoreEventKind.AUDIT_FINDING,
                    occurred_on=local_day(api.state.clock()),
                    recorded_by=head.id,
                    recorded_at=api.state.clock(),
                    details={"item": "visit log", "passed": False}
                    if recorded
                    else {"finding": "price_tags_missing", "audit_id": 0},
                    status=status,
                    status_reason=None if recorded else "held for the matrix",
                )
            ]
        )
        session.commit()
    return encode_global_id("ScoreEvent", event_id)


def _retract(api: Api, t: Targets, who: str | None) -> str:
    return run_payload(
        api,
        who,
        "mutation($i: ScoreEventRetractInput!) { scoreEventRetract(input: $i) "
        "{ event { id } userErrors { field message code } } }",
        {"i": {"eventId": _fresh_event(api, t, ScoreEventStatus.RECORDED), "reason": "wrong"}},
        "scoreEventRetract",
    )


def _decide(api: Api, t: Targets, who: str | None) -> str:
    return run_payload(
        api,
        who,
        "mutation($i: ScoreEventDecideInput!) { scoreEventDecide(input: $i) "
        "{ event { id } userErrors { field message code } } }",
        {
            "i": {
                "eventId": _fresh_event(api, t, ScoreEventStatus.HELD),
                "accept": False,
                "reason": "no evidence",
            }
        },
        "scoreEventDecide",
    )


def _pending(api: Api, t: Targets, who: str | None) -> str:
    return run_query(api, who, "{ pendingScoreEvents { id status } }", None, lambda d: True)


def _target_set(api: Api, t: Targets, who: str | None) -> str:
    return run_payload(
        api,
        who,
        "mutation($i: SalesTargetSetInput!) { salesTargetSet(input: $i) "
        "{ target { month } userErrors { field message code } } }",
        {
            "i": {
                "managerId": t.manager_id,
                "month": "2027-06",
                "volumeCartons": 1200,
                "amount": "245000.00",
            }
        },
        "salesTargetSet",
    )


def _targets(api: Api, t: Targets, who: str | None) -> str:
    return run_query(
        api,
        who,
        'query($m: ID) { salesTargets(period: "2026-11", managerId: $m) '
        "{ managerId amount { amount currency } } }",
        {"m": t.manager_id},
        lambda d: [x["managerId"] for x in d["salesTargets"]] == [t.manager_id],
    )


def _reopen(api: Api, t: Targets, who: str | None) -> str:
    _closed(api, t, "MONTH", "2026-08")
    return run_payload(
        api,
        who,
        "mutation($i: EvaluationReopenInput!) { evaluationReopen(input: $i) "
        "{ results { id } userErrors { field message code } } }",
        {
            "i": {
                "departmentId": t.department_id,
                "kind": "MONTH",
                "period": "2026-08",
                "reason": "late sales data",
            }
        },
        "evaluationReopen",
    )


def _review_record(api: Api, t: Targets, who: str | None) -> str:
    month = "2025-10"  # each caller records it afresh: the case's review is rolled back
    _closed(api, t, "MONTH", month)
    return run_payload(
        api,
        who,
        "mutation($i: EvaluationReviewRecordInput!) { evaluationReviewRecord(input: $i) "
        "{ review { late } userErrors { field message code } } }",
        {
            "i": {
                "kind": "MONTH",
                "period": month,
                "departmentId": t.department_id,
                "heldOn": today_cst(),
                "note": "matrix",
            }
        },
        "evaluationReviewRecord",
    )


def _make_review(api: Api, t: Targets) -> bool:
    made = api.data(
        "mutation($i: EvaluationReviewRecordInput!) { evaluationReviewRecord(input: $i) "
        "{ userErrors { message } } }",
        {
            "i": {
                "kind": "MONTH",
                "period": "2025-08",
                "departmentId": t.department_id,
                "heldOn": "2025-09-03",
            }
        },
        as_=_staff_ids(api)["marketing_no"],
    )["evaluationReviewRecord"]
    assert made["userErrors"] == [], made
    return True


def _reviews(api: Api, t: Targets, who: str | None) -> str:
    _closed(api, t, "MONTH", "2025-08")
    shared(api, "_review:2025-08", lambda maker: _make_review(maker, t))
    return run_query(
        api,
        who,
        '{ evaluationReviews(kind: MONTH, period: "2025-08") { departmentId heldOn } }',
        None,
        lambda d: t.department_id in {r["departmentId"] for r in d["evaluationReviews"]},
    )


def _overdue(api: Api, t: Targets, who: str | None) -> str:
    return run_query(
        api, who, "{ overdueReviews { kind period departmentId } }", None, lambda d: True
    )


def _company_board(api: Api, t: Targets, who: str | None) -> str:
    _closed_november(api, t)
    return run_query(
        api,
        who,
        '{ scoreboard(kind: MONTH, period: "2026-11") { scope rows { managerId companyRank } } }',
        None,
        lambda d: t.manager_id in {r["managerId"] for r in d["scoreboard"]["rows"]},
    )


def _close(api: Api, t: Targets, who: str | None) -> str:
    return run_payload(
        api,
        who,
        "mutation($i: EvaluationCloseInput!) { evaluationClose(input: $i) "
        "{ results { id } userErrors { field message code } } }",
        {"i": {"departmentId": t.department_id, "kind": "MONTH", "period": "2026-09"}},
        "evaluationClose",
    )


def _amend(api: Api, t: Targets, who: str | None) -> str:
    result = _closed_november(api, t)
    return run_payload(
        api,
        who,
        "mutation($i: EvaluationAmendInput!) { evaluationAmend(input: $i) "
        "{ result { id } userErrors { field message code } } }",
        {"i": {"resultId": result, "reason": "recount", "values": {"training": 19.5}}},
        "evaluationAmend",
    )


def _goal_set(api: Api, t: Targets, who: str | None) -> str:
    return run_payload(
        api,
        who,
        "mutation($i: GoalSetInput!) { goalSet(input: $i) "
        "{ goal { id } userErrors { field message code } } }",
        {
            "i": {
                "managerId": t.manager_id,
                "period": "2027",
                "title": "verified share",
                "unit": "%",
                "baseline": 70.0,
                "target": 90.0,
                "direction": "RAISE",
            }
        },
        "goalSet",
    )


def _goal_track(api: Api, t: Targets, who: str | None) -> str:
    return run_payload(
        api,
        who,
        "mutation($i: GoalTrackInput!) { goalTrack(input: $i) "
        "{ goal { id } userErrors { field message code } } }",
        {"i": {"goalId": _goal(api, t), "current": 95.0}},
        "goalTrack",
    )


SCORE_MATRIX: dict[str, list[Case]] = {
    "auditPlan": [Case("auditPlan", _audit_plan, _TEAM_READ)],
    "auditPlans": [Case("auditPlans", _audit_plans, _TEAM_READ)],
    "auditDiscrepancies": [Case("auditDiscrepancies", _audit_discrepancies, _TEAM_READ)],
    "managerMonthScore": [Case("managerMonthScore", _month_score, _FILE_READ)],
    "scoreEvents": [Case("scoreEvents", _score_events, _FILE_READ)],
    "managerFile": [Case("managerFile", _manager_file, _FILE_READ)],
    "evaluationResult": [Case("evaluationResult", _evaluation_result, _FILE_READ)],
    "scoreboard": [
        Case("scoreboard", _scoreboard, _FILE_READ),
        Case(
            "scoreboard(company)",
            _company_board,
            expect("manager", "head", "deputy", "marketing"),
        ),
    ],
    "pendingScoreEvents": [Case("pendingScoreEvents", _pending, expect("marketing"))],
    "salesTargets": [Case("salesTargets", _targets, _FILE_READ)],
    "evaluationReviews": [
        Case("evaluationReviews", _reviews, expect("head", "deputy", "marketing"))
    ],
    "overdueReviews": [
        Case("overdueReviews", _overdue, expect("head", "deputy", "head_elsewhere", "marketing"))
    ],
    "goals": [Case("goals", _goals, _GOALS)],
    "leaderboard": [Case("leaderboard", _leaderboard, _FILE_READ)],
    "managerClassification": [Case("managerClassification", _classification, _FILE_READ)],
    "supervisorDeductions": [
        Case("supervisorDeductions", _supervisors, expect("head", "deputy", "marketing"))
    ],
    "auditPlanCreate": [Case("auditPlanCreate", _plan_create, expect("marketing", "auditor"))],
    "auditPlanAdjust": [Case("auditPlanAdjust", _plan_adjust, _TEAM_READ)],
    "auditRecordSubmit": [Case("auditRecordSubmit", _record_submit, _TEAM_READ)],
    "auditFindingsRecord": [Case("auditFindingsRecord", _findings_record, _TEAM_READ)],
    "scoreEventRecord": [
        Case("scoreEventRecord", _event_record, expect("head", "deputy", "marketing"))
    ],
    "scoreEventRetract": [
        Case("scoreEventRetract", _retract, expect("head", "deputy", "marketing"))
    ],
    "scoreEventDecide": [Case("scoreEventDecide", _decide, expect("marketing"))],
    "salesTargetSet": [Case("salesTargetSet", _target_set, expect("marketing"))],
    "evaluationReopen": [Case("evaluationReopen", _reopen, expect("marketing"))],
    "evaluationReviewRecord": [
        Case("evaluationReviewRecord", _review_record, expect("head", "deputy", "marketing"))
    ],
    "evaluationClose": [Case("evaluationClose", _close, expect("marketing"))],
    "evaluationAmend": [Case("evaluationAmend", _amend, expect("marketing"))],
    "goalSet": [Case("goalSet", _goal_set, _GOALS)],
    "goalTrack": [Case("goalTrack", _goal_track, _GOALS)],
}
