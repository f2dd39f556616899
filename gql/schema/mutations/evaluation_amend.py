"""``evaluationAmend``: change a closed result by a recorded amendment (marketing only)."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from gql.context import Context
from gql.schema.errors import UserError
from gql.schema.inputs import pk_of
from gql.schema.types.scores import EvaluationResultType
from gql.services.errors import InvalidInput

__all__ = ["EvaluationAmendInput", "EvaluationAmendPayload", "evaluation_amend"]


@strawberry.input(description="An amendment: author and time are the caller and now.")
class EvaluationAmendInput:
    """What to change and why."""

    result_id: strawberry.ID = strawberry.field(description="The closed result.")
    reason: str = strawberry.field(description="Why (kept in the history).")
    changes: JSON = strawberry.field(
        description='New values of existing fields, e.g. {"total": 88.5, "target_missed": false}.'
    )


@strawberry.type(description="Result of `evaluationAmend`.")
class EvaluationAmendPayload:
    """The result with its new history, or why not."""

    result: EvaluationResultType | None = strawberry.field(
        default=None, description="The amended result."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing changed."
    )


def evaluation_amend(
    info: strawberry.Info[Context, None], input: EvaluationAmendInput
) -> EvaluationAmendPayload:
    """Validate with the rules (known fields, real changes, same types) and append."""
    if not isinstance(input.changes, dict):
        raise InvalidInput("give an object of field → new value", field=("changes",))
    view = info.context.evaluations.amend(
        pk_of(input.result_id, "EvaluationResult", ("result_id",)), input.reason, input.changes
    )
    return EvaluationAmendPayload(result=EvaluationResultType.from_domain(view))
