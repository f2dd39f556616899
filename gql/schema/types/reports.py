"""Report rows (R8) as the marketing analyst's screens and exports read them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeAlias

import strawberry

from gql.domain import hh_mm
from gql.schema.relay import encode_global_id
from gql.schema.types.enums import described_enum
from gql.services.reports import rules
from gql.services.reports.service import (
    DisciplineReport,
    DisciplineRow,
    GroupBy,
    ReportGroup,
    RouteReport,
    RouteRow,
)

__all__ = [
    "DisciplineReportType",
    "ReportGrainEnum",
    "ReportGroupByEnum",
    "RouteReportType",
]

described_enum(
    rules.Grain,
    name="ReportGrain",
    description="How a report's period is cut into rows.",
    value_descriptions={
        rules.Grain.DAY: "One row per company day.",
        rules.Grain.WEEK: "One row per ISO week (Monday to Sunday), clipped to the period.",
        rules.Grain.MONTH: "One row per calendar month, clipped to the period.",
    },
)
ReportGrainEnum: TypeAlias = rules.Grain

described_enum(
    GroupBy,
    name="ReportGroupBy",
    description="What one report row is about.",
    value_descriptions={
        GroupBy.MANAGER: "One row per account manager.",
        GroupBy.DEPARTMENT: "One row per department (its managers together).",
        GroupBy.COMPANY: "One row for everything the report covers.",
    },
)
ReportGroupByEnum: TypeAlias = GroupBy


def _clock(seconds: float | None) -> str | None:
    return None if seconds is None else hh_mm(round(seconds))


class _PeriodRow(Protocol):
    @property
    def bucket(self) -> rules.Bucket | None: ...


class _PeriodReport(Protocol):
    @property
    def period(self) -> rules.ReportPeriod: ...
    @property
    def grain(self) -> rules.Grain: ...
    @property
    def rows(self) -> Sequence[Any]: ...
    @property
    def totals(self) -> Sequence[Any]: ...


def row_span(row: _PeriodRow, period: rules.ReportPeriod) -> rules.Bucket:
    """A row's days: its grain unit, or the whole period for a total row."""
    return row.bucket or rules.Bucket(period.first, period.last)


def period_report_fields(
    report: _PeriodReport, map_row: Callable[[Any, rules.ReportPeriod], object]
) -> dict[str, Any]:
    """The fields every period report shares: its days, grain, rows and totals, mapped."""
    p = report.period
    return {
        "first_day": p.first,
        "last_day": p.last,
        "grain": report.grain,
        "rows": [map_row(r, p) for r in report.rows],
        "totals": [map_row(r, p) for r in report.totals],
    }


@strawberry.type(name="ReportGroup", description="The subject of a report row.")
class ReportGroupType:
    """A manager, a department, or the company."""

    kind: GroupBy = strawberry.field(description="What the row is about.")
    id: strawberry.ID | None = strawberry.field(
        description="Manager or Department ID; null for the company."
    )
    code: str = strawberry.field(description="Staff number, department code, or COMPANY.")
    name: str = strawberry.field(description="Name for people.")

    @classmethod
    def from_domain(cls, group: ReportGroup) -> ReportGroupType:
        """Map a service group."""
        type_name = "Manager" if group.kind is GroupBy.MANAGER else "Department"
        gid = None if group.id is None else strawberry.ID(encode_global_id(type_name, group.id))
        return cls(kind=group.kind, id=gid, code=group.code, name=group.name)


@strawberry.type(name="ReportCount", description="A count and its share of a whole.")
class ReportCountType:
    """One verdict's or flag's visits."""

    key: str = strawberry.field(description="The verdict or flag.")
    visits: int = strawberry.field(description="Visits with it.")
    pct: float | None = strawberry.field(description="Share of the row's visits, %; null if none.")


@strawberry.type(name="SkipReasonCount", description="Stops skipped for one reason.")
class SkipReasonCountType:
    """One recorded reason and how many stops it was given for."""

    reason: str = strawberry.field(description="The reason as recorded.")
    stops: int = strawberry.field(description="Stops skipped for it.")


