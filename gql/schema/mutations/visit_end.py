"""``visitEnd``: the manager presses "end visit"."""

from __future__ import annotations

import datetime as dt

import strawberry

from gql.context import Context
from gql.schema.errors import UserError
from gql.schema.inputs import pk_of
from gql.schema.mutations._visit_inputs import DeviceFixInput, device_fix
from gql.schema.types.visits import VisitType
from gql.services.visits.service import CheckOut

__all__ = ["VisitEndInput", "VisitEndPayload", "visit_end"]


@strawberry.input(description="End a visit; ending it again returns it unchanged.")
class VisitEndInput:
    """What the handheld sends on "end visit"."""

    visit_id: strawberry.ID = strawberry.field(description="The visit from `visitStart`.")
    device_fix: DeviceFixInput | None = strawberry.field(
        default=None, description="The handheld's fix at the end."
    )
    device_time: dt.datetime | None = strawberry.field(
        default=None, description="When the button was pressed, by the handheld's clock."
    )


@strawberry.type(description="Result of `visitEnd`.")
class VisitEndPayload:
    """The visit with its final verdict and dwell time."""

    visit: VisitType | None = strawberry.field(default=None, description="The finished visit.")
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why the visit was not ended."
    )


async def visit_end(info: strawberry.Info[Context, None], input: VisitEndInput) -> VisitEndPayload:
    """Verify the end-of-visit fix, derive dwell time and the whole visit's verdict."""
    outcome = await info.context.visits.end(
        CheckOut(
            visit_id=pk_of(input.visit_id, "Visit", ("visit_id",)),
            device_fix=device_fix(input.device_fix),
            device_time=input.device_time,
        )
    )
    return VisitEndPayload(visit=VisitType.from_domain(outcome.visit))
