"""Queries for reports (R8): discipline, routes, audits, workload and effect; scoped reads."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from gql.context import Context
from gql.schema.inputs import pk_of
from gql.schema.types.delivery import DeliveryFitType
from gql.schema.types.report_analysis import (
    AuditReportType,
    EffectReportType,
    WorkloadReportType,
)
from gql.schema.types.report_areas import AreaKindEnum, CustomerTypesByAreaType
from gql.schema.types.reports import (
    DisciplineReportType,
    ReportGrainEnum,
    ReportGroupByEnum,
    RouteReportType,
)
from gql.services.errors import InvalidInput
from gql.services.reports import rules
from gql.services.reports.area_report import AreaKind, AreaRequest
from gql.services.reports.effect_report import EffectRequest
from gql.services.reports.service import GroupBy, ReportRequest

__all__ = ["AreaFilterInput", "EffectFilterInput", "ReportFilterInput", "ReportQuery"]

Info = strawberry.Info[Context, None]

MAX_LISTED = 2_000
"""Rows a list in a report answer holds at most."""


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


def _pk(value: strawberry.ID | None, type_name: str, path: str) -> int | None:
    return None if value is None else pk_of(value, type_name, path)


@strawberry.input(name="EffectPeriod", description="Company days firstDay … lastDay, included.")
class EffectPeriodInput:
    """One of the two periods compared."""

    first_day: dt.date = strawberry.field(
        description="First company business day of the period (Asia/Shanghai), included."
    )
    last_day: dt.date = strawberry.field(
        description="Last company business day of the period, included."
    )


@strawberry.input(
    name="EffectFilter",
    description="A group (a manager, a department, or everyone you may read), two periods, "
    "and optionally a comparison group that did not change (for difference-in-differences).",
)
class EffectFilterInput:
    """An effect-evaluation request."""

    before: EffectPeriodInput = strawberry.field(description="The period before the change.")
    after: EffectPeriodInput = strawberry.field(
        description="The period after; it starts after `before` ends."
    )
    manager_id: strawberry.ID | None = strawberry.field(default=None, description="This manager.")
    department_id: strawberry.ID | None = strawberry.field(
        default=None, description="This department."
    )
    compare_manager_id: strawberry.ID | None = strawberry.field(
        default=None, description="Comparison group: this manager."
    )
    compare_department_id: strawberry.ID | None = strawberry.field(
        default=None, description="Comparison group: this department."
    )
    resamples: int = strawberry.field(
        default=rules.DEFAULT_RESAMPLES,
        description=f"Bootstrap resamples, {rules.MIN_RESAMPLES}..{rules.MAX_RESAMPLES}.",
    )
    seed: int = strawberry.field(
        default=rules.DEFAULT_SEED, description="Bootstrap seed: the same seed, the same intervals."
    )

    def to_request(self) -> EffectRequest:
        """The service's request; a malformed ID is a clear input error."""
        return EffectRequest(
            before_first=self.before.first_day,
            before_last=self.before.last_day,
            after_first=self.after.first_day,
            after_last=self.after.last_day,
            manager_id=_pk(self.manager_id, "Manager", "filter.managerId"),
            department_id=_pk(self.department_id, "Department", "filter.departmentId"),
            compare_manager_id=_pk(self.compare_manager_id, "Manager", "filter.compareManagerId"),
            compare_department_id=_pk(
                self.compare_department_id, "Department", "filter.compareDepartmentId"
            ),
            resamples=self.resamples,
            seed=self.seed,
        )


