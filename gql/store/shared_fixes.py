"""adapters' :class:`~adapters.resilience.SharedFixes` on the service's database.

With several API processes on PostgreSQL, a handheld's retry usually lands on another process;
this store lets that process reuse the fix the first one paid for. It has a small pool of its
own (calls come from worker threads under the hub's short deadline, so a slow database costs a
carrier call, never a pooled connection a request is waiting for). Rows older than
``keep_s`` are deleted on each write: a cache, not evidence (the visit stores its own).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from gql.store.models import SharedFixRow
from gql.store.models.base import utcnow

__all__ = ["DatabaseSharedFixes"]


class DatabaseSharedFixes:
    """Newest fix per subscriber key in ``shared_fixes``; thread-safe (an engine per store)."""

    def __init__(self, engine: sa.Engine, *, keep_s: float = 900.0) -> None:
        self._engine = engine
        self._keep = timedelta(seconds=keep_s)

    def load(self, key: str) -> str | None:
        """The stored payload, if any and younger than ``keep_s``."""
        with self._engine.connect() as db:
            return db.execute(
                sa.select(SharedFixRow.payload).where(
                    SharedFixRow.subscriber_key == key,
                    SharedFixRow.stored_at >= utcnow() - self._keep,
                )
            ).scalar_one_or_none()

    def close(self) -> None:
        """Close the store's connections."""
        self._engine.dispose()

    def save(self, key: str, payload: str, fix_time: datetime) -> None:
        """Keep ``payload`` unless the stored fix is later; drop rows past ``keep_s``."""
        now = utcnow()
        insert = pg_insert if self._engine.dialect.name == "postgresql" else sqlite_insert
        row = {"subscriber_key": key, "payload": payload, "fix_time": fix_time, "stored_at": now}
        statement = insert(SharedFixRow).values(row)
        statement = statement.on_conflict_do_update(
            index_elements=[SharedFixRow.subscriber_key],
            set_={c: statement.excluded[c] for c in ("payload", "fix_time", "stored_at")},
            where=SharedFixRow.fix_time < statement.excluded.fix_time,
        )
        with self._engine.begin() as db:
            db.execute(statement)
            db.execute(sa.delete(SharedFixRow).where(SharedFixRow.stored_at < now - self._keep))
