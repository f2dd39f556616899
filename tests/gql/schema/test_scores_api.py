"""Score events, closing, amendments, files and boards through GraphQL, with access rules (R7).

The evaluation runs on a clock pinned to 4 December 2026 (the services read the state's
clock), so "today", "a running month" and "92 days back" do not move with the wall clock.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from gql.schema.relay import decode_global_id
from gql.services.evaluations.rules.policy import ScopePolicy
from gql.store.repositories import ManagerRepository, SalesRepository
from gql.store.repositories.activity import ActivityRepository
from tests.gql.api import Api
from tests.gql.conftest import DemoPeople
from tests.gql.schema.audit_helpers import ids_of

NOW = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)  # 11:00 in the company's time zone
RECORD = """mutation($i: ScoreEventRecordInput!) { scoreEventRecord(input: $i) {
  userErrors { field message code }
  event { id kind recordedBy recorder { name role } status occurredOn
          detail { breach days note } } } }"""
CLOSE = """mutation($i: EvaluationCloseInput!) { evaluationClose(input: $i) {
  userErrors { field message code }
  results { id period managerId total rank revision scope
            closed { discipline total } standing { discipline total eliminated eligible honour }
            explanation { lines { part rule eventIds } flags { flag reason months }
                          monthlyTotals { month total } reviewDeadline scope } } } }"""
AMEND = """mutation($i: EvaluationAmendInput!) { evaluationAmend(input: $i) {
  userErrors { field message code }
  result { id amended closed { discipline total } standing { discipline total }
           history { number reason authorId author { role } changedFields
                     after { discipline total } } } } }"""
MONTH = """query($m: ID!, $month: String!) { managerMonthScore(managerId: $m, month: $month) {
  closed resultId business discipline basicWork training total dismissalFlag noTarget
  policyVersion reviewDeadline
  lines { part rule points weightedPoints eventIds note
          sales { item targetCartons actualCartons targetAmount { amount currency }
                  actualAmount { amount currency } completion } }
  dismissals { reason eventIds } flags { flag reason } } }"""
FILE = """query($m: ID!) { managerFile(managerId: $m) {
  id kind period total revision reopened amended history { number reason } } }"""
BOARD = """query($d: ID, $k: PeriodKind!, $p: String!) {
  scoreboard(departmentId: $d, kind: $k, period: $p) {
    departmentId scope closed reviewDeadline
    rows { managerId departmentId rank companyRank total standing { noTarget } resultId
           manager { id } department { id } }
    unscored { managerId } } }"""


@pytest.fixture
def scores(api: Api) -> Api:
    """The test's rolled-back API on the pinned clock; quarters and years ranked per department
    here (company-wide ones are tested in tests/gql/services/evaluations/test_company_scope.py)."""
    policy = dataclasses.replace(api.state.policy, scope=ScopePolicy("department", "department"))
    return Api(dataclasses.replace(api.state, clock=lambda: NOW, policy=policy))


def _record(api: Api, who: str, **fields: Any) -> dict[str, Any]:
    return dict(api.data(RECORD, {"i": fields}, as_=who)["scoreEventRecord"])


def _close(api: Api, who: str, department: str | None, kind: str, period: str) -> dict[str, Any]:
    i = {"departmentId": department, "kind": kind, "period": period}
    return dict(api.data(CLOSE, {"i": i}, as_=who)["evaluationClose"])


@pytest.fixture
def q3_targets(people: DemoPeople, scores: Api) -> str:
    """Targets for July and August 2026 (the demo has September on) for the department of
    ``manager_elsewhere``, written in the test's own transaction; returns the department's ID."""
    department = ids_of(scores, people.manager_elsewhere)
    manager_pk = decode_global_id(department["manager"])[1]

    with scores.state.sessions() as session:
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


@pytest.mark.parametrize(
    ("who", "code"),
    [("manager", "FORBIDDEN"), ("auditor", "FORBIDDEN"), ("head_elsewhere", "NOT_FOUND")],
)
def test_who_may_not_record_a_breach(scores: Api, people: DemoPeople, who: str, code: str) -> None:
    """A manager and an auditor (for a breach) are refused; another department's head finds no
    such manager; nothing is recorded."""
    manager = ids_of(scores, people.manager)["manager"]
    result = _record(
        scores,
        getattr(people, who),
        managerId=manager,
        kind="RULE_BREACH",
        occurredOn="2026-12-03",
        breach="ORDINARY",
    )
    assert result["event"] is None
    assert result["userErrors"][0]["code"] == code


@pytest.mark.parametrize("who", ["head", "deputy"])
def test_heads_record_discipline_for_their_department(
    scores: Api, people: DemoPeople, who: str
) -> None:
    """Essay 7: the customer-service department holds the monthly review, so its head and deputy
    record breaches and basic-work checks; the event says who recorded it; training stays
    marketing's."""
    manager = ids_of(scores, people.manager)["manager"]
    made = _record(
        scores,
        getattr(people, who),
        managerId=manager,
        kind="BASIC_WORK_CHECK",
        occurredOn="2026-12-01",
        item="visit log",
        passed=True,
    )
    assert made["userErrors"] == []
    event = made["event"]
    assert event["recordedBy"] == ids_of(scores, getattr(people, who))["staff"]
    assert event["recorder"]["role"] == ("DEPARTMENT_HEAD" if who == "head" else "DEPUTY_HEAD")
    assert event["status"] == "RECORDED"
    refused = _record(
        scores,
        getattr(people, who),
        managerId=manager,
        kind="TRAINING_RESULT",
        occurredOn="2026-12-01",
        training="PRACTICAL",
        passed=False,
    )
    assert refused["userErrors"][0]["code"] == "FORBIDDEN"


