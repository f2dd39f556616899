"""``visitStart``: the manager presses "start visit" at a retailer."""

from __future__ import annotations

import datetime as dt

import strawberry

from gql.context import Context
from gql.schema.errors import UserError
from gql.schema.inputs import pk_of
from gql.schema.mutations._visit_inputs import DeviceFixInput, device_fix
from gql.schema.types.visits import VisitType
from gql.services.visits.service import CheckIn

__all__ = ["VisitStartInput", "VisitStartPayload", "visit_start"]


@strawberry.input(description="Start a visit; retry with the same key to get the same visit.")
class VisitStartInput:
    """What the handheld sends on "start visit"."""

    retailer_id: strawberry.ID = strawberry.field(description="The retailer being visited.")
    idempotency_key: str = strawberry.field(
        description="A UUID made on the handheld; a retry with it returns the first visit."
    )
    device_fix: DeviceFixInput | None = strawberry.field(
        default=None, description="The handheld's fix; omit when it has none (indoors)."
    )
    device_time: dt.datetime | None = strawberry.field(
        default=None, description="When the button was pressed, by the handheld's clock."
    )
    plan_stop_id: strawberry.ID | None = strawberry.field(
        default=None, description="Global ID of the plan stop this visit fulfils, if any."
    )


@strawberry.type(description="Result of `visitStart`.")
class VisitStartPayload:
    """The visit with its check-in verdict."""

    visit: VisitType | None = strawberry.field(
        default=None, description="The visit (new or replayed)."
    )
    replayed: bool = strawberry.field(
        default=False, description="True when a retry returned the first visit."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why no visit was recorded."
    )


async def visit_start(
    info: strawberry.Info[Context, None], input: VisitStartInput
) -> VisitStartPayload:
    """Verify the manager's position with the device and carrier fixes and store the visit."""
    outcome = await info.context.visits.start(
        CheckIn(
            retailer_id=pk_of(input.retailer_id, "Retailer", ("retailer_id",)),
            idempotency_key=input.idempotency_key,
            device_fix=device_fix(input.device_fix),
            device_time=input.device_time,
            plan_stop_id=None
            if input.plan_stop_id is None
            else pk_of(input.plan_stop_id, "PlanStop", ("plan_stop_id",)),
        )
    )
    return VisitStartPayload(visit=VisitType.from_domain(outcome.visit), replayed=outcome.replayed)
