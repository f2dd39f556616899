"""Sales totalled per retailer and calendar month (``report_retailer_months``), for reports.

Kept by every sales write (:class:`~gql.store.repositories.sales.SalesRepository` recomputes the
months it touched, in the writer's transaction) and rebuilt by a full report refresh (orders
bulk-loaded around the service reach the totals there). Each row also keeps the month's cartons
day by day (``d01`` … ``d31``), so a sum over any dates reads only this table: the whole months
inside it by their totals, the partial months at its two ends by their days.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

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

    def _insert_month(self, month: date, *conditions: sa.ColumnElement[bool]) -> None:
        """Total ``month``'s orders matching ``conditions`` per retailer, day by day too."""
        s = SalesOrderRow
        end = _month_end(month)
        days = [month + timedelta(days=k) for k in range(end.day)]
        self._session.execute(
            sa.insert(_MONTHS).from_select(
                ["retailer_id", "month", "volume_cartons", "orders", *_DAYS[: len(days)]],
                sa.select(
                    s.retailer_id,
                    sa.literal(month, sa.Date),
                    sa.func.sum(s.volume_cartons),
                    sa.func.count(),
                    *(
                        sa.func.sum(sa.case((s.order_date == day, s.volume_cartons), else_=0))
                        for day in days
                    ),
                )
                .where(s.order_date.between(month, end), *conditions)
                .group_by(s.retailer_id),
            )
        )

    def rebuild(self) -> None:
        """Recompute every retailer-month from the orders, a month per statement."""
        self._session.execute(sa.delete(_MONTHS))
        s = SalesOrderRow
        first, last = self._session.execute(
            sa.select(sa.func.min(s.order_date), sa.func.max(s.order_date))
        ).one()
        if first is None or last is None:
            return
        for month in _months(first, last):
            self._insert_month(month)
        if self._session.get_bind().dialect.name == "postgresql":
            # every row replaced: without fresh statistics the planner expects a few thousand
            # rows where a company-year sums 600,000, and its aggregate spills to disk
            self._session.execute(sa.text("ANALYZE report_retailer_months"))

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
            for month in _months(start, end):
                self._insert_month(month, SalesOrderRow.retailer_id.in_(chunk))


def _months(first: date, last: date) -> list[date]:
    """First days of the months ``first`` … ``last`` touch."""
    out, month = [], first.replace(day=1)
    while month <= last:
        out.append(month)
        month = _month_end(month) + timedelta(days=1)
    return out
