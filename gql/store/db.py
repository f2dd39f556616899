"""Engine and session factories for the embedded SQLite file and for PostgreSQL.

Nothing here runs at import time: the app factory's lifespan and the CLI call
:func:`create_engine_for` once and pass the engine on (no module-level engine).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, InvalidatePoolError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

__all__ = [
    "SQLITE_FILENAME",
    "DatabaseUnavailable",
    "EngineOptions",
    "ReadOnlyViolation",
    "UnsupportedDatabaseUrl",
    "create_engine_for",
    "is_busy",
    "keep_transaction",
    "read_only_engine",
    "release_if_unwritten",
    "session_factory",
    "sqlite_url",
]

SQLITE_FILENAME = "visitgis.sqlite3"
SQLITE_BUSY_TIMEOUT_MS = 5_000
"""How long a SQLite writer waits for another writer when no lock timeout is set."""
PG_CONNECT_TIMEOUT_S = 5
"""A down PostgreSQL server must fail start-up quickly, not after the OS TCP timeout."""


@dataclass(frozen=True, slots=True)
class EngineOptions:
    """How the service uses its database (SQLite: the pool and the lock timeout)."""

    pool_size: int = 5
    """Connections kept open per process; twice as many more may open under a burst."""
    statement_timeout_s: float = 30.0
    """A statement running longer is cancelled by the server (0: no limit)."""
    lock_timeout_s: float = 5.0
    """A statement waiting longer for a lock gives up (0: no limit; SQLite: its busy timeout,
    0 meaning the default): a backstop, since writers queue for their turn before writing
    (:mod:`gql.store.write_turns`) and a wait there is answered as busy."""
    application_name: str = "visitgis"
    """Shown in ``pg_stat_activity``, so operators see whose connections these are."""
    ping_after_idle_s: float = 2.0
    """PostgreSQL: a pooled connection unused this long is pinged before it is handed out (a
    server restart meanwhile is noticed there, not by the request); one in steady use is not."""

    @property
    def pooled_connections(self) -> int:
        """The most connections the pool hands out at once."""
        return 3 * self.pool_size


class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached or opened; the message says which and why."""


class ReadOnlyViolation(RuntimeError):
    """A statement that writes ran on a :func:`read_only_engine` connection (a bug)."""


class UnsupportedDatabaseUrl(ValueError):
    """The URL names a backend visitgis does not support (only SQLite and PostgreSQL)."""


def sqlite_url(data_dir: Path) -> str:
    """Return the URL of the embedded database file inside ``data_dir``.

    Examples
    --------
    >>> sqlite_url(Path("/var/lib/visitgis"))
    'sqlite+pysqlite:////var/lib/visitgis/visitgis.sqlite3'
    """
    return f"sqlite+pysqlite:///{data_dir / SQLITE_FILENAME}"


def create_engine_for(url: str, options: EngineOptions | None = None) -> sa.Engine:
    """Create an engine for ``url`` and prove the database answers.

    SQLite gets WAL (readers never block the writer), ``foreign_keys=ON``, a busy timeout
    and SQLAlchemy-managed ``BEGIN`` so savepoints and transactional DDL behave as on
    PostgreSQL; connections may be used from several threads. ``postgresql://`` and
    ``postgres://`` are rewritten to the psycopg 3 driver.

    Raises
    ------
    UnsupportedDatabaseUrl
        If the URL is malformed or names another backend.
    DatabaseUnavailable
        If the server cannot be reached, or the SQLite file's directory is missing.
    """
    parsed = _parse(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        engine = _track_writes(_sqlite_engine(parsed, options or EngineOptions()))
    elif backend == "postgresql":
        engine = _track_writes(_postgresql_engine(parsed, options or EngineOptions()))
    else:
        raise UnsupportedDatabaseUrl(
            f"database URL backend {backend!r} is not supported; use sqlite or postgresql"
        )
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except OperationalError as exc:
        engine.dispose()
        where = parsed.render_as_string(hide_password=True)
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseUnavailable(f"cannot reach the database at {where}: {reason}") from exc
    return engine


def session_factory(engine: sa.Engine) -> sessionmaker[Session]:
    """Return the session factory for ``engine``.

    ``expire_on_commit=False`` because repositories hand out frozen domain objects,
    never rows, so nothing needs reloading after the request boundary commits. ``engine``
    comes from :func:`create_engine_for` (or its :func:`read_only_engine`), whose
    connections record every write for :func:`release_if_unwritten`.
    """
    return sessionmaker(bind=engine, expire_on_commit=False, info={_TRACKED: True})


_TRACKED = "visitgis.tracks_writes"
_WROTE = "visitgis.wrote"


_DML = ("INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE")


_READ_ONLY = "visitgis_read_only"


def read_only_engine(engine: sa.Engine) -> sa.Engine:
    """The engine (same pool) for units of work that only read: GraphQL queries.

    On PostgreSQL its connections run in autocommit. Under READ COMMITTED every statement
    takes its own snapshot anyway, so a read-only transaction buys nothing and costs two
    round trips, BEGIN and COMMIT — a seventh of a 50-row page. SQLite keeps its
    transaction: it is free there and gives the operation one snapshot. On both, a statement
    that writes raises :class:`ReadOnlyViolation` instead of committing outside any unit of
    work.
    """
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="AUTOCOMMIT", **{_READ_ONLY: True})
    return engine.execution_options(**{_READ_ONLY: True})