@strawberry.type(name="DwellBucket", description="Visits whose dwell lies in [lowS, highS).")
class DwellBucketType:
    """One bar of the dwell histogram."""

    low_s: int = strawberry.field(description="Lower bound, seconds (inclusive).")
    high_s: int | None = strawberry.field(description="Upper bound, seconds; null: unbounded.")
    visits: int = strawberry.field(description="Visits in the bucket.")


@strawberry.type(
    name="DisciplineReportRow",
    description="Visit discipline of one group over one period (docs/reports.md).",
)
class DisciplineRowType:
    """Coverage, verdict mix, timing, dwell and flags."""

    group: ReportGroupType
    first_day: dt.date = strawberry.field(description="First day of the row.")
    last_day: dt.date = strawberry.field(description="Last day of the row.")
    manager_days: int = strawberry.field(description="Manager-days with a plan or a visit.")
    planned_stops: int = strawberry.field(description="Stops of the plans worked from.")
    visited_stops: int = strawberry.field(description="Planned stops some visit named.")
    verified_stops: int = strawberry.field(description="Planned stops with an IN_PLACE visit.")
    missed_stops: int = strawberry.field(description="Planned stops never visited.")
    skipped_stops: int = strawberry.field(
        description="Planned stops skipped with a recorded reason (visitPlanStopSkip)."
    )
    skip_reasons: list[SkipReasonCountType] = strawberry.field(
        description="Skipped stops per reason, most frequent first."
    )
    coverage_pct: float | None = strawberry.field(description="visited / planned stops, %.")
    verified_coverage_pct: float | None = strawberry.field(
        description="verified / planned stops, %."
    )
    visits: int = strawberry.field(description="Visits started in the period.")
    unplanned_visits: int = strawberry.field(description="Visits that name no plan stop.")
    verdicts: list[ReportCountType] = strawberry.field(
        description="Visits per verdict (PENDING: not yet ended), with shares."
    )
    late_uploads: int = strawberry.field(description="Visits uploaded late.")
    outside_hours: int = strawberry.field(
        description="Visits started outside the retailer's opening windows that weekday."
    )
    hours_unknown: int = strawberry.field(description="Visits to retailers with no hours.")
    first_start_median: str | None = strawberry.field(
        description="Median over manager-days of the first visit's start, HH:MM."
    )
    first_start_earliest: str | None = strawberry.field(description="Earliest first start.")
    last_end_median: str | None = strawberry.field(
        description="Median over manager-days of the last visit's end, HH:MM."
    )
    last_end_latest: str | None = strawberry.field(description="Latest last end.")
    dwell_median_s: float | None = strawberry.field(description="Median dwell, seconds.")
    dwell_measured: int = strawberry.field(description="Visits with a measured dwell.")
    dwell_buckets: list[DwellBucketType]
    spoof_flagged: int = strawberry.field(description="Visits flagged POSSIBLE_SPOOFING.")
    stale_flagged: int = strawberry.field(description="Visits with a stale fix.")
    flags: list[ReportCountType] = strawberry.field(description="Visits per plausibility flag.")

    @classmethod
    def from_domain(cls, row: DisciplineRow, period: rules.ReportPeriod) -> DisciplineRowType:
        """Map a service row (a total row spans the whole period)."""
        m = row.measures
        span = row_span(row, period)
        return cls(
            group=ReportGroupType.from_domain(row.group),
            first_day=span.first,
            last_day=span.last,
            manager_days=m.manager_days,
            planned_stops=m.planned_stops,
            visited_stops=m.visited_stops,
            verified_stops=m.verified_stops,
            missed_stops=m.missed_stops,
            skipped_stops=m.skipped_stops,
            skip_reasons=[
                SkipReasonCountType(reason=k, stops=n) for k, n in m.skip_reasons.items()
            ],
            coverage_pct=m.coverage_pct,
            verified_coverage_pct=m.verified_coverage_pct,
            visits=m.visits,
            unplanned_visits=m.unplanned_visits,
            verdicts=[
                ReportCountType(key=k, visits=n, pct=m.verdict_pct[k])
                for k, n in m.verdict_counts.items()
            ],
            late_uploads=m.late_uploads,
            outside_hours=m.outside_hours,
            hours_unknown=m.hours_unknown,
            first_start_median=_clock(m.first_start_median_s),
            first_start_earliest=_clock(m.first_start_earliest_s),
            last_end_median=_clock(m.last_end_median_s),
            last_end_latest=_clock(m.last_end_latest_s),
            dwell_median_s=m.dwell_median_s,
            dwell_measured=m.dwell_measured,
            dwell_buckets=[
                DwellBucketType(low_s=b.low_s, high_s=b.high_s, visits=b.visits)
                for b in m.dwell_buckets
            ],
            spoof_flagged=m.spoof_flagged,
            stale_flagged=m.stale_flagged,
            flags=[
                ReportCountType(key=k, visits=n, pct=100.0 * n / m.visits if m.visits else None)
                for k, n in m.flag_counts.items()
            ],
        )


