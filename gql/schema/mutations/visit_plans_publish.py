"""``visitPlansPublish``: create and publish every manager's plan of a department for a day."""

from __future__ import annotations

import datetime as dt

import strawberry

from gql.context import Context
from gql.schema.errors import UserError
from gql.schema.inputs import pk_of, seconds_of_day
from gql.schema.mutations.visit_plan_create import SkippedStopType, skipped_stops
from gql.schema.types.plans import VisitPlanType
from gql.services.day_plans.service import DepartmentDayRequest, PublishedPlan

__all__ = [
    "PublishedPlanType",
    "VisitPlansPublishInput",
    "VisitPlansPublishPayload",
    "visit_plans_publish",
]


@strawberry.input(description="A department's day: every active manager's plan, published.")
class VisitPlansPublishInput:
    """Which department and day; a reason re-plans managers whose day is published already."""

    department_id: strawberry.ID = strawberry.field(description="Customer-service department.")
    date: dt.date = strawberry.field(description="The business day to plan and publish.")
    reason: str = strawberry.field(
        default="",
        description="Why the day is re-planned; required when any manager's day is published.",
    )
    start_time: str = strawberry.field(default="08:30", description="Departure, HH:MM.")
    return_to_start: bool = strawberry.field(
        default=True, description="End each day back at the manager's start point."
    )


@strawberry.type(name="PublishedPlan", description="One manager's plan of a department's day.")
class PublishedPlanType:
    """The published plan, its version that day, and the retailers it left out."""

    plan: VisitPlanType = strawberry.field(description="The published plan.")
    version: int = strawberry.field(description="Its version that day (2+: a re-plan).")
    skipped: list[SkippedStopType] = strawberry.field(description="Retailers left out, and why.")

    @classmethod
    def from_domain(cls, published: PublishedPlan) -> PublishedPlanType:
        """Map a published plan."""
        return cls(
            plan=VisitPlanType.from_domain(published.outcome.plan),
            version=published.version,
            skipped=skipped_stops(published.outcome.skipped),
        )


@strawberry.type(description="Result of `visitPlansPublish`.")
class VisitPlansPublishPayload:
    """Every manager's published plan, or why none was made."""

    plans: list[PublishedPlanType] = strawberry.field(
        default_factory=list, description="One per active manager, by manager."
    )
    elapsed_s: float | None = strawberry.field(
        default=None, description="Seconds the whole department took (routing included)."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing was planned."
    )


async def visit_plans_publish(
    info: strawberry.Info[Context, None], input: VisitPlansPublishInput
) -> VisitPlansPublishPayload:
    """Plan and publish a department's day (its heads, marketing)."""
    day = await info.context.plans.publish_department(
        DepartmentDayRequest(
            department_id=pk_of(input.department_id, "Department", ("department_id",)),
            plan_date=input.date,
            reason=input.reason,
            start_time_s=seconds_of_day(input.start_time, ("start_time",)),
            return_to_start=input.return_to_start,
        )
    )
    return VisitPlansPublishPayload(
        plans=[PublishedPlanType.from_domain(p) for p in day.plans], elapsed_s=day.elapsed_s
    )
