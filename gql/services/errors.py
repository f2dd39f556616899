"""Failures a caller can act on: a stable code, words a person can act on, and where.

Services raise these and nothing else for expected failures. Each names the input at fault by
a *Python* field path into the service's command or arguments, e.g. ``("lat",)`` or
``("stops", 3, "retailer_id")``, and an input with several faults raises them together
(:class:`Problems`). The API layer decides how to show them (``userErrors`` of a mutation,
top-level errors of a query); nothing here knows GraphQL, camelCase or HTTP.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

__all__ = [
    "ErrorCode",
    "FieldPath",
    "Forbidden",
    "InvalidInput",
    "NotFound",
    "Problem",
    "Problems",
    "ServiceError",
    "Unauthenticated",
]

FieldPath: TypeAlias = tuple[str | int, ...]
"""Attribute names and list indexes from the command's root; ``()`` is the input as a whole."""


class ErrorCode(enum.StrEnum):
    """Why an operation was refused; stable, documented in ``docs/api-conventions.md``."""

    UNAUTHENTICATED = "UNAUTHENTICATED"
    """No valid caller: sign in."""
    FORBIDDEN = "FORBIDDEN"
    """The caller's role may not do this at all."""
    NOT_FOUND = "NOT_FOUND"
    """The object does not exist, or the caller may not know that it does."""
    INVALID = "INVALID"
    """A value the caller must fix (range, format, combination of fields)."""
    DUPLICATE = "DUPLICATE"
    """A value that must be unique is taken already."""
    STALE_VERSION = "STALE_VERSION"
    """The object changed since the caller read it; reload and try again."""
    CONFLICT = "CONFLICT"
    """The object's state no longer allows this (closed, decided, completed)."""
    INVALID_COORDINATE = "INVALID_COORDINATE"
    """A position outside its coordinate system's valid range."""
    SPACING_VIOLATION = "SPACING_VIOLATION"
    """Another licensed retailer is closer than the minimum spacing (合理布局)."""
    DEADLINE_EXCEEDED = "DEADLINE_EXCEEDED"
    """A computation ran out of its time budget; ask for less."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One fault of an input: what is wrong, where, and its code."""

    message: str
    field: FieldPath = ()
    code: ErrorCode = ErrorCode.INVALID


class ServiceError(Exception):
    """Base of expected failures; anything else is a bug and is masked by the API."""

    code: ErrorCode = ErrorCode.INVALID
    """The kind of failure (the first fault's code when there are several)."""

    def __init__(self, message: str, *, field: FieldPath = ()) -> None:
        super().__init__(message)
        self.field = field

    @property
    def message(self) -> str:
        """The words for a person."""
        return str(self.args[0]) if self.args else ""

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Every fault this error reports (one, unless the input had several)."""
        return (Problem(self.message, self.field, self.code),)


class Unauthenticated(ServiceError, PermissionError):
    """No valid caller; nothing is readable."""

    code = ErrorCode.UNAUTHENTICATED

    def __init__(self, message: str = "sign in first") -> None:
        super().__init__(message)


class NotFound(ServiceError, LookupError):
    """The object does not exist *or* the caller may not know that it does."""

    code = ErrorCode.NOT_FOUND

    def __init__(self, what: str, *, field: FieldPath = ()) -> None:
        super().__init__(f"{what} not found", field=field)
        self.what = what


class Forbidden(ServiceError, PermissionError):
    """The caller's role may not perform this action at all."""

    code = ErrorCode.FORBIDDEN

    def __init__(self, action: str) -> None:
        super().__init__(f"your role may not {action}")
        self.action = action


class InvalidInput(ServiceError, ValueError):
    """One or more values the caller must fix; every fault found is listed, nothing written."""

    def __init__(
        self, message: str, *, field: FieldPath = (), code: ErrorCode = ErrorCode.INVALID
    ) -> None:
        super().__init__(message, field=field)
        self.code = code
        self._problems: tuple[Problem, ...] = (Problem(message, field, code),)

    @classmethod
    def of(cls, problems: Iterable[Problem]) -> InvalidInput:
        """All the faults of one input at once (at least one)."""
        found = tuple(problems)
        if not found:
            raise ValueError("InvalidInput.of needs at least one problem")
        error = cls(_summary(found), field=found[0].field, code=found[0].code)
        error._problems = found
        return error

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Every fault, in the order found."""
        return self._problems

    @property
    def codes(self) -> frozenset[ErrorCode]:
        """The distinct codes of the faults."""
        return frozenset(p.code for p in self._problems)


def _summary(problems: tuple[Problem, ...], shown: int = 5) -> str:
    """The faults in one line (for logs and the command line), the first few in full."""
    parts = [
        f"{'.'.join(map(str, p.field))}: {p.message}" if p.field else p.message
        for p in problems[:shown]
    ]
    if len(problems) > shown:
        parts.append(f"and {len(problems) - shown} more")
    return "; ".join(parts)


class Problems:
    """Collect every fault of one input, then raise them together.

    >>> found = Problems()
    >>> found.add(("grade",), "must be 1..30, got 0")
    >>> found.add(("name",), "must not be empty")
    >>> try:
    ...     found.raise_if_any()
    ... except InvalidInput as exc:
    ...     [p.field for p in exc.problems]
    [('grade',), ('name',)]
    """

    def __init__(self) -> None:
        self._found: list[Problem] = []

    def add(self, field: FieldPath, message: str, code: ErrorCode = ErrorCode.INVALID) -> None:
        """Record one fault."""
        self._found.append(Problem(message, field, code))

    def extend(self, problems: Iterable[Problem]) -> None:
        """Record faults found elsewhere (e.g. by a nested validation)."""
        self._found.extend(problems)

    def __bool__(self) -> bool:
        return bool(self._found)

    def __iter__(self) -> Iterator[Problem]:
        return iter(self._found)

    def raise_if_any(self) -> None:
        """Raise :class:`InvalidInput` with every recorded fault, if there is one."""
        if self._found:
            raise InvalidInput.of(self._found)
