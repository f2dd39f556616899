"""Alembic environment: always run with a connection handed in by :mod:`gql.store.migrate`.

No ``fileConfig`` (logging belongs to the service) and no URL in an ini file (the engine
comes from settings), so the same code migrates the SQLite file and PostgreSQL.
"""

from __future__ import annotations

from alembic import context

from gql.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through gql.store.migrate, which supplies a connection")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite ALTERs by table copy
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
