"""``territoryProposalDiscard``: reject a proposal (marketing only); it stays on record."""

from __future__ import annotations

import strawberry

from gql.context import Context
from gql.schema.errors import ClientError, UserError
from gql.schema.inputs import pk_of
from gql.schema.types.territories import TerritoryProposalType
from gql.services.errors import ServiceError

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

    proposal: TerritoryProposalType | None = strawberry.field(description="The proposal.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was discarded.")


def territory_proposal_discard(
    info: strawberry.Info[Context, None], input: TerritoryProposalDiscardInput
) -> TerritoryProposalDiscardPayload:
    """Mark the proposal DISCARDED; nothing else changes."""
    try:
        proposal = info.context.territories.discard(pk_of(input.id, "TerritoryProposal", "id"))
    except ServiceError as exc:
        return TerritoryProposalDiscardPayload(
            proposal=None, user_errors=[UserError(field=None, message=str(exc), code=exc.code)]
        )
    except ClientError as exc:
        return TerritoryProposalDiscardPayload(
            proposal=None,
            user_errors=[UserError(field=["input", "id"], message=str(exc), code=exc.code)],
        )
    return TerritoryProposalDiscardPayload(
        proposal=TerritoryProposalType.from_domain(proposal), user_errors=[]
    )
