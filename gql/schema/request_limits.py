"""Size limits checked before a request is parsed as GraphQL, and string argument lengths.

A request is refused by its size alone — the body as it arrives (413), the query text (413), the
variables' nesting and size, any string longer than its limit (400) — so a 10 MB id costs the
server a byte count, not a parse and a database lookup. No refusal quotes the request: messages
name the limit and where it was broken, never the value.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graphql import (
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    ListValueNode,
    ObjectValueNode,
    OperationDefinitionNode,
    StringValueNode,
    type_from_ast,
)

from gql.schema.errors import RequestError, RequestErrorCode

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from graphql import GraphQLInputType, GraphQLSchema, ValueNode
    from starlette.types import Message, Receive, Scope

    from gql.settings import Settings

__all__ = ["argument_length_error", "check_request", "read_limited"]

_MAX_NAME_CHARS = 200
"""``operationName`` and the variable names quoted in messages."""
_SCALAR_BYTES = 8
"""What a number, boolean or null adds to the variables' size estimate."""


def _too_large(what: str, limit: int, unit: str) -> RequestError:
    return RequestError(
        RequestErrorCode.REQUEST_TOO_LARGE,
        f"{what} is larger than the limit of {limit:,} {unit}; send less",
    )


def read_limited(scope: Scope, receive: Receive, max_bytes: int) -> Receive:
    """``receive`` that refuses a body past ``max_bytes`` as soon as it is announced or read."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                announced = int(value)
            except ValueError:
                raise RequestError(
                    RequestErrorCode.BAD_REQUEST, "Content-Length is not a number"
                ) from None
            if announced > max_bytes:
                raise _too_large("the request body", max_bytes, "bytes")
    received = 0

    async def limited() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > max_bytes:
                raise _too_large("the request body", max_bytes, "bytes")
        return message

    return limited


def check_request(body: Mapping[str, Any], settings: Settings) -> None:
    """Refuse a decoded request whose query, name or variables break a size limit."""
    query = body.get("query")
    if isinstance(query, str) and len(query) > settings.max_query_chars:
        raise _too_large("the query", settings.max_query_chars, "characters")
    name = body.get("operationName")
    if isinstance(name, str) and len(name) > _MAX_NAME_CHARS:
        raise RequestError(
            RequestErrorCode.STRING_TOO_LONG,
            f"operationName is longer than {_MAX_NAME_CHARS} characters",
        )
    variables = body.get("variables")
    if isinstance(variables, dict):
        _check_variables(variables, settings)


def _check_variables(variables: dict[str, Any], settings: Settings) -> None:
    size = 0
    stack: list[tuple[object, int, str]] = [
        (v, 1, f"${k[:_MAX_NAME_CHARS]}") for k, v in variables.items()
    ]
    while stack:
        value, depth, path = stack.pop()
        if depth > settings.max_variables_depth:
            raise RequestError(
                RequestErrorCode.VARIABLES_TOO_DEEP,
                f"{path.split('.', 1)[0]} nests deeper than {settings.max_variables_depth} levels",
            )
        if isinstance(value, str):
            size += len(value)
            if len(value) > settings.max_string_chars:
                raise RequestError(
                    RequestErrorCode.STRING_TOO_LONG,
                    f"{path} is longer than the limit of {settings.max_string_chars:,} characters",
                )
        elif isinstance(value, dict):
            size += _SCALAR_BYTES
            stack.extend(
                (v, depth + 1, f"{path}.{str(k)[:_MAX_NAME_CHARS]}") for k, v in value.items()
            )
        elif isinstance(value, list):
            size += _SCALAR_BYTES
            stack.extend((v, depth + 1, f"{path}.{i}") for i, v in enumerate(value))
        else:
            size += _SCALAR_BYTES
        if size > settings.max_variables_bytes:
            raise _too_large("the variables", settings.max_variables_bytes, "bytes")


# -- string arguments by type (after parsing, before validation) ------------------------------


def _limit_for(scalar: GraphQLScalarType, max_id: int, max_string: int) -> int | None:
    if scalar.name == "ID":
        return max_id
    return max_string if scalar.name == "String" else None


def _value_strings(
    type_: GraphQLInputType, value: object, path: str
) -> Iterator[tuple[GraphQLScalarType, str, str]]:
    """(scalar type, string, path) of every string a variable's value holds."""
    if isinstance(type_, GraphQLNonNull):
        yield from _value_strings(type_.of_type, value, path)
    elif isinstance(type_, GraphQLList):
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            yield from _value_strings(type_.of_type, item, f"{path}.{index}")
    elif isinstance(type_, GraphQLInputObjectType) and isinstance(value, dict):
        for name, field in type_.fields.items():
            if name in value:
                yield from _value_strings(field.type, value[name], f"{path}.{name}")
    elif isinstance(type_, GraphQLScalarType) and isinstance(value, str):
        yield type_, value, path


