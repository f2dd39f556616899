from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse

from gql.schema.limits import query_cost


def _cost(query: str, variables: dict[str, object] | None = None) -> int:
    document = parse(query)
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    return query_cost(operations, fragments, variables)


def test_scalar_fields_cost_one_each() -> None:
    """A flat query costs its field count."""
    assert _cost("{ viewer { role staff { name } } }") == 4


def test_first_multiplies_the_cost_of_children() -> None:
    """A connection's page size multiplies everything below it."""
    small = _cost("{ retailers(first: 10) { nodes { name grade } } }")
    large = _cost("{ retailers(first: 100) { nodes { name grade } } }")
    assert small == 1 + 10 * (1 + 2)
    assert large == 1 + 100 * (1 + 2)


def test_variables_and_fragments_are_followed() -> None:
    """first given as a variable and fields in fragments are counted."""
    query = """
      query Q($n: Int) { retailers(first: $n) { nodes { ...R } } }
      fragment R on Retailer { name grade }
    """
    assert _cost(query, {"n": 5}) == 1 + 5 * (1 + 2)
    assert _cost(query, {}) == 1 + 100 * (1 + 2)  # unknown page size: assume the worst


def test_nested_connections_multiply() -> None:
    """Nested lists multiply, which is what makes them expensive."""
    query = "{ managers(first: 50) { nodes { retailers(first: 100) { nodes { name } } } } }"
    assert _cost(query) == 1 + 50 * (1 + (1 + 100 * (1 + 1)))


def test_recursive_fragments_do_not_loop() -> None:
    """A fragment that spreads itself is counted once (validation rejects it anyway)."""
    query = "{ viewer { ...A } } fragment A on Viewer { role ...A }"
    assert _cost(query) == 2
