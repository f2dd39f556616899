"""Rows for visit plans and their ordered stops."""

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from gql.domain import PlanStatus
from gql.store.models.base import Base, UtcDateTime, enum_type, utcnow

__all__ = ["PlanStopRow", "VisitPlanRow"]


class VisitPlanRow(Base):
    """``visit_plans``: at most one PUBLISHED plan per manager and day."""

    __tablename__ = "visit_plans"
    __table_args__ = (
        sa.Index("ix_visit_plans_manager_id_plan_date", "manager_id", "plan_date"),
        sa.Index(
            "uq_visit_plans_one_published",
            "manager_id",
            "plan_date",
            unique=True,
            sqlite_where=sa.text("status = 'PUBLISHED'"),
            postgresql_where=sa.text("status = 'PUBLISHED'"),
        ),
        sa.CheckConstraint("gap IS NULL OR gap >= 0", name="gap_non_negative"),
        sa.CheckConstraint("length_m >= 0 AND duration_s >= 0", name="totals_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    manager_id: Mapped[int] = mapped_column(
        sa.ForeignKey("account_managers.staff_id", ondelete="CASCADE")
    )
    plan_date: Mapped[date] = mapped_column(sa.Date)
    status: Mapped[PlanStatus] = mapped_column(enum_type(PlanStatus, "status"))
    method: Mapped[str] = mapped_column(sa.String(40))
    proven_optimal: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    gap: Mapped[float | None] = mapped_column(sa.Double)
    length_m: Mapped[int] = mapped_column(sa.Integer)
    duration_s: Mapped[int] = mapped_column(sa.Integer)
    baseline_length_m: Mapped[int | None] = mapped_column(sa.Integer)
    optimised_against: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class PlanStopRow(Base):
    """``plan_stops``: stop ``seq`` of a plan; times are seconds since the plan day's midnight."""

    __tablename__ = "plan_stops"
    __table_args__ = (
        sa.UniqueConstraint("plan_id", "seq"),
        sa.CheckConstraint("seq >= 1", name="seq_positive"),
        sa.CheckConstraint("eta_s >= 0 AND etd_s >= eta_s", name="times_ordered"),
        sa.CheckConstraint("leg_distance_m >= 0 AND leg_duration_s >= 0", name="leg_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("visit_plans.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(sa.Integer)
    retailer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("retailers.id", ondelete="RESTRICT"), index=True
    )
    eta_s: Mapped[int] = mapped_column(sa.Integer)
    etd_s: Mapped[int] = mapped_column(sa.Integer)
    leg_distance_m: Mapped[int] = mapped_column(sa.Integer)
    leg_duration_s: Mapped[int] = mapped_column(sa.Integer)
