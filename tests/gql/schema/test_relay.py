import pytest

from gql.schema.relay import (
    InvalidGlobalId,
    decode_cursor,
    decode_global_id,
    encode_cursor,
    encode_global_id,
    page_size,
)


@pytest.mark.parametrize("pk", [1, 42, 2**31 - 1])
def test_global_ids_round_trip(pk: int) -> None:
    """An encoded ID decodes back to its type and key."""
    assert decode_global_id(encode_global_id("Retailer", pk)) == ("Retailer", pk)


@pytest.mark.parametrize("pk", [2**31, 2**63, 10**40])
def test_keys_no_column_holds_are_invalid_ids(pk: int) -> None:
    """Past PostgreSQL's INTEGER (and SQLite's 2^63) no row can match: an invalid ID, not a 500."""
    with pytest.raises(InvalidGlobalId):
        decode_global_id(encode_global_id("Retailer", pk))


@pytest.mark.parametrize("bad", ["", "!!!", "UmV0YWlsZXI6", "UmV0YWlsZXI6LTE", "eHl6", "5L2g5aW9"])
def test_malformed_ids_raise_a_typed_error(bad: str) -> None:
    """IDs this server never issued raise InvalidGlobalId, never a crash or a wrong key."""
    with pytest.raises(InvalidGlobalId):
        decode_global_id(bad)


def test_cursors_are_not_interchangeable_with_ids() -> None:
    """A node ID passed as a cursor is refused."""
    assert decode_cursor(encode_cursor(9)) == 9
    assert decode_cursor(None) is None
    with pytest.raises(InvalidGlobalId):
        decode_cursor(encode_global_id("Retailer", 9))


@pytest.mark.parametrize(("first", "expected"), [(None, 20), (1, 1), (100, 100)])
def test_page_size_defaults_and_bounds(first: int | None, expected: int) -> None:
    """first is 1..100, default 20."""
    assert page_size(first) == expected


@pytest.mark.parametrize("first", [0, -1, 101])
def test_page_size_outside_bounds_is_refused(first: int) -> None:
    """A page size outside 1..100 is a clear error."""
    with pytest.raises(ValueError, match="between 1 and 100"):
        page_size(first)
