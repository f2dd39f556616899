"""Worked examples of the monthly score (R7.1–R7.3, essay 7 第八条), computed by hand."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gql.services.evaluations.rules import (
    AuditFinding,
    AuditFindingKind,
    BreachKind,
    DismissalReason,
    EventError,
    Month,
    MonthlyScore,
    Part,
    ScoreEvent,
    ScoreLine,
    ScoringPolicy,
    score_month,
)
from tests.gql.services.evaluations.rules.factory import (
    JAN,
    MANAGER,
    breach,
    check,
    common,
    complaint,
    exam,
    leave,
    on_target,
    practical,
    sale,
    veto,
)

if TYPE_CHECKING:
    from collections.abc import Callable


def _lines(score: MonthlyScore, rule: str) -> list[ScoreLine]:
    return [line for line in score.lines if line.rule == rule]


def test_clean_month_scores_capped_sales_completion_and_full_quality(policy: ScoringPolicy) -> None:
    """Business is Σ item points × completion (capped at 100 %), quality full marks."""
    events = [
        sale("volume", target=1000, actual=900, points=70),  # 70 × 0.9 = 63
        sale("structure", target=50, actual=60, points=30),  # 30 × min(1.2, 1) = 30
    ]
    s = score_month(MANAGER, JAN, events, policy)
    # business 93 × 0.6 = 55.8; quality (40 + 40 + 20) × 0.4 = 40; total 95.8
    assert s.business == pytest.approx(93.0)
    assert s.quality == pytest.approx(100.0)
    assert s.total == pytest.approx(95.8)
    assert s.target_missed  # volume at 90 % < 100 %
    assert not s.dismissal_flag
    assert not s.void_by_veto
    assert s.policy_version == policy.version
    assert s.review_deadline == date(2026, 2, 3)  # within three days after 31 January


def test_each_deduction_of_the_paper_is_applied_once_with_its_event(policy: ScoringPolicy) -> None:
    """−5 per breach, −10 per subjective complaint, −5 per basic item, −10 per failed training."""
    b = breach()
    c1 = complaint(subjective=True)
    c2 = complaint(subjective=False)
    k1, k2, k3 = check(passed=False), check(passed=False), check(passed=True)
    e1, e2, p1 = exam(75), exam(85), practical(passed=False)
    s = score_month(MANAGER, JAN, [on_target(), b, c1, c2, k1, k2, k3, e1, e2, p1], policy)
    # discipline 40 − 5 − 10 = 25; basic work 40 − 5 − 5 = 30; training 20 − 10 − 10 = 0
    # total = 100 × 0.6 + (25 + 30 + 0) × 0.4 = 60 + 22 = 82
    assert (s.discipline, s.basic_work, s.training) == (25.0, 30.0, 0.0)
    assert s.total == pytest.approx(82.0)
    assert not s.target_missed
    cited = {line.event_ids for line in s.lines if line.points < 0}
    assert cited == {
        (b.event_id,),
        (c1.event_id,),
        (k1.event_id,),
        (k2.event_id,),
        (e1.event_id,),
        (p1.event_id,),
    }
    assert [line.points for line in _lines(s, "complaint_not_subjective")] == [0.0]
    assert not s.dismissal_flag


def test_deductions_stop_at_the_floor_of_zero_and_say_so(policy: ScoringPolicy) -> None:
    """Basic work and training are floored at 0; the line that crosses is cut to what was left."""
    checks = [check(passed=False, day=d) for d in range(1, 10)]  # 9 × −5 = −45 nominal
    trainings = [exam(50, day=1), exam(60, day=2), practical(False, day=3)]  # 3 × −10 nominal
    s = score_month(MANAGER, JAN, [on_target(), *checks, *trainings], policy)
    # basic work: 8 items take 40, the 9th takes 0; training: 2 take 20, the 3rd takes 0
    assert s.basic_work == 0.0
    assert s.training == 0.0
    basic = [line.points for line in _lines(s, "basic_work_item")]
    assert basic == [-5.0] * 8 + [0.0]
    assert "floor of 0" in _lines(s, "basic_work_item")[-1].note
    assert [line.points for line in _lines(s, "practical_failed")] == [0.0]
    # total = 60 + (40 + 0 + 0) × 0.4 = 76
    assert s.total == pytest.approx(76.0)


def test_three_subjective_complaints_flag_dismissal_and_floor_discipline(
    policy: ScoringPolicy,
) -> None:
    """Five subjective complaints: −10 ×4 reach 0, the fifth takes nothing; dismissal flagged."""
    cs = [complaint(day=d) for d in range(1, 6)]
    s = score_month(MANAGER, JAN, [on_target(), *cs], policy)
    assert s.discipline == 0.0
    assert [line.points for line in _lines(s, "complaint")] == [-10.0] * 4 + [0.0]
    (d,) = s.dismissals
    assert d.reason is DismissalReason.COMPLAINT_LIMIT
    assert d.event_ids == tuple(c.event_id for c in cs)
    # total = 60 + (0 + 40 + 20) × 0.4 = 84: dismissal is a flag, not extra points
    assert s.total == pytest.approx(84.0)


def test_an_exam_at_exactly_the_pass_mark_costs_nothing(policy: ScoringPolicy) -> None:
    """低于80分 is strictly below: 80 passes, 79.5 fails."""
    s = score_month(MANAGER, JAN, [on_target(), exam(80), exam(79.5)], policy)
    assert s.training == 10.0
    assert len(_lines(s, "exam_below_pass")) == 1


def test_two_subjective_complaints_do_not_flag_dismissal(policy: ScoringPolicy) -> None:
    """The complaint threshold is three, not two."""
    s = score_month(MANAGER, JAN, [on_target(), complaint(), complaint()], policy)
    assert s.discipline == 20.0
    assert not s.dismissal_flag


def test_third_breach_zeroes_discipline_and_flags_dismissal(policy: ScoringPolicy) -> None:
    """Three ordinary breaches: −5 ×3 = 25 left, then the breach-limit line takes the 25."""
    bs = [breach(day=d) for d in (3, 5, 7)]
    s = score_month(MANAGER, JAN, [on_target(), *bs], policy)
    assert s.discipline == 0.0
    (limit,) = _lines(s, "breach_limit")
    assert limit.points == -25.0
    assert limit.weighted_points == pytest.approx(-10.0)  # −25 × 0.4
    assert limit.event_ids == tuple(b.event_id for b in bs)
    assert [d.reason for d in s.dismissals] == [DismissalReason.BREACH_LIMIT]
    # total = 60 + (0 + 40 + 20) × 0.4 = 84
    assert s.total == pytest.approx(84.0)


@pytest.mark.parametrize("kind", sorted(set(BreachKind) - {BreachKind.ORDINARY}))
def test_a_single_grave_breach_zeroes_discipline_and_flags_dismissal(
    policy: ScoringPolicy, kind: BreachKind
) -> None:
    """Gifts, private use of tobacco, private business and leaving post: item 0 at once."""
    g = breach(kind)
    s = score_month(MANAGER, JAN, [on_target(), g], policy)
    assert s.discipline == 0.0
    assert _lines(s, "grave_breach")[0].points == -40.0
    assert [(d.reason, d.event_ids) for d in s.dismissals] == [
        (DismissalReason.GRAVE_BREACH, (g.event_id,))
    ]


def test_leave_over_fifteen_days_at_once_flags_dismissal_but_fifteen_does_not(
    policy: ScoringPolicy,
) -> None:
    """A 16-day leave is over the limit; 15 days is not; leave costs no points."""
    long = leave(16)
    s = score_month(MANAGER, JAN, [on_target(), long], policy)
    assert [(d.reason, d.event_ids) for d in s.dismissals] == [
        (DismissalReason.LONG_LEAVE, (long.event_id,))
    ]
    assert s.total == pytest.approx(100.0)
    assert not score_month(MANAGER, JAN, [on_target(), leave(15)], policy).dismissal_flag


def test_three_leaves_in_a_month_flag_dismissal_but_two_do_not(policy: ScoringPolicy) -> None:
    """一个月中累计请假达三次 → dismissal flag."""
    two = score_month(MANAGER, JAN, [on_target(), leave(1, day=2), leave(1, day=9)], policy)
    assert not two.dismissal_flag
    three = score_month(
        MANAGER, JAN, [on_target(), leave(1, day=2), leave(1, day=9), leave(2, day=20)], policy
    )
    assert [d.reason for d in three.dismissals] == [DismissalReason.FREQUENT_LEAVE]


def test_compliance_veto_voids_the_month_and_flags_dismissal(policy: ScoringPolicy) -> None:
    """A proven violation with bad effect: total 0, void, honours lost, dismissal flagged."""
    v = veto(bad_effect=True)
    s = score_month(MANAGER, JAN, [on_target(), breach(), v], policy)
    # before the veto: 60 + (35 + 40 + 20) × 0.4 = 98; the veto line takes the 98
    (line,) = _lines(s, "compliance_veto")
    assert line.part is Part.VETO
    assert line.weighted_points == pytest.approx(-98.0)
    assert line.event_ids == (v.event_id,)
    assert s.total == 0.0
    assert sum(x.weighted_points for x in s.lines) == pytest.approx(0.0)
    assert s.void_by_veto
    assert s.honours_lost
    assert [d.reason for d in s.dismissals] == [DismissalReason.COMPLIANCE_VETO]
    assert s.discipline == 35.0  # the breakdown stays visible in the file


def test_veto_without_bad_effect_voids_the_month_without_dismissal(policy: ScoringPolicy) -> None:
    """一票否决 voids the period; dismissal needs 造成负面影响."""
    s = score_month(MANAGER, JAN, [on_target(), veto(bad_effect=False)], policy)
    assert s.total == 0.0
    assert s.void_by_veto
    assert not s.dismissal_flag


def test_audit_findings_deduct_basic_work_per_the_policy(policy: ScoringPolicy) -> None:
    """Each audit finding costs the basic-work points the policy maps it to."""
    findings = [AuditFinding(**common(), kind=kind, audit_id="a-1") for kind in AuditFindingKind]
    s = score_month(MANAGER, JAN, [on_target(), *findings], policy)
    assert s.basic_work == 40.0 - 15.0
    assert {line.event_ids[0] for line in _lines(s, "audit_finding")} == {
        f.event_id for f in findings
    }


def test_event_order_does_not_change_the_score_or_its_lines(policy: ScoringPolicy) -> None:
    """Events are applied chronologically whatever order the caller passes them in."""
    events = [on_target(), *[check(False, day=d) for d in range(1, 11)], breach(), complaint()]
    a = score_month(MANAGER, JAN, events, policy)
    shuffled = list(events)
    random.Random(3).shuffle(shuffled)
    assert score_month(MANAGER, JAN, shuffled, policy) == a


def test_events_of_another_manager_or_month_are_rejected(policy: ScoringPolicy) -> None:
    """Passing the wrong events is a caller bug and gets a specific error."""
    with pytest.raises(EventError, match="not 'm-001'"):
        score_month(MANAGER, JAN, [on_target(), breach(manager="m-002")], policy)
    with pytest.raises(EventError, match="outside 2026-01"):
        score_month(MANAGER, JAN, [on_target(), breach(month=Month(2026, 2))], policy)


def test_missing_duplicate_or_inconsistent_settlements_are_rejected(policy: ScoringPolicy) -> None:
    """The business part needs the month's items, each once, summing to 100 points."""
    with pytest.raises(EventError, match="no sales settlement"):
        score_month(MANAGER, JAN, [breach()], policy)
    with pytest.raises(EventError, match="expected 100"):
        score_month(MANAGER, JAN, [sale("volume", 100, 100, 60)], policy)
    with pytest.raises(EventError, match="settled twice"):
        score_month(MANAGER, JAN, [sale("v", 1, 1, 50), sale("v", 1, 1, 50)], policy)
    e = on_target()
    with pytest.raises(EventError, match="duplicate event_id"):
        score_month(MANAGER, JAN, [e, replace(breach(), event_id=e.event_id)], policy)


