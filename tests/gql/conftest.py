"""Fixtures for service and API tests: the demo city, seeded once per database backend."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

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
from tests.gql.api import Api


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


@pytest.fixture(scope="session", params=_backends())
def demo_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[sa.Engine]:
    """A migrated database holding the demo city (seed 7), committed; tests must not rely on
    mutations of other tests."""
    with fresh_database(request.param, tmp_path_factory) as url:
        engine = create_engine_for(url)
        upgrade(engine)
        with session_factory(engine)() as session:
            demo_city.seed(session, seed=7)
            session.commit()
        yield engine
        engine.dispose()


@pytest.fixture(scope="session")
def demo_state(demo_engine: sa.Engine) -> AppState:
    """Application state over the demo city, as the app's lifespan would build it."""
    settings = Settings(warm_kernels=False)
    return build_state(settings, demo_engine, session_factory(demo_engine))


@pytest.fixture(scope="session")
def api(demo_state: AppState) -> Api:
    """A GraphQL client over the demo city."""
    return Api(demo_state)


@pytest.fixture(scope="session")
def people(demo_engine: sa.Engine) -> DemoPeople:
    """Who is who in the demo city."""
    with session_factory(demo_engine)() as session:
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
