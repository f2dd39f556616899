"""Rows of the retailer assignment history that sales are attributed by (R7.1, issue 15)."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from gql.store.models.base import Base, UtcDateTime

__all__ = ["RetailerAssignmentRow"]


class RetailerAssignmentRow(Base):
    """``retailer_assignments``: a retailer's manager from ``valid_from`` to ``valid_to``.

    Days are company days, ``valid_to`` exclusive and ``NULL`` while current; ``manager_id``
    is ``NULL`` while the retailer had nobody. Every write of ``retailers.manager_id`` closes
    the current row and opens the next, so past sales keep the manager responsible then.
    """

    __tablename__ = "retailer_assignments"
    __table_args__ = (
        sa.CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="valid_order"),
        sa.Index("ix_retailer_assignments_retailer_id_valid_from", "retailer_id", "valid_from"),
        sa.Index("ix_retailer_assignments_manager_id", "manager_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    retailer_id: Mapped[int] = mapped_column(sa.ForeignKey("retailers.id", ondelete="CASCADE"))
    manager_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("account_managers.staff_id", ondelete="RESTRICT")
    )
    valid_from: Mapped[date] = mapped_column(sa.Date)
    valid_to: Mapped[date | None] = mapped_column(sa.Date)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
