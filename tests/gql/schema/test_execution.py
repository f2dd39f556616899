"""The lean executor answers exactly what strawberry's stock executor answers.

:class:`gql.schema.execution.LeanExecutor` reads plain leaf attributes directly. These tests
run the same operations through it and through the stock executor and compare the whole
response — data, error messages, paths and locations — on the demo city (every root list
with every argument-free field, as each role) and on a small schema built to break leaves.
"""

from __future__ import annotations

import asyncio
import dataclasses
import enum
import gc
import weakref
from typing import TYPE_CHECKING, Any

import pytest
import strawberry
from graphql import (
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    Undefined,
)
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from gql.context import Context
from gql.schema import build_schema
from gql.schema.execution import LeanExecutor, plain_leaves

if TYPE_CHECKING:
    from gql.context import AppState
    from tests.gql.api import Api
    from tests.gql.conftest import DemoPeople

ROOT_LISTS = ("viewer", "retailers", "managers", "departments", "visits", "auditPlans")
MAX_DEPTH = 4


def _unwrap(graphql_type: Any) -> Any:
    while isinstance(graphql_type, GraphQLNonNull | GraphQLList):
        graphql_type = graphql_type.of_type
    return graphql_type


def _selection(graphql_type: Any, depth: int) -> str:
    """Every field reachable without required arguments, down to ``depth`` levels."""
    named = _unwrap(graphql_type)
    if not isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType):
        return ""
    if isinstance(named, GraphQLUnionType):
        return "{ __typename }"
    parts = ["__typename"]
    for name, field in named.fields.items():
        if _needs_arguments(field):
            continue
        inner = _unwrap(field.type)
        if isinstance(inner, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType):
            if depth > 1:
                sub = _selection(field.type, depth - 1)
                # nested pages of 3: a default page of 20 at each level is over the cost limit
                page = "(first: 3)" if "first" in field.args else ""
                parts.append(f"{name}{page} {sub}")
        else:
            parts.append(name)
    return "{ " + " ".join(parts) + " }"


def _needs_arguments(field: GraphQLField) -> bool:
    return any(
        isinstance(arg.type, GraphQLNonNull) and arg.default_value is Undefined
        for arg in field.args.values()
    )


def _run(state: AppState, query: str, token: str | None) -> dict[str, Any]:
    context = Context(state=state, token=token)
    result = asyncio.run(state.schema.execute(query, context_value=context))
    return {
        "data": result.data,
        "errors": [
            {"message": e.message, "path": e.path, "locations": e.locations}
            for e in result.errors or []
        ],
    }


@pytest.fixture(scope="module")
def stock_schema(demo_state: AppState) -> Any:
    """The same schema, executed by strawberry's stock executor."""
    schema = build_schema(demo_state.settings)
    schema.execution_context_class = StrawberryGraphQLCoreExecutionContext
    return schema


@pytest.fixture
def stock_state(api: Api, stock_schema: Any) -> AppState:
    """The test's app state (its own transaction) with the stock-executor schema."""
    return dataclasses.replace(api.state, schema=stock_schema)


def test_the_app_schema_runs_on_the_lean_executor(api: Api) -> None:
    """The shortcut is wired in, and it covers most leaves of the main types."""
    assert api.state.schema.execution_context_class is LeanExecutor
    leaves = plain_leaves(api.state.schema._schema)
    assert ("Retailer", "licenceNo") in leaves
    assert ("Retailer", "manager") not in leaves  # a resolver: the stock path
    assert ("Visit", "endedAt") not in leaves  # nullable: the stock path


@pytest.mark.parametrize("root", ROOT_LISTS)
@pytest.mark.parametrize("role", ["manager", "head", "marketing", "auditor"])
def test_every_root_list_answers_the_same_on_both_executors(
    api: Api, stock_state: AppState, people: DemoPeople, root: str, role: str
) -> None:
    """All argument-free fields of the root lists, as each role: identical responses."""
    schema: GraphQLSchema = api.state.schema._schema
    field = schema.query_type.fields[root] if schema.query_type else None
    assert field is not None
    query = f"{{ {root} {_selection(field.type, MAX_DEPTH)} }}"
    token = api.token(getattr(people, role))
    lean = _run(api.state, query, token)
    stock = _run(stock_state, query, token)
    assert lean == stock
    assert lean["data"] is not None, lean["errors"]


