"""``auditPlanCreate``: draw a reproducible random audit sample and route it."""

from __future__ import annotations

import datetime as dt

import strawberry

from gql.context import Context
from gql.schema.errors import ClientError, UserError
from gql.schema.inputs import pk_of
from gql.schema.mutations._audit_inputs import AuditDesignInput, StartPointInput, parse_seed
from gql.schema.types.audits import AuditPlanType
from gql.services.audits.commands import AuditPlanCreate
from gql.services.errors import ServiceError

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

    plan: AuditPlanType | None = strawberry.field(description="The stored plan.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was drawn.")


def _seconds(text: str) -> int:
    hours, _, minutes = text.partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2 and int(minutes) < 60):
        raise ClientError("startTime must be HH:MM")
    return int(hours) * 3600 + int(minutes) * 60


async def audit_plan_create(
    info: strawberry.Info[Context, None], input: AuditPlanCreateInput
) -> AuditPlanCreatePayload:
    """Draw (seed stored), route from the start point with opening hours, store."""
    try:
        command = AuditPlanCreate(
            plan_date=input.date,
            design=input.design.to_command(),
            start_lat=input.start.lat,
            start_lon=input.start.lon,
            start_label=input.start.label,
            department_id=None
            if input.department_id is None
            else pk_of(input.department_id, "Department", "departmentId"),
            manager_ids=tuple(pk_of(i, "Manager", "managerIds") for i in input.manager_ids or ()),
            area_code=input.area_code,
            auditor_ids=tuple(pk_of(i, "Staff", "auditorIds") for i in input.auditor_ids or ()),
            seed=parse_seed(input.seed),
            start_time_s=_seconds(input.start_time),
        )
        plan = await info.context.audits.create(command)
    except (ServiceError, ClientError) as exc:
        return AuditPlanCreatePayload(
            plan=None, user_errors=[UserError(field=None, message=str(exc), code=exc.code)]
        )
    return AuditPlanCreatePayload(plan=AuditPlanType.from_domain(plan), user_errors=[])
