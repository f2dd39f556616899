"""The conventions of docs/api-conventions.md, checked over every type of the live schema."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from graphql import (
    GraphQLArgument,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
)

import gql.schema
from gql.schema.scalars import serialize_datetime
from gql.settings import Settings

DOCS = Path(__file__).resolve().parents[3] / "docs" / "api-conventions.md"

# JSON outputs that stay free-form on purpose; each is documented in docs/api-conventions.md.
FREE_FORM_JSON = {
    "AuditPlan.design",
    "AuditPlan.optimisedAgainst",
    "CurrentTerritories.raw",
    "FieldChange.old",
    "FieldChange.new",
    "TerritoryProposal.parameters",
    "TerritoryProposal.metrics",
    "VisitPlan.optimisedAgainst",
    "Query.myPersonalData",
    "Query.districtBarriers",
    "DistrictBarriersSetPayload.geojson",
}
_MONEY_WORDS = re.compile(r"(amount|yuan|fen|price|sales|revenue|cost|money)", re.IGNORECASE)
_DEFAULT_DEPRECATION = "No longer supported"

Member = GraphQLField | GraphQLArgument | GraphQLInputField


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return gql.schema.build_schema(Settings())._schema


def _own_types(schema: GraphQLSchema) -> list[GraphQLNamedType]:
    return [t for name, t in schema.type_map.items() if not name.startswith("__")]


def _members(schema: GraphQLSchema) -> list[tuple[str, Member]]:
    """Every field, argument and input field, by schema coordinate."""
    found: list[tuple[str, Member]] = []
    for named in _own_types(schema):
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
            for name, field in named.fields.items():
                found.append((f"{named.name}.{name}", field))
                found.extend(
                    (f"{named.name}.{name}({arg_name}:)", arg)
                    for arg_name, arg in field.args.items()
                )
        elif isinstance(named, GraphQLInputObjectType):
            found.extend((f"{named.name}.{name}", field) for name, field in named.fields.items())
    return found


def _leaf_name(coordinate: str) -> str:
    return coordinate.rstrip(":)").split("(")[-1].split(".")[-1]


def _deprecated(member: Member) -> bool:
    return getattr(member, "deprecation_reason", None) is not None


def test_every_reference_to_an_entity_is_a_global_id(schema: GraphQLSchema) -> None:
    wrong = [
        f"{coordinate}: {member.type}"
        for coordinate, member in _members(schema)
        if re.fullmatch(r"id|ids|.*Ids?", _leaf_name(coordinate))
        and not _deprecated(member)
        and get_named_type(member.type).name != "ID"
    ]
    assert wrong == []


def test_every_deprecation_gives_its_reason(schema: GraphQLSchema) -> None:
    vague = [
        coordinate
        for coordinate, member in _members(schema)
        if _deprecated(member)
        and (
            not getattr(member, "deprecation_reason", "").strip()
            or getattr(member, "deprecation_reason", "") == _DEFAULT_DEPRECATION
        )
    ]
    assert vague == []


@pytest.mark.parametrize(
    "instant",
    [
        datetime(2026, 11, 27, 8, 30, tzinfo=UTC),
        datetime(2026, 11, 27, 16, 30, 0, 123456, tzinfo=timezone(timedelta(hours=8))),
    ],
)
def test_datetime_travels_as_utc_with_z(schema: GraphQLSchema, instant: datetime) -> None:
    scalar = schema.type_map["DateTime"]
    text = scalar.serialize(instant)  # type: ignore[attr-defined]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", text)
    assert datetime.fromisoformat(text.replace("Z", "+00:00")) == instant.replace(
        microsecond=instant.microsecond // 1000 * 1000
    )


def test_a_naive_datetime_is_refused_not_guessed() -> None:
    with pytest.raises(ValueError, match="naive"):
        serialize_datetime(datetime(2026, 11, 27, 8, 30))


def test_date_is_the_business_day_and_every_date_input_says_so(schema: GraphQLSchema) -> None:
    date_scalar = schema.type_map["Date"]
    assert "business day" in (date_scalar.description or "")
    assert "UTC+08:00" in (date_scalar.description or "")
    undocumented = [
        coordinate
        for coordinate, member in _members(schema)
        if isinstance(member, GraphQLArgument | GraphQLInputField)
        and get_named_type(member.type).name == "Date"
        and not (member.description or "").strip()
    ]
    assert undocumented == []


def test_money_is_a_decimal_string_with_its_currency(schema: GraphQLSchema) -> None:
    money = schema.type_map["Money"]
    assert isinstance(money, GraphQLObjectType)
    assert {name: str(field.type) for name, field in money.fields.items()} == {
        "amount": "Decimal!",
        "currency": "Currency!",
    }
    assert (
        money.fields["amount"].type.of_type.serialize(  # type: ignore[attr-defined]
            __import__("decimal").Decimal("9199795.64")
        )
        == "9199795.64"
    )
    floats = [
        coordinate
        for coordinate, member in _members(schema)
        if get_named_type(member.type).name in {"Float", "Int"}
        and _MONEY_WORDS.search(_leaf_name(coordinate))
        and not _deprecated(member)
    ]
    assert floats == []


def test_every_connection_pages_forward_and_backward(schema: GraphQLSchema) -> None:
    connections = [
        (coordinate, member)
        for coordinate, member in _members(schema)
        if isinstance(member, GraphQLField)
        and get_named_type(member.type).name.endswith("Connection")
    ]
    assert len(connections) >= 8
    missing = [
        coordinate
        for coordinate, member in connections
        if not {"first", "after", "last", "before"} <= set(member.args)
    ]
    assert missing == []


def test_root_refetches_one_node_and_many(schema: GraphQLSchema) -> None:
    query = schema.query_type
    assert query is not None
    assert str(query.fields["node"].args["id"].type) == "ID!"
    assert str(query.fields["nodes"].args["ids"].type) == "[ID!]!"
    assert str(query.fields["nodes"].type) == "[Node]!"


def test_json_outputs_are_deprecated_or_documented_free_form(schema: GraphQLSchema) -> None:
    docs = DOCS.read_text(encoding="utf-8")
    json_outputs = {
        coordinate
        for coordinate, member in _members(schema)
        if isinstance(member, GraphQLField)
        and get_named_type(member.type).name == "JSON"
        and not _deprecated(member)
    }
    assert json_outputs == FREE_FORM_JSON
    assert [c for c in sorted(FREE_FORM_JSON) if f"`{c}`" not in docs] == []


def test_free_form_json_keys_become_camel_case_at_every_depth() -> None:
    from gql.schema.scalars import camel_json

    stored = {"road_factor": 1.3, "per_stratum": {"by_manager": [{"top_up_s": 5}]}, "size": 8}
    assert camel_json(stored) == {
        "roadFactor": 1.3,
        "perStratum": {"byManager": [{"topUpS": 5}]},
        "size": 8,
    }
