"""Sales orders and their totals (R1.5), scoped by role."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from gql.context import Context
from gql.schema.inputs import pk_list, pk_of
from gql.schema.paging import AfterArg, BeforeArg, FirstArg, LastArg, page_request
from gql.schema.relay import Connection, to_connection
from gql.schema.types.sales import SalesOrderType, SalesSummaryType
from gql.services.sales import SalesQuery as SalesQueryCommand

__all__ = ["SalesFilter", "SalesQuery"]

Info = strawberry.Info[Context, None]


@strawberry.input(description="Which sales; all given filters must hold.")
class SalesFilter:
    """Sales search."""

    retailer_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Only these retailers' orders."
    )
    manager_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Only orders of these managers (responsible on the day)."
    )
    department_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only orders of this department's current managers."
    )
    first_day: dt.date | None = strawberry.field(
        default=None, description="Ordered on or after this business day (UTC+8)."
    )
    last_day: dt.date | None = strawberry.field(
        default=None, description="Ordered on or before this business day (inclusive, UTC+8)."
    )

    def to_domain(self) -> SalesQueryCommand:
        """Validate IDs into a service query."""
        return SalesQueryCommand(
            retailer_ids=None
            if self.retailer_ids is None
            else frozenset(pk_list(self.retailer_ids, "Retailer", ("filter", "retailer_ids"))),
            manager_ids=None
            if self.manager_ids is None
            else frozenset(pk_list(self.manager_ids, "Manager", ("filter", "manager_ids"))),
            department_id=None
            if self.department_id is None
            else pk_of(self.department_id, "Department", ("filter", "department_id")),
            first_day=self.first_day,
            last_day=self.last_day,
        )


FilterArg = Annotated[SalesFilter | None, strawberry.argument(description="Filters.")]


@strawberry.type
class SalesQuery:
    """Sales."""

    @strawberry.field(
        description="Sales orders you may see (a manager their own, heads their department, "
        "marketing and administrators all), in ID order; each with the manager responsible "
        "for its retailer on its date."
    )
    def sales(
        self,
        info: Info,
        filter: FilterArg = None,
        first: FirstArg = None,
        after: AfterArg = None,
        last: LastArg = None,
        before: BeforeArg = None,
    ) -> Connection[SalesOrderType]:
        """Order list by retailer, manager, department, period."""
        query = (filter or SalesFilter()).to_domain()
        page = info.context.sales.sales(query, page_request(first, after, last, before))
        return to_connection(page, SalesOrderType.from_domain)

    @strawberry.field(
        description="Totals of the sales you may see under the filter, and per manager; zero "
        "when you may see none."
    )
    def sales_summary(self, info: Info, filter: FilterArg = None) -> SalesSummaryType:
        """Summed orders, volume and value."""
        query = (filter or SalesFilter()).to_domain()
        return SalesSummaryType.from_domain(info.context.sales.summary(query))
