"""Score events, closing, amendments, files and boards through GraphQL, with access rules (R7)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from gql.schema.relay import decode_global_id
from gql.store.repositories import ManagerRepository, SalesRepository
from gql.store.repositories.activity import ActivityRepository
from tests.gql.api import Api
from tests.gql.conftest import DemoPeople
from tests.gql.schema.audit_helpers import ids_of

RECORD = """mutation($i: ScoreEventRecordInput!) { scoreEventRecord(input: $i) {
  userErrors { field message code } event { id kind recordedBy details occurredOn } } }"""
CLOSE = """mutation($i: EvaluationCloseInput!) { evaluationClose(input: $i) {
  userErrors { message code }
  results { id period managerId total rank current closedValues detail } } }"""
AMEND = """mutation($i: EvaluationAmendInput!) { evaluationAmend(input: $i) {
  userErrors { message code }
  result { id closedValues current amended
           history { number reason authorId changes { field old new } values } } } }"""
MONTH = """query($m: ID!, $month: String!) { managerMonthScore(managerId: $m, month: $month) {
  closed resultId business discipline basicWork training total dismissalFlag policyVersion
  lines { part rule points weightedPoints eventIds note } dismissals { reason eventIds }
  reviewDeadline } }"""
FILE = """query($m: ID!) { managerFile(managerId: $m) {
  id kind period total current amended history { number reason } } }"""
BOARD = """query($d: ID!, $k: PeriodKind!, $p: String!) {
  scoreboard(departmentId: $d, kind: $k, period: $p) {
    closed reviewDeadline rows { managerId rank total values resultId }
    unscored { managerId } } }"""


def _record(api: Api, who: str, **fields: Any) -> dict[str, Any]:
    return dict(api.data(RECORD, {"i": fields}, as_=who)["scoreEventRecord"])


def _close(api: Api, who: str, department: str, kind: str, period: str) -> dict[str, Any]:
    i = {"departmentId": department, "kind": kind, "period": period}
    return dict(api.data(CLOSE, {"i": i}, as_=who)["evaluationClose"])


@pytest.fixture
def q3_targets(people: DemoPeople, api: Api) -> str:
    """Targets for July and August 2026 (the demo has September on) for the department of
    ``manager_elsewhere``, written in the test's own transaction; returns the department's ID."""
    department = ids_of(api, people.manager_elsewhere)
    manager_pk = decode_global_id(department["manager"])[1]

    with api.state.sessions() as session:
        managers = ManagerRepository(session)
        department_pk = managers.get_many([manager_pk])[0].department_id  # type: ignore[union-attr]
        sales = SalesRepository(session)
        activity = ActivityRepository(session)
        for manager_id in managers.ids_in_department(department_pk):
            for month in (date(2026, 7, 1), date(2026, 8, 1)):
                if manager_id not in activity.targets([manager_id], month):
                    sales.add_target(
                        manager_id=manager_id,
                        month=month,
                        volume_cartons=900,
                        amount_yuan=Decimal(180_000),
                    )
        session.commit()
    return str(department["department"])


@pytest.mark.parametrize("who", ["manager", "head", "deputy", "auditor"])
def test_only_marketing_records_score_events(api: Api, people: DemoPeople, who: str) -> None:
    """A manager, head, deputy or auditor (for a breach) is FORBIDDEN; nothing is recorded."""
    manager = ids_of(api, people.manager)["manager"]
    result = _record(
        api,
        getattr(people, who),
        managerId=manager,
        kind="RULE_BREACH",
        occurredOn="2026-12-03",
        breach="ORDINARY",
    )
    assert result["event"] is None
    assert result["userErrors"][0]["code"] == "FORBIDDEN"


def test_events_need_exactly_the_fields_of_their_kind(api: Api, people: DemoPeople) -> None:
    """A breach without its kind, a leave with a breach kind, a typed-in settlement and an exam
    without a score are refused with messages naming the problem."""
    manager = ids_of(api, people.manager)["manager"]
    cases = [
        ({"kind": "RULE_BREACH"}, "needs this", ["input", "breach"]),
        ({"kind": "LEAVE", "days": 2, "breach": "GIFTS"}, "takes no breach", ["input", "breach"]),
        ({"kind": "SALES_SETTLEMENT"}, "sales facts", ["input", "kind"]),
        ({"kind": "TRAINING_RESULT", "training": "EXAM"}, "exam needs exam_score", None),
        ({"kind": "LEAVE", "days": 0}, "leave days", None),
    ]
    for fields, message, field in cases:
        result = _record(
            api, people.marketing, managerId=manager, occurredOn="2026-12-04", **fields
        )
        assert result["event"] is None
        assert message in result["userErrors"][0]["message"], result
        assert result["userErrors"][0]["field"] == field, result


def test_every_missing_and_foreign_field_of_an_event_is_reported(
    api: Api, people: DemoPeople
) -> None:
    """A complaint given a breach kind and no subjective flag: two user errors, one per
    field, in one answer."""
    manager = ids_of(api, people.manager)["manager"]
    result = _record(
        api,
        people.marketing,
        managerId=manager,
        occurredOn="2026-12-04",
        kind="COMPLAINT",
        breach="GIFTS",
    )
    assert result["event"] is None
    assert sorted(e["field"][1] for e in result["userErrors"]) == ["breach", "subjective"]


def test_a_preview_traces_every_point_to_its_event(api: Api, people: DemoPeople) -> None:
    """A recorded breach costs 5 discipline points on a line citing it, and the weighted lines
    add up to the total; settlements not yet recorded are cited as derived keys."""
    manager = ids_of(api, people.manager_elsewhere)["manager"]
    before = api.data(MONTH, {"m": manager, "month": "2026-11"}, as_=people.marketing)
    event = _record(
        api,
        people.marketing,
        managerId=manager,
        kind="RULE_BREACH",
        occurredOn="2026-11-05",
        breach="ORDINARY",
        note="late to the morning meeting",
    )["event"]
    assert event["recordedBy"] == ids_of(api, people.marketing)["staff"]
    after = api.data(MONTH, {"m": manager, "month": "2026-11"}, as_=people.marketing)
    score, old = after["managerMonthScore"], before["managerMonthScore"]
    assert score["closed"] is False
    assert score["discipline"] == pytest.approx(max(0.0, old["discipline"] - 5.0))
    cited = [line for line in score["lines"] if event["id"] in line["eventIds"]]
    assert len(cited) == 1
    assert cited[0]["rule"] == "breach"
    assert cited[0]["part"] == "DISCIPLINE"
    assert sum(line["weightedPoints"] for line in score["lines"]) == pytest.approx(score["total"])
    business = [line for line in score["lines"] if line["part"] == "BUSINESS"]
    assert len(business) == 2  # volume and amount, settled from the sales facts
    assert all(
        len(line["eventIds"]) == 1 and line["eventIds"][0].startswith("derived:sales:")
        for line in business
    )
    assert score["reviewDeadline"] == "2026-12-03"


def test_managers_read_their_own_file_only_and_heads_their_department(
    api: Api, people: DemoPeople
) -> None:
    """Reading another manager's score is NOT_FOUND for a manager and a foreign head."""
    mine = ids_of(api, people.manager)["manager"]
    colleague = ids_of(api, people.other_manager_same_department)["manager"]
    assert api.data(MONTH, {"m": mine, "month": "2026-11"}, as_=people.manager)
    assert api.data(MONTH, {"m": colleague, "month": "2026-11"}, as_=people.head)
    for who, whom in (
        (people.manager, colleague),
        (people.head_elsewhere, mine),
        (people.auditor, mine),
        (people.admin, mine),
    ):
        result = api.execute(MONTH, {"m": whom, "month": "2026-11"}, as_=who)
        assert result.errors
        assert "manager not found" in result.errors[0].message


