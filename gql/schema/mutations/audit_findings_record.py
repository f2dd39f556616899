"""``auditFindingsRecord``: turn a plan's cross-check into score events (R5.5)."""

from __future__ import annotations

import datetime as dt

import strawberry

from gql.context import Context
from gql.schema.errors import UserError
from gql.schema.inputs import pk_of
from gql.schema.types.audits import gid

__all__ = ["AuditFindingsRecordInput", "AuditFindingsRecordPayload", "audit_findings_record"]


@strawberry.input(description="Record a plan's audit findings as score events (idempotent).")
class AuditFindingsRecordInput:
    """The plan and the period its retailers were asked about."""

    plan_id: strawberry.ID = strawberry.field(description="The audit plan.")
    first_day: dt.date | None = strawberry.field(
        default=None, description="First day asked about; default 29 days before the last day."
    )
    last_day: dt.date | None = strawberry.field(
        default=None,
        description="Last day; default the last audit's day (the plan date before any). "
        "Only visits before each audit count against its answer.",
    )


@strawberry.type(description="Result of `auditFindingsRecord`.")
class AuditFindingsRecordPayload:
    """The new events (none when already recorded)."""

    event_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="New ScoreEvent IDs."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing was recorded."
    )


def audit_findings_record(
    info: strawberry.Info[Context, None], input: AuditFindingsRecordInput
) -> AuditFindingsRecordPayload:
    """Findings: visit not in place, price tags missing, policy not promoted."""
    ids = info.context.audits.record_findings(
        pk_of(input.plan_id, "AuditPlan", ("plan_id",)), input.first_day, input.last_day
    )
    return AuditFindingsRecordPayload(event_ids=[gid("ScoreEvent", i) for i in ids])
