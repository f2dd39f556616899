"""Errors the client is meant to read; everything else is masked as "Unexpected error."."""

from __future__ import annotations

import strawberry
from graphql import GraphQLError

from gql.services.errors import ServiceError

__all__ = [
    "ClientError",
    "UserError",
    "should_mask",
]


class ClientError(Exception):
    """A request the client can fix; the message and ``code`` reach the client unmasked."""

    code = "BAD_USER_INPUT"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

    @property
    def extensions(self) -> dict[str, str]:
        """GraphQL error extensions."""
        return {"code": self.code}


@strawberry.type(description="A problem with the input of a mutation, tied to the input field.")
class UserError:
    """An expected failure of a mutation."""

    field: list[str] | None = strawberry.field(
        description='Path to the input field at fault, e.g. ["input", "lat"]; null if general.'
    )
    message: str = strawberry.field(description="What is wrong, in words a user can act on.")
    code: str = strawberry.field(description="Stable machine-readable code, e.g. NOT_FOUND.")


def should_mask(error: GraphQLError) -> bool:
    """Mask unexpected exceptions; keep validation errors and :class:`ClientError`s readable."""
    original = error.original_error
    if original is None:
        return False  # syntax / validation / limit errors produced by graphql-core or extensions
    return not isinstance(original, ClientError | ServiceError | GraphQLError)
