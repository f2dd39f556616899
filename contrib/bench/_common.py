"""Pieces the benchmark scripts share: throw-away demo databases and a timing loop.

Imported as ``contrib.bench._common`` (every script puts the project root on ``sys.path``).
"""

from __future__ import annotations

import secrets
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from gql.services import demo_city
from gql.store.db import create_engine_for, session_factory, sqlite_url
from gql.store.migrate import upgrade

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

DEMO_SEED = 7


@contextmanager
def throwaway_schema(url: str) -> Iterator[str]:
    """A new PostgreSQL schema on ``url``, dropped afterwards; yields a URL scoped to it."""
    schema = f"visitgis_bench_{secrets.token_hex(4)}"
    admin = create_engine_for(url)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield scoped.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def seed_demo(url: str) -> None:
    """Migrate the database at ``url`` and seed the demo city (seed 7)."""
    engine = create_engine_for(url)
    upgrade(engine)
    with session_factory(engine)() as session:
        demo_city.seed(session, seed=DEMO_SEED)
        session.commit()
    engine.dispose()


@contextmanager
def seeded_demo(url: str | None) -> Iterator[str]:
    """A freshly seeded demo city: SQLite in a temp dir, or a throw-away PostgreSQL schema."""
    if not url:
        with tempfile.TemporaryDirectory() as tmp:
            target = sqlite_url(Path(tmp))
            seed_demo(target)
            yield target
        return
    with throwaway_schema(url) as scoped:
        seed_demo(scoped)
        yield scoped


def timings_ms(fn: Callable[[int], object], repeats: int) -> list[float]:
    """Wall time in ms of each call ``fn(0)``, ``fn(1)``, …, ``fn(repeats - 1)``."""
    samples = []
    for i in range(repeats):
        start = time.perf_counter()
        fn(i)
        samples.append((time.perf_counter() - start) * 1000)
    return samples