def test_events_need_exactly_the_fields_of_their_kind_in_range(
    scores: Api, people: DemoPeople
) -> None:
    """Missing and foreign fields, a typed-in settlement, an exam without a score, a leave of 0
    or 400 days, an exam of 150 and dates in 2031 or 1999 are refused, each naming its field."""
    manager = ids_of(scores, people.manager)["manager"]
    cases = [
        ({"kind": "RULE_BREACH"}, "needs this", ["input", "breach"]),
        ({"kind": "LEAVE", "days": 2, "breach": "GIFTS"}, "takes no breach", ["input", "breach"]),
        ({"kind": "SALES_SETTLEMENT"}, "sales facts", ["input", "kind"]),
        ({"kind": "TRAINING_RESULT", "training": "EXAM"}, "exam needs exam_score", None),
        ({"kind": "LEAVE", "days": 0}, "leave days", None),
        ({"kind": "LEAVE", "days": 400}, "1..366", ["input", "days"]),
        (
            {"kind": "TRAINING_RESULT", "training": "EXAM", "examScore": 150.0},
            "0..100",
            ["input", "examScore"],
        ),
        (
            {"kind": "RULE_BREACH", "breach": "ORDINARY", "occurredOn": "2031-01-05"},
            "in the future",
            ["input", "occurredOn"],
        ),
        (
            {"kind": "RULE_BREACH", "breach": "ORDINARY", "occurredOn": "1999-06-01"},
            "before the manager joined",
            ["input", "occurredOn"],
        ),
    ]
    for fields, message, field in cases:
        i = {"managerId": manager, "occurredOn": "2026-12-04", **fields}
        result = _record(scores, people.marketing, **i)
        assert result["event"] is None
        assert message in result["userErrors"][0]["message"], result
        if field is not None:
            assert result["userErrors"][0]["field"] == field


