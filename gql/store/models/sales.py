"""Rows for sales orders and monthly targets.

Money is stored as integer fen (分): exact on both backends, where SQLite would otherwise
round a NUMERIC through a float. The domain sees yuan as :class:`~decimal.Decimal`.
"""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from gql.domain.sales import MAX_BRAND_LEN
from gql.store.models.base import Base, UtcDateTime

__all__ = ["MonthlyTargetRow", "SalesOrderRow"]


class SalesOrderRow(Base):
    """``sales_orders``: one row per retailer and day, as the ordering system settles it."""

    __tablename__ = "sales_orders"
    __table_args__ = (
        sa.UniqueConstraint("retailer_id", "order_date"),
        sa.CheckConstraint("volume_cartons >= 0", name="volume_non_negative"),
        sa.CheckConstraint("amount_fen >= 0", name="amount_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    retailer_id: Mapped[int] = mapped_column(sa.ForeignKey("retailers.id", ondelete="CASCADE"))
    order_date: Mapped[date] = mapped_column(sa.Date, index=True)
    volume_cartons: Mapped[int] = mapped_column(sa.Integer)
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    brand: Mapped[str | None] = mapped_column(sa.String(MAX_BRAND_LEN))
    """The order's brand or product as the ordering system names it; ``None``: unknown."""


class MonthlyTargetRow(Base):
    """``monthly_targets``: a manager's volume and amount target; ``month`` is its 1st day."""

    __tablename__ = "monthly_targets"
    __table_args__ = (
        sa.UniqueConstraint("manager_id", "month"),
        sa.CheckConstraint("volume_cartons >= 0", name="volume_non_negative"),
        sa.CheckConstraint("amount_fen >= 0", name="amount_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    manager_id: Mapped[int] = mapped_column(
        sa.ForeignKey("account_managers.staff_id", ondelete="CASCADE")
    )
    month: Mapped[date] = mapped_column(sa.Date)
    volume_cartons: Mapped[int] = mapped_column(sa.Integer)
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    set_by: Mapped[int | None] = mapped_column(sa.ForeignKey("staff.id", ondelete="RESTRICT"))
    set_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
