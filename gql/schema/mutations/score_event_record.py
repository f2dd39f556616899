"""``scoreEventRecord``: record one input of the evaluation.

Marketing records every kind; a department's heads record discipline (RULE_BREACH, COMPLAINT,
LEAVE) and BASIC_WORK_CHECK for their department; auditors record AUDIT_FINDINGs citing an
audit record of their own plan.
"""

from __future__ import annotations

import datetime as dt

import strawberry

from gql.context import Context
from gql.domain.evaluations import ScoreEventKind
from gql.schema.errors import UserError
from gql.schema.inputs import pk_of
from gql.schema.types.audit_enums import (
    AuditFindingKindEnum,
    BreachKindEnum,
    ScoreEventKindEnum,
    TrainingKindEnum,
    VetoKindEnum,
)
from gql.schema.types.scores import ScoreEventType
from gql.services.evaluations.score_events import EventCommand

__all__ = ["ScoreEventRecordInput", "ScoreEventRecordPayload", "score_event_record"]


@strawberry.input(description="One event; give only the fields of its kind (see ScoreEventKind).")
class ScoreEventRecordInput:
    """An event to record."""

    manager_id: strawberry.ID = strawberry.field(description="The manager it is about.")
    kind: ScoreEventKindEnum = strawberry.field(description="What kind of input.")
    occurred_on: dt.date = strawberry.field(
        description="When it happened: within the last 92 days, not before the manager joined, "
        "in an open month, not in the future (LEAVE: up to 31 days ahead)."
    )
    breach: BreachKindEnum | None = strawberry.field(default=None, description="RULE_BREACH.")
    subjective: bool | None = strawberry.field(
        default=None, description="COMPLAINT: subjective cause (主观原因)."
    )
    retailer_id: strawberry.ID | None = strawberry.field(
        default=None, description="COMPLAINT: the retailer who complained (the manager's then)."
    )
    days: int | None = strawberry.field(default=None, description="LEAVE: days, 1..366.")
    item: str | None = strawberry.field(
        default=None, description="BASIC_WORK_CHECK: the item (at most 120 characters)."
    )
    passed: bool | None = strawberry.field(
        default=None, description="BASIC_WORK_CHECK or a PRACTICAL: passed."
    )
    training: TrainingKindEnum | None = strawberry.field(
        default=None, description="TRAINING_RESULT: exam or practical."
    )
    exam_score: float | None = strawberry.field(default=None, description="EXAM: score, 0..100.")
    veto: VetoKindEnum | None = strawberry.field(default=None, description="COMPLIANCE_VETO item.")
    bad_effect: bool | None = strawberry.field(
        default=None, description="COMPLIANCE_VETO: caused a bad effect (造成负面影响)."
    )
    finding: AuditFindingKindEnum | None = strawberry.field(
        default=None, description="AUDIT_FINDING: what the cited record shows."
    )
    audit_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="AUDIT_FINDING: the AuditRecord (of your own plan, about this manager's "
        "retailer); occurredOn must be its day.",
    )
    note: str = strawberry.field(
        default="", description="Free text kept with the event (at most 500 characters)."
    )


@strawberry.type(description="Result of `scoreEventRecord`.")
class ScoreEventRecordPayload:
    """The recorded event (its status says whether it counts yet), or why not."""

    event: ScoreEventType | None = strawberry.field(default=None, description="The recorded event.")
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing was recorded."
    )


def score_event_record(
    info: strawberry.Info[Context, None], input: ScoreEventRecordInput
) -> ScoreEventRecordPayload:
    """Validate the fields of the kind and record the event."""
    event = info.context.evaluations.record(
        EventCommand(
            manager_id=pk_of(input.manager_id, "Manager", ("manager_id",)),
            kind=ScoreEventKind(input.kind),
            occurred_on=input.occurred_on,
            breach=None if input.breach is None else input.breach.value,
            subjective=input.subjective,
            retailer_id=None
            if input.retailer_id is None
            else pk_of(input.retailer_id, "Retailer", ("retailer_id",)),
            days=input.days,
            item=input.item,
            passed=input.passed,
            training=None if input.training is None else input.training.value,
            exam_score=input.exam_score,
            veto=None if input.veto is None else input.veto.value,
            bad_effect=input.bad_effect,
            finding=None if input.finding is None else input.finding.value,
            audit_id=None
            if input.audit_id is None
            else str(pk_of(input.audit_id, "AuditRecord", ("audit_id",))),
            note=input.note,
        )
    )
    return ScoreEventRecordPayload(event=ScoreEventType.from_domain(event))
