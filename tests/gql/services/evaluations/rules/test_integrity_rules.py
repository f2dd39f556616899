"""Issue 15 in the pure rules: count windows, no target, input ranges, amendments, eligibility."""

from __future__ import annotations

import doctest
import importlib
import tomllib
from datetime import date
from importlib import resources
from typing import Any

import pytest

from gql.services.evaluations.rules import (
    AmendmentError,
    DismissalReason,
    EventError,
    Goal,
    GoalError,
    IneligibilityReason,
    Month,
    PolicyError,
    ResultKind,
    ScoringPolicy,
    amended_values,
    check_event,
    check_event_day,
    count_window_start,
    evaluate_year,
    goal_progress,
    month_total,
    parse_policy,
    score_month,
)
from gql.services.evaluations.rules.goals import Direction
from gql.services.evaluations.rules.policy import ScopePolicy
from tests.gql.services.evaluations.rules.factory import (
    JAN,
    MANAGER,
    breach,
    check,
    complaint,
    exam,
    leave,
    monthly,
    on_target,
)

FEB = Month(2026, 2)
DEC = Month(2025, 12)


def _policy_data() -> dict[str, Any]:
    text = (
        resources.files("gql.services.evaluations.rules").joinpath("policy.toml").read_text("utf-8")
    )
    return tomllib.loads(text)


def _with(policy_changes: dict[str, dict[str, Any]]) -> ScoringPolicy:
    data = _policy_data()
    for table, values in policy_changes.items():
        data[table].update(values)
    return parse_policy(data)


# -- defect 10: the breach window (累计) -------------------------------------------------------


def test_breaches_count_across_months_in_the_default_rolling_window(policy: ScoringPolicy) -> None:
    """Two breaches in December and one in January reach the limit of three in January: the
    discipline item is zeroed and dismissal flagged, citing all three (it used to be per month,
    so the January breach cost only 5 points)."""
    earlier = [breach(day=3, month=DEC), breach(day=17, month=DEC)]
    third = breach(day=8)
    s = score_month(MANAGER, JAN, [on_target(), third], policy, earlier=earlier)
    assert s.discipline == 0.0
    flag = next(d for d in s.dismissals if d.reason is DismissalReason.BREACH_LIMIT)
    assert set(flag.event_ids) == {e.event_id for e in (*earlier, third)}
    limit = next(line for line in s.lines if line.rule == "breach_limit")
    assert "rolling 12 months" in limit.note


def test_a_month_without_a_breach_is_not_zeroed_by_earlier_ones(policy: ScoringPolicy) -> None:
    """Earlier breaches alone raise nothing: the limit is reached by a breach of this month."""
    earlier = [breach(day=d, month=DEC) for d in (3, 10, 17)]
    s = score_month(MANAGER, JAN, [on_target()], policy, earlier=earlier)
    assert (s.discipline, s.dismissals) == (40.0, ())


def test_a_monthly_window_counts_only_the_month(policy: ScoringPolicy) -> None:
    """With ``breach_window = "month"`` earlier breaches are refused as outside the window."""
    monthly_window = _with({"discipline": {"breach_window": "month"}})
    with pytest.raises(EventError, match="count window"):
        score_month(MANAGER, JAN, [on_target()], monthly_window, earlier=[breach(day=3, month=DEC)])


def test_three_subjective_complaints_over_the_year_flag_dismissal(policy: ScoringPolicy) -> None:
    """Complaints accumulate like breaches (累计因主观原因导致客户投诉达三次)."""
    earlier = [complaint(day=5, month=DEC), complaint(day=9, month=DEC)]
    s = score_month(MANAGER, JAN, [on_target(), complaint(day=2)], policy, earlier=earlier)
    assert [d.reason for d in s.dismissals] == [DismissalReason.COMPLAINT_LIMIT]


@pytest.mark.parametrize(
    ("window", "month", "start"),
    [
        ("month", Month(2026, 5), date(2026, 5, 1)),
        ("quarter", Month(2026, 5), date(2026, 4, 1)),
        ("year", Month(2026, 5), date(2026, 1, 1)),
        ("rolling_12_months", Month(2026, 5), date(2025, 6, 1)),
        ("rolling_12_months", Month(2026, 12), date(2026, 1, 1)),
    ],
)
def test_count_windows_start_where_documented(window: str, month: Month, start: date) -> None:
    """Each policy window's first day."""
    assert count_window_start(month, window) == start


# -- defect 7: a missing target --------------------------------------------------------------


def test_no_target_scores_quality_alone_by_default(policy: ScoringPolicy) -> None:
    """No settlement is needed; a 0-point ``no_target`` line explains the business part and the
    quality lines weigh 100 %, still adding up to the total: discipline 35 + basic work 40 +
    training 20 = 95."""
    s = score_month(MANAGER, JAN, [breach(day=4)], policy, no_target=True)
    assert s.no_target
    assert not s.target_missed
    assert s.total == pytest.approx(95.0)
    assert sum(line.weighted_points for line in s.lines) == pytest.approx(s.total)
    assert [line.rule for line in s.lines if line.part.value == "business"] == ["no_target"]


