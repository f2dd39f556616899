"""Alembic environment: always run with a connection handed in by :mod:`gql.store.migrate`.

No ``fileConfig`` (logging belongs to the service) and no URL in an ini file (the engine
comes from settings), so the same code migrates the SQLite file and PostgreSQL.
"""

from __future__ import annotations

from typing import Any, Literal

from alembic import context

from gql.store.models import Base
from gql.store.models.base import UtcDateTime

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through gql.store.migrate, which supplies a connection")


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | Literal[False]:
    """Render our column types as plain SQLAlchemy types in generated revisions.

    A revision must not import application code (it would change when the code does), so
    ``UtcDateTime`` is written as the ``DateTime(timezone=True)`` it stores.
    """
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite ALTERs by table copy
    compare_type=True,
    render_item=render_item,
)
with context.begin_transaction():
    context.run_migrations()