def test_every_missing_and_foreign_field_of_an_event_is_reported(
    scores: Api, people: DemoPeople
) -> None:
    """A complaint given a breach kind and no subjective flag: two user errors, one per
    field, in one answer."""
    manager = ids_of(scores, people.manager)["manager"]
    result = _record(
        scores,
        people.marketing,
        managerId=manager,
        occurredOn="2026-12-04",
        kind="COMPLAINT",
        breach="GIFTS",
    )
    assert result["event"] is None
    assert sorted(e["field"][1] for e in result["userErrors"]) == ["breach", "subjective"]


def test_a_preview_traces_every_point_to_its_event(scores: Api, people: DemoPeople) -> None:
    """A recorded breach costs 5 discipline points on a line citing it; the weighted lines add
    up to the total; the business lines carry their exact sales figures (money as decimal
    strings) since their settlements are not recorded yet."""
    manager = ids_of(scores, people.manager_elsewhere)["manager"]
    before = scores.data(MONTH, {"m": manager, "month": "2026-11"}, as_=people.marketing)
    event = _record(
        scores,
        people.marketing,
        managerId=manager,
        kind="RULE_BREACH",
        occurredOn="2026-11-05",
        breach="ORDINARY",
        note="late to the morning meeting",
    )["event"]
    assert event["detail"] == {
        "breach": "ORDINARY",
        "days": None,
        "note": "late to the morning meeting",
    }
    after = scores.data(MONTH, {"m": manager, "month": "2026-11"}, as_=people.marketing)
    score, old = after["managerMonthScore"], before["managerMonthScore"]
    assert score["closed"] is False
    assert score["discipline"] == pytest.approx(max(0.0, old["discipline"] - 5.0))
    cited = [line for line in score["lines"] if event["id"] in line["eventIds"]]
    assert [(line["rule"], line["part"]) for line in cited] == [("breach", "DISCIPLINE")]
    assert sum(line["weightedPoints"] for line in score["lines"]) == pytest.approx(
        score["total"], abs=0.05
    )
    business = [line for line in score["lines"] if line["part"] == "BUSINESS"]
    sales = {line["sales"]["item"]: line["sales"] for line in business}
    assert sorted(sales) == ["AMOUNT", "VOLUME_CARTONS"]
    assert all(line["eventIds"] == [] for line in business)
    volume, amount = sales["VOLUME_CARTONS"], sales["AMOUNT"]
    assert isinstance(volume["targetCartons"], int)
    assert amount["targetAmount"]["currency"] == "CNY"
    assert Decimal(amount["actualAmount"]["amount"]) == Decimal(
        amount["actualAmount"]["amount"]
    ).quantize(Decimal("0.01"))
    assert "e+" not in "".join(line["note"] for line in score["lines"])
    assert score["reviewDeadline"] == "2026-12-03"


def test_managers_read_their_own_file_only_and_heads_their_department(
    scores: Api, people: DemoPeople
) -> None:
    """Reading another manager's score is NOT_FOUND for a manager and a foreign head."""
    mine = ids_of(scores, people.manager)["manager"]
    colleague = ids_of(scores, people.other_manager_same_department)["manager"]
    assert scores.data(MONTH, {"m": mine, "month": "2026-11"}, as_=people.manager)
    assert scores.data(MONTH, {"m": colleague, "month": "2026-11"}, as_=people.head)
    for who, whom in (
        (people.manager, colleague),
        (people.head_elsewhere, mine),
        (people.auditor, mine),
        (people.admin, mine),
    ):
        result = scores.execute(MONTH, {"m": whom, "month": "2026-11"}, as_=who)
        assert result.errors
        assert "manager not found" in result.errors[0].message


