"""Connection arguments (`first`, `after`) into a service page request."""

from __future__ import annotations

from gql.schema.relay import InvalidGlobalId, decode_cursor, page_size
from gql.services.errors import InvalidInput
from gql.services.paging import PageRequest

__all__ = ["page_request"]


def page_request(first: int | None, after: str | None) -> PageRequest:
    """Validate connection arguments; a bad value is a client error naming the argument."""
    try:
        return PageRequest(first=page_size(first), after=decode_cursor(after))
    except InvalidGlobalId as exc:
        raise InvalidInput(str(exc), field=("after",)) from exc
    except ValueError as exc:
        raise InvalidInput(str(exc), field=("first",)) from exc
