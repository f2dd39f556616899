"""Retailer mutations (reference data)."""

from __future__ import annotations

import strawberry

from gql.schema.mutations.retailer_create import RetailerCreatePayload, retailer_create
from gql.schema.mutations.retailer_update import RetailerUpdatePayload, retailer_update

__all__ = ["RetailerMutations"]


@strawberry.type(description="Change reference data, plan days, record visits, audits and scores.")
class RetailerMutations:
    """Reference-data edits."""

    retailer_create: RetailerCreatePayload = strawberry.mutation(
        resolver=retailer_create, description="Register a licensed retailer."
    )
    retailer_update: RetailerUpdatePayload = strawberry.mutation(
        resolver=retailer_update, description="Change a retailer (optimistic concurrency)."
    )
