"""``evaluationAmend``: change a closed result by a recorded amendment (marketing only)."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.scalars import JSON

from gql.context import Context
from gql.schema.errors import UserError
from gql.schema.inputs import pk_of
from gql.schema.types.score_enums import HonourEnum
from gql.schema.types.scores import EvaluationResultType
from gql.services.errors import InvalidInput

__all__ = [
    "EvaluationAmendInput",
    "EvaluationAmendPayload",
    "EvaluationChangesInput",
    "evaluation_amend",
]


@strawberry.input(
    description="New values of amendable fields; totals are derived by the policy, never set."
)
class EvaluationChangesInput:
    """Amendable fields by kind of result.

    Month: parts (within 0 and their full points) and flags; quarter: eliminated; year:
    eligible and honour.
    """

    business: float | None = strawberry.field(default=None, description="Month, 0..100.")
    discipline: float | None = strawberry.field(default=None, description="Month, 0..40.")
    basic_work: float | None = strawberry.field(default=None, description="Month, 0..40.")
    training: float | None = strawberry.field(default=None, description="Month, 0..20.")
    void_by_veto: bool | None = strawberry.field(default=None, description="Month.")
    dismissal_flag: bool | None = strawberry.field(default=None, description="Month.")
    honours_lost: bool | None = strawberry.field(default=None, description="Month.")
    target_missed: bool | None = strawberry.field(default=None, description="Month.")
    eliminated: bool | None = strawberry.field(default=None, description="Quarter.")
    eligible: bool | None = strawberry.field(default=None, description="Year.")
    honour: HonourEnum | None = strawberry.field(default=None, description="Year: award.")
    clear_honour: bool = strawberry.field(default=False, description="Year: take the honour.")

    def to_dict(self) -> dict[str, Any]:
        """The given fields, snake_case, as the service takes them."""
        out: dict[str, Any] = {
            name: getattr(self, name)
            for name in (
                "business",
                "discipline",
                "basic_work",
                "training",
                "void_by_veto",
                "dismissal_flag",
                "honours_lost",
                "target_missed",
                "eliminated",
                "eligible",
            )
            if getattr(self, name) is not None
        }
        if self.honour is not None:
            out["honour"] = self.honour.value
        if self.clear_honour:
            out["honour"] = None
        return out


@strawberry.input(description="An amendment: author and time are the caller and now.")
class EvaluationAmendInput:
    """What to change and why."""

    result_id: strawberry.ID = strawberry.field(description="The (current) closed result.")
    reason: str = strawberry.field(description="Why (kept in the history; at most 400 chars).")
    values: EvaluationChangesInput | None = strawberry.field(
        default=None, description="The new values (typed)."
    )
    changes: JSON | None = strawberry.field(
        default=None,
        description='Deprecated: new values as JSON with snake_case keys, e.g. {"discipline": '
        "40}; use `values`. Give one of the two.",
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
    """Validate with the rules (amendable fields, ranges, derived totals) and append."""
    if (input.values is None) == (input.changes is None):
        raise InvalidInput("give either values or changes")
    if input.values is not None:
        changes = input.values.to_dict()
    elif isinstance(input.changes, dict):
        changes = dict(input.changes)
    else:
        raise InvalidInput("give an object of field → new value", field=("changes",))
    view = info.context.evaluations.amend(
        pk_of(input.result_id, "EvaluationResult", ("result_id",)), input.reason, changes
    )
    decimals = info.context.evaluations.policy.ranking.score_decimals
    return EvaluationAmendPayload(result=EvaluationResultType.from_domain(view, decimals))
