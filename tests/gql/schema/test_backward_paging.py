"""Relay backward paging (`last`/`before`) gives the same items as forward paging, in order."""

from __future__ import annotations

from typing import Any

import pytest

from tests.gql.api import Api
from tests.gql.conftest import DemoPeople

PAGE = """query($first: Int, $after: String, $last: Int, $before: String) {
  %s(first: $first, after: $after, last: $last, before: $before) {
    nodes { id } totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""


def _page(api: Api, field: str, who: str, **arguments: Any) -> dict[str, Any]:
    result: dict[str, Any] = api.data(PAGE % field, arguments, as_=who)[field]
    return result


def _forward(api: Api, field: str, who: str, size: int) -> list[str]:
    ids: list[str] = []
    after = None
    while True:
        page = _page(api, field, who, first=size, after=after)
        ids += [n["id"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            return ids
        after = page["pageInfo"]["endCursor"]


def _backward(api: Api, field: str, who: str, size: int) -> list[str]:
    pages: list[list[str]] = []
    before = None
    while True:
        page = _page(api, field, who, last=size, before=before)
        assert len(page["nodes"]) <= size
        pages.insert(0, [n["id"] for n in page["nodes"]])
        assert page["pageInfo"]["hasNextPage"] is (before is not None)
        if not page["pageInfo"]["hasPreviousPage"]:
            return [i for p in pages for i in p]
        before = page["pageInfo"]["startCursor"]


@pytest.mark.parametrize(
    ("field", "who", "size"),
    [
        ("managers", "marketing", 3),  # the repository's keyset
        ("managers", "manager", 1),  # an account manager's own row, paged in memory
        ("staff", "head", 4),
        ("retailers", "head", 40),
    ],
)
def test_backward_pages_walk_the_same_items_as_forward_pages(
    api: Api, people: DemoPeople, field: str, who: str, size: int
) -> None:
    """Walking back from the end with `last`/`before` meets every item once, in order."""
    staff_no = getattr(people, who)
    forward = _forward(api, field, staff_no, size)
    assert _backward(api, field, staff_no, size) == forward
    assert len(set(forward)) == len(forward)


def test_the_last_page_of_retailers_ends_where_forward_paging_ends(
    api: Api, people: DemoPeople
) -> None:
    """`last: 5` is the five highest retailers; `before` its start gives the five before."""
    everyone = _page(api, "retailers", people.marketing, first=100)
    tail = _page(api, "retailers", people.marketing, last=5)
    assert tail["totalCount"] == everyone["totalCount"]
    assert tail["pageInfo"]["hasPreviousPage"] is True
    assert tail["pageInfo"]["hasNextPage"] is False
    wrong = api.execute(
        PAGE % "retailers", {"last": 5, "before": tail["nodes"][0]["id"]}, as_=people.marketing
    )
    assert wrong.errors is not None  # an ID is not a cursor, and says so
    assert "before: " in wrong.errors[0].message
    before = _page(
        api, "retailers", people.marketing, last=5, before=tail["pageInfo"]["startCursor"]
    )
    ids = [n["id"] for n in before["nodes"] + tail["nodes"]]
    assert len(ids) == 10
    assert len(set(ids)) == 10


@pytest.mark.parametrize(
    ("arguments", "field"),
    [({"first": 5, "last": 5}, "first"), ({"after": "x", "before": "y"}, "after")],
)
def test_forward_and_backward_arguments_together_are_refused(
    api: Api, people: DemoPeople, arguments: dict[str, Any], field: str
) -> None:
    """Mixing the two directions is a client error naming the argument, not a guess."""
    result = api.execute(PAGE % "retailers", arguments, as_=people.marketing)
    assert result.errors is not None
    assert "not both" in result.errors[0].message
