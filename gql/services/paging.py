"""Keyset pages as services return them (the store's page type); the API makes connections."""

from __future__ import annotations

from dataclasses import dataclass

from gql.store.repositories import Page

__all__ = ["Page", "PageRequest", "empty_page"]


@dataclass(frozen=True, slots=True)
class PageRequest:
    """Up to ``first`` items with primary key greater than ``after``."""

    first: int
    after: int | None = None


def empty_page(request: PageRequest) -> Page[object]:
    """What a caller whose scope is empty gets: nothing, and no hint of what exists."""
    return Page(items=[], has_next=False, has_previous=request.after is not None, total_count=0)
