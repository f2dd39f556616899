"""Quarterly totals, ranking with ties, elimination flags and the joiner rule (第十条)."""

from __future__ import annotations

from datetime import date

import pytest

from gql.services.evaluations.rules import (
    EliminationReason,
    Month,
    MonthlyScore,
    PeriodError,
    Quarter,
    QuarterEvaluation,
    QuarterStanding,
    ScoringPolicy,
    evaluate_quarter,
    target_missed_streaks,
)
from tests.gql.services.evaluations.rules.factory import monthly

Q1 = Quarter(2026, 1)
JAN, FEB, MAR = Q1.months


def _by_id(ev: QuarterEvaluation) -> dict[str, QuarterStanding]:
    return {s.manager_id: s for s in ev.standings}


def _department(
    totals: dict[str, tuple[float | None, float | None, float | None]],
) -> list[MonthlyScore]:
    return [
        monthly(m, month, t)
        for m, ts in totals.items()
        for month, t in zip(Q1.months, ts, strict=True)
        if t is not None
    ]


def test_quarter_totals_rank_with_ties_and_flag_the_two_lowest(policy: ScoringPolicy) -> None:
    """Totals are summed, ties share the rank, the two lowest eligible totals are flagged."""
    scores = _department(
        {
            "A": (90, 92, 94),  # 276
            "B": (80, 80, 80),  # 240
            "C": (70, 75, 71),  # 216
            "D": (71, 74, 71),  # 216, tied with C
            "E": (None, 85, 87),  # joined in February: (85 + 87) / 2 × 3 = 258
            "F": (None, None, 50),  # joined in March: 50 × 3 = 150, provisional
        }
    )
    ev = evaluate_quarter(Q1, scores, policy)
    s = _by_id(ev)
    assert {m: s[m].total for m in s} == pytest.approx(
        {"A": 276, "B": 240, "C": 216, "D": 216, "E": 258, "F": 150}
    )
    # descending: A 1, E 2, B 3, C and D tie at 4, F 6 (competition ranking, "1224")
    assert {m: s[m].rank for m in s} == {"A": 1, "E": 2, "B": 3, "C": 4, "D": 4, "F": 6}
    assert [x.manager_id for x in ev.standings] == ["A", "E", "B", "C", "D", "F"]
    # F (one month) is provisional and kept out of the cut; the two lowest others are C and D
    assert s["F"].provisional
    assert s["F"].months_served == 1
    flagged = {m for m in s if s[m].eliminations}
    assert flagged == {"C", "D"}
    assert s["C"].eliminations[0].reason is EliminationReason.LOWEST_QUARTERLY_TOTAL
    assert not s["C"].eliminations[0].tied_at_cut
    assert ev.review_deadline == date(2026, 4, 7)


def test_a_tie_at_the_elimination_cut_flags_everyone_tied(policy: ScoringPolicy) -> None:
    """Three managers tie for lowest: all three are flagged and marked as tied at the cut."""
    scores = _department(
        {"A": (90, 90, 90), "B": (70, 70, 70), "C": (70, 70, 70), "D": (70, 70, 70)}
    )
    s = _by_id(evaluate_quarter(Q1, scores, policy))
    flagged = {m for m in s if s[m].eliminations}
    assert flagged == {"B", "C", "D"}
    assert all(s[m].eliminations[0].tied_at_cut for m in flagged)


def test_no_one_is_cut_when_the_group_is_no_larger_than_the_cut(policy: ScoringPolicy) -> None:
    """With two eligible managers, "the two lowest" would be everyone: nobody is flagged."""
    scores = _department({"A": (90, 90, 90), "B": (50, 50, 50), "C": (None, None, 10)})
    s = _by_id(evaluate_quarter(Q1, scores, policy))
    assert all(not s[m].eliminations for m in s)


def test_scores_within_rounding_noise_are_a_tie(policy: ScoringPolicy) -> None:
    """92.001 and 91.999 both round to 92.00 and share the rank."""
    scores = _department({"A": (92.001, 92, 92), "B": (91.999, 92, 92), "C": (10, 10, 10)})
    s = _by_id(evaluate_quarter(Q1, scores, policy))
    assert s["A"].rank == s["B"].rank == 1
    assert s["C"].rank == 3


def test_target_missed_two_months_running_is_flagged(policy: ScoringPolicy) -> None:
    """February and March missed → flagged; January and March (not running) → not."""
    scores = [
        monthly("A", JAN, 95),
        monthly("A", FEB, 95, target_missed=True),
        monthly("A", MAR, 95, target_missed=True),
        monthly("B", JAN, 95, target_missed=True),
        monthly("B", FEB, 95),
        monthly("B", MAR, 95, target_missed=True),
        monthly("C", JAN, 10),
        monthly("C", FEB, 10),
        monthly("C", MAR, 10),
    ]
    policy_no_cut = policy
    s = _by_id(evaluate_quarter(Q1, scores, policy_no_cut))
    reasons_a = [e.reason for e in s["A"].eliminations]
    assert EliminationReason.TARGET_MISSED_RUNNING in reasons_a
    assert s["A"].eliminations[-1].months == (FEB, MAR)
    assert EliminationReason.TARGET_MISSED_RUNNING not in [e.reason for e in s["B"].eliminations]


def test_a_streak_across_the_quarter_boundary_is_seen(policy: ScoringPolicy) -> None:
    """December (previous quarter) and January missed → flagged in Q1; December's total unused."""
    dec = Month(2025, 12)
    scores = [
        monthly("A", dec, 0, target_missed=True),
        monthly("A", JAN, 90, target_missed=True),
        monthly("A", FEB, 90),
        monthly("A", MAR, 90),
    ]
    (a,) = evaluate_quarter(Q1, scores, policy).standings
    assert a.total == pytest.approx(270.0)
    assert [(e.reason, e.months) for e in a.eliminations] == [
        (EliminationReason.TARGET_MISSED_RUNNING, (dec, JAN))
    ]


def test_a_streak_wholly_before_the_quarter_is_not_flagged_again(policy: ScoringPolicy) -> None:
    """Only December missed before Q1: a one-month run is not a streak."""
    scores = [monthly("A", Month(2025, 12), 0, target_missed=True), monthly("A", JAN, 90)]
    (a,) = evaluate_quarter(Q1, scores, policy).standings
    assert a.eliminations == ()


def test_target_missed_streaks_finds_maximal_runs() -> None:
    """Runs are maximal and calendar-consecutive, across the year end."""
    ms = [Month(2025, 11), Month(2025, 12), Month(2026, 1), Month(2026, 3), Month(2026, 4)]
    scores = [monthly("A", m, 50, target_missed=True) for m in ms]
    assert target_missed_streaks(scores, months_running=2) == (
        (Month(2025, 11), Month(2025, 12), Month(2026, 1)),
        (Month(2026, 3), Month(2026, 4)),
    )


def test_results_of_the_wrong_period_or_policy_are_rejected(policy: ScoringPolicy) -> None:
    """Mixing quarters, duplicating a month or mixing policy versions is an error."""
    with pytest.raises(PeriodError, match="outside 2026-Q1"):
        evaluate_quarter(Q1, [monthly("A", Month(2026, 4), 90)], policy)
    with pytest.raises(PeriodError, match="two results"):
        evaluate_quarter(Q1, [monthly("A", JAN, 90), monthly("A", JAN, 80)], policy)
    with pytest.raises(PeriodError, match="used policy"):
        evaluate_quarter(Q1, [monthly("A", JAN, 90, version="old")], policy)
