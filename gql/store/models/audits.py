"""Rows for audit plans, their retailers and edits, and audit records (片区考核, R5)."""

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from gql.domain import CoordinateSystem, Verdict
from gql.domain.audits import AuditEditAction, AuditPlanStatus, RetailerAnswer
from gql.store.models.base import Base, UtcDateTime, enum_type

__all__ = ["AuditEditRow", "AuditPlanRetailerRow", "AuditPlanRow", "AuditRecordRow"]


class AuditPlanRow(Base):
    """``audit_plans``: the stored draw (seed, design, digest), scope, team and route evidence.

    The seed is text: PCG64 takes 128-bit seeds, wider than any portable integer column.
    """

    __tablename__ = "audit_plans"
    __table_args__ = (
        sa.CheckConstraint("start_lat BETWEEN -90 AND 90", name="start_lat_range"),
        sa.CheckConstraint("start_lon BETWEEN -180 AND 180", name="start_lon_range"),
        sa.CheckConstraint("length_m >= 0 AND duration_s >= 0", name="totals_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_date: Mapped[date] = mapped_column(sa.Date, index=True)
    seed: Mapped[str] = mapped_column(sa.String(40))
    design: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    inputs_digest: Mapped[str] = mapped_column(sa.String(64))
    department_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("departments.id", ondelete="RESTRICT")
    )
    area_code: Mapped[str | None] = mapped_column(sa.String(12))
    manager_ids: Mapped[list[int]] = mapped_column(sa.JSON)
    auditor_ids: Mapped[list[int]] = mapped_column(sa.JSON)
    status: Mapped[AuditPlanStatus] = mapped_column(enum_type(AuditPlanStatus, "status"))
    start_lat: Mapped[float] = mapped_column(sa.Double)
    start_lon: Mapped[float] = mapped_column(sa.Double)
    start_label: Mapped[str] = mapped_column(sa.String(80))
    method: Mapped[str] = mapped_column(sa.String(40))
    proven_optimal: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    gap: Mapped[float | None] = mapped_column(sa.Double)
    length_m: Mapped[int] = mapped_column(sa.Integer)
    duration_s: Mapped[int] = mapped_column(sa.Integer)
    baseline_length_m: Mapped[int | None] = mapped_column(sa.Integer)
    optimised_against: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    sample: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    created_by: Mapped[int] = mapped_column(sa.ForeignKey("staff.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class AuditPlanRetailerRow(Base):
    """``audit_plan_retailers``: the plan's current list in visiting order (``seq``)."""

    __tablename__ = "audit_plan_retailers"
    __table_args__ = (
        sa.UniqueConstraint("plan_id", "retailer_id"),
        sa.UniqueConstraint("plan_id", "seq"),
        sa.CheckConstraint("seq >= 1", name="seq_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("audit_plans.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(sa.Integer)
    retailer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("retailers.id", ondelete="RESTRICT"), index=True
    )
    manager_id: Mapped[int] = mapped_column(
        sa.ForeignKey("account_managers.staff_id", ondelete="RESTRICT")
    )
    drawn: Mapped[bool] = mapped_column(sa.Boolean)
    stratum: Mapped[list[str]] = mapped_column(sa.JSON)
    eta_s: Mapped[int | None] = mapped_column(sa.Integer)
    etd_s: Mapped[int | None] = mapped_column(sa.Integer)
    leg_distance_m: Mapped[int | None] = mapped_column(sa.Integer)


class AuditEditRow(Base):
    """``audit_plan_edits``: every manual addition or removal, with author, reason, time."""

    __tablename__ = "audit_plan_edits"
    __table_args__ = (
        sa.UniqueConstraint("plan_id", "seq"),
        sa.CheckConstraint("seq >= 1", name="seq_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("audit_plans.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(sa.Integer)
    action: Mapped[AuditEditAction] = mapped_column(enum_type(AuditEditAction, "action"))
    retailer_id: Mapped[int] = mapped_column(sa.ForeignKey("retailers.id", ondelete="RESTRICT"))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("staff.id", ondelete="RESTRICT"))
    reason: Mapped[str] = mapped_column(sa.String(400))
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class AuditRecordRow(Base):
    """``audit_records``: the R5.3 answers at one retailer and the auditor's verified fix."""

    __tablename__ = "audit_records"
    __table_args__ = (
        sa.UniqueConstraint("plan_id", "retailer_id"),
        sa.CheckConstraint("satisfaction BETWEEN 1 AND 5", name="satisfaction_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("audit_plans.id", ondelete="RESTRICT"))
    retailer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("retailers.id", ondelete="RESTRICT"), index=True
    )
    manager_id: Mapped[int] = mapped_column(
        sa.ForeignKey("account_managers.staff_id", ondelete="RESTRICT")
    )
    auditor_id: Mapped[int] = mapped_column(sa.ForeignKey("staff.id", ondelete="RESTRICT"))
    audited_on: Mapped[date] = mapped_column(sa.Date)
    audited_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)

    price_tags_shown: Mapped[bool] = mapped_column(sa.Boolean)
    policy_promoted: Mapped[bool] = mapped_column(sa.Boolean)
    satisfaction: Mapped[int] = mapped_column(sa.Integer)
    manager_visited: Mapped[RetailerAnswer] = mapped_column(
        enum_type(RetailerAnswer, "manager_visited")
    )
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    auditor_verdict: Mapped[Verdict] = mapped_column(enum_type(Verdict, "auditor_verdict"))
    auditor_distance_m: Mapped[float | None] = mapped_column(sa.Double)
    fix_lat: Mapped[float | None] = mapped_column(sa.Double)
    fix_lon: Mapped[float | None] = mapped_column(sa.Double)
    fix_coordinate_system: Mapped[CoordinateSystem | None] = mapped_column(
        enum_type(CoordinateSystem, "fix_coordinate_system")
    )
    fix_accuracy_m: Mapped[float | None] = mapped_column(sa.Double)
    fix_captured_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    auditor_evidence: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    evidence_reduced_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    """When the auditor's position and estimate were stripped (retention, ``docs/privacy.md``)."""