def test_closing_a_month_makes_it_immutable_except_by_amendment(
    scores: Api, people: DemoPeople
) -> None:
    """Marketing closes October: events and a second close are refused; only marketing amends;
    an amended part derives the total; the history shows the closing and the amendment."""
    ids = ids_of(scores, people.manager)
    department, manager = ids["department"], ids["manager"]
    complaint = _record(
        scores,
        people.marketing,
        managerId=manager,
        kind="COMPLAINT",
        occurredOn="2026-10-12",
        subjective=True,
    )["event"]
    for who in (people.manager, people.head, people.deputy, people.auditor):
        refused = _close(scores, who, department, "MONTH", "2026-10")
        assert refused["results"] == []
        assert refused["userErrors"][0]["code"] == "FORBIDDEN"
    closed = _close(scores, people.marketing, department, "MONTH", "2026-10")
    assert closed["userErrors"] == []
    assert len(closed["results"]) == 5
    mine = next(r for r in closed["results"] if r["managerId"] == manager)
    lines = mine["explanation"]["lines"]
    assert [line["rule"] for line in lines if complaint["id"] in line["eventIds"]] == ["complaint"]
    business = [line for line in lines if line["part"] == "BUSINESS"]
    assert len(business) == 2
    assert all(len(line["eventIds"]) == 1 for line in business)  # settled at closing
    assert mine["standing"]["discipline"] == pytest.approx(30.0)
    assert mine["revision"] == 1

    again = _close(scores, people.marketing, department, "MONTH", "2026-10")
    assert "already closed" in again["userErrors"][0]["message"]
    assert (again["userErrors"][0]["field"], again["userErrors"][0]["code"]) == (
        ["input", "period"],
        "CONFLICT",
    )
    late = _record(
        scores,
        people.marketing,
        managerId=manager,
        kind="RULE_BREACH",
        occurredOn="2026-10-20",
        breach="ORDINARY",
    )
    assert "closed" in late["userErrors"][0]["message"]
    assert (late["userErrors"][0]["field"], late["userErrors"][0]["code"]) == (
        ["input", "occurredOn"],
        "CONFLICT",
    )

    amend = {
        "resultId": mine["id"],
        "reason": "complaint withdrawn by the retailer",
        "values": {"discipline": 40.0},
    }
    for who in (people.manager, people.head):
        refused = scores.data(AMEND, {"i": amend}, as_=who)["evaluationAmend"]
        assert refused["result"] is None
        assert refused["userErrors"][0]["code"] == "FORBIDDEN"
    forced = dict(amend, values=None, changes={"total": 150})
    refused = scores.data(AMEND, {"i": forced}, as_=people.marketing)["evaluationAmend"]
    assert refused["userErrors"][0]["field"] == ["input", "changes", "total"]
    amended = scores.data(AMEND, {"i": amend}, as_=people.marketing)["evaluationAmend"]
    assert amended["userErrors"] == []
    result = amended["result"]
    assert result["closed"]["discipline"] == pytest.approx(30.0)  # version 0 untouched
    assert result["standing"]["discipline"] == pytest.approx(40.0)
    assert result["standing"]["total"] == pytest.approx(result["closed"]["total"] + 4.0)
    history = result["history"]
    assert [v["number"] for v in history] == [0, 1]
    assert history[1]["reason"] == "complaint withdrawn by the retailer"
    assert history[1]["authorId"] == ids_of(scores, people.marketing)["staff"]
    assert history[1]["author"]["role"] == "MARKETING"
    assert history[1]["changedFields"] == ["discipline", "total"]
    for changes, message in (
        ({"bonus": 5}, "not a field of a month"),
        ({"discipline": 40.0}, "already is"),
    ):
        answer = scores.data(
            AMEND, {"i": dict(amend, values=None, changes=changes)}, as_=people.marketing
        )["evaluationAmend"]
        assert message in answer["userErrors"][0]["message"]

    own_file = scores.data(FILE, {"m": manager}, as_=people.manager)["managerFile"]
    october = next(r for r in own_file if r["period"] == "2026-10")
    assert (october["amended"], len(october["history"]), october["reopened"]) == (True, 2, False)
    board = scores.data(BOARD, {"d": department, "k": "MONTH", "p": "2026-10"}, as_=people.head)
    rows = board["scoreboard"]["rows"]
    assert board["scoreboard"]["closed"] is True
    assert len(rows) == 5
    totals = [row["total"] for row in rows]
    assert totals == sorted(totals, reverse=True)
    assert [row["manager"]["id"] for row in rows] == [row["managerId"] for row in rows]
    assert {row["department"]["id"] for row in rows} == {department}
    foreign = scores.execute(
        BOARD, {"d": department, "k": "MONTH", "p": "2026-10"}, as_=people.head_elsewhere
    )
    assert foreign.errors
    assert "department not found" in foreign.errors[0].message
    own_view = scores.data(
        BOARD, {"d": department, "k": "MONTH", "p": "2026-10"}, as_=people.manager
    )
    assert [r["managerId"] for r in own_view["scoreboard"]["rows"]] == [manager]


