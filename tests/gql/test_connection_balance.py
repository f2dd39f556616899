"""The connection balancer's decision and its middleware (the two-worker run is in
tests/gql/test_scale_out.py)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from gql.connection_balance import (
    SHED_INTERVAL_S,
    BalanceConnections,
    ConnectionBalancer,
    SharedCounts,
    install_balancer,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


class _Clock:
    def __init__(self) -> None:
        self.now_s = 100.0

    def __call__(self) -> float:
        return self.now_s


def _pair(tmp_path: Path, held: list[int], clock: _Clock) -> list[ConnectionBalancer]:
    counts = SharedCounts.create(tmp_path / "counts", len(held))
    return [ConnectionBalancer(counts, i, lambda i=i: held[i], clock=clock) for i in range(2)]


def test_the_worker_over_its_share_sheds_and_the_other_does_not(tmp_path: Path) -> None:
    held, clock = [30, 10], _Clock()
    first, second = _pair(tmp_path, held, clock)
    assert first.should_close()  # 30 of 30: its sibling has published nothing yet
    assert not second.should_close()  # 10 of 40: fair 20
    clock.now_s += SHED_INTERVAL_S
    assert first.should_close()  # 30 of 40


def test_within_the_slack_nobody_sheds(tmp_path: Path) -> None:
    held, clock = [31, 29], _Clock()  # fair 30, slack 1.5
    first, second = _pair(tmp_path, held, clock)
    second.should_close()
    assert not first.should_close()
    held[0] = 32  # 32 of 61: fair 30.5, over 32.0 only past the slack
    assert not first.should_close()
    held[0] = 33
    assert first.should_close()


def test_at_most_one_close_per_interval(tmp_path: Path) -> None:
    held, clock = [40, 0], _Clock()
    first, second = _pair(tmp_path, held, clock)
    second.should_close()
    assert first.should_close()
    assert not first.should_close()  # the closed connection has not left the count yet
    clock.now_s += SHED_INTERVAL_S
    assert first.should_close()
    assert first.shed == 2


def test_a_replacement_starts_from_zero_in_its_slot(tmp_path: Path) -> None:
    counts = SharedCounts.create(tmp_path / "counts", 2)
    counts.set(1, 50)  # what the worker that died last published
    ConnectionBalancer(counts, 1, lambda: 0)
    assert counts.all() == [0, 0]


def test_an_index_outside_the_workers_is_refused(tmp_path: Path) -> None:
    counts = SharedCounts.create(tmp_path / "counts", 2)
    with pytest.raises(ValueError, match=r"worker index 2 outside 0\.\.1"):
        ConnectionBalancer(counts, 2, lambda: 0)


@pytest.fixture
def installed(tmp_path: Path) -> Iterator[list[int]]:
    """A balancer installed in this process, its worker 0 holding ``held[0]`` connections."""
    held = [0, 0]
    counts = SharedCounts.create(tmp_path / "counts", 2)
    install_balancer(ConnectionBalancer(counts, 0, lambda: held[0]))
    try:
        yield held
    finally:
        install_balancer(None)


def test_the_middleware_marks_an_answer_to_close_only_when_shedding(
    installed: list[int],
) -> None:
    app = Starlette(
        routes=[Route("/", lambda request: PlainTextResponse("ok"))],
        middleware=[Middleware(BalanceConnections)],
    )

    async def ask() -> tuple[httpx.Response, httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://visitgis") as client:
            balanced = await client.get("/")
            installed[0] = 10  # 10 of 10 against a sibling holding none
            return balanced, await client.get("/")

    balanced, shed = asyncio.run(ask())
    assert balanced.status_code == shed.status_code == 200
    assert "connection" not in balanced.headers
    assert shed.headers["connection"] == "close"
    assert shed.text == "ok"
