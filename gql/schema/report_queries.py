"""Queries for reports (R8): visit discipline and routes, scoped like every other read."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from gql.context import Context
from gql.schema.inputs import pk_of
from gql.schema.types.reports import (
    DisciplineReportType,
    ReportGrainEnum,
    ReportGroupByEnum,
    RouteReportType,
)
from gql.services.reports import rules
from gql.services.reports.service import GroupBy, ReportRequest

__all__ = ["ReportFilterInput", "ReportQuery"]

Info = strawberry.Info[Context, None]


@strawberry.input(
    name="ReportFilter",
    description="Which managers, which days, cut how. Without managerId and departmentId: "
    "everyone you may read (yourself, your department, or the company).",
)
class ReportFilterInput:
    """A report request."""

    first_day: dt.date = strawberry.field(description="First company day, YYYY-MM-DD.")
    last_day: dt.date = strawberry.field(description="Last company day (inclusive; ≤ 366 days).")
    grain: ReportGrainEnum = strawberry.field(
        default=rules.Grain.MONTH, description="Rows per day, week or month."
    )
    group_by: ReportGroupByEnum = strawberry.field(
        default=GroupBy.MANAGER, description="Rows per manager, department or the company."
    )
    manager_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only this manager."
    )
    department_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only this department."
    )

    def to_request(self) -> ReportRequest:
        """The service's request; a malformed ID is a clear input error."""
        return ReportRequest(
            first=self.first_day,
            last=self.last_day,
            grain=rules.Grain(self.grain),
            by=GroupBy(self.group_by),
            manager_id=None
            if self.manager_id is None
            else pk_of(self.manager_id, "Manager", "filter.managerId"),
            department_id=None
            if self.department_id is None
            else pk_of(self.department_id, "Department", "filter.departmentId"),
        )


FilterArg = Annotated[ReportFilterInput, strawberry.argument(description="What to report on.")]


@strawberry.type
class ReportQuery:
    """Decision analysis: managers read their own, heads their department, marketing all."""

    @strawberry.field(
        description="Visit discipline: coverage of the plans, verdict mix, late uploads, "
        "opening hours, first and last visits, dwell and plausibility flags."
    )
    def discipline_report(self, info: Info, filter: FilterArg) -> DisciplineReportType:
        """Discipline rows and totals."""
        return DisciplineReportType.from_domain(
            info.context.reports.discipline(filter.to_request())
        )

    @strawberry.field(
        description="Routes: plan km, the manager's own order priced alike, saving, "
        "travelled km from check-in positions and plan adherence (Kendall's τ)."
    )
    def route_report(self, info: Info, filter: FilterArg) -> RouteReportType:
        """Route rows and totals."""
        return RouteReportType.from_domain(info.context.reports.routes(filter.to_request()))
