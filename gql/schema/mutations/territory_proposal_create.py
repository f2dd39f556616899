"""``territoryProposalCreate``: partition a district among its managers, as a proposal."""

from __future__ import annotations

import strawberry

from gql.context import Context
from gql.schema.errors import UserError
from gql.schema.inputs import pk_list, pk_of
from gql.schema.types.territories import TerritoryProposalType
from gql.services.territories.service import TerritoryCommand

__all__ = [
    "TerritoryProposalCreateInput",
    "TerritoryProposalCreatePayload",
    "command_of",
    "territory_proposal_create",
]


@strawberry.input(description="What to partition.")
class TerritoryProposalCreateInput:
    """District, number of territories and locked retailers."""

    department_id: strawberry.ID | None = strawberry.field(
        default=None, description="The department to re-partition; null: the whole company."
    )
    managers: int | None = strawberry.field(
        default=None,
        description="Number of territories; default: the district's active managers.",
    )
    locked_retailer_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Retailers that must keep their current manager."
    )
    warm_start: bool = strawberry.field(
        default=True, description="Start from the current assignment and move few retailers."
    )
    locked_manager_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Managers whose whole territory stays as it is."
    )
    max_moves: int | None = strawberry.field(
        default=None,
        description=(
            "Warm start: at most this many retailers change manager; the repair improves "
            "balance within the cap, however far off today's plan is. Null: no cap."
        ),
    )


@strawberry.type(description="Result of `territoryProposalCreate`.")
class TerritoryProposalCreatePayload:
    """The stored proposal, or why not."""

    proposal: TerritoryProposalType | None = strawberry.field(
        default=None, description="The new proposal."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing was proposed."
    )


async def territory_proposal_create(
    info: strawberry.Info[Context, None], input: TerritoryProposalCreateInput
) -> TerritoryProposalCreatePayload:
    """Compute off the event loop; nothing changes until the proposal is applied."""
    command = command_of(input)
    proposal = await info.context.territories.create_territories(command)
    return TerritoryProposalCreatePayload(proposal=TerritoryProposalType.from_domain(proposal))


def command_of(input: TerritoryProposalCreateInput) -> TerritoryCommand:
    """The service command of the input (also a job request's)."""
    return TerritoryCommand(
        department_id=None
        if input.department_id is None
        else pk_of(input.department_id, "Department", ("department_id",)),
        managers=input.managers,
        locked_retailer_ids=pk_list(
            input.locked_retailer_ids or [], "Retailer", ("locked_retailer_ids",)
        ),
        warm_start=input.warm_start,
        locked_manager_ids=pk_list(
            input.locked_manager_ids or [], "Manager", ("locked_manager_ids",)
        ),
        max_moves=input.max_moves,
    )
