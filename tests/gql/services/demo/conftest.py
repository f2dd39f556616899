"""A small demo city with its history, seeded once per backend and never changed by a test."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
import sqlalchemy as sa

from gql.app import build_state
from gql.context import AppState
from gql.services import demo_city
from gql.services.demo.history import HistorySummary, seed_history
from gql.settings import Settings
from gql.store.db import create_engine_for, session_factory
from gql.store.migrate import upgrade
from tests.fixtures_db import _backends, fresh_database
from tests.gql.api import Api, rolled_back

TODAY = date(2026, 12, 4)
"""The reference day of the test history (a Friday)."""
SMALL = {"retailers": 150, "weeks": 3}
"""A small city: 150 retailers, 3 weeks of plans and visits (the CLI's default is 3,000 and 8)."""


@dataclass(frozen=True)
class SeededHistory:
    """The engine of a history city and what seeding reported."""

    engine: sa.Engine
    city: demo_city.DemoSummary
    summary: HistorySummary


def seed_small(url: str, *, seed: int = 7) -> SeededHistory:
    """Migrate a new database and seed the small city with its history (committed)."""
    engine = create_engine_for(url)
    upgrade(engine)
    with session_factory(engine)() as session:
        city = demo_city.seed(session, seed=seed, retailers=SMALL["retailers"], today=TODAY)
        summary = seed_history(session, today=TODAY, seed=seed, weeks=SMALL["weeks"])
        session.commit()
    return SeededHistory(engine, city, summary)


@contextlib.contextmanager
def small_history_on(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SeededHistory]:
    """The small history city in a database of its own on ``backend``, disposed after."""
    with fresh_database(backend, tmp_path_factory) as url:
        seeded = seed_small(url)
        try:
            yield seeded
        finally:
            seeded.engine.dispose()


@pytest.fixture(scope="session", params=_backends())
def history_city(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SeededHistory]:
    """The small history city on each backend."""
    with small_history_on(request.param, tmp_path_factory) as seeded:
        yield seeded


@pytest.fixture(scope="session")
def history_state(history_city: SeededHistory) -> AppState:
    """Application state over the history city, as the app's lifespan builds it."""
    engine = history_city.engine
    return build_state(Settings(warm_kernels=False), engine, session_factory(engine))


@pytest.fixture
def api(history_state: AppState) -> Iterator[Api]:
    """The suite's ``api`` client, over the history city: what a test writes is rolled back."""
    with rolled_back(history_state) as scoped:
        yield scoped
