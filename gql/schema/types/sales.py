"""Sales orders and their totals as the API shows them (R1.5)."""

from __future__ import annotations

import datetime as dt

import strawberry

from gql.context import Context
from gql.schema.relay import encode_global_id
from gql.schema.types.directory import ManagerType, RetailerType, load_retailer
from gql.schema.types.money import Money, money_from_yuan
from gql.services.sales import SalesSummary
from gql.store.repositories.sales_reads import AttributedSale, ManagerSales, MonthSales

__all__ = ["ManagerSalesType", "MonthSalesType", "SalesOrderType", "SalesSummaryType"]

Info = strawberry.Info[Context, None]


def _manager_id(pk: int | None) -> strawberry.ID | None:
    return None if pk is None else strawberry.ID(encode_global_id("Manager", pk))


@strawberry.type(name="SalesOrder", description="One retailer's order on one business day.")
class SalesOrderType:
    """An order, with the manager responsible for the retailer on its date."""

    retailer_pk: strawberry.Private[int]
    manager_pk: strawberry.Private[int | None]
    retailer_id: strawberry.ID = strawberry.field(description="The ordering retailer.")
    manager_id: strawberry.ID | None = strawberry.field(
        description="The manager responsible for the retailer that day (null: none)."
    )
    order_date: dt.date = strawberry.field(description="Business day of the order (UTC+8).")
    volume_cartons: int = strawberry.field(description="Cartons (条) ordered.")
    amount: Money = strawberry.field(description="Value of the order.")
    brand: str | None = strawberry.field(
        default=None, description="The order's brand or product (null: not given on import)."
    )

    @strawberry.field(description="The retailer (null when outside the caller's scope now).")
    async def retailer(self, info: Info) -> RetailerType | None:
        """Batched through the retailer loader."""
        return await load_retailer(info, self.retailer_pk)

    @strawberry.field(description="The manager responsible that day.")
    async def manager(self, info: Info) -> ManagerType | None:
        """Batched through the manager loader."""
        if self.manager_pk is None:
            return None
        return ManagerType.maybe(await info.context.loaders.managers.load(self.manager_pk))

    @classmethod
    def from_domain(cls, sale: AttributedSale) -> SalesOrderType:
        """Map an attributed order."""
        return cls(
            retailer_pk=sale.order.retailer_id,
            manager_pk=sale.manager_id,
            retailer_id=strawberry.ID(encode_global_id("Retailer", sale.order.retailer_id)),
            manager_id=_manager_id(sale.manager_id),
            order_date=sale.order.order_date,
            volume_cartons=sale.order.volume_cartons,
            brand=sale.order.brand,
            amount=money_from_yuan(sale.order.amount_yuan),
        )


@strawberry.type(name="ManagerSales", description="One manager's orders, summed.")
class ManagerSalesType:
    """A manager's share of a summary."""

    manager_pk: strawberry.Private[int | None]
    manager_id: strawberry.ID | None = strawberry.field(
        description="The manager (null: orders of retailers with no manager that day)."
    )
    orders: int = strawberry.field(description="Orders.")
    retailers: int = strawberry.field(description="Retailers that ordered.")
    volume_cartons: int = strawberry.field(description="Cartons (条).")
    amount: Money = strawberry.field(description="Value.")

    @strawberry.field(description="The manager.")
    async def manager(self, info: Info) -> ManagerType | None:
        """Batched through the manager loader."""
        if self.manager_pk is None:
            return None
        return ManagerType.maybe(await info.context.loaders.managers.load(self.manager_pk))

    @classmethod
    def from_domain(cls, row: ManagerSales) -> ManagerSalesType:
        """Map one manager's totals."""
        return cls(
            manager_pk=row.manager_id,
            manager_id=_manager_id(row.manager_id),
            orders=row.orders,
            retailers=row.retailers,
            volume_cartons=row.volume_cartons,
            amount=money_from_yuan(row.amount_yuan),
        )


@strawberry.type(name="MonthSales", description="One calendar month's orders, summed.")
class MonthSalesType:
    """A month's share of a summary."""

    month: dt.date = strawberry.field(description="First day of the month.")
    orders: int = strawberry.field(description="Orders.")
    volume_cartons: int = strawberry.field(description="Cartons (条).")
    amount: Money = strawberry.field(description="Value.")

    @classmethod
    def from_domain(cls, row: MonthSales) -> MonthSalesType:
        """Map one month's totals."""
        return cls(
            month=row.month,
            orders=row.orders,
            volume_cartons=row.volume_cartons,
            amount=money_from_yuan(row.amount_yuan),
        )


@strawberry.type(name="SalesSummary", description="Totals of the orders a filter selects.")
class SalesSummaryType:
    """Zero when the caller may see none."""

    orders: int = strawberry.field(description="Orders.")
    retailers: int = strawberry.field(description="Retailers that ordered.")
    volume_cartons: int = strawberry.field(description="Cartons (条).")
    amount: Money = strawberry.field(description="Value.")
    by_manager: list[ManagerSalesType] = strawberry.field(
        description="Per manager, by manager (orders with no manager last)."
    )
    by_month: list[MonthSalesType] = strawberry.field(
        description="Per calendar month, oldest first (months without orders left out)."
    )

    @classmethod
    def from_domain(cls, summary: SalesSummary) -> SalesSummaryType:
        """Map a summary."""
        return cls(
            orders=summary.orders,
            retailers=summary.retailers,
            volume_cartons=summary.volume_cartons,
            amount=money_from_yuan(summary.amount_yuan),
            by_manager=[ManagerSalesType.from_domain(r) for r in summary.by_manager],
            by_month=[MonthSalesType.from_domain(r) for r in summary.by_month],
        )
