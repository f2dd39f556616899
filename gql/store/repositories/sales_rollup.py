"""Sales totalled per retailer and calendar month, for reports.

``report_retailer_months`` holds each retailer-month's total, ``report_retailer_days`` the same
month's cartons day by day (``d01`` … ``d31``), so a sum over any dates reads no orders: the
whole months inside it by their totals (a narrow table: a company-year is 600,000 of them),
the partial months at its two ends (at most two) by their days. Both are kept by every sales
write (:class:`~gql.store.repositories.sales.SalesRepository` recomputes the months it touched,
in the writer's transaction) and rebuilt by a full report refresh (orders bulk-loaded around
the service reach the totals there).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa

from gql.services.calendar import month_end
from gql.store.models import Base, SalesOrderRow

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sqlalchemy.orm import Session

__all__ = ["SalesRollupRepository", "volume_parts"]

_MONTHS = Base.metadata.tables["report_retailer_months"]
_DAY_ROWS = Base.metadata.tables["report_retailer_days"]
_CHUNK = 500
_DAYS = tuple(f"d{k:02d}" for k in range(1, 32))
"""The day columns: cartons ordered on the month's 1st … 31st."""


def volume_parts(retailers: sa.Select[int], first: date, last: date) -> list[sa.Select[int, int]]:
    """(retailer id, cartons) selects adding up to each retailer's orders ``first`` … ``last``.

    ``retailers`` selects the retailer ids wanted. Each part has at most one row per retailer:
    the whole months summed from their totals (``report_retailer_months``), and each partial
    month at the period's ends summed from its day columns (``report_retailer_days``); add
    the parts up by retailer. Without a union to re-aggregate, PostgreSQL plans each grouping
    from the table's own statistics (it guessed 200 groups for a union's 50,000 retailers and
    spilled the aggregate to disk).
    """
    m, d = _MONTHS.c, _DAY_ROWS.c
    whole: list[date] = []
    parts: list[sa.Select[int, int]] = []
    for month in _months(first, last):
        end = month_end(month)
        if first <= month and end <= last:
            whole.append(month)
            continue
        days = range(max(first, month).day, min(last, end).day + 1)  # the period cuts it
        in_period: sa.ColumnElement[int] = sa.cast(d[_DAYS[days[0] - 1]], sa.BigInteger)
        for k in days[1:]:
            in_period = in_period + d[_DAYS[k - 1]]
        parts.append(
            sa.select(d.retailer_id, in_period.label("volume_cartons")).where(
                d.month == month, d.retailer_id.in_(retailers)
            )
        )
    if whole:
        parts.append(
            sa.select(
                m.retailer_id,
                sa.cast(sa.func.sum(m.volume_cartons), sa.BigInteger).label("volume_cartons"),
            )
            .where(m.month.between(whole[0], whole[-1]), m.retailer_id.in_(retailers))
            .group_by(m.retailer_id)
        )
    return parts


class SalesRollupRepository:
    """Writes the per-retailer-month sales totals."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def _insert_month(self, month: date, *conditions: sa.ColumnElement[bool]) -> None:
        """Total ``month``'s orders matching ``conditions`` per retailer, and day by day."""
        s = SalesOrderRow
        end = month_end(month)
        days = [month + timedelta(days=k) for k in range(end.day)]
        in_month = (s.order_date.between(month, end), *conditions)
        self._session.execute(
            sa.insert(_MONTHS).from_select(
                ["retailer_id", "month", "volume_cartons", "orders"],
                sa.select(
                    s.retailer_id,
                    sa.literal(month, sa.Date),
                    sa.func.sum(s.volume_cartons),
                    sa.func.count(),
                )
                .where(*in_month)
                .group_by(s.retailer_id),
            )
        )
        self._session.execute(
            sa.insert(_DAY_ROWS).from_select(
                ["retailer_id", "month", *_DAYS[: len(days)]],
                sa.select(
                    s.retailer_id,
                    sa.literal(month, sa.Date),
                    *(
                        sa.func.sum(sa.case((s.order_date == day, s.volume_cartons), else_=0))
                        for day in days
                    ),
                )
                .where(*in_month)
                .group_by(s.retailer_id),
            )
        )

    def rebuild(self) -> None:
        """Recompute every retailer-month from the orders, a month per statement."""
        self._session.execute(sa.delete(_MONTHS))
        self._session.execute(sa.delete(_DAY_ROWS))
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
            self._session.execute(sa.text("ANALYZE report_retailer_days"))

    def refresh(self, retailer_ids: Iterable[int], first: date, last: date) -> None:
        """Recompute the months of ``retailer_ids`` from ``first``'s month to ``last``'s."""
        ids = sorted(set(retailer_ids))
        start, end = first.replace(day=1), month_end(last)
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i : i + _CHUNK]
            for table in (_MONTHS, _DAY_ROWS):
                self._session.execute(
                    sa.delete(table).where(
                        table.c.retailer_id.in_(chunk), table.c.month.between(start, end)
                    )
                )
            for month in _months(start, end):
                self._insert_month(month, SalesOrderRow.retailer_id.in_(chunk))


def _months(first: date, last: date) -> list[date]:
    """First days of the months ``first`` … ``last`` touch."""
    out, month = [], first.replace(day=1)
    while month <= last:
        out.append(month)
        month = month_end(month) + timedelta(days=1)
    return out
