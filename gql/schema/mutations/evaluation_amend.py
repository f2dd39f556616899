"""``evaluationAmend``: change a closed result by a recorded amendment (marketing only)."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from gql.context import Context
from gql.schema.errors import ClientError, UserError
from gql.schema.inputs import pk_of
from gql.schema.types.scores import EvaluationResultType
from gql.services.errors import ServiceError

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

    result: EvaluationResultType | None = strawberry.field(description="The amended result.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing changed.")


def evaluation_amend(
    info: strawberry.Info[Context, None], input: EvaluationAmendInput
) -> EvaluationAmendPayload:
    """Validate with the rules (known fields, real changes, same types) and append."""
    try:
        if not isinstance(input.changes, dict):
            raise ClientError("changes must be an object of field → new value")
        view = info.context.evaluations.amend(
            pk_of(input.result_id, "EvaluationResult", "resultId"), input.reason, input.changes
        )
    except (ServiceError, ClientError) as exc:
        return EvaluationAmendPayload(
            result=None, user_errors=[UserError(field=None, message=str(exc), code=exc.code)]
        )
    return EvaluationAmendPayload(result=EvaluationResultType.from_domain(view), user_errors=[])
