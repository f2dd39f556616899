"""A published plan's version and the stops its manager skipped (R2.1, issue 16)."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from gql.store.models.base import Base, UtcDateTime

__all__ = ["PlanPublicationRow", "PlanStopSkipRow"]


class PlanPublicationRow(Base):
    """``plan_publications``: when a plan went to the handheld, its version, why it replaced one."""

    __tablename__ = "plan_publications"

    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("visit_plans.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    version: Mapped[int] = mapped_column(sa.Integer)
    reason: Mapped[str] = mapped_column(sa.String(400))
    published_at: Mapped[datetime] = mapped_column(UtcDateTime)
    published_by: Mapped[int] = mapped_column(sa.ForeignKey("staff.id", ondelete="RESTRICT"))


class PlanStopSkipRow(Base):
    """``plan_stop_skips``: a stop the manager will not visit, and the reason they gave."""

    __tablename__ = "plan_stop_skips"

    stop_id: Mapped[int] = mapped_column(
        sa.ForeignKey("plan_stops.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    reason: Mapped[str] = mapped_column(sa.String(400))
    skipped_at: Mapped[datetime] = mapped_column(UtcDateTime)
    skipped_by: Mapped[int] = mapped_column(sa.ForeignKey("staff.id", ondelete="RESTRICT"))