def test_errors_aliases_and_directives_answer_the_same(
    api: Api, stock_state: AppState, people: DemoPeople
) -> None:
    """Aliases, @skip/@include, fragments and a field error give identical responses."""
    query = """
    query {
      a: retailers(first: 3) { nodes { ...R id2: id grade @skip(if: true) } }
      b: retailers(first: 2) { nodes { licenceNo @include(if: false) name status } }
      broken: retailer(id: "not-an-id") { id }
    }
    fragment R on Retailer { id licenceNo position { lat lon } updatedAt businessType }
    """
    token = api.token(people.marketing)
    lean = _run(api.state, query, token)
    assert lean == _run(stock_state, query, token)
    assert lean["errors"], "the bad ID must be reported"


# -- leaves that break -------------------------------------------------------------------


@strawberry.enum(description="A kind.")
class Kind(enum.Enum):
    """Kinds."""

    A = "A"


@strawberry.type(description="A thing whose leaves may be broken.")
class Thing:
    """Attributes are set freely below, whatever their annotations say."""

    name: str = strawberry.field(description="Non-null string.")
    count: int = strawberry.field(description="Non-null int.")
    kind: Kind = strawberry.field(description="Non-null enum.")
    note: str | None = strawberry.field(description="Nullable string.")


def _thing(**values: Any) -> Thing:
    thing = Thing(name="ok", count=1, kind=Kind.A, note=None)
    for key, value in values.items():
        object.__setattr__(thing, key, value)
    return thing


@strawberry.type(description="Root.")
class ThingQuery:
    """Good and broken things."""

    @strawberry.field(description="Things, some broken.")
    def things(self) -> list[Thing | None]:
        """One good thing, then one broken leaf each."""
        return [
            _thing(),
            _thing(name=None),
            _thing(count="many"),
            _thing(count=2**40),
            _thing(kind="B"),
            _thing(note=12),
        ]


@pytest.mark.parametrize("field", ["name", "count", "kind", "note"])
def test_broken_leaves_fail_the_same_on_both_executors(field: str) -> None:
    """Nulls in non-null fields and uncoercible values: same errors, same nulled items."""
    lean = strawberry.Schema(query=ThingQuery, execution_context_class=LeanExecutor)
    stock = strawberry.Schema(query=ThingQuery)
    query = f"{{ things {{ {field} }} }}"
    lean_result = lean.execute_sync(query)
    stock_result = stock.execute_sync(query)
    assert lean_result.data == stock_result.data
    assert [(e.message, e.path, e.locations) for e in lean_result.errors or []] == [
        (e.message, e.path, e.locations) for e in stock_result.errors or []
    ]
    good = {"name": "ok", "count": 1, "kind": "A", "note": None}
    assert lean_result.data is not None
    assert lean_result.data["things"][0] == {field: good[field]}
    if field != "note":
        assert lean_result.errors, "a broken non-null leaf must be reported"


def test_an_answered_operation_is_freed_without_the_cyclic_collector(
    api: Api, people: DemoPeople
) -> None:
    """No reference cycle outlives an operation: its context goes when the last reference does.

    A cycle through the executor kept every request's objects for the cyclic collector, whose
    full collections then stopped a loaded worker for tens of milliseconds (issue 19).
    """
    query = "{ viewer { role } retailers(first: 3) { nodes { licenceNo name } } }"
    context = Context(state=api.state, token=api.token(people.head))
    freed = weakref.ref(context)
    gc.collect()
    gc.disable()
    try:
        result = asyncio.run(api.state.schema.execute(query, context_value=context))
        assert result.errors is None
        del context, result
        assert freed() is None
    finally:
        gc.enable()


def test_a_unit_that_took_a_write_turn_is_freed_without_the_cyclic_collector(
    api: Api, people: DemoPeople
) -> None:
    """The unit's turns read the session through the context; ending the unit lets them go."""
    context = Context(state=api.state, token=api.token(people.manager))
    principal = context.principal
    assert principal is not None

    async def write_turn(unit: Context, manager_id: int) -> None:
        await unit._take_turn(manager_id)
        unit.end_unit_of_work(commit=False)

    freed = weakref.ref(context)
    gc.collect()
    gc.disable()
    try:
        asyncio.run(write_turn(context, principal.staff_id))
        del context
        assert freed() is None
    finally:
        gc.enable()
