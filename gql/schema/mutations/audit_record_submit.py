"""``auditRecordSubmit``: the audit team's answers at one retailer, with their own position."""

from __future__ import annotations

import datetime as dt

import strawberry

from gql.context import Context
from gql.schema.errors import UserError
from gql.schema.inputs import pk_of
from gql.schema.mutations._visit_inputs import DeviceFixInput, device_fix
from gql.schema.types.audit_enums import RetailerAnswerEnum
from gql.schema.types.audits import AuditRecordType
from gql.services.audits.commands import AuditRecordSubmit

__all__ = ["AuditRecordSubmitInput", "AuditRecordSubmitPayload", "audit_record_submit"]


@strawberry.input(description="The R5.3 answers at one retailer of an audit plan.")
class AuditRecordSubmitInput:
    """What the auditor records on site."""

    plan_id: strawberry.ID = strawberry.field(description="The audit plan.")
    retailer_id: strawberry.ID = strawberry.field(description="The retailer (on the plan).")
    price_tags_shown: bool = strawberry.field(description="明码标价: price tags shown.")
    policy_promoted: bool = strawberry.field(description="政策宣传: policy promotion done.")
    satisfaction: int = strawberry.field(description="Customer satisfaction, 1..5.")
    manager_visited: RetailerAnswerEnum = strawberry.field(
        description="Did the manager visit in the period, as the retailer says."
    )
    notes: str = strawberry.field(default="", description="Free text.")
    device_fix: DeviceFixInput | None = strawberry.field(
        default=None, description="The auditor's handheld fix (verified like a manager's)."
    )
    device_time: dt.datetime | None = strawberry.field(
        default=None, description="When it was recorded, by the handheld's clock."
    )


@strawberry.type(description="Result of `auditRecordSubmit`.")
class AuditRecordSubmitPayload:
    """The stored record, or why not."""

    record: AuditRecordType | None = strawberry.field(
        default=None, description="The stored record."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing was recorded."
    )


def audit_record_submit(
    info: strawberry.Info[Context, None], input: AuditRecordSubmitInput
) -> AuditRecordSubmitPayload:
    """Verify the auditor's position and store the answers."""
    record = info.context.audits.submit(
        AuditRecordSubmit(
            plan_id=pk_of(input.plan_id, "AuditPlan", ("plan_id",)),
            retailer_id=pk_of(input.retailer_id, "Retailer", ("retailer_id",)),
            price_tags_shown=input.price_tags_shown,
            policy_promoted=input.policy_promoted,
            satisfaction=input.satisfaction,
            manager_visited=input.manager_visited,
            notes=input.notes,
            fix=device_fix(input.device_fix),
            device_time=input.device_time,
        )
    )
    return AuditRecordSubmitPayload(record=AuditRecordType.from_domain(record))
