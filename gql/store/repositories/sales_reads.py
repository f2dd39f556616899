"""Sales orders as read over the API: each with its manager on the order's day, paged, summed.

An order belongs to the manager responsible for its retailer on its date (the assignment
history), so a reassignment never moves past sales; an order with no manager that day has
``manager_id`` ``None``.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from gql.domain import SalesOrder, yuan_from_fen
from gql.store.models import RetailerAssignmentRow, SalesOrderRow
from gql.store.repositories._paging import Keyset, Page

if TYPE_CHECKING:
    from datetime import date
    from decimal import Decimal

    from sqlalchemy.orm import Session

__all__ = ["AttributedSale", "ManagerSales", "MonthSales", "SalesFilter", "SalesReadRepository"]


@dataclass(frozen=True, slots=True)
class SalesFilter:
    """Conditions combined with AND; ``None`` means any, an empty set means none."""

    retailer_ids: frozenset[int] | None = None
    manager_ids: frozenset[int] | None = None
    first_day: date | None = None
    last_day: date | None = None


@dataclass(frozen=True, slots=True)
class AttributedSale:
    """An order and the manager responsible for its retailer on its date."""

    order: SalesOrder
    manager_id: int | None


@dataclass(frozen=True, slots=True)
class ManagerSales:
    """One manager's orders summed (``manager_id`` ``None``: orders with no manager)."""

    manager_id: int | None
    orders: int
    retailers: int
    volume_cartons: int
    amount_yuan: Decimal


@dataclass(frozen=True, slots=True)
class MonthSales:
    """One calendar month's orders summed (``month``: its first day)."""

    month: date
    orders: int
    volume_cartons: int
    amount_yuan: Decimal


def _joined(where: SalesFilter) -> tuple[Any, list[sa.ColumnElement[bool]]]:
    """The orders with their manager on the day (a Select), and the filter's conditions."""
    a, s = RetailerAssignmentRow, SalesOrderRow
    base = sa.select(
        s.id, s.retailer_id, s.order_date, s.volume_cartons, s.amount_fen, s.brand, a.manager_id
    )
    base = base.outerjoin(
        a,
        sa.and_(
            a.retailer_id == s.retailer_id,
            a.valid_from <= s.order_date,
            sa.or_(a.valid_to.is_(None), s.order_date < a.valid_to),
        ),
    )
    conditions: list[sa.ColumnElement[bool]] = []
    if where.retailer_ids is not None:
        conditions.append(s.retailer_id.in_(sorted(where.retailer_ids)))
    if where.manager_ids is not None:
        conditions.append(a.manager_id.in_(sorted(where.manager_ids)))
    if where.first_day is not None:
        conditions.append(s.order_date >= where.first_day)
    if where.last_day is not None:
        conditions.append(s.order_date <= where.last_day)
    return base, conditions


class SalesReadRepository:
    """Reads sales with their managers; never writes."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def page(
        self,
        where: SalesFilter,
        *,
        first: int = 50,
        after: int | None = None,
        last: int | None = None,
        before: int | None = None,
    ) -> Page[AttributedSale]:
        """Orders matching ``where`` in id order (keyset on the order id)."""
        keys = Keyset.of(first, after, last, before)
        base, conditions = _joined(where)
        s = SalesOrderRow
        total = self._session.scalar(
            sa.select(sa.func.count()).select_from(base.where(*conditions).subquery())
        )
        rows, has_next, has_previous = keys.cut(
            builtins.list(
                self._session.execute(
                    base.where(*conditions, *keys.conditions(s.id))
                    .order_by(keys.order(s.id))
                    .limit(keys.size + 1)
                ).all()
            )
        )
        items = [
            (
                int(r.id),
                AttributedSale(
                    SalesOrder(
                        id=int(r.id),
                        retailer_id=int(r.retailer_id),
                        order_date=r.order_date,
                        volume_cartons=int(r.volume_cartons),
                        amount_yuan=yuan_from_fen(int(r.amount_fen)),
                        brand=r.brand,
                    ),
                    None if r.manager_id is None else int(r.manager_id),
                ),
            )
            for r in rows
        ]
        return Page(
            items=items, has_next=has_next, has_previous=has_previous, total_count=total or 0
        )

    def by_manager(self, where: SalesFilter) -> builtins.list[ManagerSales]:
        """Orders summed per manager (no manager last), by manager id."""
        base, conditions = _joined(where)
        inner = base.where(*conditions).subquery()
        statement = (
            sa.select(
                inner.c.manager_id,
                sa.func.count(),
                sa.func.count(sa.distinct(inner.c.retailer_id)),
                sa.func.coalesce(sa.func.sum(inner.c.volume_cartons), 0),
                sa.func.coalesce(sa.func.sum(inner.c.amount_fen), 0),
            )
            .group_by(inner.c.manager_id)
            .order_by(inner.c.manager_id.is_(None), inner.c.manager_id)
        )
        return [
            ManagerSales(
                None if manager is None else int(manager),
                int(orders),
                int(retailers),
                int(volume),
                yuan_from_fen(int(fen)),
            )
            for manager, orders, retailers, volume, fen in self._session.execute(statement)
        ]

    def by_month(self, where: SalesFilter) -> builtins.list[MonthSales]:
        """Orders summed per calendar month, oldest first (summed by day in SQL, then here)."""
        base, conditions = _joined(where)
        inner = base.where(*conditions).subquery()
        statement = (
            sa.select(
                inner.c.order_date,
                sa.func.count(),
                sa.func.coalesce(sa.func.sum(inner.c.volume_cartons), 0),
                sa.func.coalesce(sa.func.sum(inner.c.amount_fen), 0),
            )
            .group_by(inner.c.order_date)
            .order_by(inner.c.order_date)
        )
        months: dict[date, list[int]] = {}
        for day, orders, volume, fen in self._session.execute(statement):
            totals = months.setdefault(day.replace(day=1), [0, 0, 0])
            totals[0] += int(orders)
            totals[1] += int(volume)
            totals[2] += int(fen)
        return [
            MonthSales(month, orders, volume, yuan_from_fen(fen))
            for month, (orders, volume, fen) in months.items()
        ]

    def distinct_retailers(self, where: SalesFilter) -> int:
        """How many retailers ordered under ``where``."""
        base, conditions = _joined(where)
        inner = base.where(*conditions).subquery()
        return int(
            self._session.scalar(sa.select(sa.func.count(sa.distinct(inner.c.retailer_id)))) or 0
        )
