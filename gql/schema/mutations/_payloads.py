"""Every mutation field is declared here, with the one error path it shares.

A mutation's resolver only turns its input into a service command and the service's answer
into its payload; :class:`~gql.schema.errors.UserErrors` turns any expected failure, raised by
the resolver or the service, into the payload's ``userErrors`` (every fault of the input at
once, camelCase paths rooted at ``input``). ``aliases`` names the command fields the input calls
otherwise, e.g. ``{"plan_date": ("date",)}``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import strawberry

from gql.schema.errors import UserErrors

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from gql.services.errors import FieldPath

__all__ = ["payload_mutation"]


def payload_mutation(
    resolver: Callable[..., Any],
    description: str,
    *,
    aliases: Mapping[str, FieldPath] | None = None,
) -> Any:
    """A mutation field whose expected failures become its payload's ``userErrors``."""
    return strawberry.mutation(
        resolver=resolver, description=description, extensions=[UserErrors(aliases)]
    )
