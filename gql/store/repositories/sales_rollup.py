"""Sales totalled per retailer and calendar month (``report_retailer_months``), for reports.

Kept by every sales write (:class:`~gql.store.repositories.sales.SalesRepository` recomputes the
months it touched, in the writer's transaction) and rebuilt by a full report refresh (orders
bulk-loaded around the service reach the totals there). Each row also keeps the month's cartons
day by day (``d01`` … ``d31``), so a sum over any dates reads only this table: the whole months
inside it by their totals, the partial months at its two ends by their days.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from gql.store.models import Base, SalesOrderRow

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sqlalchemy.orm import Session

__all__ = ["SalesRollupRepository", "volume_rows"]

_MONTHS = Base.metadata.tables["report_retailer_months"]
_CHUNK = 500
_DAYS = tuple(f"d{k:02d}" for k in range(1, 32))
"""The day columns: cartons ordered on the month's 1st … 31st."""


def _month_end(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _month_of(session: Session, column: sa.ColumnElement[date] | Any) -> sa.ColumnElement[date]:
    """The first day of ``column``'s month, in SQL."""
    if session.get_bind().dialect.name == "postgresql":
        return sa.cast(sa.func.date_trunc("month", column), sa.Date)
    return sa.func.date(column, "start of month")


def volume_rows(retailers: sa.Select[int], first: date, last: date) -> sa.Select[int, int]:
    """(retailer id, cartons) rows summing to each retailer's orders ``first`` … ``last``.

    ``retailers`` selects the retailer ids wanted. One row per retailer-month with orders in
    the months ``first`` … ``last`` span: a whole month's total, or the sum of the day columns
    inside the period for the partial first and last months; group the rows by retailer to get
    the sums.
    """
    m = _MONTHS.c
    partial = []
    month = first.replace(day=1)
    while month <= last:
        end = _month_end(month)
        if month < first or last < end:  # the period cuts this month
            days = range(max(first, month).day, min(last, end).day + 1)
            in_period: sa.ColumnElement[int] = sa.cast(m[_DAYS[days[0] - 1]], sa.BigInteger)
            for k in days[1:]:
                in_period = in_period + m[_DAYS[k - 1]]
            partial.append((m.month == month, in_period))
        month = end + timedelta(days=1)
    cartons: sa.ColumnElement[int] = (
        sa.case(*partial, else_=m.volume_cartons) if partial else m.volume_cartons
    )
    return sa.select(m.retailer_id, cartons.label("volume_cartons")).where(
        m.retailer_id.in_(retailers), m.month.between(first.replace(day=1), last)
    )


class SalesRollupRepository:
    """Writes the per-retailer-month sales totals."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def _insert_from(self, *conditions: sa.ColumnElement[bool]) -> None:
        s = SalesOrderRow
        month = _month_of(self._session, s.order_date).label("month")
        day = sa.extract("day", s.order_date)
        self._session.execute(
            sa.insert(_MONTHS).from_select(
                ["retailer_id", "month", "volume_cartons", "orders", *_DAYS],
                sa.select(
                    s.retailer_id,
                    month,
                    sa.func.sum(s.volume_cartons),
                    sa.func.count(),
                    *(
                        sa.func.sum(sa.case((day == k, s.volume_cartons), else_=0))
                        for k in range(1, len(_DAYS) + 1)
                    ),
                )
                .where(*conditions)
                .group_by(s.retailer_id, month),
            )
        )

    def rebuild(self) -> None:
        """Recompute every retailer-month from the orders."""
        self._session.execute(sa.delete(_MONTHS))
        self._insert_from()

    def refresh(self, retailer_ids: Iterable[int], first: date, last: date) -> None:
        """Recompute the months of ``retailer_ids`` from ``first``'s month to ``last``'s."""
        ids = sorted(set(retailer_ids))
        start, end = first.replace(day=1), _month_end(last)
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i : i + _CHUNK]
            self._session.execute(
                sa.delete(_MONTHS).where(
                    _MONTHS.c.retailer_id.in_(chunk), _MONTHS.c.month.between(start, end)
                )
            )
            self._insert_from(
                SalesOrderRow.retailer_id.in_(chunk), SalesOrderRow.order_date.between(start, end)
            )
