"""The real application over a test database, for tests that speak HTTP to it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from starlette.testclient import TestClient

from gql.app import create_app
from gql.settings import Settings
from gql.store.db import create_engine_for, sqlite_url
from gql.store.migrate import upgrade

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

__all__ = [
    "active_staff",
    "app_client",
    "app_settings",
    "empty_database_settings",
    "seeded_demo_staff",
]


def app_settings(engine: sa.Engine, secret: str, **overrides: Any) -> Settings:
    """Settings for ``engine``'s database: no kernel warm-up (tests do not route), quiet logs."""
    values: dict[str, Any] = {
        "database_url": engine.url.render_as_string(hide_password=False),
        "warm_kernels": False,
        "jwt_secret": secret,
        "log_level": "WARNING",
    }
    return Settings(**(values | overrides))


def app_client(settings: Settings) -> Iterator[TestClient]:
    """A client of the app, its lifespan running; server errors come back as answers."""
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


def empty_database_settings(data_dir: Path) -> Settings:
    """Settings for a migrated, empty SQLite database in ``data_dir`` (no warm-up)."""
    engine = create_engine_for(sqlite_url(data_dir))
    upgrade(engine)
    engine.dispose()
    return Settings(data_dir=data_dir, warm_kernels=False)


def active_staff(engine: sa.Engine) -> list[sa.Row[tuple[str, str, int | None, str | None]]]:
    """Staff number, role, department and phone of every active staff member, in id order."""
    with engine.connect() as connection:
        return list(
            connection.execute(
                sa.text(
                    "SELECT s.staff_no, s.role, s.department_id, m.msisdn FROM staff s "
                    "LEFT JOIN account_managers m ON m.staff_id = s.id "
                    "WHERE s.active ORDER BY s.id"
                )
            ).all()
        )


def seeded_demo_staff(url: str) -> list[sa.Row[tuple[str, str, int | None, str | None]]]:
    """Migrate the empty database at ``url``, seed the demo city (seed 7) into it and return
    its active staff (as :func:`active_staff`), for modules that write into a city of their own."""
    from gql.services import demo_city
    from gql.store.db import session_factory

    engine = create_engine_for(url)
    try:
        upgrade(engine)
        with session_factory(engine)() as session:
            demo_city.seed(session, seed=7)
            session.commit()
        return active_staff(engine)
    finally:
        engine.dispose()
