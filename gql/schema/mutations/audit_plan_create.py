"""``auditPlanCreate``: draw a reproducible random audit sample and route it."""

from __future__ import annotations

import datetime as dt

import strawberry

from gql.context import Context
from gql.schema.errors import UserError
from gql.schema.inputs import pk_list, pk_of, seconds_of_day
from gql.schema.mutations._audit_inputs import AuditDesignInput, StartPointInput, parse_seed
from gql.schema.types.audits import AuditPlanType
from gql.services.audits.commands import AuditPlanCreate

__all__ = ["AuditPlanCreateInput", "AuditPlanCreatePayload", "audit_plan_create"]


@strawberry.input(description="Draw an audit plan: scope (at least one), design, team, start.")
class AuditPlanCreateInput:
    """What to audit and how to draw it."""

    date: dt.date = strawberry.field(description="The audit day.")
    design: AuditDesignInput = strawberry.field(description="The sampling design.")
    start: StartPointInput = strawberry.field(description="The team's start point.")
    department_id: strawberry.ID | None = strawberry.field(
        default=None, description="Audit this department's managers."
    )
    manager_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Audit these managers (within the department, if given)."
    )
    area_code: str | None = strawberry.field(default=None, description="Only this territory.")
    auditor_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="The audit team (Staff IDs); default: you."
    )
    seed: str | None = strawberry.field(
        default=None, description="Replay a draw with this seed; default: a fresh random seed."
    )
    start_time: str = strawberry.field(default="09:00", description="Departure, HH:MM.")


@strawberry.type(description="Result of `auditPlanCreate`.")
class AuditPlanCreatePayload:
    """The new plan, or why not."""

    plan: AuditPlanType | None = strawberry.field(default=None, description="The stored plan.")
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing was drawn."
    )


async def audit_plan_create(
    info: strawberry.Info[Context, None], input: AuditPlanCreateInput
) -> AuditPlanCreatePayload:
    """Draw (seed stored), route from the start point with opening hours, store."""
    start_lat, start_lon = input.start.wgs84()
    command = AuditPlanCreate(
        plan_date=input.date,
        design=input.design.to_command(),
        start_lat=start_lat,
        start_lon=start_lon,
        start_label=input.start.label,
        department_id=None
        if input.department_id is None
        else pk_of(input.department_id, "Department", ("department_id",)),
        manager_ids=pk_list(input.manager_ids or [], "Manager", ("manager_ids",)),
        area_code=input.area_code,
        auditor_ids=pk_list(input.auditor_ids or [], "Staff", ("auditor_ids",)),
        seed=parse_seed(input.seed),
        start_time_s=seconds_of_day(input.start_time, ("start_time",)),
    )
    plan = await info.context.audits.create(command)
    return AuditPlanCreatePayload(plan=AuditPlanType.from_domain(plan))
