"""Quantified goals (essay 4, 3.1–3.3): at most five per manager and period, each measurable.

A goal is measurable when it has a numeric baseline and target that differ, and a direction
(raise or lower the value). Progress is the share of the way from baseline to target, clipped to
[0, 1], so a goal can be tracked the same way whatever its unit. A measured value must lie in the
goal's declared range (``lowest``..``highest``); without one, the range is the goal's span on
either side of it, never below 0 for a goal measured from 0 up, and 0..100 for a ``%`` goal
(ours: a value far outside is a typo, not progress).
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

__all__ = [
    "MAX_GOAL_TITLE_CHARS",
    "MAX_GOAL_UNIT_CHARS",
    "Direction",
    "Goal",
    "check_goals",
    "goal_achievement",
    "goal_progress",
]

MAX_GOAL_TITLE_CHARS = 120
"""Longest goal title."""
MAX_GOAL_UNIT_CHARS = 16
"""Longest unit of a goal's values."""


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
    lowest: float | None = None
    highest: float | None = None

    def __post_init__(self) -> None:
        for name in ("goal_id", "manager_id", "period", "title", "unit"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip():
                raise GoalError(
                    f"goal {name} must be a non-empty string, got {value!r}", field=name
                )
        for name, limit in (("title", MAX_GOAL_TITLE_CHARS), ("unit", MAX_GOAL_UNIT_CHARS)):
            if len(getattr(self, name)) > limit:
                raise GoalError(f"{name}: at most {limit} characters", field=name)
        for name in ("baseline", "target", "lowest", "highest"):
            value = getattr(self, name)
            if value is None and name in ("lowest", "highest"):
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise GoalError(
                    f"goal {self.goal_id}: {name} must be a number, got {value!r}", field=name
                )
            if not math.isfinite(value) or abs(value) > 1e12:
                raise GoalError(
                    f"goal {self.goal_id}: {name} must be finite and within ±1e12, got {value!r}",
                    field=name,
                )
        low, high = self.value_range
        if not low <= min(self.baseline, self.target) <= max(self.baseline, self.target) <= high:
            raise GoalError(
                f"goal {self.goal_id}: the declared range {low:g}..{high:g} must contain the "
                f"baseline and the target",
                field="lowest",
            )
        if not isinstance(self.direction, Direction):
            raise GoalError(f"goal {self.goal_id}: direction must be a Direction")
        raising = self.target > self.baseline
        if self.target == self.baseline or raising != (self.direction is Direction.RAISE):
            raise GoalError(
                f"goal {self.goal_id} is not measurable: target {self.target:g} must be "
                f"{'above' if self.direction is Direction.RAISE else 'below'} "
                f"baseline {self.baseline:g}"
            )

    @property
    def value_range(self) -> tuple[float, float]:
        """The values a measurement may take: declared, or the span on either side.

        Examples
        --------
        >>> Goal("g", "m", "2026", "visits", "count", 10.0, 20.0, Direction.RAISE).value_range
        (0.0, 30.0)
        >>> Goal("g", "m", "2026", "share", "%", 80.0, 95.0, Direction.RAISE).value_range
        (65.0, 100.0)
        """
        low_end, high_end = sorted((self.baseline, self.target))
        span = high_end - low_end
        low = low_end - span
        high = high_end + span
        if low_end >= 0:
            low = max(low, 0.0)
        if self.unit.strip() == "%":
            low, high = max(low, 0.0), min(high, 100.0)
        if self.lowest is not None:
            low = self.lowest
        if self.highest is not None:
            high = self.highest
        return low, high


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
        raise GoalError(
            f"goal {goal.goal_id}: current value must be finite, got {current!r}", field="current"
        )
    low, high = goal.value_range
    if not low <= current <= high:
        raise GoalError(
            f"current: {current:g} is outside the goal's range {low:g}..{high:g}", field="current"
        )
    share = (current - goal.baseline) / (goal.target - goal.baseline)
    return min(1.0, max(0.0, share))


def goal_achievement(progress: Sequence[float]) -> float:
    """Mean progress over a manager's goals; 0 when no goal was set (no goals, no initiative)."""
    if not progress:
        return 0.0
    return sum(progress) / len(progress)
