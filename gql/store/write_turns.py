"""Write turns: one unit of work at a time writes a manager's visits, in every process.

Database calls run on an operation's event loop. A write that has to wait for another
transaction's lock therefore waits *on the loop*, and the transaction it waits for — whose
request may need the same loop to continue and commit — never ends: three replays of one
offline batch froze a whole PostgreSQL-backed process, and on SQLite (one writer for the file)
they failed after the busy timeout. So writers queue *before* writing, where waiting is cheap:

* in the process, on a lock per manager that waiters on every operation loop share
  (:class:`gql.store.any_loop.Lock`; SQLite: one lock for the file, the only writer it allows);
* across processes, in the database, from a worker thread, so a wait for another process
  never stalls this loop: PostgreSQL's transaction-scoped advisory lock for the manager,
  SQLite's write lock on the file. Either ends with the transaction.

A unit of work keeps its turns until it commits or rolls back (:meth:`UnitTurns.release`), so
the next writer reads what the previous one committed — a replay finds its visits and returns
them instead of colliding on the idempotency key. A unit takes at most one manager's turn
(the acting manager's), so turns cannot deadlock.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from typing import TYPE_CHECKING

import sqlalchemy as sa

from gql.store.any_loop import Lock
from gql.store.db import keep_transaction, release_if_unwritten

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.orm import Session

__all__ = ["UnitTurns", "WriteTurns"]

ADVISORY_CLASS = 0x76_69_73  # "vis": the advisory-lock key space of visit turns
_FILE = 0
"""SQLite's one turn: the file has one writer whoever the manager."""
_SQLITE_TAKE_WRITE_LOCK = "UPDATE visits SET id = id WHERE 0"
"""A write that changes nothing: it takes the file's write lock until the transaction ends."""


class WriteTurns:
    """The process's turns; one per application (the app state holds it)."""

    def __init__(self, dialect: str) -> None:
        self._single_writer = dialect == "sqlite"
        self._guard = threading.Lock()
        self._locks: weakref.WeakValueDictionary[int, Lock] = weakref.WeakValueDictionary()

    def for_unit(self, session: Callable[[], Session]) -> UnitTurns:
        """The turns of one unit of work, whose session ``session()`` returns."""
        return UnitTurns(self, session)

    @property
    def taken(self) -> int:
        """How many turns are held in this process now (for operators and tests)."""
        with self._guard:
            return sum(lock.locked() for lock in self._locks.values())

    def _lock(self, key: int) -> Lock:
        with self._guard:
            lock = self._locks.get(key)
            if lock is None:
                lock = Lock()
                self._locks[key] = lock
            return lock


class UnitTurns:
    """The turns one unit of work holds; released when it ends."""

    def __init__(self, turns: WriteTurns, session: Callable[[], Session]) -> None:
        self._turns = turns
        self._session = session
        self._held: dict[int, Lock] = {}

    async def take(self, manager_id: int) -> None:
        """Wait until this unit may write ``manager_id``'s visits (re-entrant).

        The unit's reads before this point may be stale: a transaction that has only read is
        ended here, so the next statement sees what the previous writer committed.
        """
        key = _FILE if self._turns._single_writer else manager_id
        if key in self._held:
            return
        lock = self._turns._lock(key)
        await lock.acquire()
        self._held[key] = lock
        session = self._session()
        release_if_unwritten(session)
        await _claim(session, manager_id)

    def release(self) -> None:
        """Give every turn back: call after the unit's commit or rollback."""
        held, self._held = self._held, {}
        for lock in held.values():
            lock.release()


async def _claim(session: Session, manager_id: int) -> None:
    """Take the database's side of the turn for this transaction, waiting in a worker thread.

    PostgreSQL: the manager's advisory lock. SQLite: the file's write lock, by a write that
    changes nothing (the next writer, in another process, waits for this one's commit). The
    session is this unit's alone and the loop does not touch it until the thread is done, even
    when the caller is cancelled meanwhile (the wait ends within the lock or busy timeout).
    """
    dialect = session.get_bind().dialect.name
    key = {"space": ADVISORY_CLASS, "key": manager_id}
    if (
        dialect == "postgresql"
        and session.execute(
            sa.text("SELECT pg_try_advisory_xact_lock(:space, :key)"), key
        ).scalar_one()
    ) or (dialect == "sqlite" and _sqlite_write_lock_now(session)):
        keep_transaction(session)  # free, as it nearly always is: taken without a thread hop
        return

    def claim() -> None:
        if dialect == "postgresql":
            session.execute(sa.text("SELECT pg_advisory_xact_lock(:space, :key)"), key)
        elif dialect == "sqlite":
            session.execute(sa.text(_SQLITE_TAKE_WRITE_LOCK))
        keep_transaction(session)  # it holds the lock: no release while the carrier thinks

    task = asyncio.ensure_future(asyncio.to_thread(claim))
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        await asyncio.wait([task])
        raise


def _sqlite_write_lock_now(session: Session) -> bool:
    """Take SQLite's write lock if no other process holds it, without waiting (busy timeout 0).

    A busy answer leaves the transaction as it was, so the caller can then wait in a thread.
    """
    raw = session.connection().connection.driver_connection
    assert raw is not None
    (busy_timeout_ms,) = raw.execute("PRAGMA busy_timeout").fetchone()
    raw.execute("PRAGMA busy_timeout = 0")
    try:
        session.execute(sa.text(_SQLITE_TAKE_WRITE_LOCK))
    except sa.exc.OperationalError as error:
        if "locked" not in str(error.orig):
            raise
        return False
    finally:
        raw.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    return True
