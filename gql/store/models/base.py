"""Declarative base, naming convention and the column types every table shares."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase

if TYPE_CHECKING:
    import enum

__all__ = ["NAMING_CONVENTION", "Base", "UtcDateTime", "enum_type", "utcnow"]

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Deterministic constraint names, so migrations can address them on every backend."""


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC (the only clock the store reads)."""
    return datetime.now(UTC)


class UtcDateTime(sa.TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC in Python.

    SQLite drops the offset on the way in and returns naive values; PostgreSQL returns
    the session's zone. Both come back as UTC here, and a naive value is refused on the
    way in because its zone would be a guess.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        """Refuse naive timestamps and normalise aware ones to UTC."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"timestamp {value.isoformat()} has no timezone; pass UTC")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        """Attach UTC to SQLite's naive values; convert PostgreSQL's to UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def enum_type(enum_cls: type[enum.StrEnum], name: str) -> sa.Enum:
    """Store an enum as its value in a VARCHAR guarded by a CHECK constraint.

    Not a native PostgreSQL enum type: adding a member is then an ordinary migration that
    only swaps the CHECK, identical on SQLite and PostgreSQL.
    """
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(24, max(len(m.value) for m in enum_cls)),
        values_callable=_values,
        validate_strings=True,
    )


def _values(enum_cls: type[enum.Enum]) -> list[Any]:
    return [member.value for member in enum_cls]


class Base(DeclarativeBase):
    """Root of every ORM row class; rows never leave :mod:`gql.store`."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
