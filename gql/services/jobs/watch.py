"""Following a job as it runs: the planning screen is told of each change, not left to poll.

A worker announces a change of its job (claimed, progress, finished) in the transaction that
writes it. On PostgreSQL the announcement is a notification on the live-events channel, so it
reaches every API process whichever worker ran the job; on SQLite (one process, the in-process
runner) it wakes this process's followers once the transaction commits. A follower also reads
the job every ``poll_s`` whatever it hears, so a change nobody announced (a request, a
cancellation, a notification lost while the channel reconnected) shows within that bound.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import sqlalchemy as sa

from gql.domain.jobs import ACTIVE_STATUSES, Job
from gql.services.access import Principal, signed_in
from gql.services.errors import NotFound
from gql.services.jobs.service import JobService

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Iterator
    from datetime import datetime

    from sqlalchemy.orm import Session, sessionmaker

    from gql.store.event_channel import PostgresChannel

__all__ = [
    "JobFollower",
    "JobWatch",
    "announce_in_process",
    "announce_on_channel",
    "decode_job_change",
    "encode_job_change",
]

_KEY = "job_changed"


def encode_job_change(job_id: int) -> str:
    """The notification payload saying job ``job_id`` changed."""
    return json.dumps({_KEY: job_id}, separators=(",", ":"))


def decode_job_change(text: str) -> int | None:
    """The job id of a :func:`encode_job_change` payload; ``None`` for any other payload."""
    try:
        fields = json.loads(text)
    except ValueError:
        return None
    if not isinstance(fields, dict) or set(fields) != {_KEY}:
        return None
    job_id = fields[_KEY]
    return job_id if isinstance(job_id, int) and not isinstance(job_id, bool) else None


@dataclass(eq=False)
class _Waiter:
    loop: asyncio.AbstractEventLoop
    woken: asyncio.Event = field(default_factory=asyncio.Event)

    async def wait(self, timeout_s: float) -> None:
        """Until the job is announced changed, or ``timeout_s`` passes."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.woken.wait(), timeout_s)
        self.woken.clear()


class JobWatch:
    """The followers of jobs in this process, woken by announcements; safe from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiters: dict[int, set[_Waiter]] = {}

    def changed(self, job_id: int) -> None:
        """Wake every follower of ``job_id``."""
        with self._lock:
            waiters = list(self._waiters.get(job_id, ()))
        for waiter in waiters:
            waiter.loop.call_soon_threadsafe(waiter.woken.set)

    @contextlib.contextmanager
    def watching(self, job_id: int) -> Iterator[_Waiter]:
        """Register a follower (before reading the job, so no change falls in between)."""
        waiter = _Waiter(asyncio.get_running_loop())
        with self._lock:
            self._waiters.setdefault(job_id, set()).add(waiter)
        try:
            yield waiter
        finally:
            with self._lock:
                left = self._waiters.get(job_id, set())
                left.discard(waiter)
                if not left:
                    self._waiters.pop(job_id, None)

    @property
    def follower_count(self) -> int:
        """How many followers wait (for tests and health)."""
        with self._lock:
            return sum(len(w) for w in self._waiters.values())


def announce_in_process(watch: JobWatch) -> Callable[[Session, int], None]:
    """Announce to this process's followers once the session's transaction commits."""

    def announce(session: Session, job_id: int) -> None:
        sa.event.listen(session, "after_commit", lambda _: watch.changed(job_id), once=True)

    return announce


def announce_on_channel(channel: PostgresChannel) -> Callable[[Session, int], None]:
    """Announce to every process through PostgreSQL: delivered when the transaction commits."""

    def announce(session: Session, job_id: int) -> None:
        channel.send(session, [encode_job_change(job_id)])

    return announce


class JobFollower:
    """Streams a job's states to the one who may read it, until it finishes."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        bind: sa.Engine | sa.Connection,
        principal: Principal | None,
        clock: Callable[[], datetime],
        watch: JobWatch,
        *,
        poll_s: float = 1.0,
    ) -> None:
        self._sessions = sessions
        self._bind = bind
        self._principal = principal
        self._clock = clock
        self._watch = watch
        self._poll_s = poll_s

    def _read(self, principal: Principal, job_id: int) -> Job | None:
        with self._sessions(bind=self._bind) as session:
            return JobService(session, principal, self._clock).find(job_id)

    async def follow(self, job_id: int) -> AsyncIterator[Job]:
        """Yield the job now, then each time its state changes; end once it has finished.

        A job the caller may not read is :class:`NotFound`, as a missing one.
        """
        principal = signed_in(self._principal)
        with self._watch.watching(job_id) as waiter:
            last: tuple[object, ...] | None = None
            while True:
                job = await asyncio.to_thread(self._read, principal, job_id)
                if job is None:
                    if last is None:
                        raise NotFound(f"no job {job_id}", field=("id",))
                    return
                state = (job.status, job.progress, job.message, job.attempts, job.error)
                if state != last:
                    last = state
                    yield job
                if job.status not in ACTIVE_STATUSES:
                    return
                await waiter.wait(self._poll_s)
