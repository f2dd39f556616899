"""Planning and imports as jobs: ``…Request`` mutations and ``jobCancel``.

The same inputs and checks as ``territoryProposalCreate`` / ``scheduleProposalCreate`` /
``csvImport``, but the answer is a queued job at once; a worker computes it and ``job(id)`` or
``jobUpdates(id)`` shows progress and, at the end, the proposal or the import's report. A
district with a planning job still queued or running gets that job back.
"""

from __future__ import annotations

from typing import Any

import strawberry

from gql.context import Context
from gql.schema.errors import UserError
from gql.schema.inputs import pk_of
from gql.schema.mutations.csv_import import CsvImportInput
from gql.schema.mutations.schedule_proposal_create import (
    ScheduleProposalCreateInput,
    schedule_command_of,
)
from gql.schema.mutations.territory_proposal_create import TerritoryProposalCreateInput, command_of
from gql.schema.types.jobs import JobType
from gql.services.directory.importing import CsvFile

__all__ = [
    "JobCancelInput",
    "JobPayload",
    "ReportRefreshRequestInput",
    "csv_import_request",
    "job_cancel",
    "report_refresh_request",
    "schedule_proposal_request",
    "territory_proposal_request",
]


@strawberry.type(description="Result of a job request or cancellation.")
class JobPayload:
    """The job, or why not."""

    job: JobType | None = strawberry.field(default=None, description="The job.")
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing was queued or cancelled."
    )


@strawberry.input(description="The job to cancel.")
class JobCancelInput:
    """A job's ID."""

    id: strawberry.ID = strawberry.field(description="A queued or running job.")


async def territory_proposal_request(
    info: strawberry.Info[Context, None], input: TerritoryProposalCreateInput
) -> JobPayload:
    """Checked now, computed by a worker."""
    job = info.context.jobs.request_territories(command_of(input))
    return JobPayload(job=JobType.from_domain(job))


async def schedule_proposal_request(
    info: strawberry.Info[Context, None], input: ScheduleProposalCreateInput
) -> JobPayload:
    """Checked now, computed by a worker."""
    job = info.context.jobs.request_schedule(schedule_command_of(input))
    return JobPayload(job=JobType.from_domain(job))


async def csv_import_request(
    info: strawberry.Info[Context, None], input: CsvImportInput
) -> JobPayload:
    """Checked now (who may upload it, its size), imported by a worker."""
    upload: Any = input.file  # starlette's UploadFile, put in place by the multipart parser
    data = await upload.read()
    name = str(getattr(upload, "filename", None) or f"{input.kind.value.lower()}.csv")
    job = info.context.jobs.request_import(input.kind, CsvFile(name=name, data=bytes(data)))
    return JobPayload(job=JobType.from_domain(job))


@strawberry.input(description="Refresh the report aggregates.")
class ReportRefreshRequestInput:
    """Fold the stale marks in, or rebuild everything."""

    full: bool = strawberry.field(
        default=False,
        description="Rebuild every manager-day (after changing retailers' positions or hours, "
        "or managers' start points: the marks do not cover those).",
    )


async def report_refresh_request(
    info: strawberry.Info[Context, None], input: ReportRefreshRequestInput
) -> JobPayload:
    """Queued now (marketing), run by a worker; one refresh at a time."""
    job = info.context.jobs.request_report_refresh(full=input.full)
    return JobPayload(job=JobType.from_domain(job))


async def job_cancel(info: strawberry.Info[Context, None], input: JobCancelInput) -> JobPayload:
    """A queued job stops at once, a running one at its next progress report."""
    job = info.context.jobs.cancel(pk_of(input.id, "Job", ("id",)))
    return JobPayload(job=JobType.from_domain(job))
