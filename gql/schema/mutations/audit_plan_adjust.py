"""``auditPlanAdjust``: add or remove retailers by hand, recorded with author and reason."""

from __future__ import annotations

import strawberry

from gql.context import Context
from gql.schema.errors import UserError
from gql.schema.inputs import pk_list, pk_of
from gql.schema.types.audits import AuditPlanType
from gql.services.audits.commands import AuditPlanAdjust

__all__ = ["AuditPlanAdjustInput", "AuditPlanAdjustPayload", "audit_plan_adjust"]


@strawberry.input(description="Manual changes to an audit plan; the plan is re-routed.")
class AuditPlanAdjustInput:
    """Additions, removals and the reason."""

    plan_id: strawberry.ID = strawberry.field(description="The audit plan.")
    reason: str = strawberry.field(description="Why the list is changed (kept in the history).")
    add: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Retailers to add."
    )
    remove: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Retailers to remove."
    )


@strawberry.type(description="Result of `auditPlanAdjust`.")
class AuditPlanAdjustPayload:
    """The adjusted plan, or why not."""

    plan: AuditPlanType | None = strawberry.field(
        default=None, description="The plan after the edits."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing changed."
    )


async def audit_plan_adjust(
    info: strawberry.Info[Context, None], input: AuditPlanAdjustInput
) -> AuditPlanAdjustPayload:
    """Record the edits and re-route."""
    plan = await info.context.audits.adjust(
        AuditPlanAdjust(
            plan_id=pk_of(input.plan_id, "AuditPlan", ("plan_id",)),
            reason=input.reason,
            add=pk_list(input.add, "Retailer", ("add",)),
            remove=pk_list(input.remove, "Retailer", ("remove",)),
        )
    )
    return AuditPlanAdjustPayload(plan=AuditPlanType.from_domain(plan))