def test_exam_score_above_the_full_mark_is_rejected(policy: ScoringPolicy) -> None:
    """An exam of 120 out of 100 is a data error, not a pass."""
    with pytest.raises(EventError, match="above the full mark"):
        score_month(MANAGER, JAN, [on_target(), exam(120)], policy)


_event_makers = st.sampled_from(
    [
        lambda d: breach(day=d),
        lambda d: breach(BreachKind.GIFTS, day=d),
        lambda d: complaint(True, day=d),
        lambda d: complaint(False, day=d),
        lambda d: check(False, day=d),
        lambda d: check(True, day=d),
        lambda d: exam(70, day=d),
        lambda d: exam(90, day=d),
        lambda d: practical(False, day=d),
        lambda d: leave(3, day=d),
        lambda d: veto(True, day=d),
    ]
)


@settings(max_examples=150, deadline=None)
@given(
    makers=st.lists(st.tuples(_event_makers, st.integers(1, 28)), max_size=25),
    actual=st.floats(0, 2000),
)
def test_lines_always_sum_to_the_total_and_parts_stay_in_range(
    policy: ScoringPolicy,
    makers: list[tuple[Callable[[int], ScoreEvent], int]],
    actual: float,
) -> None:
    """Provenance is complete: Σ weighted lines = total; parts within [0, full]; total ≤ 100."""
    events = [sale("volume", 1000, actual, 100), *(make(day) for make, day in makers)]
    s = score_month(MANAGER, JAN, events, policy)
    assert sum(line.weighted_points for line in s.lines) == pytest.approx(s.total, abs=1e-9)
    assert 0.0 <= s.discipline <= 40.0
    assert 0.0 <= s.basic_work <= 40.0
    assert 0.0 <= s.training <= 20.0
    assert 0.0 <= s.total <= 100.0 + 1e-9
    assert all(line.event_ids for line in s.lines if line.rule != "full_points")
