"""Relay conventions: opaque global IDs, ``Node`` and cursor connections."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Generic, TypeVar

import strawberry

from gql.services.paging import Page

__all__ = [
    "MAX_PAGE_SIZE",
    "MAX_PK",
    "Connection",
    "Edge",
    "InvalidGlobalId",
    "Node",
    "PageInfo",
    "decode_cursor",
    "decode_global_id",
    "encode_cursor",
    "encode_global_id",
    "page_size",
]

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20

T = TypeVar("T")
D = TypeVar("D")


class InvalidGlobalId(ValueError):
    """An ID or cursor that this server never issued."""


MAX_PK = 2**31 - 1
"""The largest key our columns hold (PostgreSQL INTEGER; SQLite stops at 2^63): beyond, no row.

Without it a key past 2^63 is an SQLite ``OverflowError`` and one past 2^31 a PostgreSQL
``DataError`` — a 500 for what is only an ID that names nothing."""


def encode_global_id(type_name: str, pk: int) -> str:
    """Opaque, URL-safe ID; clients must not parse it."""
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


def decode_global_id(global_id: str) -> tuple[str, int]:
    """Split an ID into type name and primary key, or raise :class:`InvalidGlobalId`."""
    try:
        padded = global_id + "=" * (-len(global_id) % 4)
        text = base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8")
        type_name, _, raw_pk = text.partition(":")
        pk = int(raw_pk)
    except (UnicodeError, binascii.Error, ValueError) as exc:
        raise InvalidGlobalId(f"{global_id!r} is not a valid ID") from exc
    if not type_name or not 0 < pk <= MAX_PK:
        raise InvalidGlobalId(f"{global_id!r} is not a valid ID")
    return type_name, pk


def encode_cursor(position: int) -> str:
    """Cursor for keyset pagination on the primary key."""
    return encode_global_id("cursor", position)


def decode_cursor(cursor: str | None) -> int | None:
    """The primary key after which the next page starts."""
    if cursor is None:
        return None
    kind, position = decode_global_id(cursor)
    if kind != "cursor":
        raise InvalidGlobalId(f"{cursor!r} is not a valid cursor")
    return position


def page_size(first: int | None) -> int:
    """Validate ``first``: 1..100, default 20."""
    if first is None:
        return DEFAULT_PAGE_SIZE
    if not 1 <= first <= MAX_PAGE_SIZE:
        raise ValueError(f"first must be between 1 and {MAX_PAGE_SIZE}, got {first}")
    return first


@strawberry.interface(description="An object with a globally unique, opaque ID.")
class Node:
    """Relay node interface."""

    id: strawberry.ID = strawberry.field(description="Opaque global ID; pass it to `node(id:)`.")


@strawberry.type(description="Where a page of a connection starts and ends.")
class PageInfo:
    """Relay page info."""

    has_next_page: bool = strawberry.field(description="More items follow this page.")
    has_previous_page: bool = strawberry.field(description="Items precede this page.")
    start_cursor: str | None = strawberry.field(description="Cursor of the first edge.")
    end_cursor: str | None = strawberry.field(
        description="Cursor of the last edge; pass it as `after` for the next page."
    )


@strawberry.type(description="An item of a connection with its cursor.")
class Edge(Generic[T]):
    """Relay edge."""

    cursor: str = strawberry.field(description="Opaque position of this item.")
    node: T = strawberry.field(description="The item.")


@strawberry.type(description="A page of items with cursors and the total count.")
class Connection(Generic[T]):
    """Relay connection with ``nodes`` shortcut and ``totalCount``."""

    edges: list[Edge[T]] = strawberry.field(description="Items with their cursors.")
    nodes: list[T] = strawberry.field(description="The items of this page, without cursors.")
    page_info: PageInfo = strawberry.field(description="Pagination state.")
    total_count: int = strawberry.field(description="Items matching the filter, all pages.")


def to_connection(page: Page[D], convert: Callable[[D], T]) -> Connection[T]:
    """Build the GraphQL connection from a service page, mapping each domain item."""
    edges = [Edge(cursor=encode_cursor(pk), node=convert(item)) for pk, item in page.items]
    return Connection(
        edges=edges,
        nodes=[edge.node for edge in edges],
        page_info=PageInfo(
            has_next_page=page.has_next,
            has_previous_page=page.has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=page.total_count,
    )
