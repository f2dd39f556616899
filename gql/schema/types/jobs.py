"""A planning job as the planning screen polls it (issue 19)."""

from __future__ import annotations

import datetime as dt
from typing import TypeAlias

import strawberry

from gql.context import Context
from gql.domain.jobs import Job, JobKind, JobStatus
from gql.schema.relay import encode_global_id
from gql.schema.types.enums import described_enum
from gql.schema.types.territories import TerritoryProposalType

__all__ = ["JobType"]

Info = strawberry.Info[Context, None]

described_enum(
    JobKind,
    name="JobKind",
    description="What a job computes.",
    value_descriptions={
        JobKind.TERRITORIES: "A territory proposal (`territoryProposalCreate`'s work).",
        JobKind.SCHEDULE: "A schedule proposal (`scheduleProposalCreate`'s work).",
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


@strawberry.type(name="Job", description="Planning work queued off the request path.")
class JobType:
    """Status and progress; the proposal once it succeeded."""

    pk: strawberry.Private[int]
    proposal_pk: strawberry.Private[int | None]
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

    @classmethod
    def from_domain(cls, job: Job) -> JobType:
        """Map a job."""
        return cls(
            pk=job.id,
            proposal_pk=job.proposal_id,
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
