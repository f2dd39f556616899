"""A small GraphQL test client: runs operations through the real schema and context."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import sessionmaker
from strawberry.types import ExecutionResult

from gql.auth import mint_token
from gql.context import AppState, Context
from gql.services.visits.events import EventBus


@dataclass
class Api:
    """Execute operations as a given staff member (or anonymously)."""

    state: AppState
    setup: Api | None = None
    """For shared set-up made once per module: an Api on the same database whose writes are
    committed (``None``: this one commits). Tests themselves write through :func:`rolled_back`."""

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


@contextmanager
def rolled_back(state: AppState, setup: Api | None = None) -> Iterator[Api]:
    """An Api whose every operation runs inside one outer transaction, rolled back at the end.

    Each operation's unit of work becomes a savepoint on one connection: a mutation's commit
    releases it (later operations of the same test see the write), a failure rolls back to it.
    Nothing outlives the test, so no test depends on another's leftovers. The live event bus is
    the test's own too.
    """
    connection = state.engine.connect()
    outer = connection.begin()
    sessions = sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )
    scoped = dataclasses.replace(
        state, engine=connection, reader=connection, sessions=sessions, bus=EventBus()
    )
    try:
        yield Api(scoped, setup=setup)
    finally:
        outer.rollback()
        connection.close()
