"""The worker's loop: claim a job, compute it with progress, store its result, close the job.

The proposal and the job's SUCCEEDED are committed in one transaction, so a worker killed at
any point leaves either no proposal (the job's lease runs out and it runs once more) or the
proposal with its job closed. Progress is written in short transactions of their own (at most
one a second), which also renew the lease and carry a cancellation back to the computation.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from gql.domain.jobs import Job, JobKind, JobStatus
from gql.services.acting import acting_principal
from gql.services.directory.importing import CsvFile
from gql.services.directory.uploads import ImportKind, UploadService
from gql.services.errors import InvalidInput, Problem, ServiceError
from gql.services.reports.aggregates import refresh
from gql.services.reports.service import LATE_UPLOAD_MARGIN
from gql.services.territories.service import (
    DEFAULT_ORDER_DAY_CHANGE_SHARE,
    ScheduleCommand,
    TerritoryCommand,
    TerritoryService,
)
from gql.services.travel import RoutingSettings
from gql.store.db import session_factory
from gql.store.models.base import utcnow
from gql.store.repositories.jobs import JobRepository

if TYPE_CHECKING:
    from collections.abc import Callable

    import sqlalchemy as sa
    from sqlalchemy.orm import Session

    from gql.services.access import Principal
    from gql.services.territories.jobs import Job as PlanningJob

__all__ = ["JobCancelled", "RunnerSettings", "run_one"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RunnerSettings:
    """How a worker holds its jobs."""

    worker: str
    """Shown on the job (host and process)."""
    lease_s: float = 300.0
    """A job not reported on for this long is taken to have lost its worker."""
    report_every_s: float = 1.0
    """Progress is written at most this often."""
    announce: Callable[[Session, int], None] = field(default=lambda _session, _job_id: None)
    """Tells followers the job changed, in the transaction that changes it
    (:mod:`gql.services.jobs.watch`)."""
    routing: RoutingSettings = field(default_factory=RoutingSettings)
    """How plans price travel: the API's setting, so a queued proposal equals a direct one."""


class JobCancelled(Exception):
    """Someone cancelled the running job: the computation stops at its next report."""


def _plan(session: Session, job: Job, routing: RoutingSettings) -> tuple[Principal, PlanningJob]:
    """Read and check the job's district as its requester (in ``session``)."""
    a: dict[str, Any] = job.arguments
    principal = acting_principal(session, a["staff_no"], ServiceError)
    service = TerritoryService(session, principal, routing=routing)
    if a["kind"] == "territories":
        return principal, service.territory_job(
            TerritoryCommand(
                department_id=a["department_id"],
                managers=a["managers"],
                locked_retailer_ids=tuple(a["locked_retailer_ids"]),
                warm_start=bool(a["warm_start"]),
                locked_manager_ids=tuple(a.get("locked_manager_ids", ())),
            )
        )
    return principal, service.schedule_job(
        ScheduleCommand(
            department_id=a["department_id"],
            territory_proposal_id=a["territory_proposal_id"],
            cap_hours=float(a["cap_hours"]),
            max_order_day_change_share=a.get(
                "max_order_day_change_share", DEFAULT_ORDER_DAY_CHANGE_SHARE
            ),
        )
    )


def _run_import(sessions: Callable[[], Session], job: Job, settings: RunnerSettings) -> None:
    """Import the job's file as its requester; the rows and the job's end commit together.

    A worker lost mid-import leaves nothing written (the job runs again); one whose lease ran
    out while it was only slow finds the job taken over and rolls its import back.
    """
    a: dict[str, Any] = job.arguments
    status, error, result = JobStatus.FAILED, None, None
    try:
        with sessions() as session:
            principal = acting_principal(session, a["staff_no"], ServiceError)
            jobs = JobRepository(session)
            data = jobs.payload(job.id)
            if data is None:
                raise ServiceError("its file is no longer stored")
            source = CsvFile(name=str(a["file_name"]), data=data)
            report = UploadService(session, principal, clock=utcnow).run(
                ImportKind(a["import_kind"]), source
            )
            result = {k: getattr(report, k) for k in _REPORT_FIELDS}
            if jobs.finish(
                job.id, JobStatus.SUCCEEDED, utcnow(), result=result, attempt=job.attempts
            ):
                settings.announce(session, job.id)
                session.commit()
            else:
                session.rollback()
                log.warning("job taken over by another worker", extra={"job": job.id})
            return
    except InvalidInput as exc:
        error, result = str(exc), {"problems": [_problem(p) for p in exc.problems]}
    except ServiceError as exc:
        error = str(exc)
    except Exception as exc:  # a bug must close the job, not leave it to time out twice
        log.exception("job failed", extra={"job": job.id})
        error = f"internal error ({type(exc).__name__})"
    with sessions() as session:
        JobRepository(session).finish(
            job.id, status, utcnow(), error=error, result=result, attempt=job.attempts
        )
        settings.announce(session, job.id)
        session.commit()


