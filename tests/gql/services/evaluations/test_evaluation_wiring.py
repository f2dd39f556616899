"""The glue between stored facts and the scoring rules: periods, events, settlements, results."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from gql.domain import MonthlyTarget
from gql.domain.evaluations import (
    AmendmentInfo,
    EvaluationResultInfo,
    PeriodKind,
    ScoreEventInfo,
    ScoreEventKind,
)
from gql.services.errors import InvalidInput
from gql.services.evaluations import rules as scoring
from gql.services.evaluations.drafts import month_draft
from gql.services.evaluations.explanations import lines_from_score
from gql.services.evaluations.periods import parse_period
from gql.services.evaluations.results import monthly_from_result, view_of
from gql.services.evaluations.score_events import (
    EventCommand,
    derived_settlements,
    details_of,
    to_scoring,
)
from gql.services.evaluations.scorer import MonthInputs, ScoredMonth
from gql.store.repositories.activity import SalesTotal

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
POLICY = scoring.default_policy()


@pytest.mark.parametrize(
    ("kind", "text", "first", "last", "months"),
    [
        (PeriodKind.MONTH, "2026-02", date(2026, 2, 1), date(2026, 2, 28), 1),
        (PeriodKind.QUARTER, "2026-Q4", date(2026, 10, 1), date(2026, 12, 31), 3),
        (PeriodKind.YEAR, "2024", date(2024, 1, 1), date(2024, 12, 31), 12),
    ],
)
def test_periods_parse_into_their_calendar_days(
    kind: PeriodKind, text: str, first: date, last: date, months: int
) -> None:
    """Each kind of period text gives its first and last day and its months."""
    period = parse_period(kind, text)
    assert (period.first_day, period.last_day, len(period.months)) == (first, last, months)


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        (PeriodKind.MONTH, "2026-13"),
        (PeriodKind.MONTH, "2026-Q1"),
        (PeriodKind.QUARTER, "2026-Q5"),
        (PeriodKind.YEAR, "26"),
    ],
)
def test_bad_periods_name_the_expected_format(kind: PeriodKind, text: str) -> None:
    """A malformed period is a clear input error, never a crash."""
    with pytest.raises(InvalidInput) as caught:
        parse_period(kind, text)
    assert [p.field for p in caught.value.problems] == [("period",)]


def _event(kind: ScoreEventKind, **details: object) -> ScoreEventInfo:
    return ScoreEventInfo(7, 3, kind, date(2026, 10, 5), 2, NOW, details)


def test_every_stored_kind_becomes_the_rules_event_citing_its_row() -> None:
    """Stored events map to the rules' classes with the row id as event id."""
    cases = {
        ScoreEventKind.RULE_BREACH: ({"breach": "gifts"}, scoring.RuleBreach),
        ScoreEventKind.COMPLAINT: ({"subjective": True, "retailer_id": 9}, scoring.Complaint),
        ScoreEventKind.LEAVE: ({"days": 3}, scoring.LeaveRecord),
        ScoreEventKind.BASIC_WORK_CHECK: (
            {"item": "files", "passed": False},
            scoring.BasicWorkCheck,
        ),
        ScoreEventKind.TRAINING_RESULT: (
            {"training": "exam", "exam_score": 75.0},
            scoring.TrainingResult,
        ),
        ScoreEventKind.COMPLIANCE_VETO: (
            {"veto": "resale", "bad_effect": True},
            scoring.ComplianceVeto,
        ),
        ScoreEventKind.AUDIT_FINDING: (
            {"finding": "price_tags_missing", "audit_id": "4"},
            scoring.AuditFinding,
        ),
        ScoreEventKind.SALES_SETTLEMENT: (
            {"item": "volume_cartons", "target": 100.0, "actual": 80.0, "points": 50.0},
            scoring.SalesSettlement,
        ),
    }
    for kind, (details, cls) in cases.items():
        event = to_scoring(_event(kind, **details))
        assert isinstance(event, cls)
        assert (event.event_id, event.manager_id, event.recorded_by) == ("7", "3", "2")


def test_a_corrupt_stored_event_is_a_clear_error() -> None:
    """A stored breach with an unknown kind raises InvalidInput naming the event."""
    with pytest.raises(InvalidInput, match="event 7"):
        to_scoring(_event(ScoreEventKind.RULE_BREACH, breach="napping"))


