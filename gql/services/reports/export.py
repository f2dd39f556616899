"""Report rows as flat records, and those records as CSV or XLSX (one header, one line per row).

Percentages and kilometres are rounded for people (2 and 3 decimals); times of day are HH:MM.
Total rows carry ``total`` in ``row`` and the whole period's days.
"""

from __future__ import annotations

import csv
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook

from gql.domain import hh_mm
from gql.services.reports import rules

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path
    from typing import TextIO

    from gql.services.reports.area_report import AreaReport
    from gql.services.reports.audit_report import AuditReport, AuditRow
    from gql.services.reports.effect_report import EffectReport
    from gql.services.reports.service import (
        DisciplineReport,
        DisciplineRow,
        ReportGroup,
        RouteReport,
        RouteRow,
    )
    from gql.services.reports.workload_report import WorkloadReport

__all__ = [
    "BRAND_ROWS",
    "area_records",
    "audit_records",
    "delivery_records",
    "discipline_records",
    "effect_records",
    "effect_summary",
    "route_records",
    "workload_records",
    "write_csv",
    "write_xlsx",
    "write_xlsx_sheets",
]


def _r(value: float | None, places: int = 2) -> float | None:
    return None if value is None else round(value, places)


def _clock(seconds: float | None) -> str | None:
    return None if seconds is None else hh_mm(round(seconds))


def _head(
    group: ReportGroup, bucket: rules.Bucket | None, period: rules.ReportPeriod
) -> dict[str, Any]:
    span = bucket or rules.Bucket(period.first, period.last)
    return {
        "row": "total" if bucket is None else "period",
        "group_kind": group.kind.value,
        "group_code": group.code,
        "group_name": group.name,
        "period_first": span.first.isoformat(),
        "period_last": span.last.isoformat(),
    }


def _bucket_name(bucket: rules.DwellBucket) -> str:
    high = "plus" if bucket.high_s is None else f"{bucket.high_s}s"
    return f"dwell_{bucket.low_s}s_{high}"


def _discipline(row: DisciplineRow, period: rules.ReportPeriod) -> dict[str, Any]:
    m = row.measures
    record = _head(row.group, row.bucket, period)
    record.update(
        manager_days=m.manager_days,
        planned_stops=m.planned_stops,
        visited_stops=m.visited_stops,
        verified_stops=m.verified_stops,
        missed_stops=m.missed_stops,
        skipped_stops=m.skipped_stops,
        skip_reasons=";".join(f"{k}={n}" for k, n in m.skip_reasons.items()),
        coverage_pct=_r(m.coverage_pct),
        verified_coverage_pct=_r(m.verified_coverage_pct),
        visits=m.visits,
        unplanned_visits=m.unplanned_visits,
    )
    for verdict in rules.VERDICTS:
        record[verdict.lower()] = m.verdict_counts[verdict]
        record[f"{verdict.lower()}_pct"] = _r(m.verdict_pct[verdict])
    record.update(
        late_uploads=m.late_uploads,
        outside_hours=m.outside_hours,
        hours_unknown=m.hours_unknown,
        first_start_median=_clock(m.first_start_median_s),
        first_start_earliest=_clock(m.first_start_earliest_s),
        last_end_median=_clock(m.last_end_median_s),
        last_end_latest=_clock(m.last_end_latest_s),
        dwell_median_s=_r(m.dwell_median_s, 1),
        dwell_measured=m.dwell_measured,
    )
    record.update({_bucket_name(b): b.visits for b in m.dwell_buckets})
    record.update(
        spoof_flagged=m.spoof_flagged,
        stale_flagged=m.stale_flagged,
        flags=";".join(f"{k}={n}" for k, n in m.flag_counts.items()),
    )
    return record


def _route(row: RouteRow, period: rules.ReportPeriod) -> dict[str, Any]:
    m = row.measures
    record = _head(row.group, row.bucket, period)
    record.update(
        manager_days=m.manager_days,
        planned_days=m.planned_days,
        plan_km=_r(m.plan_km, 3),
        baseline_km=_r(m.baseline_km, 3),
        baseline_saving_pct=_r(m.baseline_saving_pct),
        compared_stops=m.compared_stops,
        planned_order_km=_r(m.planned_order_km, 3),
        own_order_km=_r(m.own_order_km, 3),
        saving_pct=_r(m.saving_pct),
        travelled_km=_r(m.travelled_km, 3),
        km_per_visit=_r(m.km_per_visit, 3),
        tau_mean=_r(m.tau_mean, 3),
        tau_days=m.tau_days,
        in_order_pct=_r(m.in_order_pct),
    )
    return record


def discipline_records(report: DisciplineReport) -> list[dict[str, Any]]:
    """Period rows, then totals, as flat records."""
    return [_discipline(r, report.period) for r in (*report.rows, *report.totals)]


