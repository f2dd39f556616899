"""Issue 14, defect 4: CPU work in a bounded pool; full refuses, a dropped job never runs."""

from __future__ import annotations

import asyncio
import threading

import pytest

from gql.services.errors import ErrorCode, InvalidInput
from gql.services.workers import WorkerPool


def test_a_full_pool_refuses_at_once_and_a_cancelled_queued_job_never_runs() -> None:
    """One worker, one waiting slot: a third job is refused; a cancelled queued one is dropped."""
    pool = WorkerPool(max_workers=1, max_waiting=1)
    release = threading.Event()
    started = threading.Event()
    ran: list[str] = []

    def blocking() -> str:
        started.set()
        release.wait(timeout=30)
        ran.append("blocking")
        return "done"

    def queued() -> str:
        ran.append("queued")
        return "queued"

    async def scenario() -> None:
        first = asyncio.ensure_future(pool.run(blocking))
        await asyncio.to_thread(started.wait, 30)
        second = asyncio.ensure_future(pool.run(queued))
        await asyncio.sleep(0)  # let it be submitted behind the running job
        assert pool.admitted == 2
        with pytest.raises(InvalidInput) as refused:
            await pool.run(queued)
        assert refused.value.problems[0].code is ErrorCode.DEADLINE_EXCEEDED
        second.cancel()  # its deadline passed while it waited
        await asyncio.wait([second])  # the cancellation is processed: the queued job is dropped
        release.set()  # (releasing first would race the worker thread to the queued job)
        assert await first == "done"
        with pytest.raises(asyncio.CancelledError):
            await second

    asyncio.run(scenario())
    assert ran == ["blocking"]
    assert pool.admitted == 0