def test_the_company_scoreboard_ranks_everyone_and_shows_the_callers_rows(
    scores: Api, people: DemoPeople
) -> None:
    """Without a department the board ranks the company's 15 managers: marketing sees all,
    a head their five (with company ranks), a manager their own row; auditors see nothing."""
    everyone = scores.data(BOARD, {"d": None, "k": "MONTH", "p": "2026-11"}, as_=people.marketing)
    board = everyone["scoreboard"]
    assert (board["departmentId"], board["scope"], len(board["rows"])) == (None, "COMPANY", 15)
    assert [r["rank"] for r in board["rows"]] == [r["companyRank"] for r in board["rows"]]
    head = scores.data(BOARD, {"d": None, "k": "MONTH", "p": "2026-11"}, as_=people.head)
    ranks = {r["managerId"]: r["companyRank"] for r in board["rows"]}
    own = head["scoreboard"]["rows"]
    assert len(own) == 5
    assert all(r["companyRank"] == ranks[r["managerId"]] for r in own)
    manager = scores.data(BOARD, {"d": None, "k": "MONTH", "p": "2026-11"}, as_=people.manager)
    assert len(manager["scoreboard"]["rows"]) == 1
    refused = scores.execute(BOARD, {"d": None, "k": "MONTH", "p": "2026-11"}, as_=people.auditor)
    assert refused.errors


def test_a_quarter_ranks_and_flags_and_a_year_waits_for_its_months(
    scores: Api, people: DemoPeople, q3_targets: str
) -> None:
    """Q3 closes only after its months; ranks follow totals, the two lowest are flagged with
    their months; the year is refused while any of its months is open (it is never
    extrapolated from the months closed so far)."""
    department = q3_targets
    early = _close(scores, people.marketing, department, "QUARTER", "2026-Q3")
    assert "close 2026-07 first" in early["userErrors"][0]["message"]
    for month in ("2026-07", "2026-08", "2026-09"):
        assert _close(scores, people.marketing, department, "MONTH", month)["userErrors"] == []
    quarter = _close(scores, people.marketing, department, "QUARTER", "2026-Q3")
    assert quarter["userErrors"] == []
    results = sorted(quarter["results"], key=lambda r: r["rank"])
    totals = [r["total"] for r in results]
    assert totals == sorted(totals, reverse=True)
    assert results[0]["rank"] == 1
    reasons = {r["managerId"]: {f["reason"] for f in r["explanation"]["flags"]} for r in results}
    lowest = [r for r in results if "lowest_quarterly_total" in reasons[r["managerId"]]]
    assert len(lowest) >= 2
    assert all(r["total"] <= min(x["total"] for x in results if x not in lowest) for r in lowest)
    assert any("target_missed_running" in why for why in reasons.values())
    assert results[0]["explanation"]["reviewDeadline"] == "2026-10-07"
    assert [m["month"] for m in results[0]["explanation"]["monthlyTotals"]] == [
        "2026-07",
        "2026-08",
        "2026-09",
    ]
    year = _close(scores, people.marketing, department, "YEAR", "2026")
    assert year["results"] == []
    assert "close 2026-01 first" in year["userErrors"][0]["message"]

    manager = ids_of(scores, people.manager_elsewhere)["manager"]
    classified = scores.data(
        """query($m: ID!) { managerClassification(managerId: $m, period: "2026-Q3") {
             ability initiative quadrant channel } }""",
        {"m": manager},
        as_=people.marketing,
    )["managerClassification"]
    assert 0 <= classified["ability"] <= 100
    assert 0 <= classified["initiative"] <= 100