def _literal_strings(
    type_: GraphQLInputType, node: ValueNode, path: str
) -> Iterator[tuple[GraphQLScalarType, str, str]]:
    """The same for a literal written in the query."""
    if isinstance(type_, GraphQLNonNull):
        yield from _literal_strings(type_.of_type, node, path)
    elif isinstance(type_, GraphQLList):
        items = node.values if isinstance(node, ListValueNode) else (node,)
        for index, item in enumerate(items):
            yield from _literal_strings(type_.of_type, item, f"{path}.{index}")
    elif isinstance(type_, GraphQLInputObjectType) and isinstance(node, ObjectValueNode):
        for field_node in node.fields:
            field = type_.fields.get(field_node.name.value)
            if field is not None:
                yield from _literal_strings(
                    field.type, field_node.value, f"{path}.{field_node.name.value}"
                )
    elif isinstance(type_, GraphQLScalarType) and isinstance(node, StringValueNode):
        yield type_, node.value, path


def _literal_arguments(
    schema: GraphQLSchema, operation: OperationDefinitionNode
) -> Iterator[tuple[GraphQLScalarType, str, str]]:
    """Strings in the literal arguments of root fields and of fields below them (by name)."""
    from graphql import FieldNode, GraphQLInterfaceType, GraphQLObjectType, get_named_type

    root = schema.get_root_type(operation.operation)
    stack: list[tuple[Any, Any]] = [(operation.selection_set, root)]
    while stack:
        selection_set, parent = stack.pop()
        if selection_set is None or not isinstance(
            parent, GraphQLObjectType | GraphQLInterfaceType
        ):
            continue
        for selection in selection_set.selections:
            if not isinstance(selection, FieldNode):
                continue  # fragments: their literals are bounded by the query length
            field = parent.fields.get(selection.name.value)
            if field is None:
                continue
            for argument in selection.arguments or ():
                definition = field.args.get(argument.name.value)
                if definition is not None:
                    yield from _literal_strings(
                        definition.type,
                        argument.value,
                        f"{selection.name.value}({argument.name.value})",
                    )
            stack.append((selection.selection_set, get_named_type(field.type)))


def argument_length_error(
    schema: GraphQLSchema,
    operations: list[OperationDefinitionNode],
    variables: Mapping[str, Any],
    *,
    max_id_chars: int,
    max_string_chars: int,
) -> GraphQLError | None:
    """The first ``ID`` or ``String`` argument (literal or variable) longer than its limit."""
    for operation in operations:
        found = list(_literal_arguments(schema, operation))
        for definition in operation.variable_definitions or ():
            name = definition.variable.name.value
            type_ = type_from_ast(schema, definition.type)
            if name in variables and type_ is not None:
                found += _value_strings(type_, variables[name], f"${name}")  # type: ignore[arg-type]
        for scalar, text, path in found:
            limit = _limit_for(scalar, max_id_chars, max_string_chars)
            if limit is not None and len(text) > limit:
                return GraphQLError(
                    f"{path} is longer than the limit of {limit:,} characters for {scalar.name}",
                    extensions={"code": RequestErrorCode.STRING_TOO_LONG.value, "limit": limit},
                )
    return None
