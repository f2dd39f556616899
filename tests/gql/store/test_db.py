from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import pytest
import sqlalchemy as sa

from gql.store.db import (
    DatabaseUnavailable,
    EngineOptions,
    UnsupportedDatabaseUrl,
    create_engine_for,
    release_if_unwritten,
    session_factory,
    sqlite_url,
)
from tests.fixtures_db import _backends, fresh_database

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


@pytest.fixture(params=[p for p in _backends() if getattr(p, "id", None) == "postgresql"])
def postgres_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """An empty private schema on PostgreSQL (its server can close our connections)."""
    with fresh_database(request.param, tmp_path_factory) as url:
        yield url


def test_sqlite_engine_uses_wal_and_enforces_foreign_keys(tmp_path: Path) -> None:
    """The embedded database runs in WAL mode with foreign keys and a busy timeout."""
    engine = create_engine_for(sqlite_url(tmp_path))
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert (connection.exec_driver_sql("PRAGMA busy_timeout").scalar() or 0) > 0
    finally:
        engine.dispose()


def test_sqlite_url_points_into_the_data_directory(tmp_path: Path) -> None:
    """The database file lives inside the given data directory."""
    url = sqlite_url(tmp_path)
    assert url.startswith("sqlite+pysqlite:///")
    assert str(tmp_path) in url


def test_sqlite_savepoint_rollback_is_undone_by_the_outer_rollback(tmp_path: Path) -> None:
    """A released savepoint takes part in its enclosing transaction (the pysqlite workaround)."""
    engine = create_engine_for(sqlite_url(tmp_path))
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        with engine.connect() as connection:
            outer = connection.begin()
            nested = connection.begin_nested()
            connection.exec_driver_sql("INSERT INTO t VALUES (1)")
            nested.commit()
            outer.rollback()
            assert connection.exec_driver_sql("SELECT count(*) FROM t").scalar() == 0
    finally:
        engine.dispose()


def test_sqlite_engine_serves_several_threads(tmp_path: Path) -> None:
    """Sessions from the factory work concurrently from several threads."""
    engine = create_engine_for(sqlite_url(tmp_path))
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    factory = session_factory(engine)
    errors: list[BaseException] = []

    def write(value: int) -> None:
        try:
            with factory() as session, session.begin():
                session.execute(sa.text("INSERT INTO t VALUES (:x)"), {"x": value})
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT count(*) FROM t").scalar() == 8
    finally:
        engine.dispose()


def test_missing_sqlite_directory_is_reported_as_unavailable(tmp_path: Path) -> None:
    """A data directory that does not exist gives DatabaseUnavailable naming it."""
    missing = tmp_path / "nope"
    with pytest.raises(DatabaseUnavailable, match="does not exist"):
        create_engine_for(sqlite_url(missing))


def test_unreachable_postgresql_is_reported_as_unavailable() -> None:
    """A PostgreSQL server that refuses connections gives one clear DatabaseUnavailable."""
    with pytest.raises(DatabaseUnavailable, match=r"cannot reach the database at .*:1/"):
        create_engine_for("postgresql://postgres@127.0.0.1:1/test")


@pytest.mark.parametrize(
    "url", ["mysql://user@localhost/db", "sqlite+aiosqlite:///x.db", "not a url"]
)
def test_unsupported_urls_are_refused(url: str) -> None:
    """Only SQLite (pysqlite) and PostgreSQL (psycopg) URLs are accepted."""
    with pytest.raises(UnsupportedDatabaseUrl):
        create_engine_for(url)


def test_plain_postgresql_url_is_rewritten_to_psycopg(database_url: str) -> None:
    """``postgresql://`` URLs get the psycopg 3 driver; SQLite URLs keep pysqlite."""
    engine = create_engine_for(database_url.replace("postgresql+psycopg://", "postgresql://"))
    try:
        assert engine.url.drivername in ("postgresql+psycopg", "sqlite+pysqlite")
    finally:
        engine.dispose()


