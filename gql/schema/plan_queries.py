"""Queries for visit plans."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from gql.context import Context
from gql.schema.inputs import pk_of
from gql.schema.types.plans import VisitPlanType

__all__ = ["PlanQuery"]

Info = strawberry.Info[Context, None]


@strawberry.type
class PlanQuery:
    """Visit plans."""

    @strawberry.field(
        description="The plan a manager works from on a day (published, else newest draft)."
    )
    def visit_plan(
        self,
        info: Info,
        manager_id: Annotated[strawberry.ID, strawberry.argument(description="Manager ID.")],
        date: Annotated[dt.date, strawberry.argument(description="The day, YYYY-MM-DD.")],
    ) -> VisitPlanType | None:
        """Day plan lookup."""
        plan = info.context.plans.current(pk_of(manager_id, "Manager", "managerId"), date)
        return None if plan is None else VisitPlanType.from_domain(plan)
