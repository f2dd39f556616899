"""What territory planning reads: active retailers with their facts, in one pass each."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import aggregate_order_by

from gql.domain import OpeningWindow, RetailerStatus
from gql.domain.territories import PlanningRetailer
from gql.store.models import OpeningWindowRow, RetailerRow, SalesOrderRow
from gql.store.repositories.sales_rollup import volume_parts

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date

    from sqlalchemy.orm import Session

__all__ = ["PlanningInputRepository"]


def _core(session: Session) -> sa.Connection:
    """The session's connection, flushed as ``session.execute`` would.

    Plain column selects of tens of thousands of rows skip the ORM's per-row bookkeeping there;
    fetch them with ``.all()`` (iterating a Core result fetches row by row).
    """
    if session.autoflush:
        session.flush()
    return session.connection()


class PlanningInputRepository:
    """Reads the retailer facts the territory rules need, without loading rows."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def latest_order_date(self) -> date | None:
        """The newest sales-order date on record (the sales window ends there)."""
        return self._session.scalar(sa.select(sa.func.max(SalesOrderRow.order_date)))

    def retailers(
        self,
        manager_ids: Sequence[int] | None,
        *,
        sales_from: date | None,
        sales_to: date | None,
        include_unassigned: bool,
        with_hours: bool = True,
        monthly_sales: bool = False,
    ) -> list[PlanningRetailer]:
        """Active retailers of these managers (all managers if ``None``), ordered by id.

        ``volume_cartons`` sums the orders dated ``sales_from..sales_to`` (0 when either is
        ``None``); ``open_s``/``close_s`` span the windows open on Monday..Friday, and
        ``windows`` holds every stored window (``with_hours`` false: neither is read, for
        callers that only estimate workload). ``monthly_sales``: whole months are summed from
        the monthly sales totals (``report_retailer_months``; the reports, once built).
        """
        r = RetailerRow
        conditions = self._conditions(manager_ids, include_unassigned)
        rows = self._session.execute(_retailer_select(conditions)).all()
        wanted = sa.select(r.id).where(*conditions)
        hours = self._weekday_hours(wanted) if with_hours else {}
        windows = self._windows(wanted) if with_hours else {}
        volume = self._volumes(wanted, sales_from, sales_to, monthly=monthly_sales)
        return [
            PlanningRetailer(
                id=row.id,
                lat=row.lat,
                lon=row.lon,
                grade=row.grade,
                business_type=str(row.business_type),
                key_customer=row.key_customer,
                service_time_s=row.service_time_s,
                order_weekday=row.order_weekday,
                manager_id=row.manager_id,
                open_s=hours.get(row.id, (None, None))[0],
                close_s=hours.get(row.id, (None, None))[1],
                volume_cartons=float(volume.get(row.id, 0)),
                windows=tuple(windows.get(row.id, ())),
                area_code=row.area_code,
            )
            for row in rows
        ]

    def retailer_columns(
        self,
        manager_ids: Sequence[int] | None,
        *,
        include_unassigned: bool,
    ) -> list[tuple[Any, ...]]:
        """:meth:`retailers` as columns, without hours, windows or volumes, ordered by id.

        Ten tuples, one per fact: id, lat, lon, grade, business type, key customer, service
        time s, order weekday, manager id, area code. For reports over tens of thousands of
        retailers (no tuple per retailer is built: they would also wake the garbage collector).
        """
        statement = _retailer_select(self._conditions(manager_ids, include_unassigned))
        connection = _core(self._session)
        if connection.dialect.name == "postgresql":  # ten arrays, not 50,000 rows
            sub = statement.order_by(None).subquery()
            arrays = connection.execute(
                sa.select(*(sa.func.array_agg(aggregate_order_by(c, sub.c.id)) for c in sub.c))
            ).one()
            return [tuple(a) if a is not None else () for a in arrays]
        rows = connection.execute(statement).all()
        return list(zip(*rows, strict=True)) if rows else [()] * 10

    def volumes(
        self,
        manager_ids: Sequence[int] | None,
        *,
        include_unassigned: bool,
        first: date,
        last: date,
        monthly_sales: bool = False,
    ) -> dict[int, int]:
        """Cartons ordered ``first`` … ``last`` by each retailer :meth:`retailers` would return.

        Retailers without cartons in those days are left out.
        """
        conditions = self._conditions(manager_ids, include_unassigned)
        wanted = sa.select(RetailerRow.id).where(*conditions)
        return self._volumes(wanted, first, last, monthly=monthly_sales)

    def volume_arrays(
        self,
        manager_ids: Sequence[int] | None,
        *,
        include_unassigned: bool,
        first: date,
        last: date,
        monthly_sales: bool = False,
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """:meth:`volumes` as two aligned arrays (retailer ids, cartons), in no set order.

        A retailer may appear more than once (add its cartons up): with ``monthly_sales`` the
        whole months and each partial month are summed apart (:func:`volume_parts`). Each
        part is fetched as two arrays on PostgreSQL (``array_agg``), not as 50,000 rows.
        """
        conditions = self._conditions(manager_ids, include_unassigned)
        wanted = sa.select(RetailerRow.id).where(*conditions)
        return self._volume_arrays(wanted, first, last, monthly=monthly_sales)

    def _volume_arrays(
        self, wanted: sa.Select[int], first: date, last: date, *, monthly: bool
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        parts = (
            volume_parts(wanted, first, last)
            if monthly
            else [self._volume_select(wanted, first, last)]
        )
        connection = _core(self._session)
        postgres = connection.dialect.name == "postgresql"
        ids: list[npt.NDArray[np.int64]] = []
        totals: list[npt.NDArray[np.int64]] = []
        for part in parts:
            sub = part.subquery()
            if postgres:
                found, cartons = connection.execute(
                    sa.select(sa.func.array_agg(sub.c[0]), sa.func.array_agg(sub.c[1]))
                ).one()
                ids.append(np.array(found or [], dtype=np.int64))
                totals.append(np.array(cartons or [], dtype=np.int64))
                continue
            # SQLite: one text of "id:cartons" pairs, not 50,000 rows
            pair = sa.cast(sub.c[0], sa.String) + ":" + sa.cast(sub.c[1], sa.String)
            text = connection.execute(sa.select(sa.func.group_concat(pair, ","))).scalar()
            pairs = np.array(
                text.replace(":", ",").split(",") if text else [], dtype=np.int64
            ).reshape(-1, 2)
            ids.append(pairs[:, 0])
            totals.append(pairs[:, 1])
        if not ids:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(ids), np.concatenate(totals)

    @staticmethod
    def _conditions(
        manager_ids: Sequence[int] | None, include_unassigned: bool
    ) -> list[sa.ColumnElement[bool]]:
        r = RetailerRow
        conditions: list[sa.ColumnElement[bool]] = [r.status == RetailerStatus.ACTIVE]
        owner: list[sa.ColumnElement[bool]] = []
        if manager_ids is not None:
            owner.append(r.manager_id.in_(sorted(set(manager_ids))))
        if include_unassigned:
            owner.append(r.manager_id.is_(None))
        if manager_ids is not None or include_unassigned:
            conditions.append(sa.or_(*owner) if owner else sa.false())
        return conditions

    def _weekday_hours(self, wanted: sa.Select[int]) -> dict[int, tuple[int, int]]:
        w = OpeningWindowRow
        statement = (
            sa.select(w.retailer_id, sa.func.min(w.open_s), sa.func.max(w.close_s))
            .where(w.retailer_id.in_(wanted), sa.or_(w.weekday.is_(None), w.weekday < 5))
            .group_by(w.retailer_id)
        )
        return {
            retailer_id: (int(open_s), int(close_s))
            for retailer_id, open_s, close_s in self._session.execute(statement)
        }

    def _windows(self, wanted: sa.Select[int]) -> dict[int, list[OpeningWindow]]:
        w = OpeningWindowRow
        found: dict[int, list[OpeningWindow]] = {}
        statement = (
            sa.select(w.retailer_id, w.open_s, w.close_s, w.weekday)
            .where(w.retailer_id.in_(wanted))
            .order_by(w.retailer_id, w.open_s)
        )
        for retailer_id, open_s, close_s, weekday in self._session.execute(statement):
            found.setdefault(retailer_id, []).append(
                OpeningWindow(int(open_s), int(close_s), weekday)
            )
        return found

    def _volumes(
        self,
        wanted: sa.Select[int],
        first: date | None,
        last: date | None,
        *,
        monthly: bool,
    ) -> dict[int, int]:
        """:meth:`_volume_arrays` added up per retailer, leaving out retailers without cartons."""
        if first is None or last is None:
            return {}
        keys, totals = self._volume_arrays(wanted, first, last, monthly=monthly)
        found: dict[int, int] = {}
        for retailer_id, cartons in zip(keys.tolist(), totals.tolist(), strict=True):
            found[retailer_id] = found.get(retailer_id, 0) + cartons
        return {retailer_id: total for retailer_id, total in found.items() if total}

    @staticmethod
    def _volume_select(wanted: sa.Select[int], first: date, last: date) -> sa.Select[int, int]:
        """(retailer id, cartons ``first`` … ``last``) of the ``wanted`` retailers with orders.

        The sum as a bigint: PostgreSQL's ``SUM`` of a bigint is a numeric, which the driver
        would turn into a ``Decimal`` per row.
        """
        s = SalesOrderRow
        return (
            sa.select(s.retailer_id, sa.cast(sa.func.sum(s.volume_cartons), sa.BigInteger))
            .where(s.retailer_id.in_(wanted), s.order_date.between(first, last))
            .group_by(s.retailer_id)
        )


def _retailer_select(
    conditions: Sequence[sa.ColumnElement[bool]],
) -> sa.Select[*tuple[Any, ...]]:
    """The planner's per-retailer columns of the retailers matching ``conditions``, by id."""
    r = RetailerRow
    return (
        sa.select(
            r.id,
            r.lat,
            r.lon,
            r.grade,
            # the stored name is the value (StrEnum): skip the enum round trip per row
            sa.type_coerce(r.business_type, sa.String).label("business_type"),
            r.key_customer,
            r.service_time_s,
            r.order_weekday,
            r.manager_id,
            r.area_code,
        )
        .where(*conditions)
        .order_by(r.id)
    )
