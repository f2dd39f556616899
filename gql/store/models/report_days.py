"""Report aggregates (issue 17 item 8): one row of facts per manager-day, and stale marks.

``report_manager_days`` holds what the reports service reduced one manager-day to (its
discipline counts, dwells and route lengths, as JSON the service reads back). A write that
changes a manager-day's plans or visits adds a ``report_stale_days`` mark in its own
transaction; reports recompute marked days before reading, and a refresh folds them in.
``report_aggregate_state`` says whether the facts were ever built in full (until then
reports read the raw tables). ``report_manager_months`` totals a manager's stored days of one
calendar month (rebuilt from them by every refresh that touches the month), and
``report_retailer_months`` a retailer's sales of one month in total, ``report_retailer_days``
the same month day by day (both kept by every sales write).
"""

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from gql.store.models.base import Base, UtcDateTime

__all__ = [
    "ReportAggregateStateRow",
    "ReportManagerDayRow",
    "ReportManagerMonthRow",
    "ReportRetailerDayRow",
    "ReportRetailerMonthRow",
    "ReportStaleDayRow",
]


class ReportManagerDayRow(Base):
    """``report_manager_days``: one manager-day's report facts."""

    __tablename__ = "report_manager_days"
    __table_args__ = (sa.Index("ix_report_manager_days_day", "day"),)

    manager_id: Mapped[int] = mapped_column(
        sa.ForeignKey("account_managers.staff_id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    facts: Mapped[list[Any]] = mapped_column(sa.JSON)
    computed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    unit: Mapped[bytes] = mapped_column(sa.LargeBinary)
    """The day's effect unit, 13 little-endian float64: the ``DayFacts`` fields after the
    manager (NaN: no plan or baseline length); the effect report reads these, not the JSON."""


class ReportManagerMonthRow(Base):
    """``report_manager_months``: a manager's stored days of one month, totalled."""

    __tablename__ = "report_manager_months"

    manager_id: Mapped[int] = mapped_column(
        sa.ForeignKey("account_managers.staff_id", ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    """The month's first day."""
    facts: Mapped[list[Any]] = mapped_column(sa.JSON)
    computed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    worked_days: Mapped[int] = mapped_column(sa.BigInteger, server_default="0")
    """The month's work sums, as in ``facts`` (the workload report reads these, not the JSON)."""
    visits: Mapped[int] = mapped_column(sa.BigInteger, server_default="0")
    dwell_s: Mapped[int] = mapped_column(sa.BigInteger, server_default="0")
    travel_s: Mapped[int] = mapped_column(sa.BigInteger, server_default="0")
    units: Mapped[bytes] = mapped_column(sa.LargeBinary)
    """Each day's effect unit, a row of 14 little-endian float64 each: the day of the month,
    then the ``DayFacts`` fields after the manager (NaN: no plan or baseline length); the
    effect report reads these bytes as one array instead of decoding JSON."""


class ReportRetailerMonthRow(Base):
    """``report_retailer_months``: one retailer's sales orders of one month, totalled."""

    __tablename__ = "report_retailer_months"
    __table_args__ = (sa.Index("ix_report_retailer_months_month", "month"),)

    retailer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("retailers.id", ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    """The month's first day."""
    volume_cartons: Mapped[int] = mapped_column(sa.BigInteger)
    orders: Mapped[int] = mapped_column(sa.Integer)


class ReportRetailerDayRow(Base):
    """``report_retailer_days``: one retailer's cartons of one month, day by day.

    Apart from the monthly totals, so a sum over whole months reads the narrow
    ``report_retailer_months`` and only the partial months at a period's two ends (at most
    two a sum) read these 31 columns.
    """

    __tablename__ = "report_retailer_days"
    __table_args__ = (sa.Index("ix_report_retailer_days_month", "month"),)

    retailer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("retailers.id", ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    """The month's first day."""
    # Cartons ordered on each day of the month (0 past its end).
    d01: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    d02: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    d03: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    d04: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    d05: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    d06: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    d07: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    d08: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    d09: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    d10: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    d11: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    d12: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    d13: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    d14: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    d15: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    d16: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    d17: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    d18: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    d19: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    d20: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    d21: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    d22: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    d23: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    d24: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    d25: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    d26: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    d27: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    d28: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    d29: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    d30: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    d31: Mapped[int] = mapped_column(sa.Integer, server_default="0")


class ReportStaleDayRow(Base):
    """``report_stale_days``: a manager-day whose facts a write has changed (duplicates allowed).

    An id per mark, not a key per day: a refresh deletes the marks it read, by id, so a mark
    added while it computed survives for the next one.
    """

    __tablename__ = "report_stale_days"
    __table_args__ = (sa.Index("ix_report_stale_days_manager_id_day", "manager_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    manager_id: Mapped[int] = mapped_column(sa.Integer)
    day: Mapped[date] = mapped_column(sa.Date)


class ReportAggregateStateRow(Base):
    """``report_aggregate_state``: one row once a full refresh has built every manager-day."""

    __tablename__ = "report_aggregate_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    built_at: Mapped[datetime] = mapped_column(UtcDateTime)
    refreshed_at: Mapped[datetime] = mapped_column(UtcDateTime)
