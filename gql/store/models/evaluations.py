"""Rows for score events, closed results, amendments and goals (考评, R7).

Closed results have no update path in the repository: a change is an amendment row.
"""

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from gql.domain.evaluations import PeriodKind, RankScope, ScoreEventKind, ScoreEventStatus
from gql.store.models.base import Base, UtcDateTime, enum_type

__all__ = [
    "AmendmentRow",
    "EvaluationResultRow",
    "GoalRow",
    "ReopeningRow",
    "ReviewRow",
    "ScoreEventRow",
]


class ScoreEventRow(Base):
    """``score_events``: one input of the evaluation, with recorder and time."""

    __tablename__ = "score_events"
    __table_args__ = (
        sa.Index("ix_score_events_manager_id_occurred_on", "manager_id", "occurred_on"),
        sa.UniqueConstraint("source_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    manager_id: Mapped[int] = mapped_column(
        sa.ForeignKey("account_managers.staff_id", ondelete="RESTRICT")
    )
    kind: Mapped[ScoreEventKind] = mapped_column(enum_type(ScoreEventKind, "kind"))
    occurred_on: Mapped[date] = mapped_column(sa.Date)
    recorded_by: Mapped[int] = mapped_column(sa.ForeignKey("staff.id", ondelete="RESTRICT"))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    source_key: Mapped[str | None] = mapped_column(sa.String(80))
    status: Mapped[ScoreEventStatus] = mapped_column(
        enum_type(ScoreEventStatus, "status"), server_default=ScoreEventStatus.RECORDED.value
    )
    status_reason: Mapped[str | None] = mapped_column(sa.String(400))
    decided_by: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id", ondelete="RESTRICT"))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decision_reason: Mapped[str | None] = mapped_column(sa.String(500))


class ReopeningRow(Base):
    """``evaluation_reopenings``: a closed period reopened by marketing, with the reason."""

    __tablename__ = "evaluation_reopenings"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[PeriodKind] = mapped_column(enum_type(PeriodKind, "kind"))
    period: Mapped[str] = mapped_column(sa.String(8))
    department_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("departments.id", ondelete="RESTRICT")
    )
    reason: Mapped[str] = mapped_column(sa.String(400))
    reopened_by: Mapped[int] = mapped_column(sa.ForeignKey("staff.id", ondelete="RESTRICT"))
    reopened_at: Mapped[datetime] = mapped_column(UtcDateTime)


class EvaluationResultRow(Base):
    """``evaluation_results``: a closed result (version 0 of a person's file for a period).

    A reopened period's results stay (``reopening_id`` set); closing it again writes new rows
    with the next ``revision``, so nothing closed is ever overwritten.
    """

    __tablename__ = "evaluation_results"
    __table_args__ = (
        sa.UniqueConstraint("kind", "period", "manager_id", "revision"),
        sa.CheckConstraint("revision >= 1", name="revision_positive"),
        sa.Index(
            "ix_evaluation_results_department_id_kind_period", "department_id", "kind", "period"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[PeriodKind] = mapped_column(enum_type(PeriodKind, "kind"))
    period: Mapped[str] = mapped_column(sa.String(8))
    manager_id: Mapped[int] = mapped_column(
        sa.ForeignKey("account_managers.staff_id", ondelete="RESTRICT")
    )
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id", ondelete="RESTRICT"))
    policy_version: Mapped[str] = mapped_column(sa.String(40))
    values: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    detail: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    closed_by: Mapped[int] = mapped_column(sa.ForeignKey("staff.id", ondelete="RESTRICT"))
    closed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revision: Mapped[int] = mapped_column(sa.Integer, server_default="1")
    scope: Mapped[RankScope] = mapped_column(
        enum_type(RankScope, "scope"), server_default=RankScope.DEPARTMENT.value
    )
    reopening_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("evaluation_reopenings.id", ondelete="RESTRICT")
    )


class ReviewRow(Base):
    """``evaluation_reviews``: a review meeting held for a department's month or a quarter."""

    __tablename__ = "evaluation_reviews"
    __table_args__ = (sa.Index("ix_evaluation_reviews_kind_period", "kind", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[PeriodKind] = mapped_column(enum_type(PeriodKind, "kind"))
    period: Mapped[str] = mapped_column(sa.String(8))
    department_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("departments.id", ondelete="RESTRICT")
    )
    held_on: Mapped[date] = mapped_column(sa.Date)
    recorded_by: Mapped[int] = mapped_column(sa.ForeignKey("staff.id", ondelete="RESTRICT"))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    note: Mapped[str] = mapped_column(sa.String(500))


class AmendmentRow(Base):
    """``evaluation_amendments``: an appended change to a closed result."""

    __tablename__ = "evaluation_amendments"
    __table_args__ = (
        sa.UniqueConstraint("result_id", "seq"),
        sa.CheckConstraint("seq >= 1", name="seq_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(
        sa.ForeignKey("evaluation_results.id", ondelete="RESTRICT")
    )
    seq: Mapped[int] = mapped_column(sa.Integer)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("staff.id", ondelete="RESTRICT"))
    reason: Mapped[str] = mapped_column(sa.String(400))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    changes: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    event_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("score_events.id", ondelete="RESTRICT")
    )


class GoalRow(Base):
    """``goals``: a quantified goal of a manager for a period (at most five, checked above)."""

    __tablename__ = "goals"
    __table_args__ = (sa.Index("ix_goals_manager_id_period", "manager_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    manager_id: Mapped[int] = mapped_column(
        sa.ForeignKey("account_managers.staff_id", ondelete="RESTRICT")
    )
    period: Mapped[str] = mapped_column(sa.String(8))
    title: Mapped[str] = mapped_column(sa.String(120))
    unit: Mapped[str] = mapped_column(sa.String(16))
    baseline: Mapped[float] = mapped_column(sa.Double)
    target: Mapped[float] = mapped_column(sa.Double)
    direction: Mapped[str] = mapped_column(sa.String(8))
    current: Mapped[float | None] = mapped_column(sa.Double)
    lowest: Mapped[float | None] = mapped_column(sa.Double)
    highest: Mapped[float | None] = mapped_column(sa.Double)

    created_by: Mapped[int] = mapped_column(sa.ForeignKey("staff.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
