"""Builders for score events in tests: one place for the boilerplate fields."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from gql.services.evaluations.rules import (
    BasicWorkCheck,
    BreachKind,
    Complaint,
    ComplianceVeto,
    LeaveRecord,
    Month,
    MonthlyScore,
    RuleBreach,
    SalesSettlement,
    TrainingKind,
    TrainingResult,
    VetoKind,
)

MANAGER = "m-001"
JAN = Month(2026, 1)
_ids = itertools.count(1)


def common(day: int = 10, manager: str = MANAGER, month: Month = JAN) -> dict[str, Any]:
    n = next(_ids)
    return {
        "event_id": f"e{n:04d}",
        "manager_id": manager,
        "occurred_on": date(month.year, month.month, day),
        "recorded_by": "marketing-01",
        # later events are recorded later, whatever other tests made before (no wrap-around)
        "recorded_at": datetime(month.year, month.month, day, 9, tzinfo=UTC)
        + timedelta(microseconds=n),
    }


def sale(item: str, target: float, actual: float, points: float, **kw: Any) -> SalesSettlement:
    return SalesSettlement(**common(**kw), item=item, target=target, actual=actual, points=points)


def on_target(**kw: Any) -> SalesSettlement:
    return sale("cigarettes", 1000, 1000, 100, **kw)


def breach(kind: BreachKind = BreachKind.ORDINARY, **kw: Any) -> RuleBreach:
    return RuleBreach(**common(**kw), kind=kind)


def complaint(subjective: bool = True, **kw: Any) -> Complaint:
    return Complaint(**common(**kw), subjective=subjective)


def leave(days: int, **kw: Any) -> LeaveRecord:
    return LeaveRecord(**common(**kw), days=days)


def check(passed: bool, item: str = "inventory check", **kw: Any) -> BasicWorkCheck:
    return BasicWorkCheck(**common(**kw), item=item, passed=passed)


def exam(score: float, **kw: Any) -> TrainingResult:
    return TrainingResult(**common(**kw), kind=TrainingKind.EXAM, exam_score=score)


def practical(passed: bool, **kw: Any) -> TrainingResult:
    return TrainingResult(**common(**kw), kind=TrainingKind.PRACTICAL, passed=passed)


def veto(bad_effect: bool = True, **kw: Any) -> ComplianceVeto:
    return ComplianceVeto(**common(**kw), kind=VetoKind.SPLIT_ORDERS, bad_effect=bad_effect)


def monthly(
    manager: str,
    month: Month,
    total: float,
    *,
    target_missed: bool = False,
    version: str = "2026.1-paper",
    void: bool = False,
    dismissed: bool = False,
) -> MonthlyScore:
    """A monthly result with a given total, for quarter/year tests (parts are not used there)."""
    from gql.services.evaluations.rules import Dismissal, DismissalReason

    base = MonthlyScore(
        manager_id=manager,
        month=month,
        policy_version=version,
        business=0.0,
        discipline=0.0,
        basic_work=0.0,
        training=0.0,
        total=total,
        lines=(),
        dismissals=(),
        void_by_veto=void,
        honours_lost=void,
        target_missed=target_missed,
        sales_completion=1.0,
        review_deadline=month.last_day,
    )
    if dismissed:
        base = replace(base, dismissals=(Dismissal(DismissalReason.GRAVE_BREACH, ("x",)),))
    return base
