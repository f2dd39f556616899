"""Pauses operators can see: collections and stalled loops are timed into /metrics (issue 19)."""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from prometheus_client import REGISTRY
from starlette.testclient import TestClient

from gql.app import create_app
from gql.operation_loops import OperationLoops
from gql.pauses import watch_gc_pauses, watch_loop_lag
from tests.gql.http_app import empty_database_settings

BLOCK_S = 0.3
EVERY_S = 0.05


def _value(name: str, labels: dict[str, str]) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def _until(condition: Callable[[], bool], deadline_s: float = 10.0) -> None:
    """Yield to the loop until ``condition()`` holds (it is evaluated on the loop)."""
    ends = time.monotonic() + deadline_s
    while not condition():
        assert time.monotonic() < ends, "never observed"
        await asyncio.sleep(0.01)


def test_a_full_collection_is_timed_under_its_generation() -> None:
    watch_gc_pauses()
    watch_gc_pauses()  # idempotent: one callback, one observation a collection
    labels = {"generation": "2"}
    count = _value("visitgis_gc_pause_seconds_count", labels)
    gc.collect()
    # another thread's allocation may add a collection of its own, never take one away
    assert _value("visitgis_gc_pause_seconds_count", labels) >= count + 1
    assert sum(getattr(c, "__module__", "") == "gql.pauses" for c in gc.callbacks) == 1


def test_the_youngest_generation_is_left_out() -> None:
    watch_gc_pauses()
    gc.collect(0)
    assert REGISTRY.get_sample_value("visitgis_gc_pause_seconds_count", {"generation": "0"}) is None


def test_a_blocked_loop_is_measured_as_lag_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    """The loop is held for BLOCK_S: the timer due EVERY_S after its start fires that late."""
    labels = {"loop": "blocked-test"}
    count = _value("visitgis_event_loop_lag_seconds_count", labels)
    total_s = _value("visitgis_event_loop_lag_seconds_sum", labels)

    async def scenario() -> None:
        watcher = asyncio.create_task(
            watch_loop_lag("blocked-test", every_s=EVERY_S, stall_log_s=BLOCK_S / 2)
        )
        await asyncio.sleep(0)  # the watcher's timer is set
        held_until = time.perf_counter() + BLOCK_S
        while time.perf_counter() < held_until:  # the stall under test: the loop runs nothing
            pass
        await _until(lambda: _value("visitgis_event_loop_lag_seconds_count", labels) > count)
        watcher.cancel()

    with caplog.at_level(logging.WARNING, logger="gql.pauses"):
        asyncio.run(scenario())
    assert _value("visitgis_event_loop_lag_seconds_sum", labels) - total_s >= BLOCK_S - EVERY_S
    stalls = [r for r in caplog.records if r.getMessage() == "event loop stalled"]
    assert stalls
    assert stalls[0].loop == "blocked-test"  # type: ignore[attr-defined]
    assert stalls[0].stalled_ms >= (BLOCK_S - EVERY_S) * 1000  # type: ignore[attr-defined]


def test_an_idle_loop_is_not_logged(caplog: pytest.LogCaptureFixture) -> None:
    labels = {"loop": "idle-test"}
    count = _value("visitgis_event_loop_lag_seconds_count", labels)

    async def scenario() -> None:
        watcher = asyncio.create_task(watch_loop_lag("idle-test", every_s=0.01))
        await _until(lambda: _value("visitgis_event_loop_lag_seconds_count", labels) >= count + 3)
        watcher.cancel()

    with caplog.at_level(logging.WARNING, logger="gql.pauses"):
        asyncio.run(scenario())
    assert not [r for r in caplog.records if r.getMessage() == "event loop stalled"]


def test_each_operation_loop_samples_its_lag() -> None:
    labels = {"loop": "operation"}
    loops = OperationLoops(2)
    count = _value("visitgis_event_loop_lag_seconds_count", labels)

    async def scenario() -> None:
        loops.start()
        # the server's loop is not labelled "operation": these samples are the loops' own
        await _until(lambda: _value("visitgis_event_loop_lag_seconds_count", labels) >= count + 2)

    try:
        asyncio.run(scenario())
    finally:
        loops.close()


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    settings = empty_database_settings(Path(tmp_path_factory.mktemp("pauses")))
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


def test_metrics_show_the_server_loop_lag_and_collections(client: TestClient) -> None:
    series = 'visitgis_event_loop_lag_seconds_count{loop="server"}'
    ends = time.monotonic() + 10
    while series not in (text := client.get("/metrics").text):
        assert time.monotonic() < ends, "the server's loop was never sampled"
        time.sleep(0.05)
    gc.collect()
    assert 'visitgis_gc_pause_seconds_count{generation="2"}' in client.get("/metrics").text
    assert "visitgis_event_loop_lag_seconds_bucket" in text
