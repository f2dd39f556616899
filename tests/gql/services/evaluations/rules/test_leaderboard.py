"""Daily results and the leaderboard (essay 8)."""

from __future__ import annotations

from datetime import date

import pytest

from gql.services.evaluations.rules import DailyResult, EventError, Metric, leaderboard

D1, D2 = date(2026, 3, 2), date(2026, 3, 3)
RESULTS = [
    DailyResult("a", D1, 20, 18, 5000.0),
    DailyResult("b", D1, 20, 18, 7000.0),
    DailyResult("c", D1, 10, 10, 1000.0),
    DailyResult("a", D2, 20, 20, 100.0),
    DailyResult("c", D2, 10, 0, 0.0),
]


def test_daily_board_ranks_verified_visits_with_ties() -> None:
    """Day 1: a and b 18 verified (rank 1), c 10 (rank 3)."""
    board = leaderboard(RESULTS, first_day=D1, last_day=D1)
    assert [(e.rank, e.manager_id, e.value) for e in board] == [
        (1, "a", 18.0),
        (1, "b", 18.0),
        (3, "c", 10.0),
    ]


def test_range_board_sums_days_and_ranks_by_the_chosen_metric() -> None:
    """Two days: verified share a 38/40 = 0.95, b 18/20 = 0.9, c 10/20 = 0.5; sales b first."""
    share = leaderboard(RESULTS, first_day=D1, last_day=D2, metric=Metric.VERIFIED_SHARE)
    assert [(e.manager_id, round(e.value, 3)) for e in share] == [
        ("a", 0.95),
        ("b", 0.9),
        ("c", 0.5),
    ]
    sales = leaderboard(RESULTS, first_day=D1, last_day=D2, metric=Metric.SALES_AMOUNT)
    assert [e.manager_id for e in sales] == ["b", "a", "c"]


def test_bad_daily_inputs_are_rejected() -> None:
    """Negative counts, duplicate days and an inverted range are errors."""
    with pytest.raises(EventError, match="visits_verified"):
        DailyResult("a", D1, 1, -1, 0.0)
    with pytest.raises(EventError, match="two results"):
        leaderboard([RESULTS[0], RESULTS[0]], first_day=D1, last_day=D1)
    with pytest.raises(EventError, match="before first_day"):
        leaderboard(RESULTS, first_day=D2, last_day=D1)
