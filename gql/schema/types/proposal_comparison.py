"""Two territory proposals side by side (``territoryProposalComparison``)."""

from __future__ import annotations

import strawberry

from gql.context import Context
from gql.domain.territories import Proposal
from gql.schema.relay import encode_global_id
from gql.schema.types.directory import RetailerType, load_retailer
from gql.schema.types.territories import TerritoryProposalType
from gql.services.territories.comparison import Comparison

__all__ = ["ProposalComparisonType"]

Info = strawberry.Info[Context, None]


def _manager(pk: int | None) -> strawberry.ID | None:
    return None if pk is None else strawberry.ID(encode_global_id("Manager", pk))


@strawberry.type(name="ProposalDisagreement", description="A retailer placed differently.")
class ProposalDisagreementType:
    """Its manager in each proposal (null: not in that proposal)."""

    retailer_pk: strawberry.Private[int]
    manager_a_id: strawberry.ID | None = strawberry.field(description="Manager in proposal a.")
    manager_b_id: strawberry.ID | None = strawberry.field(description="Manager in proposal b.")

    @strawberry.field(description="The retailer's ID.")
    def retailer_id(self) -> strawberry.ID:
        """Global ID."""
        return strawberry.ID(encode_global_id("Retailer", self.retailer_pk))

    @strawberry.field(description="The retailer (null when outside the caller's scope).")
    async def retailer(self, info: Info) -> RetailerType | None:
        """Batched through the retailer loader."""
        return await load_retailer(info, self.retailer_pk)


@strawberry.type(name="ProposalMeasurePair", description="One stored measure of each proposal.")
class ProposalMeasurePairType:
    """As each proposal stored it (null where it has none)."""

    name: str = strawberry.field(description="e.g. workloadCv, meanDistanceToCentreM.")
    a: float | None
    b: float | None


@strawberry.type(name="ProposalComparison", description="Two territory proposals compared.")
class ProposalComparisonType:
    """Where they disagree and how they measure."""

    a: TerritoryProposalType
    b: TerritoryProposalType
    compared_retailers: int = strawberry.field(description="Retailers in either proposal.")
    disagreements: list[ProposalDisagreementType] = strawberry.field(
        description="Retailers the two give to different managers, by retailer."
    )
    measures: list[ProposalMeasurePairType]

    @classmethod
    def from_domain(cls, a: Proposal, b: Proposal, found: Comparison) -> ProposalComparisonType:
        """Map a comparison."""
        return cls(
            a=TerritoryProposalType.from_domain(a),
            b=TerritoryProposalType.from_domain(b),
            compared_retailers=found.compared_retailers,
            disagreements=[
                ProposalDisagreementType(
                    retailer_pk=d.retailer_id,
                    manager_a_id=_manager(d.manager_a),
                    manager_b_id=_manager(d.manager_b),
                )
                for d in found.disagreements
            ],
            measures=[ProposalMeasurePairType(name=m.name, a=m.a, b=m.b) for m in found.measures],
        )