def test_in_memory_sqlite_keeps_one_database_across_connections() -> None:
    """``sqlite://`` shares one in-memory database, so a migration is visible to later sessions."""
    from gql.store.migrate import is_current, upgrade

    engine = create_engine_for("sqlite://")
    try:
        upgrade(engine)
        assert is_current(engine)
        with session_factory(engine)() as session:
            assert session.execute(sa.text("SELECT count(*) FROM retailers")).scalar() == 0
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "write",
    [
        "core insert through the session",
        "text update",
        "insert on the session's connection",
    ],
)
def test_a_transaction_that_wrote_is_never_released(private_engine: sa.Engine, write: str) -> None:
    """Writes that bypass the ORM flush still pin the transaction (nothing is rolled back).

    It commits, so it runs on a database of its own."""
    engine = private_engine
    from gql.domain import DepartmentKind
    from gql.store.models import DepartmentRow

    code = f"WT-{len(write)}"
    values = {"code": code, "name": "write tracking", "kind": DepartmentKind.MARKETING}
    with session_factory(engine)() as session:
        session.execute(sa.select(DepartmentRow.id).limit(1)).all()
        if write == "core insert through the session":
            session.execute(sa.insert(DepartmentRow).values(**values))
        elif write == "text update":
            session.execute(sa.insert(DepartmentRow).values(**values))
            session.commit()
            session.execute(sa.select(DepartmentRow.id).limit(1)).all()
            assert release_if_unwritten(session)  # a read-only transaction is released
            session.execute(
                sa.text("UPDATE departments SET name = 'renamed' WHERE code = :code"),
                {"code": code},
            )
        else:
            session.connection().execute(sa.insert(DepartmentRow).values(**values))
        assert not release_if_unwritten(session)
        session.commit()
    with session_factory(engine)() as session:
        name = session.scalar(sa.select(DepartmentRow.name).where(DepartmentRow.code == code))
        expected = "renamed" if write == "text update" else "write tracking"
        assert name == expected
        session.execute(sa.delete(DepartmentRow).where(DepartmentRow.code == code))
        session.commit()
        session.execute(sa.select(DepartmentRow.id).limit(1)).all()
        assert release_if_unwritten(session)  # the flag ends with the transaction


def test_engine_options_reach_every_connection(database_url: str) -> None:
    """Timeouts and the application name are set on each new connection (PostgreSQL keeps the
    URL's own options, such as a search path); SQLite's busy timeout follows the lock timeout."""
    from gql.store.db import EngineOptions

    options = EngineOptions(
        pool_size=2, statement_timeout_s=12.5, lock_timeout_s=0.75, application_name="vg-test"
    )
    engine = create_engine_for(database_url, options)
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "postgresql":
                shown = [
                    connection.execute(sa.text(f"SHOW {name}")).scalar_one()
                    for name in ("statement_timeout", "lock_timeout", "application_name")
                ]
                assert shown == ["12500ms", "750ms", "vg-test"]
                path = connection.execute(sa.text("SHOW search_path")).scalar_one()
                assert path.startswith("visitgis_t_")  # the test's private schema
                assert engine.pool.size() == 2  # type: ignore[attr-defined]
            else:
                busy = connection.exec_driver_sql("PRAGMA busy_timeout").scalar_one()
                assert busy == 750
    finally:
        engine.dispose()


