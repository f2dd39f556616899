"""``territoryProposalDiscard``: reject a proposal (marketing only); it stays on record."""

from __future__ import annotations

import strawberry

from gql.context import Context
from gql.schema.errors import UserError
from gql.schema.inputs import pk_of
from gql.schema.types.territories import TerritoryProposalType

__all__ = [
    "TerritoryProposalDiscardInput",
    "TerritoryProposalDiscardPayload",
    "territory_proposal_discard",
]


@strawberry.input(description="The proposal to discard.")
class TerritoryProposalDiscardInput:
    """Which proposal."""

    id: strawberry.ID = strawberry.field(description="A PROPOSED territory or schedule proposal.")


@strawberry.type(description="Result of `territoryProposalDiscard`.")
class TerritoryProposalDiscardPayload:
    """The discarded proposal, or why not."""

    proposal: TerritoryProposalType | None = strawberry.field(
        default=None, description="The proposal."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing was discarded."
    )


def territory_proposal_discard(
    info: strawberry.Info[Context, None], input: TerritoryProposalDiscardInput
) -> TerritoryProposalDiscardPayload:
    """Mark the proposal DISCARDED; nothing else changes."""
    proposal = info.context.territories.discard(
        pk_of(input.id, "TerritoryProposal", ("proposal_id",))
    )
    return TerritoryProposalDiscardPayload(proposal=TerritoryProposalType.from_domain(proposal))