def test_closing_a_month_makes_it_immutable_except_by_amendment(
    api: Api, people: DemoPeople
) -> None:
    """Marketing closes October: events and a second close are refused, only marketing amends,
    and the history shows the closing and the amendment with old and new values."""
    ids = ids_of(api, people.manager)
    department, manager = ids["department"], ids["manager"]
    complaint = _record(
        api,
        people.marketing,
        managerId=manager,
        kind="COMPLAINT",
        occurredOn="2026-10-12",
        subjective=True,
    )["event"]
    for who in (people.manager, people.head, people.deputy, people.auditor):
        refused = _close(api, who, department, "MONTH", "2026-10")
        assert refused["results"] == []
        assert refused["userErrors"][0]["code"] == "FORBIDDEN"
    closed = _close(api, people.marketing, department, "MONTH", "2026-10")
    assert closed["userErrors"] == []
    assert len(closed["results"]) == 5
    mine = next(r for r in closed["results"] if r["managerId"] == manager)
    lines = mine["detail"]["lines"]
    complaint_pk = str(decode_global_id(complaint["id"])[1])
    assert [line["rule"] for line in lines if complaint_pk in line["event_ids"]] == ["complaint"]
    business = [line for line in lines if line["part"] == "business"]
    assert len(business) == 2
    assert all(line["event_ids"][0].isdigit() for line in business)
    assert mine["current"]["discipline"] == pytest.approx(30.0)

    again = _close(api, people.marketing, department, "MONTH", "2026-10")
    assert "already closed" in again["userErrors"][0]["message"]
    late = _record(
        api,
        people.marketing,
        managerId=manager,
        kind="RULE_BREACH",
        occurredOn="2026-10-20",
        breach="ORDINARY",
    )
    assert "closed" in late["userErrors"][0]["message"]

    amend = {
        "resultId": mine["id"],
        "reason": "complaint withdrawn by the retailer",
        "changes": {"discipline": 40.0, "total": mine["current"]["total"] + 4.0},
    }
    for who in (people.manager, people.head):
        refused = api.data(AMEND, {"i": amend}, as_=who)["evaluationAmend"]
        assert refused["result"] is None
        assert refused["userErrors"][0]["code"] == "FORBIDDEN"
    amended = api.data(AMEND, {"i": amend}, as_=people.marketing)["evaluationAmend"]
    assert amended["userErrors"] == []
    result = amended["result"]
    assert result["closedValues"]["discipline"] == pytest.approx(30.0)  # version 0 untouched
    assert result["current"]["discipline"] == pytest.approx(40.0)
    history = result["history"]
    assert [v["number"] for v in history] == [0, 1]
    assert history[0]["reason"] == "closed"
    assert history[1]["reason"] == "complaint withdrawn by the retailer"
    assert history[1]["authorId"] == ids_of(api, people.marketing)["staff"]
    change = {c["field"]: (c["old"], c["new"]) for c in history[1]["changes"]}
    assert change["discipline"] == (pytest.approx(30.0), pytest.approx(40.0))

    unknown = dict(amend, changes={"bonus": 5})
    assert (
        "unknown field"
        in api.data(AMEND, {"i": unknown}, as_=people.marketing)["evaluationAmend"]["userErrors"][
            0
        ]["message"]
    )
    same = dict(amend, changes={"discipline": 40.0})
    assert (
        "already is"
        in api.data(AMEND, {"i": same}, as_=people.marketing)["evaluationAmend"]["userErrors"][0][
            "message"
        ]
    )

    own_file = api.data(FILE, {"m": manager}, as_=people.manager)["managerFile"]
    october = next(r for r in own_file if r["period"] == "2026-10")
    assert october["amended"] is True
    assert len(october["history"]) == 2
    board = api.data(BOARD, {"d": department, "k": "MONTH", "p": "2026-10"}, as_=people.head)
    rows = board["scoreboard"]["rows"]
    assert board["scoreboard"]["closed"] is True
    assert len(rows) == 5
    totals = [row["total"] for row in rows]
    assert totals == sorted(totals, reverse=True)
    assert next(r for r in rows if r["managerId"] == manager)["values"]["discipline"] == 40.0
    foreign = api.execute(
        BOARD, {"d": department, "k": "MONTH", "p": "2026-10"}, as_=people.head_elsewhere
    )
    assert foreign.errors
    assert "department not found" in foreign.errors[0].message
    own_view = api.data(BOARD, {"d": department, "k": "MONTH", "p": "2026-10"}, as_=people.manager)
    assert [r["managerId"] for r in own_view["scoreboard"]["rows"]] == [manager]


