"""Query cost limit: refuse a query whose worst-case result size is too large *before* it runs.

Depth, alias and token limits come with strawberry; cost is ours because only we know that a
connection's ``first`` multiplies the cost of everything below it. A connection asked for without
``first`` returns a default page, so it is counted as that page, not as one item: counting it
as one let five aliases of a nested ``retailers`` query pass as cheap and freeze the server.

Two figures bound an operation (both before it runs, both reported in ``extensions.cost``):

* the *cost*: every field 1, a connection multiplies everything below it by its page size;
* the *nodes* (GitHub's measure): items every connection may return, nested pages multiplied.

After execution the *actual* cost — the fields the result really holds — is reported beside the
requested one, Shopify-style, and is what the rate limiter charges.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLInterfaceType,
    GraphQLObjectType,
    InlineFragmentNode,
    IntValueNode,
    NullValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    get_named_type,
)
from strawberry.extensions import SchemaExtension

from gql.schema.errors import RequestErrorCode
from gql.schema.relay import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from gql.schema.request_limits import argument_length_error

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from graphql import GraphQLSchema

__all__ = ["CostEstimate", "QueryCostLimiter", "actual_cost", "estimate_cost", "query_cost"]

_PAGE_ARGUMENTS = ("first", "last")
_REPORT_WEIGHT = 1_000
"""A report reads and aggregates a whole period (up to a company-year): weighed at the default
``heavy_query_cost``, so it runs in the heavy lane's worker processes, off the event loop."""
_FIELD_WEIGHTS = {
    ("Query", "territories"): 100,
    ("Query", "myPersonalData"): 1_000,
    **{
        ("Query", name): _REPORT_WEIGHT
        for name in (
            "disciplineReport",
            "routeReport",
            "auditReport",
            "workloadReport",
            "effectReport",
            "effectReportsByDepartment",
        )
    },
}
"""Fields whose work is not in their selection: territory metrics partition a whole district;
reports aggregate whole periods; a personal-data export reads up to a year of visits and fixes
(each runs in the heavy lane)."""

_Parent = GraphQLObjectType | GraphQLInterfaceType | None


@dataclass(frozen=True, slots=True)
class CostEstimate:
    """Upper bounds on what an operation returns."""

    cost: int
    """Fields resolved: each 1, a connection's children multiplied by its page size."""
    nodes: int
    """Items all connections may return, nested pages multiplied (GitHub's node limit)."""


def _page_size(node: FieldNode, variables: Mapping[str, Any], defaults: Mapping[str, Any]) -> int:
    """The page a connection field returns: its ``first``, else the default page."""
    for argument in node.arguments or ():
        if argument.name.value not in _PAGE_ARGUMENTS:
            continue
        value = argument.value
        if isinstance(value, IntValueNode):
            return max(1, min(int(value.value), MAX_PAGE_SIZE))
        if isinstance(value, NullValueNode):
            return DEFAULT_PAGE_SIZE
        if isinstance(value, VariableNode):
            name = value.name.value
            raw = variables[name] if name in variables else defaults.get(name, ...)
            if raw is None:
                return DEFAULT_PAGE_SIZE
            if isinstance(raw, int) and not isinstance(raw, bool):
                return max(1, min(raw, MAX_PAGE_SIZE))
            return MAX_PAGE_SIZE  # unknown: assume the worst
        return MAX_PAGE_SIZE
    return DEFAULT_PAGE_SIZE


@dataclass(frozen=True, slots=True)
class _Walk:
    schema: GraphQLSchema | None
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: Mapping[str, Any]
    defaults: Mapping[str, Any]

    def _is_connection(self, node: FieldNode, parent: _Parent) -> bool:
        if parent is None:  # no schema: only an explicit page argument says so
            return any(a.name.value in _PAGE_ARGUMENTS for a in node.arguments or ())
        field = parent.fields.get(node.name.value)
        return field is not None and any(name in field.args for name in _PAGE_ARGUMENTS)

    def _child_parent(self, node: FieldNode, parent: _Parent) -> _Parent:
        if parent is None:
            return None
        field = parent.fields.get(node.name.value)
        if field is None:
            return None
        named = get_named_type(field.type)
        return named if isinstance(named, GraphQLObjectType | GraphQLInterfaceType) else None

    def _type_named(self, name: str | None, parent: _Parent) -> _Parent:
        if name is None or self.schema is None:
            return parent
        found = self.schema.get_type(name)
        return found if isinstance(found, GraphQLObjectType | GraphQLInterfaceType) else None

    def selection(
        self,
        selection_set: SelectionSetNode | None,
        parent: _Parent,
        scale: int,
        seen: frozenset[str],
    ) -> tuple[int, int]:
        """(cost of one instance of ``selection_set``, nodes below it times ``scale``)."""
        if selection_set is None:
            return 0, 0
        cost = nodes = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                if selection.name.value.startswith("__") or selection.selection_set is None:
                    cost += 1
                    if parent is not None:
                        cost += _FIELD_WEIGHTS.get((parent.name, selection.name.value), 0)
                    continue
                if parent is not None:
                    cost += _FIELD_WEIGHTS.get((parent.name, selection.name.value), 0)
                page = 1
                if self._is_connection(selection, parent):
                    page = _page_size(selection, self.variables, self.defaults)
                    nodes += scale * page
                child_cost, child_nodes = self.selection(
                    selection.selection_set,
                    self._child_parent(selection, parent),
                    scale * page,
                    seen,
                )
                cost += 1 + page * child_cost
                nodes += child_nodes
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self._type_named(
                    None if condition is None else condition.name.value, parent
                )
                child_cost, child_nodes = self.selection(
                    selection.selection_set, inner, scale, seen
                )
                cost, nodes = cost + child_cost, nodes + child_nodes
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is not None and name not in seen:
                    inner = self._type_named(fragment.type_condition.name.value, parent)
                    child_cost, child_nodes = self.selection(
                        fragment.selection_set, inner, scale, seen | {name}
                    )
                    cost, nodes = cost + child_cost, nodes + child_nodes
        return cost, nodes


