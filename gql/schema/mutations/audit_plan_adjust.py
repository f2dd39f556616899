"""``auditPlanAdjust``: add or remove retailers by hand, recorded with author and reason."""

from __future__ import annotations

import strawberry

from gql.context import Context
from gql.schema.errors import ClientError, UserError
from gql.schema.inputs import pk_of
from gql.schema.types.audits import AuditPlanType
from gql.services.audits.commands import AuditPlanAdjust
from gql.services.errors import ServiceError

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

    plan: AuditPlanType | None = strawberry.field(description="The plan after the edits.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing changed.")


async def audit_plan_adjust(
    info: strawberry.Info[Context, None], input: AuditPlanAdjustInput
) -> AuditPlanAdjustPayload:
    """Record the edits and re-route."""
    try:
        plan = await info.context.audits.adjust(
            AuditPlanAdjust(
                plan_id=pk_of(input.plan_id, "AuditPlan", "planId"),
                reason=input.reason,
                add=tuple(pk_of(i, "Retailer", "add") for i in input.add),
                remove=tuple(pk_of(i, "Retailer", "remove") for i in input.remove),
            )
        )
    except (ServiceError, ClientError) as exc:
        return AuditPlanAdjustPayload(
            plan=None, user_errors=[UserError(field=None, message=str(exc), code=exc.code)]
        )
    return AuditPlanAdjustPayload(plan=AuditPlanType.from_domain(plan), user_errors=[])