_REPORT_FIELDS = ("kind", "rows", "inserted", "updated", "unchanged")


def _run_refresh(sessions: Callable[[], Session], job: Job, settings: RunnerSettings) -> None:
    """Fold the report aggregates' stale marks in (or rebuild them).

    The refreshed days and the job's end commit together, so a lost worker leaves the marks
    for its retry.
    """
    try:
        with sessions() as session:
            done = refresh(session, full=bool(job.arguments.get("full")), margin=LATE_UPLOAD_MARGIN)
            result = {
                "full": done.full,
                "marks": done.marks,
                "days_written": done.days_written,
                "seconds": round(done.seconds, 3),
            }
            if JobRepository(session).finish(
                job.id, JobStatus.SUCCEEDED, utcnow(), result=result, attempt=job.attempts
            ):
                settings.announce(session, job.id)
                session.commit()
            else:
                session.rollback()
                log.warning("job taken over by another worker", extra={"job": job.id})
            return
    except Exception as exc:  # a bug must close the job, not leave it to time out twice
        log.exception("job failed", extra={"job": job.id})
        error = f"internal error ({type(exc).__name__})"
    with sessions() as session:
        JobRepository(session).finish(
            job.id, JobStatus.FAILED, utcnow(), error=error, attempt=job.attempts
        )
        settings.announce(session, job.id)
        session.commit()


def _problem(problem: Problem) -> dict[str, Any]:
    return {
        "message": problem.message,
        "field": [str(part) for part in problem.field],
        "code": problem.code.value,
    }


def run_one(engine: sa.Engine, settings: RunnerSettings) -> int | None:
    """Run the next job to its end; its id, or ``None`` when there was nothing to run."""
    sessions = session_factory(engine)
    lease = timedelta(seconds=settings.lease_s)
    with sessions() as session:
        job = JobRepository(session).claim(settings.worker, utcnow(), lease)
        if job is not None:
            settings.announce(session, job.id)
        session.commit()
    if job is None:
        return None
    log.info("job started", extra={"job": job.id, "kind": job.kind.value, "attempt": job.attempts})
    if job.kind is JobKind.IMPORT:
        _run_import(sessions, job, settings)
        log.info("job finished", extra={"job": job.id})
        return job.id
    if job.kind is JobKind.REPORT_REFRESH:
        _run_refresh(sessions, job, settings)
        log.info("job finished", extra={"job": job.id})
        return job.id
    last_report = [0.0]

    def progress(stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - last_report[0] < settings.report_every_s and done < total:
            return
        last_report[0] = now
        with sessions() as reporting:
            cancel = JobRepository(reporting).report(
                job.id, job.attempts, done / max(total, 1), stage, utcnow(), lease
            )
            settings.announce(reporting, job.id)
            reporting.commit()
        if cancel:
            raise JobCancelled

    # read, compute and store in separate transactions: progress commits in between, and a
    # SQLite reader that another connection wrote behind may no longer write
    status, proposal_id, error = JobStatus.SUCCEEDED, None, None
    try:
        with sessions() as session:
            principal, planning = _plan(session, job, settings.routing)
            planner = TerritoryService(session, principal, routing=settings.routing)
        computed = planner.compute_now(planning, progress)  # pure computation: no database
        with sessions() as session:
            proposal_id = TerritoryService(session, principal).store(planning, computed).id
            if JobRepository(session).finish(
                job.id, status, utcnow(), proposal_id=proposal_id, attempt=job.attempts
            ):
                settings.announce(session, job.id)
                session.commit()
            else:  # taken over after our lease ran out: the other worker's result counts
                session.rollback()
                log.warning("job taken over by another worker", extra={"job": job.id})
                return job.id
    except JobCancelled:
        status = JobStatus.CANCELLED
    except ServiceError as exc:
        status, error = JobStatus.FAILED, str(exc)
    except Exception as exc:  # a bug must close the job, not leave it to time out twice
        log.exception("job failed", extra={"job": job.id})
        status, error = JobStatus.FAILED, f"internal error ({type(exc).__name__})"
    if status is not JobStatus.SUCCEEDED:
        with sessions() as session:
            JobRepository(session).finish(
                job.id, status, utcnow(), error=error, attempt=job.attempts
            )
            settings.announce(session, job.id)
            session.commit()
    log.info("job finished", extra={"job": job.id})
    return job.id
