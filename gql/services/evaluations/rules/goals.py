"""Quantified goals (essay 4, 3.1–3.3): at most five per manager and period, each measurable.

A goal is measurable when it has a numeric baseline and target that differ, and a direction
(raise or lower the value). Progress is the share of the way from baseline to target, clipped to
[0, 1], so a goal can be tracked the same way whatever its unit.
"""

from __future__ import annotations

import enum
import math
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gql.services.evaluations.rules.errors import GoalError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from gql.services.evaluations.rules.policy import ScoringPolicy

__all__ = ["Direction", "Goal", "check_goals", "goal_achievement", "goal_progress"]


class Direction(enum.StrEnum):
    """Whether the goal is met by raising or by lowering the value."""

    RAISE = "raise"
    LOWER = "lower"


@dataclass(frozen=True, slots=True)
class Goal:
    """One quantified goal of a manager for a period (e.g. ``"2026-Q1"``)."""

    goal_id: str
    manager_id: str
    period: str
    title: str
    unit: str
    baseline: float
    target: float
    direction: Direction

    def __post_init__(self) -> None:
        for name in ("goal_id", "manager_id", "period", "title", "unit"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise GoalError(f"goal {name} must be a non-empty string, got {value!r}")
        for name in ("baseline", "target"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise GoalError(f"goal {self.goal_id}: {name} must be a number, got {value!r}")
            if not math.isfinite(value):
                raise GoalError(f"goal {self.goal_id}: {name} must be finite, got {value!r}")
        if not isinstance(self.direction, Direction):
            raise GoalError(f"goal {self.goal_id}: direction must be a Direction")
        raising = self.target > self.baseline
        if self.target == self.baseline or raising != (self.direction is Direction.RAISE):
            raise GoalError(
                f"goal {self.goal_id} is not measurable: target {self.target:g} must be "
                f"{'above' if self.direction is Direction.RAISE else 'below'} "
                f"baseline {self.baseline:g}"
            )


def check_goals(goals: Sequence[Goal], policy: ScoringPolicy) -> None:
    """Reject a goal set with duplicate ids or too many goals for a manager and period.

    Raises
    ------
    GoalError
        Naming the manager and period that has more than ``policy.goals.max_per_period``.
    """
    ids = Counter(g.goal_id for g in goals)
    dupes = sorted(i for i, n in ids.items() if n > 1)
    if dupes:
        raise GoalError(f"duplicate goal ids: {dupes}")
    per = Counter((g.manager_id, g.period) for g in goals)
    limit = policy.goals.max_per_period
    for (manager, period), n in sorted(per.items()):
        if n > limit:
            raise GoalError(f"{manager} has {n} goals for {period}; at most {limit} allowed")


def goal_progress(goal: Goal, current: float) -> float:
    """Share of the way from baseline to target reached by ``current``, clipped to [0, 1].

    Examples
    --------
    >>> g = Goal("g1", "m1", "2026-Q1", "verified visits", "%", 80.0, 95.0, Direction.RAISE)
    >>> goal_progress(g, 89.0)
    0.6
    """
    if isinstance(current, bool) or not math.isfinite(current):
        raise GoalError(f"goal {goal.goal_id}: current value must be finite, got {current!r}")
    share = (current - goal.baseline) / (goal.target - goal.baseline)
    return min(1.0, max(0.0, share))


def goal_achievement(progress: Sequence[float]) -> float:
    """Mean progress over a manager's goals; 0 when no goal was set (no goals, no initiative)."""
    if not progress:
        return 0.0
    return sum(progress) / len(progress)
