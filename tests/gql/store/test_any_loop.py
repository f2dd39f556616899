"""The semaphore and lock that waiters on several event loops (threads) share."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading

import pytest

from gql.store.any_loop import Lock, Semaphore

WAIT_S = 10.0
"""Bounds the test, not the behaviour: a lost wake-up fails here instead of hanging."""


def _until(condition: object, what: str) -> None:
    """Wait (bounded) until ``condition()`` holds; other threads make it hold."""
    done = threading.Event()
    for _ in range(int(WAIT_S * 1000)):
        if condition():  # type: ignore[operator]
            return
        done.wait(0.001)
    raise AssertionError(f"never happened: {what}")


def test_a_unit_given_back_on_one_loop_wakes_a_waiter_on_another() -> None:
    """The holder's loop releases; the waiter's loop, on another thread, gets the unit."""
    semaphore = Semaphore(1)
    order: list[str] = []

    async def waiter() -> None:
        await semaphore.acquire()
        order.append("waiter")
        semaphore.release()

    async def holder(pool: concurrent.futures.Executor) -> None:
        await semaphore.acquire()
        pending = pool.submit(asyncio.run, waiter())
        _until(lambda: semaphore.waiting == 1, "the other loop waits")
        order.append("holder")
        semaphore.release()
        await asyncio.wrap_future(pending)

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        asyncio.run(asyncio.wait_for(holder(pool), WAIT_S))
    assert order == ["holder", "waiter"]
    assert semaphore.value == 1
    assert semaphore.waiting == 0


def test_waiters_on_different_loops_are_served_in_arrival_order() -> None:
    """First come, first served, whichever loop each waits on."""
    semaphore = Semaphore(1)
    served: list[int] = []

    async def waiter(n: int) -> None:
        await semaphore.acquire()
        served.append(n)
        semaphore.release()

    async def main(pool: concurrent.futures.Executor) -> None:
        await semaphore.acquire()
        pending = []
        for n in range(4):
            pending.append(pool.submit(asyncio.run, waiter(n)))
            _until(lambda n=n: semaphore.waiting == n + 1, f"waiter {n} queued")
        semaphore.release()
        await asyncio.gather(*map(asyncio.wrap_future, pending))

    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        asyncio.run(asyncio.wait_for(main(pool), WAIT_S))
    assert served == [0, 1, 2, 3]
    assert semaphore.value == 1


def test_a_waiter_cancelled_after_it_was_handed_a_unit_passes_it_on() -> None:
    """Cancelled between the hand-over and its wake-up, a waiter loses nothing for others."""

    async def main() -> None:
        semaphore = Semaphore(1)
        await semaphore.acquire()
        first = asyncio.create_task(semaphore.acquire())
        second = asyncio.create_task(semaphore.acquire())
        await asyncio.sleep(0)  # both queue
        assert semaphore.waiting == 2
        semaphore.release()  # handed to the first; its wake-up is still to run
        first.cancel()
        with pytest.raises(asyncio.CancelledError):
            await first
        await asyncio.wait_for(second, WAIT_S)  # the unit went on to the second
        assert semaphore.value == 0
        semaphore.release()
        assert semaphore.value == 1

    asyncio.run(main())


def test_a_waiter_cancelled_before_its_turn_leaves_the_queue() -> None:
    async def main() -> None:
        semaphore = Semaphore(1)
        await semaphore.acquire()
        waiter = asyncio.create_task(semaphore.acquire())
        await asyncio.sleep(0)
        assert semaphore.waiting == 1
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        assert semaphore.waiting == 0
        semaphore.release()
        assert semaphore.value == 1

    asyncio.run(main())


def test_a_lock_excludes_tasks_of_two_loops_from_each_other() -> None:
    """Read, yield, write under the lock from two loops at once: no update is lost."""
    lock = Lock()
    counter = {"value": 0, "inside": 0, "most_inside": 0}

    async def bump() -> None:
        await lock.acquire()
        try:
            counter["inside"] += 1
            counter["most_inside"] = max(counter["most_inside"], counter["inside"])
            value = counter["value"]
            await asyncio.sleep(0)
            counter["value"] = value + 1
            counter["inside"] -= 1
        finally:
            lock.release()

    async def many() -> None:
        await asyncio.gather(*(bump() for _ in range(200)))

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        runs = [pool.submit(asyncio.run, many()) for _ in range(2)]
        for run in runs:
            run.result(timeout=WAIT_S)
    assert counter["value"] == 400
    assert counter["most_inside"] == 1
    assert not lock.locked()


def test_a_negative_value_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 0, got -1"):
        Semaphore(-1)
