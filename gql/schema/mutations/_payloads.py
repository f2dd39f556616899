"""Shared payload pieces: user errors from service problems."""

from __future__ import annotations

from collections.abc import Iterable

from gql.schema.errors import UserError
from gql.services.directory.retailer_admin import FieldProblem

__all__ = ["user_errors"]


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
