"""The job queue on the service's database: enqueue, claim with a lease, report, finish.

Workers claim the oldest QUEUED job, or a RUNNING one whose lease ran out (its worker died) if
it has an attempt left; on PostgreSQL the claim skips rows another worker is claiming
(``FOR UPDATE SKIP LOCKED``), so any number of workers share the queue. A worker renews its
lease with each progress report; the partial unique index ``uq_jobs_active_scope`` keeps a
district to one active job whoever races.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from gql.domain.jobs import ACTIVE_STATUSES, MAX_ATTEMPTS, Job, JobKind, JobStatus
from gql.store.models import JobRow

if TYPE_CHECKING:
    from datetime import datetime, timedelta

    from sqlalchemy.orm import Session

__all__ = ["JobRepository"]

_FINISHED = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


class JobRepository:
    """Jobs in ``jobs``; every method runs in the caller's transaction."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, job_id: int) -> Job | None:
        """One job, or ``None``."""
        row = self._session.get(JobRow, job_id)
        return None if row is None else _to_domain(row)

    def payload(self, job_id: int) -> bytes | None:
        """The file an import job waits with (``None`` once it finished, or for other jobs)."""
        return self._session.scalar(sa.select(JobRow.payload).where(JobRow.id == job_id))

    def active_for(self, scope_key: str) -> Job | None:
        """The district's QUEUED or RUNNING job, if any."""
        row = self._session.scalars(
            sa.select(JobRow).where(
                JobRow.scope_key == scope_key, JobRow.status.in_(ACTIVE_STATUSES)
            )
        ).first()
        return None if row is None else _to_domain(row)

    def add(
        self,
        kind: JobKind,
        scope_key: str,
        arguments: dict[str, Any],
        requested_by: int,
        now: datetime,
        payload: bytes | None = None,
    ) -> int:
        """Queue a job, or return the district's active one (whoever raced us to it)."""
        running = self.active_for(scope_key)
        if running is not None:
            return running.id
        row = JobRow(
            kind=kind,
            scope_key=scope_key,
            arguments=arguments,
            status=JobStatus.QUEUED,
            progress=0.0,
            message="",
            attempts=0,
            requested_by=requested_by,
            created_at=now,
            cancel_requested=False,
            payload=payload,
        )
        try:
            with self._session.begin_nested():  # the unique index decides a race
                self._session.add(row)
        except sa.exc.IntegrityError:
            running = self.active_for(scope_key)
            if running is None:
                raise
            return running.id
        return row.id

    def claim(self, worker: str, now: datetime, lease: timedelta) -> Job | None:
        """Take the oldest runnable job for ``worker`` until ``now + lease``; fail the lost.

        A RUNNING job whose lease ran out lost its worker: it runs again if it has an attempt
        left, else it fails with the reason.
        """
        lost = JobRow.status == JobStatus.RUNNING
        expired = sa.and_(lost, JobRow.lease_until < now)
        runnable = sa.or_(JobRow.status == JobStatus.QUEUED, expired)
        if self._session.scalar(sa.select(JobRow.id).where(runnable).limit(1)) is None:
            return None  # the usual answer, and a read: an idle poll never takes a write lock
        self._session.execute(
            sa.update(JobRow)
            .where(expired, JobRow.attempts >= MAX_ATTEMPTS)
            .values(
                status=JobStatus.FAILED,
                finished_at=now,
                payload=None,
                error=f"its worker stopped answering {MAX_ATTEMPTS} times (crash or kill)",
            )
        )
        statement = (
            sa.select(JobRow)
            .where(
                sa.or_(
                    JobRow.status == JobStatus.QUEUED,
                    sa.and_(expired, JobRow.attempts < MAX_ATTEMPTS),
                )
            )
            .order_by(JobRow.id)
            .limit(1)
        )
        if self._session.get_bind().dialect.name == "postgresql":
            statement = statement.with_for_update(skip_locked=True)
        row = self._session.scalars(statement).first()
        if row is None:
            return None
        if row.cancel_requested:
            row.status, row.finished_at, row.payload = JobStatus.CANCELLED, now, None
            self._session.flush()
            return None
        row.status = JobStatus.RUNNING
        row.attempts += 1
        row.worker = worker
        row.started_at = row.started_at or now
        row.lease_until = now + lease
        self._session.flush()
        return _to_domain(row)

    def report(
        self,
        job_id: int,
        attempt: int,
        progress: float,
        message: str,
        now: datetime,
        lease: timedelta,
    ) -> bool:
        """Record progress and renew the lease; ``True`` if the worker must stop.

        It must when someone asked to cancel, or when the job was taken over (its lease ran
        out and another worker claimed it: ``attempt`` is no longer the latest).
        """
        row = self._session.get(JobRow, job_id, with_for_update=True)
        if row is None or row.status is not JobStatus.RUNNING or row.attempts != attempt:
            return True
        row.progress = max(0.0, min(1.0, progress))
        row.message = message[:200]
        row.lease_until = now + lease
        self._session.flush()
        return row.cancel_requested

    def finish(
        self,
        job_id: int,
        status: JobStatus,
        now: datetime,
        *,
        proposal_id: int | None = None,
        error: str | None = None,
        attempt: int | None = None,
        result: dict[str, Any] | None = None,
    ) -> bool:
        """Close a job SUCCEEDED (with its proposal or report), FAILED (with why) or CANCELLED.

        An import's file is dropped: the job no longer needs it.

        With ``attempt``, only if it is still that attempt's (not taken over by another
        worker after its lease ran out): ``False`` when it is not, and nothing changed.
        """
        assert status in _FINISHED
        mine = JobRow.id == job_id
        if attempt is not None:
            mine = sa.and_(mine, JobRow.attempts == attempt, JobRow.status == JobStatus.RUNNING)
        done = self._session.execute(
            sa.update(JobRow)
            .where(mine)
            .values(
                status=status,
                finished_at=now,
                lease_until=None,
                proposal_id=proposal_id,
                error=error,
                result=result,
                payload=None,
                progress=1.0 if status is JobStatus.SUCCEEDED else JobRow.progress,
            )
        )
        return bool(getattr(done, "rowcount", 0))

    def cancel(self, job_id: int, now: datetime) -> None:
        """A QUEUED job is cancelled at once; a RUNNING one at its worker's next report."""
        row = self._session.get(JobRow, job_id, with_for_update=True)
        if row is None or row.status in _FINISHED:
            return
        row.cancel_requested = True
        if row.status is JobStatus.QUEUED:
            row.status, row.finished_at, row.payload = JobStatus.CANCELLED, now, None
        self._session.flush()


def _to_domain(row: JobRow) -> Job:
    return Job(
        id=row.id,
        kind=row.kind,
        scope_key=row.scope_key,
        arguments=dict(row.arguments),
        status=row.status,
        progress=row.progress,
        message=row.message,
        attempts=row.attempts,
        requested_by=row.requested_by,
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
        lease_until=row.lease_until,
        cancel_requested=row.cancel_requested,
        proposal_id=row.proposal_id,
        error=row.error,
        result=None if row.result is None else dict(row.result),
    )