def _note_dml(
    connection: sa.Connection,
    _cursor: Any,
    statement: str,
    _parameters: Any,
    _context: Any,
    _executemany: bool,
) -> None:
    """Mark the connection's transaction as written by any DML, ORM or Core or text."""
    if statement.lstrip()[:7].upper().startswith(_DML):
        if connection.get_execution_options().get(_READ_ONLY):
            raise ReadOnlyViolation(f"a read-only unit of work tried to write: {statement[:80]}")
        connection.info[_WROTE] = True


def _forget_dml(connection: sa.Connection) -> None:
    if connection.invalidated:  # lost (e.g. a server restart): its info goes with it, and
        return  # reading ``info`` would try to reconnect inside the failed transaction
    connection.info.pop(_WROTE, None)


def _forget_dml_on_checkin(_dbapi_connection: Any, record: Any) -> None:
    record.info.pop(_WROTE, None)


def _track_writes(engine: sa.Engine) -> sa.Engine:
    """Let :func:`release_if_unwritten` see writes that bypass the ORM's flush."""
    event.listen(engine, "before_cursor_execute", _note_dml)
    event.listen(engine, "commit", _forget_dml)
    event.listen(engine, "rollback", _forget_dml)
    event.listen(engine, "checkin", _forget_dml_on_checkin)
    return engine


_BUSY_SQLSTATES = frozenset({"55P03", "57014", "40P01", "40001"})
"""PostgreSQL: lock not available (lock timeout), query cancelled (statement timeout),
deadlock detected, serialization failure."""


def is_busy(error: BaseException) -> bool:
    """Whether ``error`` is the database being busy (a lock, busy or statement timeout).

    Nothing was saved and the same request may succeed when retried: an answer to give the
    caller (503, retry), not a bug to log with its traceback.
    """
    if not isinstance(error, DBAPIError):
        return False
    reason = error.orig
    if getattr(reason, "sqlstate", None) in _BUSY_SQLSTATES:
        return True
    return "database is locked" in str(reason) or "database table is locked" in str(reason)


def keep_transaction(session: Session) -> None:
    """Mark the session's transaction as one :func:`release_if_unwritten` must not end.

    For a transaction that holds something besides writes, such as an advisory lock.
    """
    session.connection().info[_WROTE] = True


def release_if_unwritten(session: Session) -> bool:
    """End a transaction that has only read, returning its pooled connection.

    A use case that must wait on the network (a carrier locate takes seconds) calls this
    first, so waiting requests do not pin one connection each and exhaust the pool for
    everybody. Nothing is lost: repositories hand out frozen domain objects, and later
    statements simply begin a new transaction. Sessions that wrote anything, sit inside a
    savepoint, or were not made by :func:`session_factory` are left alone.

    The transaction ends with COMMIT, which for one that only read is the same as a
    rollback: psycopg forgets every prepared statement of a connection on each ROLLBACK, so
    ending a check-in's reads that way (twice per request) kept any statement from ever being
    prepared, and PostgreSQL parsed and planned each of them every time.

    Returns
    -------
    bool
        Whether the connection was released.
    """
    if (
        not session.info.get(_TRACKED)
        or not session.in_transaction()
        or session.in_nested_transaction()
        or session.new
        or session.dirty
        or session.deleted
        or session.connection().info.get(_WROTE)
    ):
        return False
    session.commit()
    return True