def test_goals_are_capped_at_five_bounded_and_tracked_within_their_range(
    scores: Api, people: DemoPeople
) -> None:
    """A manager sets goals for themself, the sixth is refused, progress is measured; a title
    of a million characters and a measurement of 1e308 are refused (issue 14, item 9)."""
    manager = ids_of(scores, people.manager)["manager"]
    goal_set = """mutation($i: GoalSetInput!) { goalSet(input: $i) {
      userErrors { field message code } goal { id progress lowest highest } } }"""
    goal = {
        "managerId": manager,
        "period": "2027-Q1",
        "title": "verified visits",
        "unit": "%",
        "baseline": 80.0,
        "target": 95.0,
        "direction": "RAISE",
    }
    made = [scores.data(goal_set, {"i": goal}, as_=people.manager)["goalSet"] for _ in range(5)]
    assert all(m["userErrors"] == [] for m in made)
    assert (made[0]["goal"]["lowest"], made[0]["goal"]["highest"]) == (65.0, 100.0)
    sixth = scores.data(goal_set, {"i": goal}, as_=people.head)["goalSet"]
    assert "at most 5" in sixth["userErrors"][0]["message"]
    foreign = scores.data(goal_set, {"i": goal}, as_=people.head_elsewhere)["goalSet"]
    assert foreign["userErrors"][0]["code"] == "NOT_FOUND"
    long_title = scores.data(
        goal_set, {"i": dict(goal, period="2027-Q3", title="x" * 5_000)}, as_=people.manager
    )["goalSet"]
    assert long_title["userErrors"][0]["field"] == ["input", "title"]
    # A megabyte of title never reaches the service: the request's string limit refuses it.
    huge = scores.execute(
        goal_set, {"i": dict(goal, period="2027-Q3", title="x" * 1_000_000)}, as_=people.manager
    )
    assert huge.data is None
    assert huge.errors is not None
    assert huge.errors[0].extensions == {"code": "STRING_TOO_LONG", "limit": 10_000}
    wrong_way = scores.data(
        goal_set, {"i": dict(goal, direction="LOWER", period="2027-Q2")}, as_=people.manager
    )["goalSet"]
    assert "not measurable" in wrong_way["userErrors"][0]["message"]
    track = """mutation($i: GoalTrackInput!) { goalTrack(input: $i) {
      userErrors { field message } goal { progress current } } }"""
    tracked = scores.data(
        track, {"i": {"goalId": made[0]["goal"]["id"], "current": 89.0}}, as_=people.manager
    )["goalTrack"]["goal"]
    assert tracked["progress"] == pytest.approx(0.6)
    wild = scores.data(
        track, {"i": {"goalId": made[0]["goal"]["id"], "current": 1e308}}, as_=people.manager
    )["goalTrack"]
    assert wild["goal"] is None
    assert wild["userErrors"][0]["field"] == ["input", "current"]


