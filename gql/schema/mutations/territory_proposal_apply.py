"""``territoryProposalApply``: apply a proposal (marketing only); all or nothing."""

from __future__ import annotations

import strawberry

from gql.context import Context
from gql.schema.errors import UserError
from gql.schema.inputs import pk_of
from gql.schema.types.territories import TerritoryProposalType

__all__ = [
    "TerritoryProposalApplyInput",
    "TerritoryProposalApplyPayload",
    "territory_proposal_apply",
]


@strawberry.input(description="The proposal to apply.")
class TerritoryProposalApplyInput:
    """Which proposal."""

    id: strawberry.ID = strawberry.field(description="A PROPOSED territory or schedule proposal.")


@strawberry.type(description="Result of `territoryProposalApply`.")
class TerritoryProposalApplyPayload:
    """The applied proposal and how many retailers changed manager."""

    proposal: TerritoryProposalType | None = strawberry.field(
        default=None, description="The proposal."
    )
    moved_retailers: int = strawberry.field(
        default=0, description="Retailers reassigned (0 for schedules)."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing was applied."
    )


def territory_proposal_apply(
    info: strawberry.Info[Context, None], input: TerritoryProposalApplyInput
) -> TerritoryProposalApplyPayload:
    """Reassign retailers (territories) or publish the calendar (schedules)."""
    proposal, moved = info.context.territories.apply(
        pk_of(input.id, "TerritoryProposal", ("proposal_id",))
    )
    return TerritoryProposalApplyPayload(
        proposal=TerritoryProposalType.from_domain(proposal), moved_retailers=moved
    )
