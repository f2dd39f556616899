"""``evaluationClose``: close a month, quarter or year for a department (marketing only)."""

from __future__ import annotations

import strawberry

from gql.context import Context
from gql.domain.evaluations import PeriodKind
from gql.schema.errors import UserError
from gql.schema.inputs import pk_of
from gql.schema.types.audit_enums import PeriodKindEnum
from gql.schema.types.scores import EvaluationResultType

__all__ = ["EvaluationCloseInput", "EvaluationClosePayload", "evaluation_close"]


@strawberry.input(description="Close a period: its results become immutable (amend to change).")
class EvaluationCloseInput:
    """Which period of which department."""

    department_id: strawberry.ID = strawberry.field(description="The department.")
    kind: PeriodKindEnum = strawberry.field(description="Month, quarter or year.")
    period: str = strawberry.field(description="2026-10, 2026-Q4 or 2026.")


@strawberry.type(description="Result of `evaluationClose`.")
class EvaluationClosePayload:
    """The closed results, or why not."""

    results: list[EvaluationResultType] = strawberry.field(
        default_factory=list, description="One per manager closed."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing was closed."
    )


def evaluation_close(
    info: strawberry.Info[Context, None], input: EvaluationCloseInput
) -> EvaluationClosePayload:
    """Score (months: settle sales first), rank and store the results."""
    views = info.context.evaluations.close(
        PeriodKind(input.kind),
        input.period,
        pk_of(input.department_id, "Department", ("department_id",)),
    )
    return EvaluationClosePayload(results=[EvaluationResultType.from_domain(v) for v in views])
