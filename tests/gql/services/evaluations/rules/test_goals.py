"""Goals: at most five per manager and period, each measurable, with tracked progress."""

from __future__ import annotations

import pytest

from gql.services.evaluations.rules import (
    Direction,
    Goal,
    GoalError,
    ScoringPolicy,
    check_goals,
    goal_achievement,
    goal_progress,
)


def _goal(i: int, manager: str = "m", period: str = "2026-Q1") -> Goal:
    return Goal(
        f"g{i}-{manager}-{period}", manager, period, f"goal {i}", "%", 50.0, 80.0, Direction.RAISE
    )


def test_five_goals_are_accepted_and_a_sixth_is_rejected(policy: ScoringPolicy) -> None:
    """目标项目一般不要超五项: the limit is per manager and period."""
    five = [_goal(i) for i in range(5)]
    others = [_goal(i, manager="n") for i in range(5)] + [_goal(9, period="2026-Q2")]
    check_goals(five + others, policy)
    with pytest.raises(GoalError, match="m has 6 goals for 2026-Q1"):
        check_goals([*five, _goal(5)], policy)


def test_a_goal_must_be_measurable() -> None:
    """Target equal to baseline, or on the wrong side for its direction, is rejected."""
    with pytest.raises(GoalError, match="not measurable"):
        Goal("g", "m", "p", "t", "%", 50.0, 50.0, Direction.RAISE)
    with pytest.raises(GoalError, match="not measurable"):
        Goal("g", "m", "p", "t", "%", 50.0, 40.0, Direction.RAISE)
    with pytest.raises(GoalError, match="finite"):
        Goal("g", "m", "p", "t", "%", 50.0, float("inf"), Direction.RAISE)


def test_progress_is_the_share_of_the_way_to_target_clipped() -> None:
    """Raise 50→80 at 65 is 0.5; lower 10→4 at 7 is 0.5; overshoot clips to 1, regress to 0."""
    up = Goal("g", "m", "p", "verified visits", "%", 50.0, 80.0, Direction.RAISE)
    down = Goal("h", "m", "p", "complaints", "count", 10.0, 4.0, Direction.LOWER)
    assert goal_progress(up, 65.0) == pytest.approx(0.5)
    assert goal_progress(down, 7.0) == pytest.approx(0.5)
    assert goal_progress(up, 95.0) == 1.0
    assert goal_progress(down, 12.0) == 0.0
    assert goal_achievement([0.5, 1.0, 0.0]) == pytest.approx(0.5)
    assert goal_achievement([]) == 0.0
