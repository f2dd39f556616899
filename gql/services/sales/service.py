"""Sales orders and their totals, scoped like the rest of the API (R1.5, issue 16).

A manager reads their own sales, heads and deputies their department's, marketing and
administrators everyone's; an auditor, or a filter outside the caller's scope, reads nothing
(an empty list and zero totals, exactly as if there were no sales). Each order counts for the
manager responsible for its retailer on its date; a department's sales are its current
managers'.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from gql.services.access import Principal, scope_of, signed_in
from gql.services.errors import InvalidInput, Problems
from gql.services.paging import Page, PageRequest, empty_page
from gql.store.repositories import ManagerRepository
from gql.store.repositories.sales_reads import (
    AttributedSale,
    ManagerSales,
    MonthSales,
    SalesFilter,
    SalesReadRepository,
)

if TYPE_CHECKING:
    from datetime import date

    from sqlalchemy.orm import Session

__all__ = ["MAX_SPAN_DAYS", "SalesQuery", "SalesService", "SalesSummary"]

MAX_SPAN_DAYS = 3_660
"""A period spans at most about ten years (a typo in a year is caught, not summed)."""


@dataclass(frozen=True, slots=True)
class SalesQuery:
    """What to read; every given condition must hold (``None``: any)."""

    retailer_ids: frozenset[int] | None = None
    manager_ids: frozenset[int] | None = None
    department_id: int | None = None
    first_day: date | None = None
    last_day: date | None = None


@dataclass(frozen=True, slots=True)
class SalesSummary:
    """Totals of the orders a query selects, and per manager."""

    orders: int = 0
    retailers: int = 0
    volume_cartons: int = 0
    amount_yuan: Decimal = Decimal("0.00")
    by_manager: list[ManagerSales] = field(default_factory=list)
    by_month: list[MonthSales] = field(default_factory=list)


class SalesService:
    """Scoped reads of sales orders."""

    def __init__(self, session: Session, principal: Principal | None) -> None:
        self._principal = principal
        self._sales = SalesReadRepository(session)
        self._managers = ManagerRepository(session)

    def _filter(self, query: SalesQuery) -> SalesFilter | None:
        """The repository filter within the caller's scope; ``None`` when nothing is visible."""
        principal = signed_in(self._principal)
        found = Problems()
        first, last = query.first_day, query.last_day
        if first is not None and last is not None:
            if first > last:
                found.add(("filter", "last_day"), f"the period ends ({last}) before it starts")
            elif (last - first).days > MAX_SPAN_DAYS:
                found.add(("filter", "last_day"), f"a period spans at most {MAX_SPAN_DAYS} days")
        found.raise_if_any()
        managers = query.manager_ids
        if query.department_id is not None:
            members = frozenset(self._managers.ids_in_department(query.department_id))
            managers = members if managers is None else managers & members
        scope = scope_of(principal)
        if not scope.everything:
            visible = set(scope.manager_ids)
            for department_id in scope.department_ids:
                visible.update(self._managers.ids_in_department(department_id))
            managers = frozenset(visible) if managers is None else managers & visible
        if managers is not None and not managers:
            return None
        return SalesFilter(query.retailer_ids, managers, first, last)

    def sales(self, query: SalesQuery, request: PageRequest) -> Page[AttributedSale]:
        """Orders the caller may see, in id order."""
        where = self._filter(query)
        if where is None:
            return empty_page(request)  # type: ignore[return-value]
        try:
            return self._sales.page(where, **request.keys)
        except ValueError as exc:
            raise InvalidInput(str(exc)) from exc

    def summary(self, query: SalesQuery) -> SalesSummary:
        """Totals of the orders the caller may see (zero when none)."""
        where = self._filter(query)
        if where is None:
            return SalesSummary()
        rows = self._sales.by_manager(where)
        return SalesSummary(
            orders=sum(r.orders for r in rows),
            retailers=self._sales.distinct_retailers(where),
            volume_cartons=sum(r.volume_cartons for r in rows),
            amount_yuan=sum((r.amount_yuan for r in rows), Decimal("0.00")),
            by_manager=rows,
            by_month=self._sales.by_month(where),
        )
