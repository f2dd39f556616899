"""Keyset pages: items after a primary key, with the facts a Relay connection needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = ["MAX_PAGE_SIZE", "InvalidPageRequest", "Page", "check_page"]

T = TypeVar("T")

MAX_PAGE_SIZE = 500
"""Largest page a repository returns; bigger requests are refused rather than truncated."""


class InvalidPageRequest(ValueError):
    """The page size or cursor is out of range."""


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """Up to ``first`` items keyed by primary key (ascending), plus paging facts.

    Same shape as :class:`gql.services.paging.Page`: ``items`` pairs each key with its item.
    """

    items: list[tuple[int, T]]
    has_next: bool
    has_previous: bool
    total_count: int


def check_page(first: int, after: int | None) -> None:
    """Refuse a page size outside 1..MAX_PAGE_SIZE or a negative cursor.

    Raises
    ------
    InvalidPageRequest
        With a sentence naming the bad value.
    """
    if not 1 <= first <= MAX_PAGE_SIZE:
        raise InvalidPageRequest(f"page size {first} must be between 1 and {MAX_PAGE_SIZE}")
    if after is not None and after < 0:
        raise InvalidPageRequest(f"cursor {after} must not be negative")