def test_commands_carry_only_the_fields_of_their_kind() -> None:
    """Required fields are demanded, foreign ones refused, and the note is kept."""
    base = {"manager_id": 3, "occurred_on": date(2026, 10, 5)}
    ok = details_of(EventCommand(kind=ScoreEventKind.LEAVE, days=2, note=" flu ", **base), POLICY)
    assert ok == {"days": 2, "note": "flu"}
    with pytest.raises(InvalidInput, match="needs this") as missing:
        details_of(EventCommand(kind=ScoreEventKind.BASIC_WORK_CHECK, **base), POLICY)
    assert [p.field for p in missing.value.problems] == [("item",), ("passed",)]
    with pytest.raises(InvalidInput, match="takes no days"):
        details_of(
            EventCommand(kind=ScoreEventKind.RULE_BREACH, breach="ordinary", days=1, **base), POLICY
        )
    with pytest.raises(InvalidInput, match="exam_score"):
        details_of(
            EventCommand(kind=ScoreEventKind.TRAINING_RESULT, training="exam", **base), POLICY
        )


def test_settlements_split_the_business_scale_between_volume_and_amount() -> None:
    """80 % of the volume and 110 % of the amount target: 50 × 0.8 + 50 × 1.0 (capped) = 90."""
    month = scoring.Month(2026, 10)
    target = MonthlyTarget(1, 3, date(2026, 10, 1), 1000, Decimal("200000.00"))
    sales = SalesTotal(800, Decimal("220000.00"))
    items = derived_settlements(target, sales)
    assert items is not None
    assert [(i["item"], i["target"], i["actual"], i["points"]) for i in items] == [
        ("volume_cartons", 1000.0, 800.0, 50.0),
        ("amount_yuan", 200000.0, 220000.0, 50.0),
    ]
    events = [
        scoring.SalesSettlement(
            event_id=str(n),
            manager_id="3",
            occurred_on=month.last_day,
            recorded_by="1",
            recorded_at=NOW,
            **i,
        )
        for n, i in enumerate(items)
    ]
    score = scoring.score_month("3", month, events, scoring.default_policy())
    assert score.business == pytest.approx(90.0)
    assert score.total == pytest.approx(90 * 0.6 + 100 * 0.4)
    assert derived_settlements(None, sales) is None  # no target: the policy's treatment
    zero = MonthlyTarget(1, 3, date(2026, 10, 1), 0, Decimal("1.00"))
    assert derived_settlements(zero, None) is None  # nothing to complete is no target


def _closed(
    score: scoring.MonthlyScore, amendments: tuple[AmendmentInfo, ...] = ()
) -> EvaluationResultInfo:
    scored = ScoredMonth(score, lines_from_score(score, {}), MonthInputs((), (), False, ()))
    draft = month_draft(
        scored, period="2026-10", manager_id=3, department_id=4, closed_by=2, closed_at=NOW
    )
    return EvaluationResultInfo(
        1,
        draft.kind,
        draft.period,
        3,
        4,
        draft.policy_version,
        draft.values,
        draft.detail,
        2,
        NOW,
        amendments,
    )


def test_a_closed_month_replays_as_the_score_it_was_and_as_amended() -> None:
    """Values and flags survive the round trip; an amendment clearing the dismissal flag drops
    the stored flags from the score the quarter and year rules see."""
    month = scoring.Month(2026, 10)
    events: list[scoring.ScoreEvent] = [
        scoring.SalesSettlement(
            event_id="s",
            manager_id="3",
            occurred_on=month.last_day,
            recorded_by="1",
            recorded_at=NOW,
            item="all",
            target=10.0,
            actual=10.0,
            points=100.0,
        ),
        scoring.RuleBreach(
            event_id="b",
            manager_id="3",
            occurred_on=date(2026, 10, 3),
            recorded_by="1",
            recorded_at=NOW,
            kind=scoring.BreachKind.GIFTS,
        ),
    ]
    score = scoring.score_month("3", month, events, scoring.default_policy())
    result = _closed(score)
    replay = monthly_from_result(result, view_of(result).current)
    assert (replay.total, replay.discipline, replay.dismissal_flag) == (score.total, 0.0, True)
    assert [d.reason for d in replay.dismissals] == [scoring.DismissalReason.GRAVE_BREACH]
    cleared = AmendmentInfo(
        5,
        1,
        2,
        "breach not proven",
        datetime(2026, 11, 3, tzinfo=UTC),
        {"dismissal_flag": False, "discipline": 40.0},
    )
    amended = _closed(score, (cleared,))
    view = view_of(amended)
    assert [v.number for v in view.history] == [0, 1]
    again = monthly_from_result(amended, view.current)
    assert (again.dismissal_flag, again.discipline) == (False, 40.0)
