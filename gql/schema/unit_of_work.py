"""Commit or roll back once, when the operation ends (services never commit)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from graphql import FieldNode, OperationDefinitionNode
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

if TYPE_CHECKING:
    from collections.abc import Iterator

    from strawberry.types import ExecutionContext

__all__ = ["UnitOfWork"]

_READ_ONLY = frozenset({OperationType.QUERY, OperationType.SUBSCRIPTION})
_READS_FIRST = frozenset({"visitStart", "visitEnd"})
"""Mutations that read, wait for a carrier, and write only once they hold the manager's turn."""


class UnitOfWork(SchemaExtension):
    """Commit the operation's session if it finished without errors, else roll it back.

    Mutations report expected failures as ``userErrors`` and write nothing in that case, so a
    clean result is safe to commit; an unexpected error rolls back everything the operation did.
    """

    def on_execute(self) -> Iterator[None]:
        """Queries and subscriptions read only: tell the context before a session opens.

        A subscription reads in a unit of work per event (a live board's names of manager and
        retailer): on PostgreSQL read-only units run in autocommit, which spares each event
        BEGIN and COMMIT, two round trips of the worker's loop.
        """
        context = self.execution_context.context
        if hasattr(context, "read_only"):
            context.read_only = self.execution_context.operation_type in _READ_ONLY
        if hasattr(context, "reads_first"):
            context.reads_first = _reads_first(self.execution_context)
        yield

    def on_operation(self) -> Iterator[None]:
        """Wrap the whole operation."""
        yield
        context = self.execution_context.context
        end = getattr(context, "end_unit_of_work", None)
        if end is None:
            return
        result = self.execution_context.result
        failed = result is None or bool(getattr(result, "errors", None))
        end(commit=not failed)


def _reads_first(execution: ExecutionContext) -> bool:
    """Whether the operation is a handheld's press: a mutation of only :data:`_READS_FIRST`.

    Its reads then run like a query's (on PostgreSQL without BEGIN and COMMIT, two round trips
    of a press's fifteen) until it takes its turn to write.
    """
    if execution.operation_type is not OperationType.MUTATION or execution.graphql_document is None:
        return False
    operations = [
        d
        for d in execution.graphql_document.definitions
        if isinstance(d, OperationDefinitionNode)
        and (
            execution.operation_name is None
            or (d.name and d.name.value) == execution.operation_name
        )
    ]
    if len(operations) != 1:
        return False
    roots = operations[0].selection_set.selections
    return all(isinstance(f, FieldNode) and f.name.value in _READS_FIRST for f in roots)
