"""Rows for territory and schedule proposals, their assignments and routed days."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from gql.domain.territories import ProposalKind, ProposalStatus
from gql.store.models.base import Base, UtcDateTime, enum_type, utcnow

__all__ = ["DistrictBarriersRow", "ProposalAssignmentRow", "ScheduleDayRow", "TerritoryProposalRow"]


class TerritoryProposalRow(Base):
    """``territory_proposals``: a computed partition or schedule, applied only on request."""

    __tablename__ = "territory_proposals"
    __table_args__ = (sa.Index("ix_territory_proposals_kind_status", "kind", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ProposalKind] = mapped_column(enum_type(ProposalKind, "kind"))
    status: Mapped[ProposalStatus] = mapped_column(enum_type(ProposalStatus, "status"))
    department_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("departments.id", ondelete="RESTRICT"), index=True
    )
    based_on_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("territory_proposals.id", ondelete="SET NULL")
    )
    parameters: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    metrics: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    applied_by: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id", ondelete="SET NULL"))
    applied_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    discarded_by: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id", ondelete="SET NULL"))
    discarded_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ProposalAssignmentRow(Base):
    """``proposal_assignments``: one retailer's manager (and weekday, phase) in a proposal."""

    __tablename__ = "proposal_assignments"
    __table_args__ = (
        sa.UniqueConstraint("proposal_id", "retailer_id"),
        sa.Index("ix_proposal_assignments_proposal_id_manager_id", "proposal_id", "manager_id"),
        sa.CheckConstraint("weekday IS NULL OR weekday BETWEEN 0 AND 4", name="weekday_range"),
        sa.CheckConstraint("phase IS NULL OR phase BETWEEN 0 AND 3", name="phase_range"),
        sa.CheckConstraint(
            "visits_per_cycle IS NULL OR visits_per_cycle IN (1, 2, 4)", name="visits_allowed"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("territory_proposals.id", ondelete="CASCADE")
    )
    retailer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("retailers.id", ondelete="CASCADE"), index=True
    )
    manager_id: Mapped[int] = mapped_column(
        sa.ForeignKey("account_managers.staff_id", ondelete="CASCADE")
    )
    previous_manager_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("account_managers.staff_id", ondelete="SET NULL")
    )
    weekday: Mapped[int | None] = mapped_column(sa.SmallInteger)
    phase: Mapped[int | None] = mapped_column(sa.SmallInteger)
    visits_per_cycle: Mapped[int | None] = mapped_column(sa.SmallInteger)
    move_reason: Mapped[str | None] = mapped_column(sa.String(16))
    """Territory proposals: why the retailer has this manager (a ``MoveReason`` name)."""
    applied_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    """When applying this proposal (whole or in part) gave the retailer its manager."""


class ScheduleDayRow(Base):
    """``schedule_days``: one manager's routed day of a schedule proposal, stops in order."""

    __tablename__ = "schedule_days"
    __table_args__ = (
        sa.UniqueConstraint("proposal_id", "manager_id", "week", "weekday"),
        sa.CheckConstraint("week BETWEEN 0 AND 3", name="week_range"),
        sa.CheckConstraint("weekday BETWEEN 0 AND 4", name="weekday_range"),
        sa.CheckConstraint("travel_m >= 0 AND hours >= 0", name="totals_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("territory_proposals.id", ondelete="CASCADE")
    )
    manager_id: Mapped[int] = mapped_column(
        sa.ForeignKey("account_managers.staff_id", ondelete="CASCADE")
    )
    week: Mapped[int] = mapped_column(sa.SmallInteger)
    weekday: Mapped[int] = mapped_column(sa.SmallInteger)
    retailer_ids: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    travel_m: Mapped[float] = mapped_column(sa.Double)
    hours: Mapped[float] = mapped_column(sa.Double)
    late_stops: Mapped[int] = mapped_column(sa.Integer, default=0)


class DistrictBarriersRow(Base):
    """``district_barriers``: a district's barrier lines and crossings, as checked GeoJSON."""

    __tablename__ = "district_barriers"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope_key: Mapped[str] = mapped_column(sa.String(64), unique=True)
    """``department:<id>`` or ``company``."""
    document: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    updated_by: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
