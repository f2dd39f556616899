"""``goalSet`` and ``goalTrack``: quantified goals (at most five per period) and progress."""

from __future__ import annotations

import strawberry

from gql.context import Context
from gql.schema.errors import UserError
from gql.schema.inputs import pk_of
from gql.schema.types.audit_enums import DirectionEnum
from gql.schema.types.scores import GoalType
from gql.services.evaluations import rules as scoring
from gql.services.evaluations.performance import GoalCommand

__all__ = ["GoalPayload", "GoalSetInput", "GoalTrackInput", "goal_set", "goal_track"]


@strawberry.input(description="A measurable goal: numeric baseline and target, and a direction.")
class GoalSetInput:
    """The goal."""

    manager_id: strawberry.ID = strawberry.field(description="The manager.")
    period: str = strawberry.field(description="2026-10, 2026-Q4 or 2026.")
    title: str = strawberry.field(description="What is measured (at most 120 characters).")
    unit: str = strawberry.field(description="Unit, e.g. % or cartons (at most 16 characters).")
    baseline: float = strawberry.field(description="Starting value.")
    target: float = strawberry.field(description="Value to reach.")
    direction: DirectionEnum = strawberry.field(description="Raise or lower.")
    lowest: float | None = strawberry.field(
        default=None,
        description="Lowest value a measurement may take; default: the goal's span below it "
        "(not below 0 for a goal measured from 0 up; 0 for a % goal).",
    )
    highest: float | None = strawberry.field(
        default=None,
        description="Highest value a measurement may take; default: the span above it (100 "
        "for a % goal).",
    )


@strawberry.input(description="The latest measured value of a goal.")
class GoalTrackInput:
    """Progress."""

    goal_id: strawberry.ID = strawberry.field(description="The goal.")
    current: float = strawberry.field(description="Measured value, within the goal's range.")


@strawberry.type(description="Result of `goalSet` / `goalTrack`.")
class GoalPayload:
    """The goal, or why not."""

    goal: GoalType | None = strawberry.field(default=None, description="The goal.")
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing changed."
    )


def goal_set(info: strawberry.Info[Context, None], input: GoalSetInput) -> GoalPayload:
    """Add a goal for a manager and period."""
    view = info.context.performance.set_goal(
        GoalCommand(
            manager_id=pk_of(input.manager_id, "Manager", ("manager_id",)),
            period=input.period,
            title=input.title,
            unit=input.unit,
            baseline=input.baseline,
            target=input.target,
            direction=scoring.Direction(input.direction),
            lowest=input.lowest,
            highest=input.highest,
        )
    )
    return GoalPayload(goal=GoalType.from_domain(view))


def goal_track(info: strawberry.Info[Context, None], input: GoalTrackInput) -> GoalPayload:
    """Record a goal's latest value."""
    view = info.context.performance.track_goal(
        pk_of(input.goal_id, "Goal", ("goal_id",)), input.current
    )
    return GoalPayload(goal=GoalType.from_domain(view))
