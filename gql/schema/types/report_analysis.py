"""Audit, workload and effect reports (R8.2-R8.4) as the analyst's screens read them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, TypeAlias

import strawberry

from gql.schema.types.enums import described_enum
from gql.schema.types.reports import ReportGroupType, period_report_fields, row_span
from gql.services.reports import rules
from gql.services.reports.effect_report import Claim

if TYPE_CHECKING:
    from gql.services.reports.audit_report import AuditReport, AuditRow
    from gql.services.reports.effect_report import EffectMeasure, EffectReport
    from gql.services.reports.workload_report import (
        WorkloadBalanceRow,
        WorkloadManagerRow,
        WorkloadReport,
    )

__all__ = ["AuditReportType", "EffectClaimEnum", "EffectReportType", "WorkloadReportType"]

described_enum(
    Claim,
    name="EffectClaim",
    description="The claim of the paper a measure bears on.",
    value_descriptions={
        Claim.STANDARDISED_WORK: "Standardised daily work: coverage of the plan, verified share.",
        Claim.SHORTER_ROUTES: "Shorter routes than the managers' own ordering.",
        Claim.BALANCED_WORKLOAD: "Balanced workload across managers (CV).",
    },
)
EffectClaimEnum: TypeAlias = Claim


@strawberry.type(name="AuditCount", description="A count of audit records and its share.")
class AuditCountType:
    """One answer's, verdict's, finding's or discrepancy's records."""

    key: str = strawberry.field(description="The answer, verdict, finding or discrepancy kind.")
    audits: int = strawberry.field(description="Audit records with it.")
    pct: float | None = strawberry.field(description="Share of the row's audits, %; null if none.")


def _counts(counts: dict[str, int], whole: int) -> list[AuditCountType]:
    return [
        AuditCountType(key=k, audits=n, pct=100.0 * n / whole if whole else None)
        for k, n in counts.items()
    ]


@strawberry.type(
    name="AuditReportRow", description="Audits of one group over one period (docs/reports.md)."
)
class AuditRowType:
    """Coverage, findings, discrepancies and agreement with the verified visits."""

    group: ReportGroupType
    first_day: dt.date
    last_day: dt.date
    audits: int = strawberry.field(description="Audit records made in the period.")
    audited_retailers: int = strawberry.field(description="Distinct retailers audited.")
    retailers: int = strawberry.field(description="Active retailers of the group's managers now.")
    retailer_coverage_pct: float | None = strawberry.field(
        description="audited retailers / retailers, %."
    )
    audited_managers: int = strawberry.field(description="Managers with an audited retailer.")
    managers: int = strawberry.field(description="Managers in the group.")
    manager_coverage_pct: float | None = strawberry.field(
        description="audited managers / managers, %."
    )
    answers: list[AuditCountType] = strawberry.field(
        description="The retailers' answers to 'did your manager visit?' (YES, NO, NOT_SURE)."
    )
    verdicts: list[AuditCountType] = strawberry.field(description="Cross-check verdicts.")
    findings: list[AuditCountType] = strawberry.field(
        description="Findings by kind; pct is the finding rate per audit."
    )
    discrepancies: int = strawberry.field(description="Records with a discrepancy to review.")
    discrepancy_pct: float | None = strawberry.field(description="discrepancies / audits, %.")
    discrepancy_kinds: list[AuditCountType] = strawberry.field(description="Discrepancies by kind.")
    kappa: float | None = strawberry.field(
        description="Cohen's κ between 'a verified visit before the audit' and 'the retailer "
        "says yes' (NOT_SURE left out); null when undefined."
    )
    kappa_pairs: int = strawberry.field(description="Records rated by both (YES or NO).")
    kappa_observed: float | None = strawberry.field(description="Observed agreement p_o.")
    kappa_expected: float | None = strawberry.field(description="Chance agreement p_e.")
    both_yes: int = strawberry.field(description="Verified visit, retailer says yes.")
    manager_only: int = strawberry.field(description="Verified visit, retailer says no.")
    retailer_only: int = strawberry.field(description="No verified visit, retailer says yes.")
    both_no: int = strawberry.field(description="No verified visit, retailer says no.")
    satisfaction_mean: float | None = strawberry.field(description="Mean satisfaction, 1-5.")

    @classmethod
    def from_domain(cls, row: AuditRow, period: rules.ReportPeriod) -> AuditRowType:
        """Map a service row."""
        m = row.measures
        span = row_span(row, period)
        a = m.agreement
        return cls(
            group=ReportGroupType.from_domain(row.group),
            first_day=span.first,
            last_day=span.last,
            audits=m.audits,
            audited_retailers=m.audited_retailers,
            retailers=m.retailers,
            retailer_coverage_pct=m.retailer_coverage_pct,
            audited_managers=m.audited_managers,
            managers=m.managers,
            manager_coverage_pct=m.manager_coverage_pct,
            answers=_counts(m.answer_counts, m.audits),
            verdicts=_counts(m.verdict_counts, m.audits),
            findings=_counts(m.finding_counts, m.audits),
            discrepancies=m.discrepancies,
            discrepancy_pct=m.discrepancy_pct,
            discrepancy_kinds=_counts(m.discrepancy_counts, m.audits),
            kappa=None if a is None else a.kappa,
            kappa_pairs=0 if a is None else a.n,
            kappa_observed=None if a is None else a.observed,
            kappa_expected=None if a is None else a.expected,
            both_yes=m.both_yes,
            manager_only=m.manager_only,
            retailer_only=m.retailer_only,
            both_no=m.both_no,
            satisfaction_mean=m.satisfaction_mean,
        )


@strawberry.type(name="AuditReport", description="Audit rows and totals.")
class AuditReportType:
    """Rows per group and period unit (empty units included), then one total per group."""

    first_day: dt.date
    last_day: dt.date
    grain: rules.Grain
    rows: list[AuditRowType]
    totals: list[AuditRowType]

    @classmethod
    def from_domain(cls, report: AuditReport) -> AuditReportType:
        """Map a service report."""
        return cls(**period_report_fields(report, AuditRowType.from_domain))


@strawberry.type(name="WorkloadManagerRow", description="One manager's workload over the period.")
class WorkloadManagerRowType:
    """Model hours, measured hours, retailers and volume."""

    manager: ReportGroupType
    department: ReportGroupType
    retailers: int = strawberry.field(
        description="Active retailers the manager had on the last day (assignment history)."
    )
    volume_cartons: float = strawberry.field(description="Their orders in the period, cartons.")
    model_hours_per_week: float = strawberry.field(
        description="The territory planner's workload model: cycle minutes / 60 / 4 weeks."
    )
    worked_days: int = strawberry.field(description="Days with a visit.")
    visits: int = strawberry.field(description="Visits in the period.")
    dwell_hours: float = strawberry.field(description="Σ measured dwell.")
    travel_hours: float = strawberry.field(
        description="Σ gaps between consecutive visits of a day (a gap over 2 h is a break)."
    )
    measured_hours: float = strawberry.field(description="dwell + travel hours.")
    measured_hours_per_day: float | None = strawberry.field(
        description="measured hours / worked days."
    )

    @classmethod
    def from_domain(cls, row: WorkloadManagerRow) -> WorkloadManagerRowType:
        """Map a service row."""
        x = row.load
        return cls(
            manager=ReportGroupType.from_domain(row.manager),
            department=ReportGroupType.from_domain(row.department),
            retailers=x.retailers,
            volume_cartons=x.volume_cartons,
            model_hours_per_week=x.model_hours_per_week,
            worked_days=x.worked_days,
            visits=x.visits,
            dwell_hours=x.dwell_hours,
            travel_hours=x.travel_hours,
            measured_hours=x.measured_hours,
            measured_hours_per_day=x.measured_hours_per_day,
        )


@strawberry.type(
    name="WorkloadBalanceRow",
    description="How evenly a department's (or all the report's) managers are loaded; "
    "CV = population standard deviation / mean.",
)
class WorkloadBalanceRowType:
    """Spread of model hours, measured hours per day, retailers and volume."""

    group: ReportGroupType
    managers: int
    retailers: int
    volume_cartons: float
    model_hours_mean: float | None
    model_hours_min: float | None
    model_hours_max: float | None
    model_hours_cv: float | None = strawberry.field(description="CV of model hours a week.")
    measured_hours_per_day_mean: float | None
    measured_hours_per_day_cv: float | None = strawberry.field(
        description="CV of measured hours per worked day (managers with a worked day)."
    )
    retailers_cv: float | None
    volume_cv: float | None

    @classmethod
    def from_domain(cls, row: WorkloadBalanceRow) -> WorkloadBalanceRowType:
        """Map a service row."""
        b = row.balance
        return cls(
            group=ReportGroupType.from_domain(row.group),
            managers=b.managers,
            retailers=b.retailers,
            volume_cartons=b.volume_cartons,
            model_hours_mean=b.model_hours_mean,
            model_hours_min=b.model_hours_min,
            model_hours_max=b.model_hours_max,
            model_hours_cv=b.model_hours_cv,
            measured_hours_per_day_mean=b.measured_hours_per_day_mean,
            measured_hours_per_day_cv=b.measured_hours_per_day_cv,
            retailers_cv=b.retailers_cv,
            volume_cv=b.volume_cv,
        )


@strawberry.type(name="WorkloadReport", description="Workload per manager and its balance.")
class WorkloadReportType:
    """Managers (whole period), then balance rows per department and overall (COMPANY)."""

    first_day: dt.date
    last_day: dt.date
    managers: list[WorkloadManagerRowType]
    balance: list[WorkloadBalanceRowType]

    @classmethod
    def from_domain(cls, report: WorkloadReport) -> WorkloadReportType:
        """Map a service report."""
        return cls(
            first_day=report.period.first,
            last_day=report.period.last,
            managers=[WorkloadManagerRowType.from_domain(r) for r in report.managers],
            balance=[WorkloadBalanceRowType.from_domain(r) for r in report.balance],
        )


@strawberry.type(name="EffectInterval", description="A 95 % percentile-bootstrap interval.")
class IntervalType:
    """Low and high ends."""

    low: float
    high: float


def _interval(interval: rules.Interval | None) -> IntervalType | None:
    return None if interval is None else IntervalType(low=interval.low, high=interval.high)


@strawberry.type(name="EffectPeriodSpan", description="Company days, both included.")
class PeriodSpanType:
    """A period."""

    first_day: dt.date
    last_day: dt.date


@strawberry.type(name="EffectMeasure", description="One measure before and after.")
class EffectMeasureType:
    """The values, the difference and the difference-in-differences, with intervals."""

    name: str = strawberry.field(description="The measure (docs/reports.md).")
    unit: str
    claim: Claim | None = strawberry.field(description="The paper's claim it bears on.")
    sampled: str = strawberry.field(description="What the bootstrap resamples.")
    before: float | None
    after: float | None
    before_ci: IntervalType | None
    after_ci: IntervalType | None
    difference: float | None = strawberry.field(description="after − before.")
    difference_ci: IntervalType | None
    units_before: int
    units_after: int
    comparison_before: float | None
    comparison_after: float | None
    did: float | None = strawberry.field(
        description="(after − before) − (comparison after − comparison before)."
    )
    did_ci: IntervalType | None

    @classmethod
    def from_domain(cls, measure: EffectMeasure) -> EffectMeasureType:
        """Map a service measure."""
        e = measure.effect
        return cls(
            name=measure.name,
            unit=measure.unit,
            claim=measure.claim,
            sampled=measure.sampled,
            before=e.before,
            after=e.after,
            before_ci=_interval(e.before_ci),
            after_ci=_interval(e.after_ci),
            difference=e.difference,
            difference_ci=_interval(e.difference_ci),
            units_before=e.units_before,
            units_after=e.units_after,
            comparison_before=e.comparison_before,
            comparison_after=e.comparison_after,
            did=e.did,
            did_ci=_interval(e.did_ci),
        )


@strawberry.type(name="EffectReport", description="What changed for a group between two periods.")
class EffectReportType:
    """The group, the comparison group, the bootstrap, and every measure."""

    before: PeriodSpanType
    after: PeriodSpanType
    group: ReportGroupType
    managers: int
    comparison: ReportGroupType | None
    comparison_managers: int
    resamples: int
    seed: int
    measures: list[EffectMeasureType]

    @classmethod
    def from_domain(cls, report: EffectReport) -> EffectReportType:
        """Map a service report."""
        return cls(
            before=PeriodSpanType(first_day=report.before.first, last_day=report.before.last),
            after=PeriodSpanType(first_day=report.after.first, last_day=report.after.last),
            group=ReportGroupType.from_domain(report.group),
            managers=report.managers,
            comparison=None
            if report.comparison is None
            else ReportGroupType.from_domain(report.comparison),
            comparison_managers=report.comparison_managers,
            resamples=report.resamples,
            seed=report.seed,
            measures=[EffectMeasureType.from_domain(m) for m in report.measures],
        )
