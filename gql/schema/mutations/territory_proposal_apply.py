"""``territoryProposalApply``: apply a proposal or some of its territories (marketing only)."""

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
    manager_ids: list[strawberry.ID] | None = strawberry.field(
        default=None,
        description="Territory proposals: apply only these managers' territories (the "
        "retailers the proposal gives to or takes from them); the proposal stays PROPOSED "
        "until every retailer has its proposed manager. Null: the whole proposal.",
    )


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
    managers = (
        None
        if input.manager_ids is None
        else [pk_of(m, "Manager", ("manager_ids", i)) for i, m in enumerate(input.manager_ids)]
    )
    proposal, moved = info.context.territories.apply(
        pk_of(input.id, "TerritoryProposal", ("proposal_id",)), managers
    )
    return TerritoryProposalApplyPayload(
        proposal=TerritoryProposalType.from_domain(proposal), moved_retailers=moved
    )