def test_a_quarter_ranks_and_flags_and_the_year_awards_no_honours_to_short_service(
    api: Api, people: DemoPeople, q3_targets: str
) -> None:
    """Q3 closes only after its months; ranks follow totals, the two lowest are flagged; with
    three months served nobody is eligible for the year's honours (six are required)."""
    department = q3_targets
    early = _close(api, people.marketing, department, "QUARTER", "2026-Q3")
    assert "close 2026-07" in early["userErrors"][0]["message"]
    for month in ("2026-07", "2026-08", "2026-09"):
        assert _close(api, people.marketing, department, "MONTH", month)["userErrors"] == []
    quarter = _close(api, people.marketing, department, "QUARTER", "2026-Q3")
    assert quarter["userErrors"] == []
    results = sorted(quarter["results"], key=lambda r: r["rank"])
    totals = [r["total"] for r in results]
    assert totals == sorted(totals, reverse=True)
    assert results[0]["rank"] == 1
    lowest = [
        r
        for r in results
        if any(e["reason"] == "lowest_quarterly_total" for e in r["detail"]["eliminations"])
    ]
    assert len(lowest) >= 2
    assert all(r["total"] <= min(x["total"] for x in results if x not in lowest) for r in lowest)
    streaks = [
        r
        for r in results
        if any(e["reason"] == "target_missed_running" for e in r["detail"]["eliminations"])
    ]
    assert streaks  # July and August had no sales at all: target missed two months running
    assert results[0]["detail"]["review_deadline"] == "2026-10-07"

    year = _close(api, people.marketing, department, "YEAR", "2026")
    assert year["userErrors"] == []
    assert all(r["current"]["eligible"] is False for r in year["results"])
    assert all(r["current"]["honour"] is None for r in year["results"])

    manager = ids_of(api, people.manager_elsewhere)["manager"]
    classified = api.data(
        """query($m: ID!) { managerClassification(managerId: $m, period: "2026-Q3") {
             ability initiative quadrant channel } }""",
        {"m": manager},
        as_=people.marketing,
    )["managerClassification"]
    assert 0 <= classified["ability"] <= 100
    assert 0 <= classified["initiative"] <= 100
    expected_channel = {
        "HIGH_ABILITY_HIGH_INITIATIVE": "PROMOTION",
        "LOW_ABILITY_HIGH_INITIATIVE": "LATERAL_TRANSFER",
        "LOW_ABILITY_LOW_INITIATIVE": "EXIT",
        "HIGH_ABILITY_LOW_INITIATIVE": "SKILL_GRADE",
    }
    assert expected_channel[classified["quadrant"]] == classified["channel"]