def test_the_leaderboard_ranks_a_department_or_the_company(scores: Api, people: DemoPeople) -> None:
    """The head's department board lists their five managers; the company board ranks all 15
    and shows a head only their own, with company ranks; money is exact."""
    department = ids_of(scores, people.head)["department"]
    query = """query($d: ID) { leaderboard(departmentId: $d, firstDay: "2026-10-01",
         lastDay: "2026-10-31", metric: SALES_AMOUNT) {
         rank managerId value salesAmount { amount currency } manager { id name } } }"""
    board = scores.data(query, {"d": department}, as_=people.head)["leaderboard"]
    assert len(board) == 5
    assert all(row["manager"]["id"] == row["managerId"] and row["manager"]["name"] for row in board)
    values = [row["value"] for row in board]
    assert values == sorted(values, reverse=True)
    assert values[0] > 0
    assert board[0]["rank"] == 1
    company = scores.data(query, {"d": None}, as_=people.marketing)["leaderboard"]
    assert len(company) == 15
    ranks = {row["managerId"]: row["rank"] for row in company}
    mine = scores.data(query, {"d": None}, as_=people.head)["leaderboard"]
    assert {row["managerId"] for row in mine} == {row["managerId"] for row in board}
    assert all(row["rank"] == ranks[row["managerId"]] for row in mine)
    assert all(Decimal(row["salesAmount"]["amount"]).as_tuple().exponent == -2 for row in mine)
    too_long = scores.execute(
        """query($d: ID!) { leaderboard(departmentId: $d, firstDay: "2026-01-01",
             lastDay: "2026-12-31") { rank } }""",
        {"d": department},
        as_=people.head,
    )
    assert too_long.errors
    assert "at most 92 days" in too_long.errors[0].message


def test_complaints_and_vetoes_are_charged_to_the_head_and_deputy(
    scores: Api, people: DemoPeople
) -> None:
    """A subjective complaint costs the head 3 and the deputy 1; a veto with bad effect costs
    the head 10 and the honours; an objective complaint costs nothing; a retracted complaint
    costs nothing either. Managers may not look."""
    ids = ids_of(scores, people.manager)
    head, deputy = ids_of(scores, people.head)["staff"], ids_of(scores, people.deputy)["staff"]
    query = """query($d: ID!) { supervisorDeductions(departmentId: $d, period: "2026-12") {
      staffId points honoursLost eventIds } }"""
    made = []
    for fields in (
        {"kind": "COMPLAINT", "subjective": True},
        {"kind": "COMPLAINT", "subjective": False},
        {"kind": "COMPLIANCE_VETO", "veto": "RESALE", "badEffect": True},
        {"kind": "COMPLAINT", "subjective": True},
    ):
        result = _record(
            scores, people.marketing, managerId=ids["manager"], occurredOn="2026-12-02", **fields
        )
        assert result["userErrors"] == []
        made.append(result["event"]["id"])
    retract = scores.data(
        """mutation($i: ScoreEventRetractInput!) { scoreEventRetract(input: $i) {
             userErrors { message } event { status decisionReason decider { role } } } }""",
        {"i": {"eventId": made[-1], "reason": "recorded twice"}},
        as_=people.marketing,
    )["scoreEventRetract"]
    assert retract["event"] == {
        "status": "RETRACTED",
        "decisionReason": "recorded twice",
        "decider": {"role": "MARKETING"},
    }
    totals = {
        row["staffId"]: row
        for row in scores.data(query, {"d": ids["department"]}, as_=people.head)[
            "supervisorDeductions"
        ]
    }
    assert totals[head]["points"] == pytest.approx(-13.0)
    assert totals[head]["honoursLost"] is True
    assert len(totals[head]["eventIds"]) == 2
    assert totals[deputy]["points"] == pytest.approx(-1.0)
    refused = scores.execute(query, {"d": ids["department"]}, as_=people.manager)
    assert refused.errors
    assert "may not" in refused.errors[0].message


def test_a_running_month_is_previewed_with_the_no_target_treatment_and_not_closed(
    scores: Api, people: DemoPeople
) -> None:
    """December has no sales targets and is still running (4 December): closing it is refused
    naming the first day it can close; the preview scores every manager (no target, explained)
    instead of failing the department."""
    ids = ids_of(scores, people.manager_elsewhere)
    refused = _close(scores, people.marketing, ids["department"], "MONTH", "2026-12")
    assert refused["results"] == []
    assert "close it from 2027-01-01" in refused["userErrors"][0]["message"]
    assert refused["userErrors"][0]["field"] == ["input", "period"]
    board = scores.data(
        BOARD, {"d": ids["department"], "k": "MONTH", "p": "2026-12"}, as_=people.marketing
    )["scoreboard"]
    assert board["closed"] is False
    assert board["unscored"] == []
    assert len(board["rows"]) == 5
    assert all(r["standing"]["noTarget"] is True for r in board["rows"])
    month = scores.data(MONTH, {"m": ids["manager"], "month": "2026-12"}, as_=people.marketing)
    assert month["managerMonthScore"]["flags"] == [{"flag": "NO_TARGET", "reason": "no_target"}]


