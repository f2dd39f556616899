"""Reports over plans, visits and audits, within the caller's scope (R8.1-R8.4).

The caller names a subject (a manager, a department, or nothing: everything they may read), a
period, a grain (day, week, month) and a grouping (per manager, department or the company).
A manager or department outside the caller's scope is reported exactly like a missing one;
with no subject, the report covers the managers the caller may read (none for an auditor).
The effect report compares one such group in two periods (optionally against a second group).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING

import numpy as np

from gql.services.access import Principal, scope_of, signed_in
from gql.services.errors import InvalidInput, NotFound
from gql.services.reports import rules
from gql.services.reports.aggregates import Aggregated, aggregated
from gql.services.reports.area_report import (
    AreaKind,
    AreaReport,
    AreaRequest,
    area_facts,
)
from gql.services.reports.audit_report import AuditReport, audit_facts, audit_report
from gql.services.reports.effect_report import (
    EffectReport,
    EffectRequest,
    FloatArray,
    GroupFacts,
    day_table,
    effect_report,
)
from gql.services.reports.groups import GroupBy, ReportGroup, ReportRequest
from gql.services.reports.manager_days import ManagerDay, placed_visits, summarise
from gql.services.reports.manager_months import day_units_of_bytes, unit_of_day, work_of_day
from gql.services.reports.placed import DEFAULT_ROAD_FACTOR, UNTRUSTED_FLAGS
from gql.services.reports.workload_report import (
    PlacedVisit,
    WorkloadBalanceRow,
    WorkloadManagerRow,
    WorkloadReport,
    assigned_retailers,
    manager_loads,
    manager_loads_of_days,
    workload_inputs,
)
from gql.services.territories.inputs import RetailerColumns
from gql.store.repositories import (
    DepartmentRepository,
    ManagerRepository,
    RetailerRepository,
    SalesRepository,
)
from gql.store.repositories.report_days import ReportDayRepository

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from sqlalchemy.orm import Session

    from gql.domain import AccountManager
    from gql.services.territories.inputs import RetailerColumns

__all__ = [
    "DEFAULT_ROAD_FACTOR",
    "LATE_UPLOAD_MARGIN",
    "UNTRUSTED_FLAGS",
    "AreaKind",
    "AreaReport",
    "AreaRequest",
    "DisciplineReport",
    "DisciplineRow",
    "GroupBy",
    "ReportGroup",
    "ReportRequest",
    "ReportService",
    "RouteReport",
    "RouteRow",
]

LATE_UPLOAD_MARGIN = timedelta(days=7)
"""Visits received up to this long after the period still count on their device day."""


@dataclass(frozen=True, slots=True)
class DisciplineRow:
    """Discipline of one group over one bucket (``bucket`` ``None``: the whole period)."""

    group: ReportGroup
    bucket: rules.Bucket | None
    measures: rules.DisciplineMeasures


@dataclass(frozen=True, slots=True)
class RouteRow:
    """Route measures of one group over one bucket (``bucket`` ``None``: the whole period)."""

    group: ReportGroup
    bucket: rules.Bucket | None
    measures: rules.RouteMeasures


@dataclass(frozen=True, slots=True)
class DisciplineReport:
    """Rows per group and bucket (every bucket, empty ones too), then one total per group."""

    period: rules.ReportPeriod
    grain: rules.Grain
    by: GroupBy
    rows: list[DisciplineRow]
    totals: list[DisciplineRow]


@dataclass(frozen=True, slots=True)
class RouteReport:
    """Rows per group and bucket, then one total per group."""

    period: rules.ReportPeriod
    grain: rules.Grain
    by: GroupBy
    rows: list[RouteRow]
    totals: list[RouteRow]


class ReportService:
    """Discipline and route reports for the managers the caller may read."""

    def __init__(self, session: Session, principal: Principal | None, *, raw: bool = False) -> None:
        """``raw``: read the raw tables even when the aggregates are built (their peer)."""
        self._session = session
        self._raw = raw
        self._principal = principal
        self._managers = ManagerRepository(session)
        self._departments = DepartmentRepository(session)
        self._retailers = RetailerRepository(session)

    # -- differentiated delivery ------------------------------------------------------------

    def delivery(
        self,
        department_id: int | None,
        manager_id: int | None,
        window_s: tuple[int, int],
        min_overlap_s: int,
    ) -> rules.DeliveryFit:
        """Which ordering retailers the delivery window misses, and zones that need their own.

        Scoped as the other reports (a head their department, a manager themself).
        """
        managers = self._subjects_of(department_id, manager_id)
        retailers = self._retailers.active_of_managers([m.staff_id for m in managers])
        facts = [
            rules.DeliveryFact(
                retailer_id=r.id,
                zone=r.area_code,
                business_type=r.business_type.value,
                windows_s=tuple(
                    (w.open_s, w.close_s) for w in r.windows_on(rules.delivery_day(r.order_weekday))
                ),
            )
            for r in retailers
            if 0 <= r.order_weekday <= 4
        ]
        try:
            return rules.delivery_fit(facts, window_s[0], window_s[1], min_overlap_s)
        except ValueError as exc:
            raise InvalidInput(str(exc), field=("window",)) from exc

    # -- who and when ---------------------------------------------------------------------

    def _period(self, request: ReportRequest) -> rules.ReportPeriod:
        try:
            return rules.ReportPeriod(request.first, request.last)
        except rules.ReportRuleError as exc:
            raise InvalidInput(str(exc), field=("filter", f"{exc.field}_day")) from exc

    def _subjects(self, request: ReportRequest) -> list[AccountManager]:
        return self._subjects_of(request.department_id, request.manager_id)

    def _subjects_of(
        self, department_id: int | None, manager_id: int | None
    ) -> list[AccountManager]:
        scope = scope_of(signed_in(self._principal))
        if manager_id is not None:
            manager = self._managers.get_many([manager_id])[0]
            if manager is None or not scope.allows(manager.staff_id, manager.department_id):
                raise NotFound("manager", field=("filter", "manager_id"))
            if department_id not in (None, manager.department_id):
                raise InvalidInput(
                    "this manager is not in that department", field=("filter", "department_id")
                )
            return [manager]
        if department_id is not None:
            department = self._departments.get_many([department_id])[0]
            visible = scope.everything or department_id in scope.department_ids
            if department is None or not visible:
                raise NotFound("department", field=("filter", "department_id"))
            return self._managers.by_department(department_id)
        return [m for m in self._managers.all() if scope.allows(m.staff_id, m.department_id)]

    def _grouper(
        self, by: GroupBy, managers: Sequence[AccountManager]
    ) -> Callable[[int], ReportGroup]:
        if by is GroupBy.COMPANY:
            company = ReportGroup(GroupBy.COMPANY, None, "COMPANY", "company")
            return lambda _manager_id: company
        if by is GroupBy.DEPARTMENT:
            ids = sorted({m.department_id for m in managers})
            names = {d.id: d for d in self._departments.get_many(ids) if d is not None}
            by_manager = {
                m.staff_id: ReportGroup(
                    GroupBy.DEPARTMENT,
                    m.department_id,
                    names[m.department_id].code,
                    names[m.department_id].name,
                )
                for m in managers
            }
        else:
            by_manager = {
                m.staff_id: ReportGroup(GroupBy.MANAGER, m.staff_id, m.staff_no, m.name)
                for m in managers
            }
        return by_manager.__getitem__

    def _aggregated(
        self,
        managers: Sequence[AccountManager],
        period: rules.ReportPeriod,
        *,
        use_months: bool,
        units_only: bool = False,
    ) -> Aggregated:
        """The period's manager-days (whole months rolled up when ``use_months``).

        The aggregates, stale days recomputed; the raw tables (days only) when asked to or
        until the aggregates are built. ``units_only``: whole months as their effect units.
        """
        if not self._raw:
            found = aggregated(
                self._session,
                managers,
                period,
                LATE_UPLOAD_MARGIN,
                use_months=use_months,
                units_only=units_only,
            )
            if found is not None:
                return found
        return Aggregated(summarise(self._session, managers, period, LATE_UPLOAD_MARGIN), [])

    def _days(
        self, managers: Sequence[AccountManager], period: rules.ReportPeriod
    ) -> list[ManagerDay]:
        """The period's manager-days: the aggregates (stale days recomputed), else raw."""
        return self._aggregated(managers, period, use_months=False).days

    def _monthly_sales(self) -> bool:
        """Whether sales sums may read the monthly totals (the aggregates are built)."""
        return not self._raw and ReportDayRepository(self._session).built()

    # -- discipline -----------------------------------------------------------------------

    def discipline(self, request: ReportRequest) -> DisciplineReport:
        """Visit discipline per group and bucket (R8.1)."""
        period = self._period(request)
        managers = self._subjects(request)
        group_of = self._grouper(request.by, managers)
        found = self._aggregated(managers, period, use_months=request.grain is rules.Grain.MONTH)
        cells: dict[tuple[ReportGroup, rules.Bucket], list[rules.DisciplineDay]] = defaultdict(list)
        monthly: dict[tuple[ReportGroup, rules.Bucket], list[rules.DisciplineMonth]] = defaultdict(
            list
        )
        for d in found.days:
            day = d.discipline
            cells[
                (group_of(day.manager_id), rules.bucket_of(day.day, request.grain, period))
            ].append(day)
        for m in found.months:
            month = m.discipline
            monthly[
                (group_of(month.manager_id), rules.bucket_of(month.month, request.grain, period))
            ].append(month)
        groups = sorted({group_of(m.staff_id) for m in managers})
        rows = [
            DisciplineRow(
                g,
                b,
                rules.discipline_of_days(cells.get((g, b), []), months=monthly.get((g, b), [])),
            )
            for g in groups
            for b in rules.buckets(period, request.grain)
        ]
        totals = [
            DisciplineRow(
                g,
                None,
                rules.discipline_of_days(
                    (d for (k, _), ds in cells.items() if k == g for d in ds),
                    months=[m for (k, _), ms in monthly.items() if k == g for m in ms],
                ),
            )
            for g in groups
        ]
        return DisciplineReport(period, request.grain, request.by, rows, totals)

    # -- audits ---------------------------------------------------------------------------

    def audits(self, request: ReportRequest) -> AuditReport:
        """Audit coverage, findings, discrepancies and κ agreement (R8.3)."""
        period = self._period(request)
        managers = self._subjects(request)
        ids = [m.staff_id for m in managers]
        return audit_report(
            period,
            request.grain,
            request.by,
            ids,
            self._grouper(request.by, managers),
            audit_facts(self._session, ids, period),
        )

    # -- workload -------------------------------------------------------------------------

    def workload(self, request: ReportRequest) -> WorkloadReport:
        """Model and measured hours per manager; their CV per department and overall (R8.4).

        The grain and the grouping do not apply: a manager's load is over the whole period.
        """
        period = self._period(request)
        managers = self._subjects(request)
        model, volumes = workload_inputs(
            self._session, managers, period, monthly_sales=self._monthly_sales()
        )
        found = (
            None
            if self._raw
            else aggregated(
                self._session,
                managers,
                period,
                LATE_UPLOAD_MARGIN,
                use_months=True,
                work_only=True,
            )
        )
        if found is None:  # the raw peer reads visits only: a load needs no routes
            placed = [
                PlacedVisit(v.row.manager_id, v.day, v.start_s, v.end_s, v.row.dwell_s)
                for v in placed_visits(self._session, managers, period, LATE_UPLOAD_MARGIN)
            ]
            loads = manager_loads(managers, placed, model, volumes)
        else:
            loads = manager_loads_of_days(
                managers,
                [work_of_day(d) for d in found.days] + found.work,
                model,
                volumes,
            )
        manager_of = self._grouper(GroupBy.MANAGER, managers)
        department_of = self._grouper(GroupBy.DEPARTMENT, managers)
        rows = sorted(
            (
                WorkloadManagerRow(manager_of(x.manager_id), department_of(x.manager_id), x)
                for x in loads
            ),
            key=lambda r: (r.department, r.manager),
        )
        departments = sorted({r.department for r in rows})
        balance = [
            WorkloadBalanceRow(d, rules.balance([r.load for r in rows if r.department == d]))
            for d in departments
        ]
        company = self._grouper(GroupBy.COMPANY, managers)(0)
        balance.append(WorkloadBalanceRow(company, rules.balance(loads)))
        return WorkloadReport(period, rows, balance)

    # -- customer types by area ------------------------------------------------------------

    def areas(self, request: AreaRequest) -> AreaReport:
        """Retailers and sales by type and grade per area, with the mix test (R6.3).

        The company row is the whole scope; each area's type and brand mix is tested against it.
        """
        period = self._period(ReportRequest(request.first, request.last))
        if not 0 < request.alpha < 1:
            raise InvalidInput(
                "the significance level must be between 0 and 1", field=("filter", "alpha")
            )
        if (
            request.kind is AreaKind.GRID
            and not rules.MIN_CELL_M <= request.cell_m <= rules.MAX_CELL_M
        ):
            raise InvalidInput(
                f"the cell size must be {rules.MIN_CELL_M:g}..{rules.MAX_CELL_M:g} m",
                field=("filter", "cell_size_m"),
            )
        managers = self._subjects(
            ReportRequest(
                request.first,
                request.last,
                manager_id=request.manager_id,
                department_id=request.department_id,
            )
        )
        by = GroupBy.DEPARTMENT if request.kind is AreaKind.DISTRICT else GroupBy.MANAGER
        group_of = self._grouper(by, managers)
        groups = {m.staff_id: group_of(m.staff_id) for m in managers}
        facts = assigned_retailers(
            self._session, list(groups), period.last, period.first, period.last
        )
        retailers = {
            r.id: r for r in self._retailers.get_many(sorted(f.id for f in facts)) if r is not None
        }
        keys = {m: g.code for m, g in groups.items()}
        brands = SalesRepository(self._session).brand_volumes(
            sorted(retailers), period.first, period.last
        )
        rows, centres = area_facts(facts, retailers, keys, request, brands)
        names: dict[str, str] = {}
        if request.kind in (AreaKind.DISTRICT, AreaKind.TERRITORY):
            names = {g.code: g.name for g in groups.values()}
        mixes = rules.customer_types_by_area(rows, alpha=request.alpha)
        company = rules.customer_types_by_area(
            [replace(r, area="COMPANY") for r in rows], alpha=request.alpha
        )
        return AreaReport(
            period=period,
            kind=request.kind,
            cell_m=request.cell_m if request.kind is AreaKind.GRID else None,
            alpha=request.alpha,
            tested=sum(m.test.tested for m in mixes),
            areas=mixes,
            brand_tested=sum(m.brands.test.tested for m in mixes),
            names=names,
            centres=centres,
            company=company[0] if company else None,
        )

    # -- effect ---------------------------------------------------------------------------

    def _named_period(self, first: date, last: date, name: str) -> rules.ReportPeriod:
        try:
            return rules.ReportPeriod(first, last)
        except rules.ReportRuleError as exc:
            raise InvalidInput(
                f"{name}: {exc}", field=("filter", name, f"{exc.field}_day")
            ) from exc

    def _group(
        self, manager_id: int | None, department_id: int | None, prefix: str
    ) -> tuple[ReportGroup, list[AccountManager]]:
        """A group's label and managers; errors name ``filter.<prefix>…`` fields."""
        subject = ReportRequest(
            first=date.min, last=date.min, manager_id=manager_id, department_id=department_id
        )
        try:
            managers = self._subjects(subject)
        except NotFound as exc:
            what = exc.message.removesuffix(" not found")
            raise NotFound(what, field=("filter", f"{prefix}{exc.field[-1]}")) from None
        except InvalidInput as exc:
            raise InvalidInput(exc.message, field=("filter", f"{prefix}{exc.field[-1]}")) from None
        if not managers:
            raise InvalidInput(
                "the group has no account managers",
                field=("filter", f"{prefix}department_id"),
            )
        if manager_id is not None:
            return self._grouper(GroupBy.MANAGER, managers)(manager_id), managers
        if department_id is not None:
            return self._grouper(GroupBy.DEPARTMENT, managers)(managers[0].staff_id), managers
        scope = ReportGroup(GroupBy.COMPANY, None, "COMPANY", "everyone you may read")
        return scope, managers

    def effect(self, request: EffectRequest) -> EffectReport:
        """Each measure before and after, the change with a bootstrap interval, and the DiD."""
        before = self._named_period(request.before_first, request.before_last, "before")
        after = self._named_period(request.after_first, request.after_last, "after")
        if before.last >= after.first:
            raise InvalidInput(
                "the before period must end before the after period starts",
                field=("filter", "after", "first_day"),
            )
        if not rules.MIN_RESAMPLES <= request.resamples <= rules.MAX_RESAMPLES:
            raise InvalidInput(
                f"resamples must be {rules.MIN_RESAMPLES}..{rules.MAX_RESAMPLES}",
                field=("filter", "resamples"),
            )
        if request.seed < 0:
            raise InvalidInput("the seed must be 0 or more", field=("filter", "seed"))
        label, managers = self._group(request.manager_id, request.department_id, "")
        read: dict[tuple[tuple[int, ...], bool], RetailerColumns] = {}
        comparison = None
        if request.has_comparison:
            other, others = self._group(
                request.compare_manager_id, request.compare_department_id, "compare_"
            )
            if {m.staff_id for m in managers} & {m.staff_id for m in others}:
                field = (
                    "compare_manager_id" if request.compare_manager_id else "compare_department_id"
                )
                raise InvalidInput(
                    "the comparison group shares managers with the group", field=("filter", field)
                )
            comparison = (
                other,
                len(others),
                self._facts_of(others, before, read),
                self._facts_of(others, after, read),
            )
        group = (
            label,
            len(managers),
            self._facts_of(managers, before, read),
            self._facts_of(managers, after, read),
        )
        return effect_report(request, group, comparison)

    def effect_by_department(self, request: EffectRequest) -> list[EffectReport]:
        """One effect report per department of the group (the "what changed" pages).

        A group of one manager, or a caller who may not read whole departments (a manager),
        gets the one report of the group itself.
        """
        _, managers = self._group(request.manager_id, request.department_id, "")
        departments = sorted({m.department_id for m in managers})
        scope = scope_of(signed_in(self._principal))
        readable = scope.everything or set(departments) <= scope.department_ids
        if request.manager_id is not None or not readable:
            return [self.effect(request)]
        return [self.effect(replace(request, department_id=d)) for d in departments]

    def _facts_of(
        self,
        managers: Sequence[AccountManager],
        period: rules.ReportPeriod,
        read: dict[tuple[tuple[int, ...], bool], RetailerColumns],
    ) -> GroupFacts:
        model, volumes = workload_inputs(
            self._session, managers, period, monthly_sales=self._monthly_sales(), read=read
        )
        return GroupFacts(
            period,
            self._day_facts(managers, period),
            [v for vs in volumes.values() for v in vs],
            [model[m.staff_id] for m in managers],
        )

    def _day_facts(
        self, managers: Sequence[AccountManager], period: rules.ReportPeriod
    ) -> FloatArray:
        """Per manager-day, by manager and day: the discipline counts and the route lengths.

        As :func:`~gql.services.reports.effect_report.day_table`.
        """
        found = self._aggregated(managers, period, use_months=True, units_only=True)
        rows: list[Sequence[float | int | None]] = []
        ordinals: list[int] = []
        for d in found.days:  # recomputed (stale) days, or every day over the raw tables
            manager_id, day = d.key
            ordinals.append(day.toordinal())
            rows.append([manager_id, *unit_of_day(d)])
        tables = [day_table(rows)]
        days = [np.array(ordinals, dtype=np.int64)]
        if found.day_units:  # stored days: their packed units, one array
            tables.append(
                np.column_stack(
                    [
                        np.array([m for m, _, _ in found.day_units], dtype=np.float64),
                        day_units_of_bytes([u for _, _, u in found.day_units]),
                    ]
                )
            )
            days.append(np.array([d.toordinal() for _, d, _ in found.day_units], dtype=np.int64))
        for manager_id, month, units in found.units:  # day of the month, then the facts
            tables.append(np.column_stack([np.full(len(units), float(manager_id)), units[:, 1:]]))
            days.append(units[:, 0].astype(np.int64) + (month.toordinal() - 1))
        table = np.concatenate(tables) if len(tables) > 1 else tables[0]
        if not len(table):
            return table
        # by manager, then day (the manager id is exact in float64)
        order = np.lexsort((np.concatenate(days), table[:, 0]))
        return table[order]

    # -- routes ---------------------------------------------------------------------------

    def routes(self, request: ReportRequest) -> RouteReport:
        """Plan km, own-order km, saving, travelled km and plan adherence (R8.2)."""
        period = self._period(request)
        managers = self._subjects(request)
        group_of = self._grouper(request.by, managers)
        found = self._aggregated(managers, period, use_months=request.grain is rules.Grain.MONTH)
        days: dict[tuple[ReportGroup, rules.Bucket], list[rules.RouteDay]] = defaultdict(list)
        monthly: dict[tuple[ReportGroup, rules.Bucket], list[rules.RouteMonth]] = defaultdict(list)
        for d in found.days:
            route = d.route
            days[
                (group_of(route.manager_id), rules.bucket_of(route.day, request.grain, period))
            ].append(route)
        for m in found.months:
            month = m.route
            monthly[
                (group_of(month.manager_id), rules.bucket_of(month.month, request.grain, period))
            ].append(month)
        groups = sorted({group_of(m.staff_id) for m in managers})
        rows = [
            RouteRow(g, b, rules.routes(days.get((g, b), []), monthly.get((g, b), [])))
            for g in groups
            for b in rules.buckets(period, request.grain)
        ]
        totals = [
            RouteRow(
                g,
                None,
                rules.routes(
                    [d for (k, _), ds in days.items() if k == g for d in ds],
                    [m for (k, _), ms in monthly.items() if k == g for m in ms],
                ),
            )
            for g in groups
        ]
        return RouteReport(period, request.grain, request.by, rows, totals)
