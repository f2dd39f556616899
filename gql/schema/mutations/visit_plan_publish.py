"""``visitPlanPublish`` and ``visitPlanStopSkip``: a plan onto the handheld, a stop let go."""

from __future__ import annotations

import strawberry

from gql.context import Context
from gql.schema.errors import UserError
from gql.schema.inputs import pk_of
from gql.schema.types.plan_lifecycle import StopProgressType
from gql.schema.types.plans import VisitPlanType

__all__ = [
    "VisitPlanPublishInput",
    "VisitPlanPublishPayload",
    "VisitPlanStopSkipInput",
    "VisitPlanStopSkipPayload",
    "visit_plan_publish",
    "visit_plan_stop_skip",
]


@strawberry.input(description="Publish a draft plan to the manager's handheld.")
class VisitPlanPublishInput:
    """A draft; replacing the day's published plan (a re-plan) needs a reason."""

    id: strawberry.ID = strawberry.field(description="The draft (VisitPlan ID).")
    reason: str = strawberry.field(
        default="", description="Why the day is re-planned; required when a plan is published."
    )


@strawberry.type(description="Result of `visitPlanPublish`.")
class VisitPlanPublishPayload:
    """The published plan and its version, or why not."""

    plan: VisitPlanType | None = strawberry.field(default=None, description="The plan.")
    version: int | None = strawberry.field(default=None, description="Its version that day.")
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing was published."
    )


@strawberry.input(description="A stop of the published plan the manager will not visit.")
class VisitPlanStopSkipInput:
    """The stop and the manager's reason."""

    plan_stop_id: strawberry.ID = strawberry.field(description="The stop (PlanStop ID).")
    reason: str = strawberry.field(description="Why, e.g. 'shop closed for renovation'.")


@strawberry.type(description="Result of `visitPlanStopSkip`.")
class VisitPlanStopSkipPayload:
    """The stop's new state, or why not."""

    stop: StopProgressType | None = strawberry.field(default=None, description="The stop.")
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing was recorded."
    )


def visit_plan_publish(
    info: strawberry.Info[Context, None], input: VisitPlanPublishInput
) -> VisitPlanPublishPayload:
    """Publish (managers, their heads, marketing)."""
    plan, version = info.context.plan_lifecycle.publish(
        pk_of(input.id, "VisitPlan", ("plan_id",)), input.reason
    )
    return VisitPlanPublishPayload(plan=VisitPlanType.from_domain(plan), version=version)


def visit_plan_stop_skip(
    info: strawberry.Info[Context, None], input: VisitPlanStopSkipInput
) -> VisitPlanStopSkipPayload:
    """Skip a stop (the manager, or their heads on their behalf)."""
    stop = info.context.plan_lifecycle.skip(
        pk_of(input.plan_stop_id, "PlanStop", ("stop_id",)), input.reason
    )
    return VisitPlanStopSkipPayload(stop=StopProgressType.from_domain(stop))