@strawberry.input(
    name="AreaFilter",
    description="Whose retailers (as ReportFilter), which period (for sales), cut into which "
    "areas, and the significance level of the mix test.",
)
class AreaFilterInput:
    """A customer-types-by-area request."""

    first_day: dt.date = strawberry.field(description="First company day, YYYY-MM-DD.")
    last_day: dt.date = strawberry.field(description="Last company day (inclusive; ≤ 366 days).")
    area_kind: AreaKindEnum = strawberry.field(
        default=AreaKind.DISTRICT, description="How to cut retailers into areas."
    )
    cell_size_m: float = strawberry.field(
        default=1000.0,
        description=f"GRID only: the cell side, {rules.MIN_CELL_M:g}..{rules.MAX_CELL_M:g} m.",
    )
    alpha: float = strawberry.field(
        default=rules.DEFAULT_ALPHA,
        description="Significance level of the (Bonferroni-adjusted) mix test, 0..1.",
    )
    manager_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only this manager's retailers."
    )
    department_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only this department's retailers."
    )

    def to_request(self) -> AreaRequest:
        """The service's request; a malformed ID is a clear input error."""
        return AreaRequest(
            first=self.first_day,
            last=self.last_day,
            kind=AreaKind(self.area_kind),
            cell_m=self.cell_size_m,
            alpha=self.alpha,
            manager_id=_pk(self.manager_id, "Manager", "filter.managerId"),
            department_id=_pk(self.department_id, "Department", "filter.departmentId"),
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

    @strawberry.field(
        description="Audits: coverage of retailers and managers, finding rates by kind, "
        "discrepancies, and Cohen's κ between verified visits and the retailers' answers."
    )
    def audit_report(self, info: Info, filter: FilterArg) -> AuditReportType:
        """Audit rows and totals."""
        return AuditReportType.from_domain(info.context.reports.audits(filter.to_request()))

    @strawberry.field(
        description="Workload balance: model and measured hours, retailers and volume per "
        "manager; CVs per department and overall. Grain and groupBy do not apply."
    )
    def workload_report(self, info: Info, filter: FilterArg) -> WorkloadReportType:
        """Workload per manager and its balance."""
        return WorkloadReportType.from_domain(info.context.reports.workload(filter.to_request()))

    @strawberry.field(
        description="Effect evaluation: each measure before and after, the difference with a "
        "bootstrap 95 % interval, and difference-in-differences against a comparison group."
    )
    def effect_report(
        self,
        info: Info,
        filter: Annotated[EffectFilterInput, strawberry.argument(description="What to compare.")],
    ) -> EffectReportType:
        """Every effect measure."""
        return EffectReportType.from_domain(info.context.reports.effect(filter.to_request()))

    @strawberry.field(
        description='The "what changed" pages: the effect report of each department of the '
        "group (one report for a one-manager group, or for a manager asking about themself)."
    )
    def effect_reports_by_department(
        self,
        info: Info,
        filter: Annotated[EffectFilterInput, strawberry.argument(description="What to compare.")],
    ) -> list[EffectReportType]:
        """One effect report per department."""
        reports = info.context.reports.effect_by_department(filter.to_request())
        return [EffectReportType.from_domain(r) for r in reports]

    @strawberry.field(
        description="Differentiated delivery (差异化配送): the ordering retailers a delivery "
        "window misses on their delivery day (the working day after the order day), and per "
        "zone (片区) its type mix and the window of the same length that fits it best "
        "(docs/reports.md). Scoped like the other reports."
    )
    def delivery_fit(
        self,
        info: Info,
        department_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="A department; null: all you may read."),
        ] = None,
        manager_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="One manager's retailers.")
        ] = None,
        window_start_min: Annotated[
            int, strawberry.argument(description="Window start, minutes after midnight.")
        ] = 9 * 60,
        window_end_min: Annotated[
            int, strawberry.argument(description="Window end, minutes after midnight.")
        ] = 12 * 60,
        min_overlap_min: Annotated[
            int, strawberry.argument(description="Minutes the shop must be open in it.")
        ] = 30,
        first: Annotated[
            int, strawberry.argument(description="Missed retailers listed (0..2000).")
        ] = 200,
    ) -> DeliveryFitType:
        """One service call."""
        if not 0 <= first <= MAX_LISTED:
            raise InvalidInput(f"must be 0..{MAX_LISTED}, got {first}", field=("first",))
        fit = info.context.reports.delivery(
            None if department_id is None else pk_of(department_id, "Department", "departmentId"),
            None if manager_id is None else pk_of(manager_id, "Manager", "managerId"),
            (window_start_min * 60, window_end_min * 60),
            min_overlap_min * 60,
        )
        return DeliveryFitType.from_domain(fit, first)

    @strawberry.field(
        description="Customer types by area: retailers and sales by business type and grade, "
        "order weekdays and opening-hour profile per district, territory, area code or grid "
        "cell, and the brand mix (cartons by brand, overall and per type); areas whose type or "
        "brand mix differs from the company's are flagged (chi-square)."
    )
    def customer_types_by_area(
        self,
        info: Info,
        filter: Annotated[AreaFilterInput, strawberry.argument(description="What to report on.")],
    ) -> CustomerTypesByAreaType:
        """One row per area, and the company."""
        return CustomerTypesByAreaType.from_domain(info.context.reports.areas(filter.to_request()))