def route_records(report: RouteReport) -> list[dict[str, Any]]:
    """Period rows, then totals, as flat records."""
    return [_route(r, report.period) for r in (*report.rows, *report.totals)]


def _audit(row: AuditRow, period: rules.ReportPeriod) -> dict[str, Any]:
    m = row.measures
    a = m.agreement
    record = _head(row.group, row.bucket, period)
    record.update(
        audits=m.audits,
        audited_retailers=m.audited_retailers,
        retailers=m.retailers,
        retailer_coverage_pct=_r(m.retailer_coverage_pct),
        audited_managers=m.audited_managers,
        managers=m.managers,
        manager_coverage_pct=_r(m.manager_coverage_pct),
    )
    record.update({f"answer_{k.lower()}": n for k, n in m.answer_counts.items()})
    record.update({f"verdict_{k.lower()}": n for k, n in m.verdict_counts.items()})
    for kind, n in m.finding_counts.items():
        record[kind.lower()] = n
        record[f"{kind.lower()}_pct"] = _r(m.finding_pct[kind])
    record.update(discrepancies=m.discrepancies, discrepancy_pct=_r(m.discrepancy_pct))
    record.update({k.lower(): n for k, n in m.discrepancy_counts.items()})
    record.update(
        kappa=None if a is None else _r(a.kappa, 3),
        kappa_pairs=0 if a is None else a.n,
        kappa_observed=None if a is None else _r(a.observed, 3),
        kappa_expected=None if a is None else _r(a.expected, 3),
        both_yes=m.both_yes,
        manager_only=m.manager_only,
        retailer_only=m.retailer_only,
        both_no=m.both_no,
        satisfaction_mean=_r(m.satisfaction_mean),
    )
    return record


_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _area(report: AreaReport, mix: rules.AreaMix, name: str) -> list[dict[str, Any]]:
    o, t = mix.opening, mix.test
    centre = report.centres.get(mix.area)
    head: dict[str, Any] = {
        "period_first": report.period.first.isoformat(),
        "period_last": report.period.last.isoformat(),
        "area_kind": report.kind.value,
        "area_key": mix.area,
        "area_name": name,
    }
    record = dict(head, row="area")
    record.update(
        centre_lat=None if centre is None else round(centre[0], 6),
        centre_lon=None if centre is None else round(centre[1], 6),
        retailers=mix.retailers,
        volume_cartons=_r(mix.sales),
        business_type=None,
        grade=None,
        **{f"orders_{d}": n for d, n in zip(_WEEKDAYS, mix.order_weekdays, strict=True)},
        with_hours=o.with_hours,
        open_before_9_share=_r(o.open_before_9, 4),
        open_after_21_share=_r(o.open_after_21, 4),
        past_midnight_share=_r(o.past_midnight, 4),
        midday_break_share=_r(o.midday_break, 4),
        mix_tested=t.tested,
        chi_square=_r(t.statistic, 4),
        dof=t.dof,
        p_value=None if t.p_value is None else float(f"{t.p_value:.4g}"),
        adjusted_p_value=None if t.adjusted_p is None else float(f"{t.adjusted_p:.4g}"),
        flagged=t.flagged,
        untested_reason=t.reason,
        **_brand_test(mix.brands.test),
    )
    cells = [
        dict(
            head,
            row="type_grade",
            retailers=c.retailers,
            volume_cartons=_r(c.sales),
            business_type=c.business_type,
            grade=c.grade,
        )
        for c in mix.by_type_grade
    ]
    return [record, *cells]


def _brand_test(t: rules.MixTest) -> dict[str, Any]:
    return {
        "brand_mix_tested": t.tested,
        "brand_chi_square": _r(t.statistic, 4),
        "brand_dof": t.dof,
        "brand_p_value": None if t.p_value is None else float(f"{t.p_value:.4g}"),
        "brand_adjusted_p_value": None if t.adjusted_p is None else float(f"{t.adjusted_p:.4g}"),
        "brand_flagged": t.flagged,
        "brand_untested_reason": t.reason,
    }


BRAND_ROWS = ("brand", "type_brand")
"""The ``row`` values of the brand-mix records (the XLSX puts them on their own sheet)."""


def _brands(report: AreaReport, mix: rules.AreaMix, name: str) -> list[dict[str, Any]]:
    head: dict[str, Any] = {
        "period_first": report.period.first.isoformat(),
        "period_last": report.period.last.isoformat(),
        "area_kind": report.kind.value,
        "area_key": mix.area,
        "area_name": name,
    }
    return [
        dict(
            head,
            row="brand" if c.business_type is None else "type_brand",
            business_type=c.business_type,
            brand=c.brand,
            brand_known=c.brand is not None,
            orders=c.orders,
            volume_cartons=_r(c.cartons),
            share=_r(c.share, 4),
            company_share=_r(c.company_share, 4),
            brand_flagged=mix.brands.test.flagged,
        )
        for c in (*mix.brands.by_brand, *mix.brands.by_type)
    ]


