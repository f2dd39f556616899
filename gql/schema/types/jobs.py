"""A planning or import job as the screens follow it (issue 19)."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeAlias

import strawberry

from gql.context import Context
from gql.domain.jobs import Job, JobKind, JobStatus
from gql.schema.errors import UserError, user_errors
from gql.schema.relay import encode_global_id
from gql.schema.types.enums import described_enum
from gql.schema.types.imports import ImportReportType
from gql.schema.types.territories import TerritoryProposalType
from gql.services.errors import ErrorCode, Problem

__all__ = ["JobType"]

Info = strawberry.Info[Context, None]

described_enum(
    JobKind,
    name="JobKind",
    description="What a job computes.",
    value_descriptions={
        JobKind.TERRITORIES: "A territory proposal (`territoryProposalCreate`'s work).",
        JobKind.SCHEDULE: "A schedule proposal (`scheduleProposalCreate`'s work).",
        JobKind.IMPORT: "A CSV import (`csvImportRequest`: `csvImport`'s work).",
        JobKind.REPORT_REFRESH: "A refresh of the report aggregates (`reportRefreshRequest`: "
        "`visitgis report refresh`'s work).",
    },
)
JobKindEnum: TypeAlias = JobKind
described_enum(
    JobStatus,
    name="JobStatus",
    description="Where a job is.",
    value_descriptions={
        JobStatus.QUEUED: "Waiting for a worker.",
        JobStatus.RUNNING: "A worker computes it (`progress`, `message`).",
        JobStatus.SUCCEEDED: "Done: `proposal` is the stored proposal.",
        JobStatus.FAILED: "Stopped: `error` says why (bad input found late, or its worker was "
        "lost twice).",
        JobStatus.CANCELLED: "Cancelled before it finished; nothing was stored.",
    },
)
JobStatusEnum: TypeAlias = JobStatus


@strawberry.type(name="ReportRefresh", description="What a report refresh did.")
class ReportRefreshType:
    """The stale manager-days folded in, or the whole rebuild."""

    full: bool = strawberry.field(description="Every manager-day was rebuilt.")
    marks: int = strawberry.field(description="Stale marks folded in (and deleted).")
    days_written: int = strawberry.field(description="Manager-days recomputed and stored.")
    seconds: float = strawberry.field(description="How long the refresh took.")


@strawberry.type(name="Job", description="Planning work queued off the request path.")
class JobType:
    """Status and progress; the proposal once it succeeded."""

    pk: strawberry.Private[int]
    proposal_pk: strawberry.Private[int | None]
    result: strawberry.Private[dict[str, Any] | None]
    kind: JobKindEnum
    status: JobStatusEnum
    progress: float = strawberry.field(description="0..1, as the worker last reported.")
    message: str = strawberry.field(description="The stage being computed.")
    attempts: int = strawberry.field(description="Workers that took it (a lost one: retried once).")
    error: str | None = strawberry.field(description="Why it failed.")
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None

    @strawberry.field(description="Global ID of the job.")
    def id(self) -> strawberry.ID:
        """``Job:<pk>``."""
        return strawberry.ID(encode_global_id("Job", self.pk))

    @strawberry.field(description="The proposal it stored (null until it succeeded).")
    def proposal(self, info: Info) -> TerritoryProposalType | None:
        """Read as the caller may read proposals."""
        if self.proposal_pk is None:
            return None
        found = info.context.territories.proposal(self.proposal_pk)
        return None if found is None else TerritoryProposalType.from_domain(found)

    @strawberry.field(description="What an IMPORT job wrote (null until it succeeded).")
    def import_report(self) -> ImportReportType | None:
        """The report the worker stored."""
        if self.kind is not JobKind.IMPORT or self.status is not JobStatus.SUCCEEDED:
            return None
        r = self.result or {}
        return ImportReportType(
            kind=str(r["kind"]),
            rows=int(r["rows"]),
            inserted=int(r["inserted"]),
            updated=int(r["updated"]),
            unchanged=int(r["unchanged"]),
        )

    @strawberry.field(description="What a REPORT_REFRESH job did (null until it succeeded).")
    def report_refresh(self) -> ReportRefreshType | None:
        """The summary the worker stored."""
        if self.kind is not JobKind.REPORT_REFRESH or self.status is not JobStatus.SUCCEEDED:
            return None
        r = self.result or {}
        return ReportRefreshType(
            full=bool(r["full"]),
            marks=int(r["marks"]),
            days_written=int(r["days_written"]),
            seconds=float(r["seconds"]),
        )

    @strawberry.field(
        description='Every problem of a FAILED import\'s file, a row\'s at `["input", "file", '
        '"<line>"]` as `csvImport` reports it; nothing was written. Empty otherwise.'
    )
    def problems(self) -> list[UserError]:
        """The problems the worker stored."""
        found = (self.result or {}).get("problems", []) if self.kind is JobKind.IMPORT else []
        return user_errors(
            Problem(
                str(p["message"]),
                tuple(int(x) if x.isdigit() else x for x in p["field"]),
                ErrorCode(p["code"]),
            )
            for p in found
        )

    @classmethod
    def from_domain(cls, job: Job) -> JobType:
        """Map a job."""
        return cls(
            pk=job.id,
            proposal_pk=job.proposal_id,
            result=job.result,
            kind=job.kind,
            status=job.status,
            progress=round(job.progress, 4),
            message=job.message,
            attempts=job.attempts,
            error=job.error,
            created_at=job.created_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
        )
