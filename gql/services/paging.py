"""Keyset pages as services return them (the store's page type); the API makes connections."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from gql.store.repositories import Page

__all__ = ["Page", "PageKeys", "PageRequest", "empty_page"]


class PageKeys(TypedDict):
    """The repositories' paging keywords."""

    first: int
    after: int | None
    last: int | None
    before: int | None


@dataclass(frozen=True, slots=True)
class PageRequest:
    """Up to ``first`` items with primary key greater than ``after``.

    With ``last``: the last ``last`` items before ``before`` (Relay's backward paging).
    """

    first: int
    after: int | None = None
    last: int | None = None
    before: int | None = None

    @property
    def keys(self) -> PageKeys:
        """The repositories' paging keywords."""
        return {"first": self.first, "after": self.after, "last": self.last, "before": self.before}


def empty_page(request: PageRequest) -> Page[object]:
    """What a caller whose scope is empty gets: nothing, and no hint of what exists."""
    if request.last is not None:
        return Page(
            items=[], has_next=request.before is not None, has_previous=False, total_count=0
        )
    return Page(items=[], has_next=False, has_previous=request.after is not None, total_count=0)
