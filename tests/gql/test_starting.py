"""A request that arrives while the kernels warm waits for them, briefly, instead of failing.

A worker started in place of one that died warms from the numba cache in seconds; its socket's
share of the traffic must wait that out, not be answered 503 by the hundred.
"""

from __future__ import annotations

import concurrent.futures
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

import gql.app
from gql.app import create_app
from gql.settings import Settings
from tests.gql.http_app import empty_database_settings

WAIT_S = 30.0
"""Bounds the test, not the behaviour."""
TYPENAME = {"query": "{ __typename }"}


@pytest.fixture
def warming(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Warm-up that lasts until the test sets the event."""
    done = threading.Event()

    def warm_kernels() -> float:
        done.wait(WAIT_S)
        return 0.0

    monkeypatch.setattr(gql.app, "warm_kernels", warm_kernels)
    yield done
    done.set()


def _settings(tmp_path: Path) -> Settings:
    base = empty_database_settings(tmp_path)
    return Settings(data_dir=base.data_dir, warm_kernels=True, log_level="WARNING")


def test_a_request_during_warm_up_is_answered_once_warm(
    tmp_path: Path, warming: threading.Event
) -> None:
    with (
        TestClient(create_app(_settings(tmp_path))) as client,
        concurrent.futures.ThreadPoolExecutor(1) as pool,
    ):
        pending = pool.submit(client.post, "/graphql", json=TYPENAME)
        concurrent.futures.wait([pending], timeout=0.2)
        waited = not pending.done()  # not answered 503 at once
        warming.set()
        answer = pending.result(timeout=WAIT_S)
    assert waited
    assert answer.status_code == 200
    assert answer.json()["data"] == {"__typename": "Query"}


def test_a_warm_up_longer_than_the_wait_is_answered_starting(
    tmp_path: Path, warming: threading.Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first start compiles for a minute: past the wait the caller hears "retry shortly"."""
    monkeypatch.setattr(gql.app, "STARTING_WAIT_S", 0.05)
    with TestClient(create_app(_settings(tmp_path))) as client:
        answer = client.post("/graphql", json=TYPENAME)
        ready = client.get("/readyz")
        warming.set()
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "5"
    assert "the service is starting" in answer.json()["errors"][0]["message"]
    assert ready.status_code == 503
