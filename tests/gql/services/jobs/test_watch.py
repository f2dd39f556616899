"""Following a job: announced changes wake the follower at once, on both stores.

The followers here poll only once an hour, so each state they yield was pushed by an
announcement (in-process after commit on SQLite, a PostgreSQL notification on PostgreSQL);
each wait is bounded, so a lost announcement fails the test instead of hanging it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from gql.domain import Role
from gql.domain.jobs import Job, JobKind, JobStatus
from gql.domain.organisation import DepartmentKind
from gql.services.access import Principal
from gql.services.errors import NotFound
from gql.services.jobs.watch import (
    JobFollower,
    JobWatch,
    announce_in_process,
    announce_on_channel,
    decode_job_change,
    encode_job_change,
)
from gql.services.visits.events import VisitEvent, VisitEventKind, encode_event
from gql.store.db import session_factory
from gql.store.event_channel import PostgresChannel
from gql.store.models import DepartmentRow, StaffRow
from gql.store.repositories.jobs import JobRepository

T0 = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)
WAIT_S = 20.0
"""Bound on each wait for an announced state (a failure, not a timing assertion)."""


def test_a_job_change_round_trips_and_nothing_else_reads_as_one() -> None:
    assert decode_job_change(encode_job_change(42)) == 42
    visit = VisitEvent(VisitEventKind.STARTED, 1, 2, 3, 4, "IN_PLACE", T0)
    for other in (encode_event(visit), "not json", '{"job_changed":true}', '{"job_changed":"7"}',
                  '{"job_changed":7,"x":1}', "[7]"):  # fmt: skip
        assert decode_job_change(other) is None, other


@dataclass(frozen=True)
class Office:
    sessions: Callable[[], Session]
    engine: sa.Engine
    marketing: Principal
    manager: Principal
    job_id: int


@pytest.fixture
def office(private_engine: sa.Engine) -> Office:
    sessions = session_factory(private_engine)
    with sessions() as session:
        department = DepartmentRow(code="MKT", name="营销部", kind=DepartmentKind.MARKETING)
        session.add(department)
        session.flush()
        people = [
            StaffRow(staff_no=no, name=no, role=role, department_id=department.id, active=True,
                     joined_on=date(2020, 1, 1))
            for no, role in (("M1", Role.MARKETING), ("A1", Role.ACCOUNT_MANAGER))
        ]  # fmt: skip
        session.add_all(people)
        session.flush()
        principals = [Principal(p.id, p.staff_no, p.name, p.role, department.id) for p in people]
        job_id = JobRepository(session).add(JobKind.TERRITORIES, "company", {}, people[0].id, T0)
        session.commit()
    return Office(sessions, private_engine, principals[0], principals[1], job_id)


def _follower(office: Office, who: Principal, watch: JobWatch) -> JobFollower:
    return JobFollower(
        session_factory(office.engine), office.engine, who, lambda: T0, watch, poll_s=3600.0
    )


def _steps(office: Office, announce: Callable[[Session, int], None]) -> list[Callable[[], None]]:
    """A worker's three steps, each announced in its own committed transaction."""

    def claim() -> None:
        with office.sessions() as session:
            claimed = JobRepository(session).claim("w", T0, LEASE)
            assert claimed is not None
            announce(session, claimed.id)
            session.commit()

    def report() -> None:
        with office.sessions() as session:
            JobRepository(session).report(office.job_id, 1, 0.5, "allocate", T0, LEASE)
            announce(session, office.job_id)
            session.commit()

    def finish() -> None:
        with office.sessions() as session:
            JobRepository(session).finish(office.job_id, JobStatus.SUCCEEDED, T0, attempt=1)
            announce(session, office.job_id)
            session.commit()

    return [claim, report, finish]


async def _states(follower: JobFollower, job_id: int, steps: list[Callable[[], None]]) -> list[Job]:
    """Follow ``job_id``: after each state, the worker's next step (in a thread); to the end.

    The follower polls once an hour, so each state after the first was pushed by the step's
    announcement; a lost one fails the bounded wait.
    """
    updates = follower.follow(job_id)
    states = [await asyncio.wait_for(anext(updates), WAIT_S)]
    for step in steps:
        await asyncio.to_thread(step)
        states.append(await asyncio.wait_for(anext(updates), WAIT_S))
    with pytest.raises(StopAsyncIteration):
        await asyncio.wait_for(anext(updates), WAIT_S)  # a finished job ends the stream
    return states


def _assert_whole_run(states: list[Job]) -> None:
    assert [(s.status, s.message) for s in states] == [
        (JobStatus.QUEUED, ""),
        (JobStatus.RUNNING, ""),
        (JobStatus.RUNNING, "allocate"),
        (JobStatus.SUCCEEDED, "allocate"),
    ]
    assert [s.progress for s in states] == [0.0, 0.0, 0.5, 1.0]


def test_a_rolled_back_change_wakes_nobody(office: Office) -> None:
    watch = JobWatch()
    woken: list[int] = []

    async def run() -> None:
        with watch.watching(office.job_id) as waiter:
            with office.sessions() as session:
                announce_in_process(watch)(session, office.job_id)
                session.rollback()
            woken.append(watch.follower_count)
            with office.sessions() as session:
                announce_in_process(watch)(session, office.job_id)
                session.commit()
            await asyncio.wait_for(waiter.wait(3600.0), WAIT_S)  # the committed one wakes it

    asyncio.run(run())
    assert woken == [1]


def test_a_job_not_yours_is_not_found_like_a_missing_one(office: Office) -> None:
    async def first(who: Principal, job_id: int) -> str:
        with pytest.raises(NotFound) as raised:
            await anext(_follower(office, who, JobWatch()).follow(job_id))
        return str(raised.value)

    theirs = asyncio.run(first(office.manager, office.job_id))
    missing = asyncio.run(first(office.marketing, office.job_id + 1000))
    assert theirs.replace(str(office.job_id), "N") == missing.replace(
        str(office.job_id + 1000), "N"
    )


@contextlib.asynccontextmanager
async def _listening(engine: sa.Engine, watch: JobWatch) -> AsyncIterator[PostgresChannel]:
    channel = PostgresChannel(engine)

    def deliver(payload: str) -> None:
        job_id = decode_job_change(payload)
        if job_id is not None:
            watch.changed(job_id)

    task = asyncio.create_task(channel.listen(deliver))
    try:
        await asyncio.wait_for(channel.listening.wait(), WAIT_S)
        yield channel
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def test_a_worker_wakes_followers_as_the_service_wires_it(office: Office) -> None:
    """SQLite: the in-process runner's commit wakes this process's followers. PostgreSQL: a
    worker sharing nothing with the follower but the database reaches it by notification."""
    watch = JobWatch()
    follower = _follower(office, office.marketing, watch)

    async def run() -> list[Job]:
        if office.engine.dialect.name != "postgresql":
            announce = announce_in_process(watch)
            return await _states(follower, office.job_id, _steps(office, announce))
        async with _listening(office.engine, watch) as channel:
            announce = announce_on_channel(channel)
            return await _states(follower, office.job_id, _steps(office, announce))

    _assert_whole_run(asyncio.run(run()))
    assert watch.follower_count == 0  # the finished stream let go of its registration
