"""Keyset pages: items after a primary key, with the facts a Relay connection needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeAlias, TypeVar

if TYPE_CHECKING:
    from collections.abc import Sequence

    import sqlalchemy as sa
    from sqlalchemy.orm import InstrumentedAttribute

    _Key: TypeAlias = sa.ColumnElement[Any] | InstrumentedAttribute[Any]

__all__ = ["MAX_PAGE_SIZE", "InvalidPageRequest", "Keyset", "Page", "check_page"]

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


R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Keyset:
    """Which rows a page takes, by key.

    The first ``size`` after ``after`` (forward), or the last ``size`` before ``before``
    (backward, Relay's ``last``/``before``). ``descending`` is for lists shown newest
    first: "after" then means a smaller key.
    """

    size: int
    after: int | None = None
    before: int | None = None
    backward: bool = False
    descending: bool = False

    @classmethod
    def of(
        cls,
        first: int,
        after: int | None,
        last: int | None = None,
        before: int | None = None,
        *,
        descending: bool = False,
    ) -> Keyset:
        """Checked: a page size in range, cursors not negative; ``last`` makes it backward."""
        check_page(first if last is None else last, after)
        if before is not None and before < 0:
            raise InvalidPageRequest(f"cursor {before} must not be negative")
        return cls(
            size=first if last is None else last,
            after=after,
            before=before,
            backward=last is not None,
            descending=descending,
        )

    def conditions(self, key: _Key) -> list[sa.ColumnElement[bool]]:
        """The keys between the cursors."""
        found: list[sa.ColumnElement[bool]] = []
        if self.after is not None:
            found.append(key < self.after if self.descending else key > self.after)
        if self.before is not None:
            found.append(key > self.before if self.descending else key < self.before)
        return found

    def order(self, key: _Key) -> sa.ColumnElement[Any]:
        """Read from the end the page grows from (backward pages are read in reverse)."""
        return key.desc() if self.descending != self.backward else key.asc()

    def takes(self, key: int) -> bool:
        """The same test as :meth:`conditions`, for keys already in memory."""
        if self.after is not None and not (
            key < self.after if self.descending else key > self.after
        ):
            return False
        return self.before is None or (key > self.before if self.descending else key < self.before)

    def cut(self, rows: Sequence[R]) -> tuple[list[R], bool, bool]:
        """The page in list order, whether a next page follows, whether a previous one does.

        ``rows``: up to ``size + 1`` rows read in :meth:`order`.
        """
        more = len(rows) > self.size
        page = list(rows[: self.size])
        if self.backward:
            page.reverse()
            return page, self.before is not None, more
        return page, more, self.after is not None
