"""Sales totalled per retailer and calendar month (``report_retailer_months``), for reports.

Kept by every sales write (:class:`~gql.store.repositories.sales.SalesRepository` recomputes the
months it touched, in the writer's transaction) and rebuilt by a full report refresh (orders
bulk-loaded around the service reach the totals there). A sum over a period reads the whole
months inside it from here and only the days at its two ends from ``sales_orders``.
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


def _month_end(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _month_of(session: Session, column: sa.ColumnElement[date] | Any) -> sa.ColumnElement[date]:
    """The first day of ``column``'s month, in SQL."""
    if session.get_bind().dialect.name == "postgresql":
        return sa.cast(sa.func.date_trunc("month", column), sa.Date)
    return sa.func.date(column, "start of month")


def volume_rows(retailers: sa.Select[int], first: date, last: date) -> sa.Select[int, int]:
    """(retailer id, cartons) rows summing to each retailer's orders ``first`` … ``last``.

    ``retailers`` selects the retailer ids wanted. Whole months come from the monthly totals,
    the days before the first whole month and after the last from the orders; group the rows
    by retailer to get the sums.
    """
    s = SalesOrderRow
    month = first if first.day == 1 else _month_end(first) + timedelta(days=1)
    whole_first, whole_last = month, None
    while _month_end(month) <= last:
        whole_last = month
        month = _month_end(month) + timedelta(days=1)
    if whole_last is None:
        return sa.select(s.retailer_id, s.volume_cartons).where(
            s.retailer_id.in_(retailers), s.order_date.between(first, last)
        )
    edges = sa.or_(
        s.order_date.between(first, whole_first - timedelta(days=1)),
        s.order_date.between(_month_end(whole_last) + timedelta(days=1), last),
    )
    return sa.union_all(
        sa.select(_MONTHS.c.retailer_id, _MONTHS.c.volume_cartons).where(
            _MONTHS.c.retailer_id.in_(retailers),
            _MONTHS.c.month.between(whole_first, whole_last),
        ),
        sa.select(s.retailer_id, s.volume_cartons).where(s.retailer_id.in_(retailers), edges),
    )  # type: ignore[return-value]


class SalesRollupRepository:
    """Writes the per-retailer-month sales totals."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def _insert_from(self, *conditions: sa.ColumnElement[bool]) -> None:
        s = SalesOrderRow
        month = _month_of(self._session, s.order_date).label("month")
        self._session.execute(
            sa.insert(_MONTHS).from_select(
                ["retailer_id", "month", "volume_cartons", "orders"],
                sa.select(s.retailer_id, month, sa.func.sum(s.volume_cartons), sa.func.count())
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
