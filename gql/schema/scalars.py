"""Custom scalars: timestamps always travel as ISO-8601 UTC with a ``Z``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any, cast

import strawberry
from strawberry.scalars import JSON
from strawberry.types.scalar import ScalarDefinition

__all__ = ["SCALAR_MAP", "as_json", "parse_datetime", "serialize_datetime"]


def serialize_datetime(value: datetime) -> str:
    """UTC, millisecond precision, ``Z`` suffix; naive values are refused, not guessed."""
    if value.tzinfo is None:
        raise ValueError("naive datetime cannot be serialised; store timezone-aware UTC")
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_datetime(value: Any) -> datetime:
    """Accept ISO-8601 with an explicit offset or ``Z``; refuse local times."""
    if not isinstance(value, str):
        raise ValueError("DateTime must be an ISO-8601 string")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError(f"DateTime {value!r} is not ISO-8601") from exc
    if parsed.tzinfo is None:
        raise ValueError(f"DateTime {value!r} needs a UTC offset or 'Z'")
    return parsed.astimezone(UTC)


def as_json(value: Any) -> JSON:
    """Mark a JSON-serialisable value for a ``JSON`` field (a no-op at runtime)."""
    return cast("JSON", value)


def camel_json(value: Any) -> JSON:
    """A free-form JSON output with camelCase keys at every depth, like the rest of the API.

    Services and the store keep Python's snake_case (``road_factor``); a client reads
    ``roadFactor``. Values are untouched.
    """
    return cast("JSON", _camel(value))


def _camel(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {_camel_key(str(key)): _camel(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_camel(item) for item in value]
    return value


def _camel_key(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(word[:1].upper() + word[1:] for word in rest)


SCALAR_MAP: dict[object, ScalarDefinition] = {
    datetime: strawberry.scalar(
        name="DateTime",
        description=(
            "An instant in ISO-8601, always UTC with a `Z` suffix, e.g. 2026-11-27T08:30:00.000Z."
        ),
        serialize=serialize_datetime,
        parse_value=parse_datetime,
    ),
    date: strawberry.scalar(
        name="Date",
        description=(
            "A business day of the company in its time zone, China Standard Time (UTC+08:00), "
            "ISO-8601 YYYY-MM-DD, e.g. 2026-12-08 runs from 2026-12-07T16:00:00.000Z to "
            "2026-12-08T16:00:00.000Z."
        ),
        serialize=date.isoformat,
        parse_value=lambda value: date.fromisoformat(str(value)),
    ),
}
"""Every ``datetime`` travels as our UTC DateTime, every ``date`` as a company business day."""
