"""``evaluationClose`` and ``evaluationReopen``: a period's results in the file (marketing)."""

from __future__ import annotations

import strawberry

from gql.context import Context
from gql.domain.evaluations import PeriodKind
from gql.schema.errors import UserError
from gql.schema.inputs import pk_of
from gql.schema.types.audit_enums import PeriodKindEnum
from gql.schema.types.scores import EvaluationResultType, ReopeningType

__all__ = [
    "EvaluationCloseInput",
    "EvaluationClosePayload",
    "EvaluationReopenInput",
    "EvaluationReopenPayload",
    "evaluation_close",
    "evaluation_reopen",
]


@strawberry.input(description="Close a period: its results become immutable (amend to change).")
class EvaluationCloseInput:
    """Which period of which department (or the company)."""

    department_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="A month: the department, or null for every department. A quarter or "
        "year: null when the policy ranks it company-wide (the default), else the department.",
    )
    kind: PeriodKindEnum = strawberry.field(description="Month, quarter or year.")
    period: str = strawberry.field(
        description="2026-10 (after its last business day), 2026-Q4 or 2026 (once each of "
        "their months is closed)."
    )


@strawberry.type(description="Result of `evaluationClose`.")
class EvaluationClosePayload:
    """The closed results, or why not."""

    results: list[EvaluationResultType] = strawberry.field(
        default_factory=list, description="One per manager closed."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing was closed."
    )


@strawberry.input(description="Reopen a closed period; its results stay on file.")
class EvaluationReopenInput:
    """Which period, and why."""

    department_id: strawberry.ID | None = strawberry.field(
        default=None, description="As for evaluationClose."
    )
    kind: PeriodKindEnum = strawberry.field(description="Month, quarter or year.")
    period: str = strawberry.field(description="The closed period.")
    reason: str = strawberry.field(description="Why (kept; at most 400 characters).")


@strawberry.type(description="Result of `evaluationReopen`.")
class EvaluationReopenPayload:
    """The reopening and the results it set aside (closing again writes the next revision)."""

    reopening: ReopeningType | None = strawberry.field(default=None, description="The reopening.")
    results: list[EvaluationResultType] = strawberry.field(
        default_factory=list, description="Now marked reopened."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing was reopened."
    )


def _department(value: strawberry.ID | None) -> int | None:
    return None if value is None else pk_of(value, "Department", ("department_id",))


def evaluation_close(
    info: strawberry.Info[Context, None], input: EvaluationCloseInput
) -> EvaluationClosePayload:
    """Score (months: settle sales first), rank and store the results."""
    decimals = info.context.evaluations.policy.ranking.score_decimals
    views = info.context.periods.close(
        PeriodKind(input.kind), input.period, _department(input.department_id)
    )
    return EvaluationClosePayload(
        results=[EvaluationResultType.from_domain(v, decimals) for v in views]
    )


def evaluation_reopen(
    info: strawberry.Info[Context, None], input: EvaluationReopenInput
) -> EvaluationReopenPayload:
    """Reopen: the results stay in the file, marked reopened."""
    decimals = info.context.evaluations.policy.ranking.score_decimals
    done = info.context.periods.reopen(
        PeriodKind(input.kind), input.period, _department(input.department_id), input.reason
    )
    return EvaluationReopenPayload(
        reopening=ReopeningType.from_domain(done.reopening),
        results=[EvaluationResultType.from_domain(v, decimals) for v in done.results],
    )
