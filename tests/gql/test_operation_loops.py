"""Operation loops: each operation runs to its end on a loop of its own thread."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import threading

import pytest
import sqlalchemy as sa
from starlette.testclient import TestClient

from gql.app import create_app
from gql.auth import mint_token
from gql.operation_loops import OperationLoops
from gql.settings import Settings
from gql.store.db import create_engine_for
from gql.store.migrate import upgrade
from tests.fixtures_db import _backends, fresh_database

WAIT_S = 10.0
"""Bounds the test, not the behaviour."""
_caller: contextvars.ContextVar[str] = contextvars.ContextVar("caller", default="nobody")


async def _where() -> tuple[str, str]:
    return threading.current_thread().name, _caller.get()


def test_an_operation_runs_on_another_thread_with_the_callers_context() -> None:
    """The request's context (request id, staff number) reaches the operation's loop."""
    loops = OperationLoops(2)

    async def main() -> tuple[str, str]:
        _caller.set("W0007")
        return await loops.run(_where)

    try:
        thread, caller = asyncio.run(main())
    finally:
        loops.close()
    assert thread.startswith("visitgis-operations-")
    assert caller == "W0007"


def test_no_loops_runs_operations_on_the_callers_loop() -> None:
    loops = OperationLoops(0)
    thread, _ = asyncio.run(loops.run(_where))
    assert thread == threading.current_thread().name


def test_operations_in_flight_go_to_the_least_busy_loop() -> None:
    """Two operations waiting at once run on two different loops."""
    loops = OperationLoops(2)
    release = threading.Event()
    threads: list[str] = []

    async def held() -> None:
        threads.append(threading.current_thread().name)
        await asyncio.to_thread(release.wait, WAIT_S)

    async def main() -> None:
        first = asyncio.ensure_future(loops.run(held))
        second = asyncio.ensure_future(loops.run(held))
        while len(threads) < 2:
            await asyncio.sleep(0.001)
        release.set()
        await asyncio.wait_for(asyncio.gather(first, second), WAIT_S)

    try:
        asyncio.run(main())
    finally:
        loops.close()
    assert len(set(threads)) == 2


class _Forever:
    """An operation that waits until cancelled, and says where it ran and that it unwound."""

    def __init__(self) -> None:
        self.started = threading.Event()
        self.unwound = threading.Event()
        self.ran_on: threading.Thread | None = None

    async def __call__(self) -> None:
        self.ran_on = threading.current_thread()
        self.started.set()
        try:
            await asyncio.Event().wait()
        finally:
            self.unwound.set()


def test_a_cancelled_caller_cancels_the_operation_on_its_loop() -> None:
    """Past the deadline the operation is cancelled where it runs and unwinds there."""
    loops = OperationLoops(1)
    forever = _Forever()

    async def main() -> None:
        caller = asyncio.ensure_future(loops.run(forever))
        assert await asyncio.to_thread(forever.started.wait, WAIT_S)
        caller.cancel()
        with pytest.raises(asyncio.CancelledError):
            await caller
        assert forever.unwound.is_set()  # before the caller answers "nothing was saved"

    try:
        asyncio.run(main())
    finally:
        loops.close()


def test_a_cancelled_caller_waits_for_a_stuck_operation_only_so_long() -> None:
    """An operation stuck in a blocking call cannot unwind yet; its caller stops waiting."""
    loops = OperationLoops(1, unwind_s=0.05)
    started, release = threading.Event(), threading.Event()

    async def stuck() -> None:
        started.set()
        release.wait(WAIT_S)  # blocks its loop, as a statement waiting on a lock does

    async def main() -> None:
        caller = asyncio.ensure_future(loops.run(stuck))
        assert await asyncio.to_thread(started.wait, WAIT_S)
        caller.cancel()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(caller, WAIT_S)
        assert not release.is_set()  # answered while the operation still blocks
        release.set()

    try:
        asyncio.run(main())
    finally:
        loops.close()


def test_closing_cancels_what_still_runs_and_stops_the_threads() -> None:
    loops = OperationLoops(2)
    forever = _Forever()

    async def main() -> None:
        running = asyncio.ensure_future(loops.run(forever))
        assert await asyncio.to_thread(forever.started.wait, WAIT_S)
        await asyncio.to_thread(loops.close)
        assert forever.unwound.is_set()
        with pytest.raises(asyncio.CancelledError):
            await running

    asyncio.run(main())
    assert forever.ran_on is not None
    assert not forever.ran_on.is_alive()


@pytest.mark.parametrize("backend", [p for p in _backends() if p.id == "postgresql"])
def test_an_operation_waiting_in_the_database_holds_up_only_its_own_loop(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A statement waiting for a table lock (a migration, VACUUM FULL) blocks the loop it
    runs on; the next operation runs on another loop and is answered meanwhile."""
    secret = "operation-loops-secret-" + "x" * 20
    token = mint_token(secret=secret, issuer="visitgis", staff_no="W0001", ttl_s=600)
    with fresh_database(backend, tmp_path_factory) as url:
        engine = create_engine_for(url)
        upgrade(engine)
        settings = Settings(
            database_url=url,
            warm_kernels=False,
            jwt_secret=secret,
            log_level="WARNING",
            database_lock_timeout_s=0,  # the lookup waits until the lock is released
            operation_loops=2,
        )
        try:
            with (
                TestClient(create_app(settings)) as client,
                engine.connect() as holder,
                engine.connect() as watcher,
                concurrent.futures.ThreadPoolExecutor(1) as pool,
            ):
                transaction = holder.begin()
                holder.execute(sa.text("LOCK TABLE staff IN ACCESS EXCLUSIVE MODE"))
                blocked = pool.submit(
                    client.post,
                    "/graphql",
                    json={"query": "{ viewer { role } }"},  # reads the caller's staff row
                    headers={"Authorization": f"Bearer {token}"},
                )
                waits = sa.text(
                    "SELECT count(*) FROM pg_locks WHERE NOT granted "
                    "AND relation = 'staff'::regclass"
                )
                for _ in range(int(WAIT_S * 100)):
                    if watcher.execute(waits).scalar_one() or blocked.done():
                        break
                    watcher.rollback()
                    concurrent.futures.wait([blocked], timeout=0.01)
                other = client.post("/graphql", json={"query": "{ __typename }"})
                waited = not blocked.done()
                transaction.rollback()
                answer = blocked.result(timeout=WAIT_S)
        finally:
            engine.dispose()
    assert other.json()["data"] == {"__typename": "Query"}
    assert waited
    assert answer.status_code == 200


def test_a_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match="0 or more, got -1"):
        OperationLoops(-1)
