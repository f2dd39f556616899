"""Database fixtures: every persistence test runs on SQLite and, when configured, PostgreSQL.

``database_url`` is parametrised with ``sqlite`` (a file in a temporary directory) and, only
when ``VISITGIS_DATABASE_URL`` is set, ``postgresql``. An unreachable PostgreSQL fails the
run loudly; it is never skipped. Each pytest session migrates into its own freshly created
PostgreSQL schema (other sessions and CI share the database) and drops it at the end.
"""

from __future__ import annotations

import os
import secrets
from collections import Counter
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from gql.store.db import create_engine_for, sqlite_url
from gql.store.migrate import upgrade

if TYPE_CHECKING:
    from collections.abc import Iterator

    from _pytest.terminal import TerminalReporter

DATABASE_URL_ENV = "VISITGIS_DATABASE_URL"
_BACKEND_COUNTS = pytest.StashKey[Counter[str]]()
_BACKEND_FIXTURES = ("database_url", "demo_engine", "city")
"""Fixtures parametrised by backend (``city``: a module's own database); tests using any of them
are counted per backend."""


def _backends() -> list[object]:
    params: list[object] = [pytest.param("sqlite", id="sqlite")]
    if os.environ.get(DATABASE_URL_ENV):
        params.append(pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres))
    return params


@contextmanager
def fresh_database(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of a new, empty database: a SQLite file, or a private schema in PostgreSQL."""
    if backend == "sqlite":
        yield sqlite_url(tmp_path_factory.mktemp("db"))
        return
    base = make_url(os.environ[DATABASE_URL_ENV])
    if base.get_backend_name() != "postgresql":
        raise pytest.UsageError(f"{DATABASE_URL_ENV} must be a postgresql:// URL, not {base}")
    schema = f"visitgis_t_{os.getpid()}_{secrets.token_hex(4)}"
    admin = create_engine_for(base.render_as_string(hide_password=False))
    try:
        with admin.begin() as connection:
            connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
        url = base.update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            # a connection left in a transaction must fail the teardown, never hang it
            connection.execute(sa.text("SET LOCAL lock_timeout = '30s'"))
            connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session", params=_backends())
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """URL of an empty database for this session: a SQLite file, or a private PG schema."""
    with fresh_database(request.param, tmp_path_factory) as url:
        yield url


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[sa.Engine]:
    """Engine on ``database_url``, migrated to head by alembic (which tests the migrations)."""
    created = create_engine_for(database_url)
    upgrade(created)
    yield created
    created.dispose()


@pytest.fixture
def private_engine(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[sa.Engine]:
    """A fresh migrated database (same backend as ``database_url``) for one test that must
    really commit, e.g. to test commit semantics; nobody else ever sees it."""
    backend = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    with fresh_database(backend, tmp_path_factory) as url:
        created = create_engine_for(url)
        try:
            upgrade(created)
            yield created
        finally:
            created.dispose()


@pytest.fixture
def db_session(engine: sa.Engine) -> Iterator[Session]:
    """A session inside an outer transaction that is rolled back after the test.

    SQLAlchemy 2.0's "join an external transaction" recipe: the session's own commits and
    rollbacks become savepoints. SQLite savepoints work because the engine emits BEGIN
    itself (see ``gql.store.db``).
    """
    connection = engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint")
    try:
        yield session
    finally:
        session.close()
        outer.rollback()
        connection.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> object:
    """Count tests that ran per database backend, for the terminal summary."""
    report = yield
    callspec = getattr(item, "callspec", None)
    params = {} if callspec is None else callspec.params
    backend = next(
        (params[k] for k in _BACKEND_FIXTURES if params.get(k) in ("sqlite", "postgresql")),
        None,
    )
    if backend is None:
        return report
    outcome = report.outcome  # type: ignore[attr-defined]
    if call.when == "call" or (call.when == "setup" and outcome != "passed"):
        label = "error" if call.when == "setup" and outcome == "failed" else outcome
        counts = item.config.stash.setdefault(_BACKEND_COUNTS, Counter())
        counts[f"{backend} {label}"] += 1
    return report


def pytest_terminal_summary(terminalreporter: TerminalReporter, config: pytest.Config) -> None:
    """Print how many database tests ran on each backend (CI shows both ran)."""
    counts = config.stash.get(_BACKEND_COUNTS, Counter())
    if not counts:
        return
    terminalreporter.section("database backends")
    for key in sorted(counts):
        terminalreporter.write_line(f"{key}: {counts[key]}")
    if not os.environ.get(DATABASE_URL_ENV):
        terminalreporter.write_line(f"postgresql: not run ({DATABASE_URL_ENV} is not set)")
