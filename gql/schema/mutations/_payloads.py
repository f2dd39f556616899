"""Shared payload pieces: user errors from service problems."""

from __future__ import annotations

from collections.abc import Iterable

from gql.schema.errors import ClientError, UserError
from gql.services.directory.retailer_admin import FieldProblem
from gql.services.errors import ServiceError

__all__ = ["problem_errors", "user_errors"]


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def user_errors(problems: Iterable[FieldProblem]) -> list[UserError]:
    """Map service problems to GraphQL user errors (field paths in camelCase)."""
    return [
        UserError(
            field=None if p.field is None else [_camel(part) for part in p.field],
            message=p.message,
            code=p.code,
        )
        for p in problems
    ]


def problem_errors(exc: ServiceError | ClientError) -> list[UserError]:
    """One user error for a refused score/evaluation input, with its field path if known.

    An :class:`~gql.services.evaluations.inputs.InvalidField` names its field (a Python path);
    it becomes ``["input", <camelCase path>]``. The one place a score mutation builds its
    errors, so the coming shared error path (issue 13) replaces only this function.
    """
    path = getattr(exc, "path", None)
    field = None if path is None else ["input", *(_camel(part) for part in path)]
    return [UserError(field=field, message=str(exc), code=exc.code)]
