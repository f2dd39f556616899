"""A retailer's licence status over time, and where each retailer of a day plan came from."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from gql.domain import RetailerStatus
from gql.domain.plan_sources import PlanSource
from gql.store.models.base import Base, UtcDateTime, enum_type

__all__ = ["PlanRetailerSourceRow", "RetailerStatusChangeRow"]


class RetailerStatusChangeRow(Base):
    """``retailer_status_changes``: a suspension, closure or reopening from a business day on.

    Appended, never changed: the retailer's status on a day is the newest change effective by
    then, so plans and schedules drop it from that day while its history stays.
    """

    __tablename__ = "retailer_status_changes"
    __table_args__ = (
        sa.Index(
            "ix_retailer_status_changes_retailer_id_effective_on", "retailer_id", "effective_on"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    retailer_id: Mapped[int] = mapped_column(sa.ForeignKey("retailers.id", ondelete="CASCADE"))
    status: Mapped[RetailerStatus] = mapped_column(enum_type(RetailerStatus, "status"))
    previous_status: Mapped[RetailerStatus] = mapped_column(
        enum_type(RetailerStatus, "previous_status")
    )
    effective_on: Mapped[date] = mapped_column(sa.Date)
    reason: Mapped[str] = mapped_column(sa.String(400))
    changed_by: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff.id", ondelete="RESTRICT"), index=True
    )
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class PlanRetailerSourceRow(Base):
    """``plan_retailer_sources``: why a retailer is in (or was taken out of) a day plan."""

    __tablename__ = "plan_retailer_sources"

    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("visit_plans.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    retailer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("retailers.id", ondelete="RESTRICT"), primary_key=True, autoincrement=False
    )
    source: Mapped[PlanSource] = mapped_column(enum_type(PlanSource, "source"))
