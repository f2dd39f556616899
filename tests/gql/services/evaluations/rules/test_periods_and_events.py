"""Periods, review-meeting deadlines and event validation."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from gql.services.evaluations.rules import (
    EventError,
    Month,
    PeriodError,
    Quarter,
    RuleBreach,
    SalesSettlement,
    TrainingKind,
    TrainingResult,
    monthly_review_deadline,
    quarterly_review_deadline,
)
from tests.gql.services.evaluations.rules.factory import common


def test_review_deadlines_are_three_days_after_month_end_and_a_week_after_quarter_end() -> None:
    """Feb 2026 ends on the 28th → 3 March; Q4 2026 → 7 January 2027."""
    assert monthly_review_deadline(Month(2026, 2)) == date(2026, 3, 3)
    assert monthly_review_deadline(Month(2024, 2)) == date(2024, 3, 3)  # leap: 29 + 3
    assert quarterly_review_deadline(Quarter(2026, 4)) == date(2027, 1, 7)
    assert Month(2026, 5).quarter == Quarter(2026, 2)


def test_out_of_range_periods_are_rejected() -> None:
    """Month 13 and quarter 5 do not exist."""
    with pytest.raises(PeriodError):
        Month(2026, 13)
    with pytest.raises(PeriodError):
        Quarter(2026, 5)


def test_malformed_events_are_rejected_where_they_are_built() -> None:
    """Naive time, empty id, zero target, exam without score, practical with score."""
    base = common()
    with pytest.raises(EventError, match="timezone-aware"):
        RuleBreach(**{**base, "recorded_at": datetime(2026, 1, 1)}, kind="ordinary")  # type: ignore[arg-type]
    with pytest.raises(EventError, match="event_id"):
        SalesSettlement(**{**base, "event_id": ""}, item="v", target=1, actual=1, points=100)
    with pytest.raises(EventError, match="target"):
        SalesSettlement(**base, item="v", target=0, actual=1, points=100)
    with pytest.raises(EventError, match="needs exam_score"):
        TrainingResult(**base, kind=TrainingKind.EXAM)
    with pytest.raises(EventError, match="needs a passed flag"):
        TrainingResult(**base, kind=TrainingKind.PRACTICAL, exam_score=90)
    with pytest.raises(EventError, match="BreachKind"):
        RuleBreach(**base, kind="ordinary")  # type: ignore[arg-type]
    with pytest.raises(EventError, match="occurred_on"):
        RuleBreach(**{**base, "occurred_on": datetime(2026, 1, 1, tzinfo=UTC)}, kind="x")  # type: ignore[arg-type]
