"""The job queue (issue 19): one row per requested planning job or CSV import."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from gql.domain.jobs import JobKind, JobStatus
from gql.store.models.base import Base, UtcDateTime, enum_type

__all__ = ["JobRow"]


class JobRow(Base):
    """``jobs``: workers claim QUEUED rows (PostgreSQL: ``FOR UPDATE SKIP LOCKED``)."""

    __tablename__ = "jobs"
    __table_args__ = (
        sa.Index("ix_jobs_status_id", "status", "id"),
        # one active job per district: the database refuses a second, whoever races
        sa.Index(
            "uq_jobs_active_scope",
            "scope_key",
            unique=True,
            postgresql_where=sa.text("status IN ('QUEUED', 'RUNNING')"),
            sqlite_where=sa.text("status IN ('QUEUED', 'RUNNING')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[JobKind] = mapped_column(enum_type(JobKind, "kind"))
    scope_key: Mapped[str] = mapped_column(sa.String(64))
    arguments: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    status: Mapped[JobStatus] = mapped_column(enum_type(JobStatus, "status"))
    progress: Mapped[float] = mapped_column(sa.Float, default=0.0)
    message: Mapped[str] = mapped_column(sa.String(200), default="")
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    requested_by: Mapped[int] = mapped_column(sa.ForeignKey("staff.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    worker: Mapped[str | None] = mapped_column(sa.String(100))
    cancel_requested: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    proposal_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("territory_proposals.id", ondelete="SET NULL")
    )
    error: Mapped[str | None] = mapped_column(sa.Text)
    payload: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    """An import's file, until the job has finished (then cleared)."""
    result: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    """What a finished import did (its report), or every problem of its file."""
