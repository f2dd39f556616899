"""Annual ranking and honours: 1 model worker, 2nd and 3rd advanced workers (第十条)."""

from __future__ import annotations

import pytest

from gql.services.evaluations.rules import (
    Honour,
    Month,
    MonthlyScore,
    PeriodError,
    ScoringPolicy,
    evaluate_year,
)
from tests.gql.services.evaluations.rules.factory import monthly


def _year(
    manager: str, total: float, months: range = range(1, 13), *, dismissed: bool = False
) -> list[MonthlyScore]:
    return [monthly(manager, Month(2026, m), total, dismissed=dismissed) for m in months]


def test_honours_go_to_the_top_three_with_ties_sharing(policy: ScoringPolicy) -> None:
    """Two tied first are both model workers; the next is 3rd and an advanced worker."""
    scores = [*_year("A", 95), *_year("B", 95), *_year("C", 90), *_year("D", 85), *_year("E", 80)]
    st = {s.manager_id: s for s in evaluate_year(2026, scores, policy)}
    # totals: A = B = 95 × 12 = 1140, C 1080, D 1020, E 960; ranks 1, 1, 3, 4, 5
    assert st["A"].total == pytest.approx(1140.0)
    assert {m: st[m].rank for m in st} == {"A": 1, "B": 1, "C": 3, "D": 4, "E": 5}
    assert {m: st[m].honour for m in st} == {
        "A": Honour.MODEL_WORKER,
        "B": Honour.MODEL_WORKER,
        "C": Honour.ADVANCED_WORKER,
        "D": None,
        "E": None,
    }


def test_a_voided_or_dismissed_manager_is_ranked_but_gets_no_honour(
    policy: ScoringPolicy,
) -> None:
    """Honours pass to the next eligible manager; the overall rank is unchanged."""
    a = _year("A", 99)
    a[5] = monthly("A", Month(2026, 6), 0, void=True)  # one month void by veto
    scores = [
        *a,
        *_year("B", 95, dismissed=True),
        *_year("C", 90),
        *_year("D", 85),
        *_year("E", 80),
    ]
    st = {s.manager_id: s for s in evaluate_year(2026, scores, policy)}
    # A: 99 × 11 = 1089 (rank 2 behind B's 1140), ineligible; B ineligible (dismissal flag)
    assert st["A"].total == pytest.approx(1089.0)
    assert (st["B"].rank, st["A"].rank) == (1, 2)
    assert not st["A"].eligible
    assert not st["B"].eligible
    assert st["C"].honour is Honour.MODEL_WORKER
    assert st["D"].honour is Honour.ADVANCED_WORKER
    assert st["E"].honour is Honour.ADVANCED_WORKER


def test_a_mid_year_joiner_is_prorated_and_needs_six_months_for_honours(
    policy: ScoringPolicy,
) -> None:
    """Joined in August (5 months at 100): 100 × 12 = 1200, rank 1, but not eligible."""
    scores = [*_year("J", 100, range(8, 13)), *_year("K", 100, range(7, 13)), *_year("L", 70)]
    st = {s.manager_id: s for s in evaluate_year(2026, scores, policy)}
    assert st["J"].total == pytest.approx(1200.0)
    assert st["J"].months_served == 5
    assert st["J"].rank == 1
    assert not st["J"].eligible
    assert st["J"].honour is None
    assert st["K"].honour is Honour.MODEL_WORKER  # 6 months: eligible
    assert st["L"].honour is Honour.ADVANCED_WORKER


def test_results_of_another_year_are_rejected(policy: ScoringPolicy) -> None:
    """A 2025 month in the 2026 ranking is an error."""
    with pytest.raises(PeriodError, match="outside 2026"):
        evaluate_year(2026, [monthly("A", Month(2025, 12), 90)], policy)