def area_records(report: AreaReport) -> list[dict[str, Any]]:
    """Per area one ``area`` record, then its ``type_grade`` records; the company last.

    Then the brand mix: per area (the company last) its ``brand`` records (every brand of the
    company, the unknown one last) and its ``type_brand`` records (per business type).
    """
    named = [(mix, report.names.get(mix.area, mix.area)) for mix in report.areas]
    if report.company is not None:
        named.append((report.company, "company"))
    out: list[dict[str, Any]] = []
    for mix, name in named:
        out += _area(report, mix, name)
    for mix, name in named:
        out += _brands(report, mix, name)
    return out


def audit_records(report: AuditReport) -> list[dict[str, Any]]:
    """Period rows, then totals, as flat records."""
    return [_audit(r, report.period) for r in (*report.rows, *report.totals)]


def workload_records(report: WorkloadReport) -> list[dict[str, Any]]:
    """One record per manager (``row`` = ``manager``), then per balance group (``balance``)."""
    p = report.period
    out: list[dict[str, Any]] = []
    for row in report.managers:
        x = row.load
        record = _head(row.manager, None, p)
        record.update(
            row="manager",
            department_code=row.department.code,
            retailers=x.retailers,
            volume_cartons=_r(x.volume_cartons, 1),
            model_hours_per_week=_r(x.model_hours_per_week),
            worked_days=x.worked_days,
            visits=x.visits,
            dwell_hours=_r(x.dwell_hours),
            travel_hours=_r(x.travel_hours),
            measured_hours=_r(x.measured_hours),
            measured_hours_per_day=_r(x.measured_hours_per_day),
        )
        out.append(record)
    for line in report.balance:
        b = line.balance
        record = _head(line.group, None, p)
        record.update(
            row="balance",
            managers=b.managers,
            retailers=b.retailers,
            volume_cartons=_r(b.volume_cartons, 1),
            model_hours_mean=_r(b.model_hours_mean),
            model_hours_min=_r(b.model_hours_min),
            model_hours_max=_r(b.model_hours_max),
            model_hours_cv=_r(b.model_hours_cv, 4),
            measured_hours_per_day_mean=_r(b.measured_hours_per_day_mean),
            measured_hours_per_day_cv=_r(b.measured_hours_per_day_cv, 4),
            retailers_cv=_r(b.retailers_cv, 4),
            volume_cv=_r(b.volume_cv, 4),
        )
        out.append(record)
    return out


def effect_records(report: EffectReport) -> list[dict[str, Any]]:
    """One record per measure: each period's value and interval, the difference, the DiD."""
    out: list[dict[str, Any]] = []
    for m in report.measures:
        e = m.effect
        record: dict[str, Any] = {
            "group_kind": report.group.kind.value,
            "group_code": report.group.code,
            "managers": report.managers,
            "comparison_code": None if report.comparison is None else report.comparison.code,
            "comparison_managers": report.comparison_managers,
            "before_first": report.before.first.isoformat(),
            "before_last": report.before.last.isoformat(),
            "after_first": report.after.first.isoformat(),
            "after_last": report.after.last.isoformat(),
            "measure": m.name,
            "unit": m.unit,
            "claim": None if m.claim is None else m.claim.value,
            "sampled": m.sampled,
            "units_before": e.units_before,
            "units_after": e.units_after,
        }
        for name, value, interval in (
            ("before", e.before, e.before_ci),
            ("after", e.after, e.after_ci),
            ("difference", e.difference, e.difference_ci),
        ):
            record[name] = _r(value, 4)
            record[f"{name}_low"] = None if interval is None else _r(interval.low, 4)
            record[f"{name}_high"] = None if interval is None else _r(interval.high, 4)
        record.update(
            comparison_before=_r(e.comparison_before, 4),
            comparison_after=_r(e.comparison_after, 4),
            did=_r(e.did, 4),
            did_low=None if e.did_ci is None else _r(e.did_ci.low, 4),
            did_high=None if e.did_ci is None else _r(e.did_ci.high, 4),
            resamples=report.resamples,
            seed=report.seed,
        )
        out.append(record)
    return out


_CLAIMS = {
    "STANDARDISED_WORK": "standardised daily work",
    "SHORTER_ROUTES": "shorter routes",
    "BALANCED_WORKLOAD": "balanced workload",
}


def _num(value: float | None) -> str:
    return "–" if value is None else f"{value:.4g}"


