"""Mutation classes per area; each field's resolver lives in its own module."""

from __future__ import annotations

import strawberry

from gql.schema.mutations.retailer_create import RetailerCreatePayload, retailer_create
from gql.schema.mutations.retailer_update import RetailerUpdatePayload, retailer_update
from gql.schema.mutations.visit_end import VisitEndPayload, visit_end
from gql.schema.mutations.visit_plan_create import VisitPlanCreatePayload, visit_plan_create
from gql.schema.mutations.visit_start import VisitStartPayload, visit_start
from gql.schema.mutations.visits_sync import VisitsSyncPayload, visits_sync

__all__ = ["PlanMutations", "RetailerMutations", "VisitMutations"]


@strawberry.type(description="Change reference data, plan days, record visits, audits and scores.")
class RetailerMutations:
    """Reference-data edits."""

    retailer_create: RetailerCreatePayload = strawberry.mutation(
        resolver=retailer_create, description="Register a licensed retailer."
    )
    retailer_update: RetailerUpdatePayload = strawberry.mutation(
        resolver=retailer_update, description="Change a retailer (optimistic concurrency)."
    )


@strawberry.type
class PlanMutations:
    """Visit planning."""

    visit_plan_create: VisitPlanCreatePayload = strawberry.mutation(
        resolver=visit_plan_create,
        description="Route a manager's day (opening hours, service times) and store it as draft.",
    )


@strawberry.type
class VisitMutations:
    """The handheld's visit actions."""

    visit_start: VisitStartPayload = strawberry.mutation(
        resolver=visit_start, description="Press 'start visit': verify and record the check-in."
    )
    visit_end: VisitEndPayload = strawberry.mutation(
        resolver=visit_end, description="Press 'end visit': verify the check-out, derive dwell."
    )
    visits_sync: VisitsSyncPayload = strawberry.mutation(
        resolver=visits_sync, description="Upload visits recorded offline (idempotent)."
    )