def test_targets_and_a_reopened_month_through_the_api(scores: Api, people: DemoPeople) -> None:
    """salesTargetSet answers money as a decimal string with its currency and names a bad
    field; salesTargets reads it back. May closes, reopens with a reason (its results stay,
    marked reopened) and closes again as revision 2; the file lists both revisions."""
    ids = ids_of(scores, people.manager_elsewhere)
    target_set = """mutation($i: SalesTargetSetInput!) { salesTargetSet(input: $i) {
      userErrors { field message code } target { month volumeCartons amount { amount currency }
      setBy } } }"""
    made = scores.data(
        target_set,
        {
            "i": {
                "managerId": ids["manager"],
                "month": "2027-02",
                "volumeCartons": 1200,
                "amount": "245000.5",
            }
        },
        as_=people.marketing,
    )["salesTargetSet"]
    assert made["target"] == {
        "month": "2027-02",
        "volumeCartons": 1200,
        "amount": {"amount": "245000.50", "currency": "CNY"},
        "setBy": ids_of(scores, people.marketing)["staff"],
    }
    bad = scores.data(
        target_set,
        {
            "i": {
                "managerId": ids["manager"],
                "month": "2027-02",
                "volumeCartons": 0,
                "amount": "1.005",
            }
        },
        as_=people.marketing,
    )["salesTargetSet"]
    assert [(e["field"], e["code"]) for e in bad["userErrors"]] == [
        (["input", "volumeCartons"], "INVALID"),
        (["input", "amount"], "INVALID"),  # the service's amount_yuan, as the input calls it
    ]
    read = scores.data(
        'query($m: ID) { salesTargets(period: "2027-Q1", managerId: $m) { month volumeCartons } }',
        {"m": ids["manager"]},
        as_=people.manager_elsewhere,
    )["salesTargets"]
    assert read == [{"month": "2027-02", "volumeCartons": 1200}]

    assert (
        _close(scores, people.marketing, ids["department"], "MONTH", "2026-05")["userErrors"] == []
    )
    reopen = """mutation($i: EvaluationReopenInput!) { evaluationReopen(input: $i) {
      userErrors { field message code } reopening { reason period reopenedBy }
      results { reopened revision } } }"""
    refused = scores.data(
        reopen,
        {
            "i": {
                "departmentId": ids["department"],
                "kind": "MONTH",
                "period": "2026-05",
                "reason": "",
            }
        },
        as_=people.marketing,
    )["evaluationReopen"]
    assert refused["userErrors"][0]["field"] == ["input", "reason"]
    done = scores.data(
        reopen,
        {
            "i": {
                "departmentId": ids["department"],
                "kind": "MONTH",
                "period": "2026-05",
                "reason": "sales of 30 May arrived late",
            }
        },
        as_=people.marketing,
    )["evaluationReopen"]
    assert done["reopening"]["reason"] == "sales of 30 May arrived late"
    assert {(r["reopened"], r["revision"]) for r in done["results"]} == {(True, 1)}
    again = _close(scores, people.marketing, ids["department"], "MONTH", "2026-05")
    assert {r["revision"] for r in again["results"]} == {2}
    file = scores.data(FILE, {"m": ids["manager"]}, as_=people.manager_elsewhere)["managerFile"]
    may = [(r["revision"], r["reopened"]) for r in file if r["period"] == "2026-05"]
    assert may == [(1, True), (2, False)]
