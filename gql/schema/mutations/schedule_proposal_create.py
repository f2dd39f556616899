"""``scheduleProposalCreate``: weekday zones and routed 4-week calendars, as a proposal."""

from __future__ import annotations

import strawberry

from gql.context import Context
from gql.schema.errors import UserError
from gql.schema.inputs import pk_of
from gql.schema.types.territories import TerritoryProposalType
from gql.services.territories.service import DEFAULT_ORDER_DAY_CHANGE_SHARE, ScheduleCommand

__all__ = [
    "ScheduleProposalCreateInput",
    "ScheduleProposalCreatePayload",
    "schedule_command_of",
    "schedule_proposal_create",
]


@strawberry.input(description="What to schedule.")
class ScheduleProposalCreateInput:
    """District or territory proposal, and the daily cap."""

    department_id: strawberry.ID | None = strawberry.field(
        default=None, description="The department; null: the whole company."
    )
    territory_proposal_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Schedule a territory proposal's territories; null: the current ones.",
    )
    cap_hours: float = strawberry.field(
        default=8.0, description="No working day may take longer, depot to depot."
    )
    max_order_day_change_share: float | None = strawberry.field(
        default=DEFAULT_ORDER_DAY_CHANGE_SHARE,
        description="At most this share (0..1) of ordering retailers get a new order day: each "
        "territory keeps its retailers' order days and moves only what balancing its weekdays "
        "needs (default 0.1). Null allows any change: weekday zones are then drawn afresh, "
        "compact on the map (shorter routes).",
    )


@strawberry.type(description="Result of `scheduleProposalCreate`.")
class ScheduleProposalCreatePayload:
    """The stored schedule proposal, or why not."""

    proposal: TerritoryProposalType | None = strawberry.field(
        default=None, description="The new proposal."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing was proposed."
    )


async def schedule_proposal_create(
    info: strawberry.Info[Context, None], input: ScheduleProposalCreateInput
) -> ScheduleProposalCreatePayload:
    """Compute off the event loop; managers see it once it is applied."""
    command = schedule_command_of(input)
    proposal = await info.context.territories.create_schedule(command)
    return ScheduleProposalCreatePayload(proposal=TerritoryProposalType.from_domain(proposal))


def schedule_command_of(input: ScheduleProposalCreateInput) -> ScheduleCommand:
    """The service command of the input (also a job request's)."""
    return ScheduleCommand(
        department_id=None
        if input.department_id is None
        else pk_of(input.department_id, "Department", ("department_id",)),
        territory_proposal_id=None
        if input.territory_proposal_id is None
        else pk_of(input.territory_proposal_id, "TerritoryProposal", ("territory_proposal_id",)),
        cap_hours=input.cap_hours,
        max_order_day_change_share=input.max_order_day_change_share,
    )
