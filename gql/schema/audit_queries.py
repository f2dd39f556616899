"""Queries for audit plans and the cross-check (R5)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from gql.context import Context
from gql.schema.inputs import pk_of
from gql.schema.paging import AfterArg, BeforeArg, FirstArg, LastArg, page_request
from gql.schema.relay import Connection, to_connection
from gql.schema.types.audits import AuditCrossCheckType, AuditPlanType

__all__ = ["AuditQuery"]

Info = strawberry.Info[Context, None]


@strawberry.type
class AuditQuery:
    """Audit plans (marketing: all; auditors: those assigning them; others: none)."""

    @strawberry.field(description="One audit plan; null if missing or not yours to see.")
    def audit_plan(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="AuditPlan ID.")],
    ) -> AuditPlanType | None:
        """Plan by ID."""
        plan = info.context.audits.by_ids([pk_of(id, "AuditPlan")])[0]
        return None if plan is None else AuditPlanType.from_domain(plan)

    @strawberry.field(description="Audit plans you may see, in ID order.")
    def audit_plans(
        self,
        info: Info,
        first: FirstArg = None,
        after: AfterArg = None,
        last: LastArg = None,
        before: BeforeArg = None,
    ) -> Connection[AuditPlanType]:
        """Plan list."""
        page = info.context.audits.plans(page_request(first, after, last, before))
        return to_connection(page, AuditPlanType.from_domain)

    @strawberry.field(
        description="Cross-check a plan's records against the managers' verified visits (R5.4)."
    )
    def audit_discrepancies(
        self,
        info: Info,
        plan_id: Annotated[strawberry.ID, strawberry.argument(description="AuditPlan ID.")],
        first_day: Annotated[
            dt.date | None,
            strawberry.argument(
                description="First day asked about; default 29 days before the last day."
            ),
        ] = None,
        last_day: Annotated[
            dt.date | None,
            strawberry.argument(
                description="Last day; default the last audit's day (the plan date before any). "
                "Only visits before each audit count against its answer."
            ),
        ] = None,
    ) -> AuditCrossCheckType:
        """Verdicts and discrepancies."""
        result = info.context.audits.cross_check(
            pk_of(plan_id, "AuditPlan", "planId"), first_day, last_day
        )
        return AuditCrossCheckType.from_domain(result)
