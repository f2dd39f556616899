"""``visitPlanCreate``: route a manager's day and store it as the day's draft."""

from __future__ import annotations

import datetime as dt

import strawberry

from gql.context import Context
from gql.schema.errors import UserError
from gql.schema.inputs import pk_list, pk_of, seconds_of_day
from gql.schema.relay import encode_global_id
from gql.schema.types.plans import VisitPlanType
from gql.services.day_plans.service import PlanRequest, SkippedStop

__all__ = [
    "SkippedStopType",
    "VisitPlanCreateInput",
    "VisitPlanCreatePayload",
    "skipped_stops",
    "visit_plan_create",
]


@strawberry.input(description="Plan one manager's day.")
class VisitPlanCreateInput:
    """What to plan."""

    manager_id: strawberry.ID = strawberry.field(description="The account manager.")
    date: dt.date = strawberry.field(description="The day to plan.")
    retailer_ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="Visit exactly these (at most 30); omit to plan the day's list: the applied "
        "4-week schedule's day (plus key customers whose order day it is), else the retailers "
        "whose order day it is.",
    )
    add_retailer_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description="Add these to the day's list (the manager's retailers; not with retailerIds).",
    )
    remove_retailer_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description="Take these off the day's list (recorded as REMOVED; not with retailerIds).",
    )
    start_time: str = strawberry.field(default="08:30", description="Departure, HH:MM.")
    return_to_start: bool = strawberry.field(
        default=True, description="End the day back at the start point."
    )


@strawberry.type(name="SkippedStop", description="A retailer the plan could not include.")
class SkippedStopType:
    """Why a retailer is not in the plan."""

    retailer_id: strawberry.ID = strawberry.field(description="The retailer.")
    reason: str = strawberry.field(
        description=(
            "DEFERRED, NOT_ACTIVE, NO_WINDOW, WINDOW_TOO_SHORT, UNREACHABLE, NO_RETURN, CONFLICT."
        )
    )
    detail: str = strawberry.field(description="In words.")


@strawberry.type(description="Result of `visitPlanCreate`.")
class VisitPlanCreatePayload:
    """The new draft plan, or why not."""

    plan: VisitPlanType | None = strawberry.field(
        default=None, description="The stored draft plan."
    )
    skipped: list[SkippedStopType] = strawberry.field(
        default_factory=list, description="Retailers left out, and why."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing was planned."
    )


async def visit_plan_create(
    info: strawberry.Info[Context, None], input: VisitPlanCreateInput
) -> VisitPlanCreatePayload:
    """Route the day with the exact DP where tractable, near-optimal beyond."""
    request = PlanRequest(
        manager_id=pk_of(input.manager_id, "Manager", ("manager_id",)),
        plan_date=input.date,
        retailer_ids=(
            None
            if input.retailer_ids is None
            else pk_list(input.retailer_ids, "Retailer", ("retailer_ids",))
        ),
        start_time_s=seconds_of_day(input.start_time, ("start_time",)),
        return_to_start=input.return_to_start,
        add_retailer_ids=pk_list(input.add_retailer_ids, "Retailer", ("add_retailer_ids",)),
        remove_retailer_ids=pk_list(
            input.remove_retailer_ids, "Retailer", ("remove_retailer_ids",)
        ),
    )
    outcome = await info.context.plans.create(request)
    return VisitPlanCreatePayload(
        plan=VisitPlanType.from_domain(outcome.plan), skipped=skipped_stops(outcome.skipped)
    )


def skipped_stops(skipped: list[SkippedStop]) -> list[SkippedStopType]:
    """Map the retailers a plan left out."""
    return [
        SkippedStopType(
            retailer_id=strawberry.ID(encode_global_id("Retailer", s.retailer_id)),
            reason=s.reason,
            detail=s.detail,
        )
        for s in skipped
    ]