def test_goals_are_capped_at_five_and_tracked(api: Api, people: DemoPeople) -> None:
    """A manager sets goals for themself, the sixth is refused, progress is measured."""
    manager = ids_of(api, people.manager)["manager"]
    goal_set = """mutation($i: GoalSetInput!) { goalSet(input: $i) {
      userErrors { message code } goal { id progress } } }"""
    goal = {
        "managerId": manager,
        "period": "2027-Q1",
        "title": "verified visits",
        "unit": "%",
        "baseline": 80.0,
        "target": 95.0,
        "direction": "RAISE",
    }
    made = [api.data(goal_set, {"i": goal}, as_=people.manager)["goalSet"] for _ in range(5)]
    assert all(m["userErrors"] == [] for m in made)
    sixth = api.data(goal_set, {"i": goal}, as_=people.head)["goalSet"]
    assert "at most 5" in sixth["userErrors"][0]["message"]
    foreign = api.data(goal_set, {"i": goal}, as_=people.head_elsewhere)["goalSet"]
    assert foreign["userErrors"][0]["code"] == "NOT_FOUND"
    wrong_way = api.data(
        goal_set, {"i": dict(goal, direction="LOWER", period="2027-Q2")}, as_=people.manager
    )["goalSet"]
    assert "not measurable" in wrong_way["userErrors"][0]["message"]
    tracked = api.data(
        """mutation($i: GoalTrackInput!) { goalTrack(input: $i) { goal { progress current } } }""",
        {"i": {"goalId": made[0]["goal"]["id"], "current": 89.0}},
        as_=people.manager,
    )["goalTrack"]["goal"]
    assert tracked["progress"] == pytest.approx(0.6)


