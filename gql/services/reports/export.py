"""Report rows as flat records, and those records as CSV (one header, one line per row).

Percentages and kilometres are rounded for people (2 and 3 decimals); times of day are HH:MM.
Total rows carry ``total`` in ``row`` and the whole period's days.
"""

from __future__ import annotations

import csv
from typing import TYPE_CHECKING, Any

from gql.domain import hh_mm
from gql.services.reports import rules

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import TextIO

    from gql.services.reports.service import (
        DisciplineReport,
        DisciplineRow,
        ReportGroup,
        RouteReport,
        RouteRow,
    )

__all__ = ["discipline_records", "route_records", "write_csv"]


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


def write_csv(records: Sequence[dict[str, Any]], stream: TextIO) -> int:
    """Write ``records`` (same keys, in order) as CSV with a header; returns the rows written.

    ``None`` is written as an empty cell.
    """
    if not records:
        return 0
    writer = csv.DictWriter(stream, fieldnames=list(records[0]), lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({k: "" if v is None else v for k, v in record.items()})
    return len(records)
