"""Persistence: SQLAlchemy models, engine factory, alembic migrations and repositories.

Import the submodules directly (``gql.store.db``, ``gql.store.migrate``,
``gql.store.repositories``); this package's own namespace stays small on purpose.
"""

from gql.store.db import DatabaseUnavailable, UnsupportedDatabaseUrl

__all__ = ["DatabaseUnavailable", "UnsupportedDatabaseUrl"]