def _parse(url: str) -> URL:
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise UnsupportedDatabaseUrl(f"database URL {url!r} cannot be parsed") from exc
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    elif parsed.drivername == "sqlite":
        parsed = parsed.set(drivername="sqlite+pysqlite")
    if parsed.drivername not in ("postgresql+psycopg", "sqlite+pysqlite"):
        raise UnsupportedDatabaseUrl(
            f"database driver {parsed.drivername!r} is not supported; "
            "use sqlite+pysqlite:// or postgresql+psycopg://"
        )
    return parsed


def _sqlite_engine(url: URL, options: EngineOptions) -> sa.Engine:
    database = url.database or ""
    in_memory = database in ("", ":memory:")
    if not in_memory:
        directory = Path(database).expanduser().resolve().parent
        if not directory.is_dir():
            raise DatabaseUnavailable(
                f"cannot open the SQLite database {database}: directory {directory} does not exist"
            )
    kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False}}
    if in_memory:
        kwargs["poolclass"] = StaticPool  # one shared connection, or each sees an empty DB
    else:
        kwargs |= {"pool_size": options.pool_size, "max_overflow": 2 * options.pool_size}
    engine = sa.create_engine(url, **kwargs)
    busy_timeout_ms = round(options.lock_timeout_s * 1000) or SQLITE_BUSY_TIMEOUT_MS
    event.listen(engine, "connect", partial(_sqlite_on_connect, busy_timeout_ms=busy_timeout_ms))
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: Any, *, busy_timeout_ms: int) -> None:
    # Take BEGIN away from the sqlite3 module (it skips it before SAVEPOINT and DDL);
    # _sqlite_on_begin emits it instead. See SQLAlchemy's "sqlite_transactions".
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def _sqlite_on_begin(connection: sa.Connection) -> None:
    connection.exec_driver_sql("BEGIN")


def _postgresql_engine(url: URL, options: EngineOptions) -> sa.Engine:
    timeouts = (
        f"-c statement_timeout={round(options.statement_timeout_s * 1000)} "
        f"-c lock_timeout={round(options.lock_timeout_s * 1000)}"
    )
    given = url.query.get("options")  # e.g. a search_path: connect_args would replace it
    if given:
        timeouts = f"{given if isinstance(given, str) else ' '.join(given)} {timeouts}"
    engine = sa.create_engine(
        url,
        pool_size=options.pool_size,
        max_overflow=2 * options.pool_size,
        connect_args={
            "connect_timeout": PG_CONNECT_TIMEOUT_S,
            "application_name": options.application_name,
            "options": timeouts,
        },
    )
    event.listen(engine, "checkin", _note_returned)
    event.listen(
        engine,
        "checkout",
        partial(_ping_if_idle, dialect=engine.dialect, after_s=options.ping_after_idle_s),
    )
    return engine


_RETURNED_AT = "visitgis.returned_at"


def _note_returned(_dbapi_connection: Any, record: Any) -> None:
    record.info[_RETURNED_AT] = time.monotonic()


def _ping_if_idle(
    dbapi_connection: Any, record: Any, _proxy: Any, *, dialect: sa.Dialect, after_s: float
) -> None:
    """Ping a pooled connection that sat unused for ``after_s`` before handing it out.

    SQLAlchemy's ``pool_pre_ping`` pings on every checkout: a round trip more for each of the
    six checkouts of a check-in and its check-out, on connections in use milliseconds before.
    A connection that has been idle is the one a server restart may have closed meanwhile; if
    its ping fails, the pool drops it and every connection older than now and hands out a new
    one (a fresh connection is not pinged). A connection dropped while in steady use fails its
    statement instead, and SQLAlchemy then invalidates the pool the same way.
    """
    returned = record.info.get(_RETURNED_AT)
    if returned is None or time.monotonic() - returned < after_s:
        return
    try:
        dialect.do_ping(dbapi_connection)
    except dialect.loaded_dbapi.Error as exc:
        raise InvalidatePoolError(f"idle connection failed its ping: {exc}") from exc