@pytest.mark.parametrize(("treatment", "total"), [("zero", 38.0), ("full", 98.0)])
def test_the_other_no_target_treatments(treatment: str, total: float) -> None:
    """``zero``: business 0 × 0.6 + 95 × 0.4 = 38; ``full``: 60 + 38 = 98."""
    policy = _with({"business": {"no_target": treatment}})
    s = score_month(MANAGER, JAN, [breach(day=4)], policy, no_target=True)
    assert s.total == pytest.approx(total)
    assert month_total(
        {
            "business": s.business,
            "discipline": s.discipline,
            "basic_work": s.basic_work,
            "training": s.training,
            "no_target": True,
        },
        policy,
    ) == pytest.approx(total)


def test_no_target_with_a_settlement_is_refused(policy: ScoringPolicy) -> None:
    """A month cannot both lack a target and be settled against one."""
    with pytest.raises(EventError, match="without a sales target"):
        score_month(MANAGER, JAN, [on_target()], policy, no_target=True)


def test_large_sales_figures_are_written_plainly_in_notes(policy: ScoringPolicy) -> None:
    """Notes say 1250000, never 1.25e+06."""
    from tests.gql.services.evaluations.rules.factory import sale

    s = score_month(MANAGER, JAN, [sale("amount_yuan", 1_250_000.0, 1_000_000.5, 100)], policy)
    assert "1000000.5 of 1250000" in s.lines[0].note
    assert "e+" not in s.lines[0].note


# -- defect 3: input ranges ------------------------------------------------------------------


def test_an_exam_above_the_full_mark_is_refused_when_recorded(policy: ScoringPolicy) -> None:
    """150/100 and −1 are refused naming ``exam_score``; 100 and 0 are fine."""
    for score in (100.0, 0.0):
        check_event(exam(score), policy)
    with pytest.raises(EventError, match="exam_score") as info:
        check_event(exam(150.0), policy)
    assert info.value.field == "exam_score"


def test_a_leave_of_more_than_366_days_is_refused(policy: ScoringPolicy) -> None:
    """A 400-day leave is a typo; 366 is the longest."""
    check_event(leave(366), policy)
    with pytest.raises(EventError, match="days") as info:
        check_event(leave(400), policy)
    assert info.value.field == "days"


def test_an_overlong_basic_work_item_is_refused(policy: ScoringPolicy) -> None:
    """Free text is bounded."""
    with pytest.raises(EventError, match="item"):
        check_event(check(False, item="x" * 121), policy)


@pytest.mark.parametrize(
    ("day", "leave_", "problem"),
    [
        (date(2031, 1, 5), False, "in the future"),
        (date(1999, 6, 1), False, "before the manager joined"),
        (date(2026, 8, 1), False, "more than 92 days ago"),
        (date(2027, 1, 20), True, "31 days ahead"),
    ],
)
def test_event_dates_are_bounded(
    day: date, leave_: bool, problem: str, policy: ScoringPolicy
) -> None:
    """Not in the future (leave: a month ahead), not before joining, not older than a quarter."""
    with pytest.raises(EventError, match=problem) as info:
        check_event_day(
            day, today=date(2026, 12, 4), joined_on=date(2010, 3, 1), leave=leave_, policy=policy
        )
    assert info.value.field == "occurred_on"