def _root(schema: GraphQLSchema | None, operation: OperationDefinitionNode) -> _Parent:
    if schema is None:
        return None
    return {
        OperationType.QUERY: schema.query_type,
        OperationType.MUTATION: schema.mutation_type,
        OperationType.SUBSCRIPTION: schema.subscription_type,
    }[operation.operation]


def estimate_cost(
    operations: list[OperationDefinitionNode],
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any] | None = None,
    schema: GraphQLSchema | None = None,
) -> CostEstimate:
    """The largest cost and node count among ``operations`` (the one that will run).

    With ``schema``, a field is a connection when it takes ``first``; without it, only when the
    query passes ``first`` (the pure form the unit tests use).
    """
    worst = CostEstimate(0, 0)
    for operation in operations:
        defaults = {
            d.variable.name.value: _literal(d.default_value)
            for d in operation.variable_definitions or ()
            if d.default_value is not None
        }
        walk = _Walk(schema, fragments, variables or {}, defaults)
        cost, nodes = walk.selection(
            operation.selection_set, _root(schema, operation), 1, frozenset()
        )
        worst = CostEstimate(max(worst.cost, cost), max(worst.nodes, nodes))
    return worst


def _literal(value: Any) -> Any:
    if isinstance(value, IntValueNode):
        return int(value.value)
    return None if isinstance(value, NullValueNode) else ...


def query_cost(
    operations: list[OperationDefinitionNode],
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any] | None = None,
    schema: GraphQLSchema | None = None,
) -> int:
    """Upper bound on resolved fields: each field 1, connections multiply their children."""
    return estimate_cost(operations, fragments, variables, schema).cost


def actual_cost(data: object) -> int:
    """Fields a result really holds: every key of every object, at any depth."""
    total = 0
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            total += len(value)
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return total


class QueryCostLimiter(SchemaExtension):
    """Reject operations over the cost or node limit; report every operation's cost."""

    def __init__(
        self,
        max_cost: int,
        max_nodes: int = 500_000,
        max_id_chars: int = 128,
        max_string_chars: int = 10_000,
    ) -> None:
        self.max_cost = max_cost
        self.max_nodes = max_nodes
        self.max_id_chars = max_id_chars
        self.max_string_chars = max_string_chars
        self.estimate: CostEstimate | None = None
        self.actual = 0

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
        variables = ctx.variables if isinstance(ctx.variables, dict) else {}
        schema = ctx.schema._schema
        error = argument_length_error(
            schema,
            operations,
            variables,
            max_id_chars=self.max_id_chars,
            max_string_chars=self.max_string_chars,
        )
        estimate = estimate_cost(operations, fragments, variables, schema)
        self.estimate = estimate
        error = error or self._refusal(estimate)
        if error is not None:
            ctx.pre_execution_errors = [error]
        yield

    def on_execute(self) -> Iterator[None]:
        """Count what the result really holds (only operations that ran get here)."""
        yield
        result = self.execution_context.result
        self.actual = actual_cost(getattr(result, "data", None))

    def _refusal(self, estimate: CostEstimate) -> GraphQLError | None:
        if estimate.cost > self.max_cost:
            return GraphQLError(
                f"query cost {estimate.cost} exceeds the limit of {self.max_cost}; "
                "ask for fewer items (first) or fewer nested fields",
                extensions={
                    "code": RequestErrorCode.QUERY_TOO_COSTLY.value,
                    "cost": estimate.cost,
                    "limit": self.max_cost,
                },
            )
        if estimate.nodes > self.max_nodes:
            return GraphQLError(
                f"the query may return {estimate.nodes} items, more than the limit of "
                f"{self.max_nodes}; ask for fewer items (first) in nested connections",
                extensions={
                    "code": RequestErrorCode.NODE_LIMIT_EXCEEDED.value,
                    "nodes": estimate.nodes,
                    "limit": self.max_nodes,
                },
            )
        return None

    def get_results(self) -> dict[str, Any]:
        """``extensions.cost`` of every operation that got as far as a cost estimate."""
        if self.estimate is None:
            return {}
        return {
            "cost": {
                "requestedQueryCost": self.estimate.cost,
                "actualQueryCost": self.actual,
                "requestedNodes": self.estimate.nodes,
                "maximumQueryCost": self.max_cost,
                "maximumNodes": self.max_nodes,
            }
        }
