"""Fixtures for service and API tests: the demo city, seeded once per database backend.

The shared demo city is never changed by a test: ``api`` runs each test's operations in one
transaction rolled back at its end, and a commit that wrote anything to the shared database
fails the run. A module that needs committed set-up (made once, read by many tests) seeds a
city of its own with :func:`own_city`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa

from gql.app import build_state
from gql.context import AppState
from gql.domain import Role
from gql.services import demo_city
from gql.settings import Settings
from gql.store.db import create_engine_for, session_factory
from gql.store.migrate import upgrade
from gql.store.repositories import StaffRepository
from tests.fixtures_db import _backends, fresh_database
from tests.gql.api import Api, rolled_back

_WROTE = "tests.wrote"
"""Set on a connection of the shared demo city whose transaction wrote (DML)."""
_DML = ("INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE")


@dataclass(frozen=True)
class DemoPeople:
    """Staff numbers of the demo city's people, by role."""

    manager: str
    other_manager_same_department: str
    manager_elsewhere: str
    head: str
    deputy: str
    head_elsewhere: str
    marketing: str
    auditor: str
    admin: str


@pytest.fixture(scope="session", autouse=True)
def _warm_kernels() -> None:
    """Compile the routing and geometry kernels once, as the app's lifespan does.

    Without it the first routed plan of a fresh checkout would spend its routing deadline
    compiling (numba's cache is empty in a fresh clone) and fail in whichever test is first.
    """
    import geo
    import tsp

    tsp.warm_up()
    geo.warm_up()


def _seed(url: str) -> sa.Engine:
    engine = create_engine_for(url)
    upgrade(engine)
    with session_factory(engine)() as session:
        demo_city.seed(session, seed=7)
        session.commit()
    return engine


def _note_writes(connection: sa.Connection, _cursor: object, statement: str, *_: object) -> None:
    if statement.lstrip()[:7].upper().startswith(_DML):
        connection.info[_WROTE] = True


def _forget_writes(connection: sa.Connection) -> None:
    connection.info.pop(_WROTE, None)


def _forget_writes_on_checkin(_dbapi_connection: object, record: Any) -> None:
    record.info.pop(_WROTE, None)


def _refuse_written_commits(connection: sa.Connection) -> None:
    if connection.info.pop(_WROTE, None):
        raise AssertionError(
            "a test committed writes to the shared demo city: write through the `api` fixture "
            "(rolled back after the test) or into a database of the module's own (own_city)"
        )


@pytest.fixture(scope="session", params=_backends())
def demo_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[sa.Engine]:
    """A migrated database holding the demo city (seed 7), committed once and then never
    changed: a commit that wrote anything fails loudly."""
    with fresh_database(request.param, tmp_path_factory) as url:
        engine = _seed(url)
        sa.event.listen(engine, "before_cursor_execute", _note_writes)
        sa.event.listen(engine, "commit", _refuse_written_commits)
        sa.event.listen(engine, "rollback", _forget_writes)
        sa.event.listen(engine, "checkin", _forget_writes_on_checkin)
        yield engine
        engine.dispose()


@contextmanager
def own_city(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """A freshly seeded demo city for one module, as a committing Api (for its set-up).

    Tests of the module still write through ``rolled_back(city.state, setup=city)``.
    """
    with fresh_database(backend, tmp_path_factory) as url:
        engine = _seed(url)
        try:
            yield Api(build_state(Settings(warm_kernels=False), engine, session_factory(engine)))
        finally:
            engine.dispose()


def backend_of(engine: sa.Engine | sa.Connection) -> str:
    """``sqlite`` or ``postgresql``: the backend a database fixture runs on."""
    return engine.dialect.name


@pytest.fixture(scope="session")
def demo_state(demo_engine: sa.Engine) -> AppState:
    """Application state over the demo city, as the app's lifespan would build it."""
    settings = Settings(warm_kernels=False)
    return build_state(settings, demo_engine, session_factory(demo_engine))


@pytest.fixture(scope="session")
def reader(demo_state: AppState) -> Api:
    """A client for set-up that only reads (fixtures wider than one test)."""
    return Api(demo_state)


@pytest.fixture
def api(demo_state: AppState) -> Iterator[Api]:
    """A GraphQL client over the demo city; everything the test writes is rolled back."""
    with rolled_back(demo_state) as scoped:
        yield scoped


@pytest.fixture(scope="session")
def people(demo_engine: sa.Engine) -> DemoPeople:
    """Who is who in the demo city."""
    return people_in(demo_engine)


def people_in(engine: sa.Engine) -> DemoPeople:
    """Who is who in a demo city (seed 7: the same staff numbers in every one)."""
    with session_factory(engine)() as session:
        all_staff = [s for _, s in StaffRepository(session).page(first=500).items]
    managers = [s for s in all_staff if s.role is Role.ACCOUNT_MANAGER]
    first = managers[0]
    same = next(m for m in managers[1:] if m.department_id == first.department_id)
    other = next(m for m in managers if m.department_id != first.department_id)

    def one(role: Role, department_id: int | None = None, *, not_in: int | None = None) -> str:
        return next(
            s.staff_no
            for s in all_staff
            if s.role is role
            and (department_id is None or s.department_id == department_id)
            and (not_in is None or s.department_id != not_in)
        )

    return DemoPeople(
        manager=first.staff_no,
        other_manager_same_department=same.staff_no,
        manager_elsewhere=other.staff_no,
        head=one(Role.DEPARTMENT_HEAD, first.department_id),
        deputy=one(Role.DEPUTY_HEAD, first.department_id),
        head_elsewhere=one(Role.DEPARTMENT_HEAD, not_in=first.department_id),
        marketing=one(Role.MARKETING),
        auditor=one(Role.AUDITOR),
        admin=one(Role.ADMIN),
    )