def test_approved_leave_may_be_recorded_ahead(policy: ScoringPolicy) -> None:
    """Leave in three weeks is fine; a breach in three weeks is not."""
    kwargs = {"today": date(2026, 12, 4), "joined_on": date(2010, 3, 1), "policy": policy}
    check_event_day(date(2026, 12, 25), leave=True, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(EventError):
        check_event_day(date(2026, 12, 25), leave=False, **kwargs)  # type: ignore[arg-type]


# -- defect 2: amendments recompute ----------------------------------------------------------

_CLOSED = {
    "policy_version": "2026.1-paper",
    "business": 90.0,
    "discipline": 35.0,
    "basic_work": 40.0,
    "training": 20.0,
    "total": 92.0,
    "void_by_veto": False,
    "dismissal_flag": False,
    "honours_lost": False,
    "target_missed": True,
    "no_target": False,
}


def test_amending_a_part_derives_the_total(policy: ScoringPolicy) -> None:
    """Discipline 35 → 40 moves the total 92 → 94, and the change says so."""
    assert amended_values(ResultKind.MONTH, _CLOSED, {"discipline": 40.0}, policy) == {
        "discipline": 40.0,
        "total": pytest.approx(94.0),
    }


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"total": 150}, "total"),
        ({"total": -5}, "total"),
        ({"business": 250}, "business"),
        ({"discipline": -1}, "discipline"),
        ({"training": 21}, "training"),
        ({"policy_version": "x"}, "policy_version"),
        ({"void_by_veto": "yes"}, "void_by_veto"),
        ({"rank": 1}, "rank"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_out_of_range_or_derived_fields_are_refused(
    changes: dict[str, Any], field: str, policy: ScoringPolicy
) -> None:
    """Every value is range-checked; totals and the policy version are not amendable."""
    with pytest.raises(AmendmentError) as info:
        amended_values(ResultKind.MONTH, _CLOSED, changes, policy)
    assert info.value.field == field


def test_every_problem_of_an_amendment_is_reported_at_once(policy: ScoringPolicy) -> None:
    """Two bad fields, two problems in one message."""
    with pytest.raises(AmendmentError, match=r"business.*training"):
        amended_values(ResultKind.MONTH, _CLOSED, {"business": 101, "training": -2}, policy)


def test_a_veto_amendment_voids_the_total(policy: ScoringPolicy) -> None:
    """Setting the veto flag derives a total of 0."""
    assert amended_values(ResultKind.MONTH, _CLOSED, {"void_by_veto": True}, policy) == {
        "void_by_veto": True,
        "total": 0.0,
    }


def test_an_honour_needs_eligibility(policy: ScoringPolicy) -> None:
    """Years: honour only with eligible; quarters: only ``eliminated`` is amendable."""
    year = {"total": 1000.0, "rank": 2, "eligible": False, "honour": None, "months_served": 12}
    with pytest.raises(AmendmentError, match="eligible"):
        amended_values(ResultKind.YEAR, year, {"honour": "model_worker"}, policy)
    assert amended_values(
        ResultKind.YEAR, year, {"honour": "model_worker", "eligible": True}, policy
    ) == {"honour": "model_worker", "eligible": True}
    with pytest.raises(AmendmentError, match="total"):
        amended_values(ResultKind.QUARTER, {"total": 200.0}, {"total": 250.0}, policy)


# -- defect 10: why a year is not eligible -----------------------------------------------------


def test_ineligibility_names_its_reasons_and_months(policy: ScoringPolicy) -> None:
    """A void March and a flagged May are both named; five months served is named too."""
    months = [Month(2026, m) for m in range(1, 13)]
    scores = [monthly("a", m, 90.0, void=m.month == 3, dismissed=m.month == 5) for m in months]
    scores += [monthly("b", m, 80.0) for m in months[:5]]
    scores += [monthly("c", m, 70.0) for m in months]
    by_id = {s.manager_id: s for s in evaluate_year(2026, scores, policy)}
    a = {i.reason: i.months for i in by_id["a"].ineligible}
    assert a == {
        IneligibilityReason.VOID_MONTH: (Month(2026, 3),),
        IneligibilityReason.DISMISSAL_FLAG: (Month(2026, 5),),
    }
    assert [i.reason for i in by_id["b"].ineligible] == [IneligibilityReason.FEW_MONTHS]
    assert by_id["c"].eligible
    assert by_id["c"].honour_rank == 1
    assert len(by_id["c"].monthly_totals) == 12


# -- defect 10: the policy file, every problem at once ----------------------------------------


def test_a_policy_with_several_problems_lists_every_one() -> None:
    """Three problems, three lines; the first is the error's key."""
    data = _policy_data()
    data["discipline"]["breach_points"] = -5
    data["training"]["exam_pass_mark"] = "eighty"
    data["scope"]["annual_honours"] = "planet"
    with pytest.raises(PolicyError) as info:
        parse_policy(data)
    assert [p.key for p in info.value.problems] == [
        "discipline.breach_points",
        "training.exam_pass_mark",
        "scope.annual_honours",
    ]
    assert len(info.value.lines()) == 3


def test_the_default_policy_ranks_quarters_and_years_company_wide(policy: ScoringPolicy) -> None:
    """Essay 7: marketing holds the quarterly review; one model worker of the unit."""
    assert policy.scope == ScopePolicy("company", "company")
    assert policy.discipline.breach_window == "rolling_12_months"
    assert policy.business.no_target == "quality_only"


# -- issue 14 item 9: goal progress within its range -----------------------------------------


def test_goal_progress_outside_the_declared_range_is_refused() -> None:
    """1e308 is refused; a declared range that excludes the target is refused too."""
    g = Goal("g", "m", "2026", "verified share", "%", 80.0, 95.0, Direction.RAISE)
    assert goal_progress(g, 89.0) == pytest.approx(0.6)
    with pytest.raises(GoalError, match="outside") as info:
        goal_progress(g, 1e308)
    assert info.value.field == "current"
    with pytest.raises(GoalError, match="range"):
        Goal("g", "m", "2026", "visits", "count", 10.0, 20.0, Direction.RAISE, highest=15.0)
    with pytest.raises(GoalError, match="title"):
        Goal("g", "m", "2026", "x" * 121, "count", 10.0, 20.0, Direction.RAISE)


@pytest.mark.parametrize(
    "module",
    [
        "gql.services.evaluations.rules.monthly",
        "gql.services.evaluations.rules.periods",
        "gql.services.evaluations.rules.ranges",
        "gql.services.evaluations.rules.recompute",
        "gql.services.evaluations.rules.goals",
        "gql.services.evaluations.rules.ranking",
    ],
)
def test_the_rules_docstring_examples_hold(module: str) -> None:
    """The examples in the docstrings are executed."""
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted > 0
