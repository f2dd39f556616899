"""Connection arguments (`first`/`after` or `last`/`before`) into a service page request."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gql.schema.relay import InvalidGlobalId, decode_cursor, page_size
from gql.services.errors import InvalidInput
from gql.services.paging import PageRequest

__all__ = ["AfterArg", "BeforeArg", "FirstArg", "LastArg", "page_request"]

FirstArg = Annotated[int | None, strawberry.argument(description="Page size 1..100 (default 20).")]
AfterArg = Annotated[
    str | None, strawberry.argument(description="`endCursor` of the previous page.")
]
LastArg = Annotated[
    int | None,
    strawberry.argument(description="Backward paging: the last 1..100 items (before `before`)."),
]
BeforeArg = Annotated[
    str | None,
    strawberry.argument(description="Backward paging: `startCursor` of the page after."),
]
"""Every connection's paging arguments (docs/api-conventions.md, "Pagination")."""


def page_request(
    first: int | None, after: str | None, last: int | None = None, before: str | None = None
) -> PageRequest:
    """Validate connection arguments; a bad value is a client error naming the argument.

    Forward (``first``/``after``) or backward (``last``/``before``), never a mix of the two.
    """
    backward = last is not None or before is not None
    if backward and (first is not None or after is not None):
        mixed = "first" if first is not None else "after"
        raise InvalidInput(
            "page forward with first/after or backward with last/before, not both",
            field=(mixed,),
        )
    name = "before" if backward else "after"
    try:
        cursor = decode_cursor(before if backward else after)
    except InvalidGlobalId as exc:
        raise InvalidInput(str(exc), field=(name,)) from exc
    name = "last" if backward else "first"
    try:
        size = page_size(last if backward else first)
    except ValueError as exc:
        raise InvalidInput(str(exc).replace("first", name, 1), field=(name,)) from exc
    if backward:
        return PageRequest(first=size, last=size, before=cursor)
    return PageRequest(first=size, after=cursor)
