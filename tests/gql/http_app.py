"""The real application over a test database, for tests that speak HTTP to it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.testclient import TestClient

from gql.app import create_app
from gql.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Iterator

    import sqlalchemy as sa

__all__ = ["app_client", "app_settings"]


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