def test_busy_database_errors_are_told_from_bugs() -> None:
    """Lock, busy and statement timeouts, deadlocks: busy (retry); anything else: not."""
    import sqlite3

    import psycopg

    from gql.store.db import is_busy

    def wrapped(reason: Exception) -> sa.exc.DBAPIError:
        return sa.exc.OperationalError("INSERT …", {}, reason)

    assert is_busy(wrapped(sqlite3.OperationalError("database is locked")))
    assert is_busy(wrapped(psycopg.errors.LockNotAvailable("lock timeout")))
    assert is_busy(wrapped(psycopg.errors.QueryCanceled("statement timeout")))
    assert is_busy(wrapped(psycopg.errors.DeadlockDetected("deadlock")))
    assert not is_busy(wrapped(sqlite3.OperationalError("no such table: visits")))
    assert not is_busy(wrapped(psycopg.errors.UndefinedTable("no such table")))
    assert not is_busy(RuntimeError("database is locked"))


def _backend_pid(engine: sa.Engine) -> Any:
    with session_factory(engine)() as session:  # as the service uses its connections
        return session.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()


def _terminate(url: str, pid: int) -> None:
    """Close one backend from the server side, as a restart does, and wait until it is gone."""
    admin = create_engine_for(url)
    try:
        with admin.connect() as connection:
            done = connection.execute(
                sa.text("SELECT pg_terminate_backend(:pid, 10000)"), {"pid": pid}
            ).scalar_one()
        assert done
    finally:
        admin.dispose()


def test_an_idle_connection_the_server_closed_is_replaced_before_use(postgres_url: str) -> None:
    """A pooled connection idle past ``ping_after_idle_s`` is pinged when handed out; closed
    by the server meanwhile (a restart), it is replaced and the caller never sees it."""
    engine = create_engine_for(postgres_url, EngineOptions(pool_size=1, ping_after_idle_s=0.0))
    try:
        first = _backend_pid(engine)
        _terminate(postgres_url, first)
        assert _backend_pid(engine) != first
    finally:
        engine.dispose()


def test_a_connection_in_steady_use_is_not_pinged_and_a_lost_one_fails_once(
    postgres_url: str,
) -> None:
    """Within ``ping_after_idle_s`` no ping is spent; a connection the server closed meanwhile
    fails its statement as a disconnect, and the pool then hands out a new one."""
    engine = create_engine_for(postgres_url, EngineOptions(pool_size=1, ping_after_idle_s=3600))
    try:
        first = _backend_pid(engine)
        _terminate(postgres_url, first)
        with pytest.raises(sa.exc.OperationalError) as lost:
            _backend_pid(engine)
        assert lost.value.connection_invalidated
        assert _backend_pid(engine) != first
    finally:
        engine.dispose()


def test_released_reads_keep_the_connection_s_prepared_statements(postgres_url: str) -> None:
    """A read-only transaction released before a network wait ends with COMMIT, so psycopg
    keeps (and uses) the statements it prepared; a ROLLBACK would make it drop them all."""
    engine = create_engine_for(postgres_url, EngineOptions(pool_size=1))
    try:
        with session_factory(engine)() as session:
            for _ in range(8):
                session.execute(sa.text("SELECT 1 WHERE 1 = :one"), {"one": 1}).all()
                assert release_if_unwritten(session)
            prepared = session.execute(
                sa.text("SELECT count(*) FROM pg_prepared_statements")
            ).scalar_one()
        assert prepared >= 1
    finally:
        engine.dispose()


def test_a_transaction_that_queued_a_notification_is_never_released(postgres_url: str) -> None:
    """A NOTIFY is a side effect of its transaction: releasing it as read-only would send the
    event before its writes (COMMIT) or drop it (ROLLBACK), so the transaction is kept."""
    from gql.store.event_channel import PostgresChannel

    engine = create_engine_for(postgres_url, EngineOptions(pool_size=1))
    try:
        channel = PostgresChannel(engine)
        with session_factory(engine)() as session:
            session.execute(sa.text("SELECT 1")).all()
            channel.send(session, [])  # nothing queued: still a plain read
            assert release_if_unwritten(session)
            session.execute(sa.text("SELECT 1")).all()
            channel.send(session, ["an event"])
            assert not release_if_unwritten(session)
            session.rollback()
    finally:
        engine.dispose()
