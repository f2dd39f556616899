"""The job queue on both stores: one active job per district, leases, one retry, cancel."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from gql.domain import Role
from gql.domain.jobs import JobKind, JobStatus
from gql.domain.organisation import DepartmentKind
from gql.store.db import session_factory
from gql.store.models import DepartmentRow, JobRow, StaffRow
from gql.store.repositories.jobs import JobRepository

T0 = datetime(2026, 12, 5, 2, 0, tzinfo=UTC)
LEASE = timedelta(minutes=5)


@pytest.fixture
def jobs(private_engine: sa.Engine) -> Iterator[JobRepository]:
    session = session_factory(private_engine)()
    department = DepartmentRow(code="MKT", name="营销部", kind=DepartmentKind.MARKETING)
    session.add(department)
    session.flush()
    session.add(
        StaffRow(staff_no="M1", name="营销", role=Role.MARKETING, department_id=department.id,
                 active=True, joined_on=date(2020, 1, 1))
    )  # fmt: skip
    session.flush()
    try:
        yield JobRepository(session)
    finally:
        session.rollback()
        session.close()


def _requester(jobs: JobRepository) -> int:
    return int(jobs._session.scalar(sa.select(StaffRow.id)))  # type: ignore[attr-defined]


def test_a_district_has_one_active_job_whoever_asks(jobs: JobRepository) -> None:
    who = _requester(jobs)
    first = jobs.add(JobKind.TERRITORIES, "department:1", {}, who, T0)
    assert jobs.add(JobKind.TERRITORIES, "department:1", {}, who, T0) == first
    assert jobs.add(JobKind.SCHEDULE, "department:2", {}, who, T0) != first
    with pytest.raises(sa.exc.IntegrityError), jobs._session.begin_nested():  # type: ignore[attr-defined]
        jobs._session.add(  # type: ignore[attr-defined]
            JobRow(kind=JobKind.TERRITORIES, scope_key="department:1", arguments={},
                   status=JobStatus.QUEUED, progress=0.0, message="", attempts=0,
                   requested_by=who, created_at=T0, cancel_requested=False)
        )  # fmt: skip
    jobs.finish(first, JobStatus.SUCCEEDED, T0)
    assert jobs.add(JobKind.TERRITORIES, "department:1", {}, who, T0) != first  # free again


def test_a_lost_worker_gets_one_retry_then_the_job_fails_with_why(jobs: JobRepository) -> None:
    job_id = jobs.add(JobKind.TERRITORIES, "company", {}, _requester(jobs), T0)
    taken = jobs.claim("w1", T0, LEASE)
    assert taken is not None
    assert (taken.id, taken.status, taken.attempts) == (
        job_id,
        JobStatus.RUNNING,
        1,
    )
    assert jobs.claim("w2", T0 + LEASE / 2, LEASE) is None  # w1 still holds it
    assert jobs.report(job_id, 1, 0.5, "partition", T0 + LEASE / 2, LEASE) is False  # renews
    assert jobs.claim("w2", T0 + LEASE, LEASE) is None
    retried = jobs.claim("w2", T0 + 2 * LEASE, LEASE)  # w1 went silent: w2 takes it over
    assert retried is not None
    assert retried.attempts == 2
    # w1 was only slow: it must stop, and cannot close the job w2 now holds
    assert jobs.report(job_id, 1, 0.9, "partition", T0 + 2 * LEASE, LEASE) is True
    assert jobs.finish(job_id, JobStatus.SUCCEEDED, T0 + 2 * LEASE, attempt=1) is False
    assert jobs.get(job_id).status is JobStatus.RUNNING  # type: ignore[union-attr]
    assert jobs.claim("w3", T0 + 4 * LEASE, LEASE) is None  # lost twice: no third run
    failed = jobs.get(job_id)
    assert failed is not None
    assert failed.status is JobStatus.FAILED
    assert "stopped answering 2 times" in (failed.error or "")


def test_cancelling_stops_a_queued_job_now_and_a_running_one_at_its_next_report(
    jobs: JobRepository,
) -> None:
    who = _requester(jobs)
    queued = jobs.add(JobKind.TERRITORIES, "department:1", {}, who, T0)
    jobs.cancel(queued, T0)
    assert jobs.get(queued).status is JobStatus.CANCELLED  # type: ignore[union-attr]
    running = jobs.add(JobKind.TERRITORIES, "department:2", {}, who, T0)
    assert jobs.claim("w1", T0, LEASE).id == running  # type: ignore[union-attr]
    jobs.cancel(running, T0)
    assert jobs.get(running).status is JobStatus.RUNNING  # type: ignore[union-attr]
    assert jobs.report(running, 1, 0.3, "routing", T0, LEASE) is True
