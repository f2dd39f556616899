"""A small GraphQL test client: runs operations through the real schema and context."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from strawberry.types import ExecutionResult

from gql.auth import mint_token
from gql.context import AppState, Context


@dataclass
class Api:
    """Execute operations as a given staff member (or anonymously)."""

    state: AppState

    def token(self, staff_no: str) -> str:
        settings = self.state.settings
        return mint_token(
            secret=settings.jwt_secret, issuer=settings.jwt_issuer, staff_no=staff_no, ttl_s=600
        )

    def execute(
        self, query: str, variables: dict[str, Any] | None = None, *, as_: str | None = None
    ) -> ExecutionResult:
        context = Context(state=self.state, token=None if as_ is None else self.token(as_))
        return asyncio.run(
            self.state.schema.execute(query, variable_values=variables, context_value=context)
        )

    def data(
        self, query: str, variables: dict[str, Any] | None = None, *, as_: str | None = None
    ) -> dict[str, Any]:
        """Execute and insist on success."""
        result = self.execute(query, variables, as_=as_)
        assert result.errors is None, result.errors
        assert result.data is not None
        return result.data