def _change(value: float | None, interval: rules.Interval | None) -> tuple[str, str]:
    """The change with its interval, and whether the interval leaves out zero."""
    if value is None:
        return "–", "not measurable"
    text = f"{value:+.4g}"
    if interval is None:
        return text, "not measurable"
    text += f" [{interval.low:+.4g}, {interval.high:+.4g}]"
    if interval.low > 0:
        return text, "up"
    if interval.high < 0:
        return text, "down"
    return text, "no clear change"


def effect_summary(reports: Sequence[EffectReport]) -> str:
    """One Markdown page per report: each measure before, after, the change and its verdict.

    A verdict is "up" or "down" when the 95 % interval of the change (of the DiD, with a
    comparison group) leaves out zero, else "no clear change".
    """
    pages: list[str] = []
    for report in reports:
        g = report.group
        lines = [
            f"# What changed: {g.code} {g.name} ({report.managers} managers)",
            "",
            f"Before {report.before.first} … {report.before.last}, after {report.after.first} … "
            f"{report.after.last}; 95 % percentile-bootstrap intervals, {report.resamples} "
            f"resamples, seed {report.seed}.",
        ]
        if report.comparison is not None:
            lines.append(
                f"Against {report.comparison.code} {report.comparison.name} "
                f"({report.comparison_managers} managers): the verdict is the DiD's."
            )
        lines += [
            "",
            "| measure | claim | before | after | change [95 % CI] | DiD [95 % CI] | verdict |",
            "|---|---|---|---|---|---|---|",
        ]
        for m in report.measures:
            e = m.effect
            change, verdict = _change(e.difference, e.difference_ci)
            did = "–"
            if report.comparison is not None:
                did, verdict = _change(e.did, e.did_ci)
            claim = "" if m.claim is None else _CLAIMS[m.claim.value]
            lines.append(
                f"| {m.name} ({m.unit}) | {claim} | {_num(e.before)} | {_num(e.after)} | "
                f"{change} | {did} | {verdict} |"
            )
        pages.append("\n".join(lines) + "\n")
    return "\n".join(pages)


def _columns(records: Sequence[dict[str, Any]]) -> list[str]:
    """Every key, in the order first seen (records of one report may differ, e.g. workload)."""
    seen: dict[str, None] = {}
    for record in records:
        seen.update(dict.fromkeys(record))
    return list(seen)


def write_csv(records: Sequence[dict[str, Any]], stream: TextIO) -> int:
    """Write ``records`` as CSV with a header of every key; returns the rows written.

    ``None`` (or a key a record lacks) is written as an empty cell.
    """
    if not records:
        return 0
    writer = csv.DictWriter(stream, fieldnames=_columns(records), lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({k: "" if v is None else v for k, v in record.items()})
    return len(records)


def write_xlsx(records: Sequence[dict[str, Any]], path: Path, *, sheet: str) -> int:
    """Write ``records`` to a one-sheet workbook at ``path`` (header row frozen); returns rows.

    Numbers stay numbers (a spreadsheet can sum them); ``None`` is an empty cell.
    """
    return write_xlsx_sheets({sheet: records}, path)


def write_xlsx_sheets(sheets: dict[str, Sequence[dict[str, Any]]], path: Path) -> int:
    """Write one sheet per entry (each with its own columns, header frozen); returns rows."""
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    for sheet, records in sheets.items():
        page = book.create_sheet(sheet[:31])
        columns = _columns(records)
        page.append(columns)
        for record in records:
            page.append([record.get(c) for c in columns])
        page.freeze_panes = "A2"
    book.save(path)
    return sum(len(records) for records in sheets.values())


def delivery_records(fit: rules.DeliveryFit) -> list[dict[str, Any]]:
    """One record per zone (``row`` = ``zone``), then one per missed retailer (``missed``)."""
    length = fit.end_s - fit.start_s
    window = f"{hh_mm(fit.start_s)}-{hh_mm(fit.end_s)}"
    out: list[dict[str, Any]] = [
        {
            "row": "zone",
            "window": window,
            "zone": z.zone,
            "retailers": z.retailers,
            "fitting": z.fitting,
            "best_window": f"{hh_mm(z.best_start_s)}-{hh_mm(z.best_start_s + length)}",
            "best_fitting": z.best_fitting,
            "needs_own_window": z.needs_own_window,
            "types": "; ".join(f"{t} {n}" for t, n in z.types),
            "retailer_id": None,
            "business_type": None,
            "open_on_delivery_day": None,
        }
        for z in fit.zones
    ]
    out += [
        {
            "row": "missed",
            "window": window,
            "zone": m.zone,
            "retailers": None,
            "fitting": None,
            "best_window": None,
            "best_fitting": None,
            "needs_own_window": None,
            "types": None,
            "retailer_id": m.retailer_id,
            "business_type": m.business_type,
            "open_on_delivery_day": "; ".join(f"{hh_mm(a)}-{hh_mm(b)}" for a, b in m.windows_s),
        }
        for m in fit.missing
    ]
    return out
