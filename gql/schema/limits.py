"""Query cost limit: refuse a query whose worst-case result size is too large *before* it runs.

Depth, alias and token limits come with strawberry; cost is ours because only we know that a
connection's ``first`` multiplies the cost of everything below it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
)
from strawberry.extensions import SchemaExtension

from gql.schema.errors import RequestErrorCode

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

__all__ = ["QueryCostLimiter", "query_cost"]

_MAX_FIRST = 100


def _multiplier(node: FieldNode, variables: Mapping[str, Any]) -> int:
    for argument in node.arguments or ():
        if argument.name.value not in ("first", "last"):
            continue
        value = argument.value
        if isinstance(value, IntValueNode):
            return max(1, min(int(value.value), _MAX_FIRST))
        if isinstance(value, VariableNode):
            raw = variables.get(value.name.value)
            if isinstance(raw, int) and not isinstance(raw, bool):
                return max(1, min(raw, _MAX_FIRST))
            return _MAX_FIRST  # unknown: assume the worst
        return _MAX_FIRST
    return 1  # plain lists in this schema are short (windows, stops, departments)


def _selection_cost(
    selection_set: SelectionSetNode | None,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
    seen: frozenset[str],
) -> int:
    if selection_set is None:
        return 0
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if selection.name.value.startswith("__"):
                total += 1
                continue
            children = _selection_cost(selection.selection_set, fragments, variables, seen)
            total += 1 + _multiplier(selection, variables) * children if children else 1
        elif isinstance(selection, InlineFragmentNode):
            total += _selection_cost(selection.selection_set, fragments, variables, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is not None and name not in seen:
                total += _selection_cost(
                    fragment.selection_set, fragments, variables, seen | {name}
                )
    return total


def query_cost(
    operations: list[OperationDefinitionNode],
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any] | None = None,
) -> int:
    """Upper bound on resolved fields: each field 1, lists multiply their children by ``first``."""
    return max(
        (
            _selection_cost(op.selection_set, fragments, variables or {}, frozenset())
            for op in operations
        ),
        default=0,
    )


class QueryCostLimiter(SchemaExtension):
    """Reject queries whose estimated cost exceeds ``max_cost``."""

    def __init__(self, max_cost: int) -> None:
        self.max_cost = max_cost

    def on_validate(self) -> Iterator[None]:
        """Run after parsing and before graphql-core's validation, which it pre-empts."""
        ctx = self.execution_context
        document = ctx.graphql_document
        if document is None or ctx.pre_execution_errors:
            yield
            return
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        if ctx.operation_name:
            operations = [
                op
                for op in operations
                if op.name is not None and op.name.value == ctx.operation_name
            ]
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        cost = query_cost(operations, fragments, ctx.variables)
        if cost > self.max_cost:
            error = GraphQLError(
                f"query cost {cost} exceeds the limit of {self.max_cost}; "
                "ask for fewer items (first) or fewer nested fields",
                extensions={
                    "code": RequestErrorCode.QUERY_TOO_COSTLY.value,
                    "cost": cost,
                    "limit": self.max_cost,
                },
            )
            ctx.pre_execution_errors = [error]
        yield