def test_the_leaderboard_ranks_the_department_only(api: Api, people: DemoPeople) -> None:
    """The head's leaderboard lists their five managers, ranked consistently with the values."""
    department = ids_of(api, people.head)["department"]
    board = api.data(
        """query($d: ID!) { leaderboard(departmentId: $d, firstDay: "2026-10-01",
             lastDay: "2026-10-31", metric: SALES_AMOUNT) { rank managerId value } }""",
        {"d": department},
        as_=people.head,
    )["leaderboard"]
    assert len(board) == 5
    values = [row["value"] for row in board]
    assert values == sorted(values, reverse=True)
    assert values[0] > 0
    assert next(row["rank"] for row in board) == 1
    elsewhere = ids_of(api, people.manager_elsewhere)["manager"]
    assert elsewhere not in {row["managerId"] for row in board}
    too_long = api.execute(
        """query($d: ID!) { leaderboard(departmentId: $d, firstDay: "2026-01-01",
             lastDay: "2026-12-31") { rank } }""",
        {"d": department},
        as_=people.head,
    )
    assert too_long.errors
    assert "at most 92 days" in too_long.errors[0].message


def test_complaints_and_vetoes_are_charged_to_the_head_and_deputy(
    api: Api, people: DemoPeople
) -> None:
    """A subjective complaint costs the head 3 and the deputy 1; a veto with bad effect costs
    the head 10 and the honours; an objective complaint costs nothing. Managers may not look."""
    ids = ids_of(api, people.manager)
    head, deputy = ids_of(api, people.head)["staff"], ids_of(api, people.deputy)["staff"]
    query = """query($d: ID!) { supervisorDeductions(departmentId: $d, period: "2027-03") {
      staffId points honoursLost eventIds } }"""
    for fields in (
        {"kind": "COMPLAINT", "subjective": True},
        {"kind": "COMPLAINT", "subjective": False},
        {"kind": "COMPLIANCE_VETO", "veto": "RESALE", "badEffect": True},
    ):
        made = _record(
            api, people.marketing, managerId=ids["manager"], occurredOn="2027-03-09", **fields
        )
        assert made["userErrors"] == []
    totals = {
        row["staffId"]: row
        for row in api.data(query, {"d": ids["department"]}, as_=people.head)[
            "supervisorDeductions"
        ]
    }
    assert totals[head]["points"] == pytest.approx(-13.0)
    assert totals[head]["honoursLost"] is True
    assert len(totals[head]["eventIds"]) == 2
    assert totals[deputy]["points"] == pytest.approx(-1.0)
    assert totals[deputy]["honoursLost"] is False
    refused = api.execute(query, {"d": ids["department"]}, as_=people.manager)
    assert refused.errors
    assert "may not" in refused.errors[0].message


def test_a_month_without_targets_cannot_close_and_writes_nothing(
    api: Api, people: DemoPeople
) -> None:
    """December has no sales targets: closing it is refused by name, no settlement is stored,
    and the preview board lists every manager as unscored with the reason."""
    ids = ids_of(api, people.manager_elsewhere)
    refused = _close(api, people.marketing, ids["department"], "MONTH", "2026-12")
    assert refused["results"] == []
    assert "no sales target for 2026-12" in refused["userErrors"][0]["message"]
    events = api.data(
        'query($m: ID!) { scoreEvents(managerId: $m, period: "2026-12") { kind } }',
        {"m": ids["manager"]},
        as_=people.marketing,
    )["scoreEvents"]
    assert "SALES_SETTLEMENT" not in {e["kind"] for e in events}
    board = api.data(
        BOARD, {"d": ids["department"], "k": "MONTH", "p": "2026-12"}, as_=people.marketing
    )["scoreboard"]
    assert board["closed"] is False
    assert board["rows"] == []
    assert len(board["unscored"]) == 5
