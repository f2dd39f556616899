"""``evaluationReviewRecord``: a review meeting held (月度/季度工作评价会)."""

from __future__ import annotations

import datetime as dt

import strawberry

from gql.context import Context
from gql.domain.evaluations import PeriodKind
from gql.schema.errors import UserError
from gql.schema.inputs import pk_of
from gql.schema.types.audit_enums import PeriodKindEnum
from gql.schema.types.scores import EvaluationReviewType
from gql.services.evaluations.periods import parse_period

__all__ = [
    "EvaluationReviewRecordInput",
    "EvaluationReviewRecordPayload",
    "evaluation_review_record",
]


@strawberry.input(description="A review meeting held for a closed period.")
class EvaluationReviewRecordInput:
    """A department's month (its heads or marketing) or the quarter (marketing)."""

    kind: PeriodKindEnum = strawberry.field(description="MONTH or QUARTER.")
    period: str = strawberry.field(description="The closed period reviewed.")
    department_id: strawberry.ID | None = strawberry.field(
        default=None, description="MONTH: the department; QUARTER: null."
    )
    held_on: dt.date = strawberry.field(description="The day it was held (not in the future).")
    note: str = strawberry.field(default="", description="Minutes (at most 500 characters).")


@strawberry.type(description="Result of `evaluationReviewRecord`.")
class EvaluationReviewRecordPayload:
    """The recorded review, or why not."""

    review: EvaluationReviewType | None = strawberry.field(default=None, description="The review.")
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing was recorded."
    )


def evaluation_review_record(
    info: strawberry.Info[Context, None], input: EvaluationReviewRecordInput
) -> EvaluationReviewRecordPayload:
    """Record the meeting; its deadline and lateness come back with it."""
    kind = PeriodKind(input.kind)
    department = (
        None
        if input.department_id is None
        else pk_of(input.department_id, "Department", ("department_id",))
    )
    review = info.context.periods.record_review(
        kind, input.period, department, input.held_on, input.note
    )
    deadline = info.context.periods.deadline(kind, parse_period(kind, review.period))
    return EvaluationReviewRecordPayload(review=EvaluationReviewType.from_domain(review, deadline))