@strawberry.type(name="DisciplineReport", description="Visit discipline rows and totals.")
class DisciplineReportType:
    """Rows per group and period unit (empty units included), then one total per group."""

    first_day: dt.date
    last_day: dt.date
    grain: rules.Grain
    group_by: GroupBy
    rows: list[DisciplineRowType]
    totals: list[DisciplineRowType]

    @classmethod
    def from_domain(cls, report: DisciplineReport) -> DisciplineReportType:
        """Map a service report."""
        return cls(
            group_by=report.by, **period_report_fields(report, DisciplineRowType.from_domain)
        )


@strawberry.type(name="RouteReportRow", description="Route measures of one group over one period.")
class RouteRowType:
    """Plan km, own-order km, saving, travelled km, plan adherence (docs/reports.md)."""

    group: ReportGroupType
    first_day: dt.date
    last_day: dt.date
    manager_days: int = strawberry.field(description="Manager-days with a plan or a visit.")
    planned_days: int = strawberry.field(description="Of those, days with a plan.")
    plan_km: float = strawberry.field(description="Stored optimised length of the plans.")
    baseline_km: float = strawberry.field(
        description="Stored length of the same plans' stops in licence-number order."
    )
    baseline_saving_pct: float | None = strawberry.field(
        description="100 × (baseline − plan) / baseline."
    )
    compared_stops: int = strawberry.field(description="Planned stops visited (compared).")
    planned_order_km: float = strawberry.field(
        description="The visited planned stops in plan order, priced with the plan's cost model."
    )
    own_order_km: float = strawberry.field(
        description="The same stops in the order actually visited, same cost model."
    )
    saving_pct: float | None = strawberry.field(
        description="100 × (own − planned order) / own order km."
    )
    travelled_km: float = strawberry.field(
        description="Start → trusted check-in positions in visiting order (→ start)."
    )
    km_per_visit: float | None = strawberry.field(description="travelled km / positions used.")
    tau_mean: float | None = strawberry.field(
        description="Mean over days of Kendall's τ between visiting and plan order."
    )
    tau_days: int = strawberry.field(description="Days with τ (two or more compared stops).")
    in_order_pct: float | None = strawberry.field(
        description="Stops visited in planned relative order (longest run) / compared, %."
    )

    @classmethod
    def from_domain(cls, row: RouteRow, period: rules.ReportPeriod) -> RouteRowType:
        """Map a service row."""
        m = row.measures
        span = row_span(row, period)
        return cls(
            group=ReportGroupType.from_domain(row.group),
            first_day=span.first,
            last_day=span.last,
            manager_days=m.manager_days,
            planned_days=m.planned_days,
            plan_km=m.plan_km,
            baseline_km=m.baseline_km,
            baseline_saving_pct=m.baseline_saving_pct,
            compared_stops=m.compared_stops,
            planned_order_km=m.planned_order_km,
            own_order_km=m.own_order_km,
            saving_pct=m.saving_pct,
            travelled_km=m.travelled_km,
            km_per_visit=m.km_per_visit,
            tau_mean=m.tau_mean,
            tau_days=m.tau_days,
            in_order_pct=m.in_order_pct,
        )


@strawberry.type(name="RouteReport", description="Route rows and totals.")
class RouteReportType:
    """Rows per group and period unit, then one total per group."""

    first_day: dt.date
    last_day: dt.date
    grain: rules.Grain
    group_by: GroupBy
    rows: list[RouteRowType]
    totals: list[RouteRowType]

    @classmethod
    def from_domain(cls, report: RouteReport) -> RouteReportType:
        """Map a service report."""
        return cls(group_by=report.by, **period_report_fields(report, RouteRowType.from_domain))
