"""Jobs: planning work and CSV imports that outlive the request that asked for them (issue 19).

A city-sized territory partition takes longer than a request may; the request queues a job and
answers at once, a worker (``visitgis worker``, or the runner inside ``visitgis serve``) computes
it, and the job records progress, the proposal it stored, or why it failed.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from datetime import datetime

__all__ = ["ACTIVE_STATUSES", "MAX_ATTEMPTS", "Job", "JobKind", "JobStatus"]

MAX_ATTEMPTS = 2
"""A job whose worker died is run once more; a second loss fails it."""


class JobKind(enum.StrEnum):
    """What the job computes."""

    TERRITORIES = "TERRITORIES"
    SCHEDULE = "SCHEDULE"
    IMPORT = "IMPORT"
    REPORT_REFRESH = "REPORT_REFRESH"


class JobStatus(enum.StrEnum):
    """Where the job is."""

    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    CANCELLED = "CANCELLED"


ACTIVE_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING)
"""At most one job per district in these (a second request gets the first one back)."""


@dataclass(frozen=True, slots=True)
class Job:
    """A queued, running or finished job."""

    id: int
    kind: JobKind
    scope_key: str
    """The district: ``department:<id>`` or ``company``."""
    arguments: dict[str, Any]
    status: JobStatus
    progress: float
    message: str
    attempts: int
    requested_by: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    lease_until: datetime | None
    cancel_requested: bool
    proposal_id: int | None
    error: str | None
    result: dict[str, Any] | None = None
    """An import's report when it succeeded; its file's problems when it failed."""
