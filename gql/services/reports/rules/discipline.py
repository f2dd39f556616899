"""Visit discipline (R8.1): how much of the plan was visited, how well it was proven, and when.

Pure functions over plain facts; ``docs/reports.md`` defines each measure in words.
"""

from __future__ import annotations

import itertools
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from datetime import date

__all__ = [
    "DWELL_EDGES_S",
    "VERDICTS",
    "DisciplineDay",
    "DisciplineMeasures",
    "DisciplineMonth",
    "DwellBucket",
    "PlannedStopFact",
    "VisitFact",
    "discipline",
    "discipline_day",
    "discipline_month",
    "discipline_of_days",
    "dwell_buckets",
]

VERDICTS = ("IN_PLACE", "INCONCLUSIVE", "NOT_IN_PLACE", "PENDING")
"""Verdicts in report order; PENDING is a visit not yet ended (no final verdict)."""

DWELL_EDGES_S = (120, 300, 600, 1200, 2400)
"""Dwell bucket edges: < 2 min, 2-5, 5-10, 10-20, 20-40, >= 40 min (left-closed)."""

SPOOF_FLAG = "POSSIBLE_SPOOFING"
STALE_FLAG = "STALE_FIX"


@dataclass(frozen=True, slots=True)
class PlannedStopFact:
    """A stop of the plan a manager worked from that day, and what became of it."""

    manager_id: int
    day: date
    stop_id: int
    visited: bool
    """Some visit names this stop."""
    verified: bool
    """Some visit naming this stop was judged IN_PLACE."""
    skip_reason: str | None = None
    """The reason recorded when the manager (or their head) skipped the stop."""


@dataclass(frozen=True, slots=True)
class VisitFact:
    """One visit, reduced to what discipline measures need (times in company-local seconds)."""

    manager_id: int
    day: date
    planned: bool
    verdict: str
    late_upload: bool
    start_s: int
    end_s: int | None
    dwell_s: int | None
    outside_hours: bool | None
    """Started outside every opening window of that weekday; ``None``: no hours on record."""
    flags: frozenset[str] = field(default_factory=frozenset)
    """Plausibility flags of check-in, check-out and the record, plus STALE_FIX if any fix
    was stored stale."""


@dataclass(frozen=True, slots=True)
class DwellBucket:
    """Visits whose dwell lies in ``[low_s, high_s)``; ``high_s`` ``None`` is unbounded."""

    low_s: int
    high_s: int | None
    visits: int


@dataclass(frozen=True, slots=True)
class DisciplineMeasures:
    """Every discipline measure of one group and period (see docs/reports.md)."""

    manager_days: int
    planned_stops: int
    visited_stops: int
    verified_stops: int
    missed_stops: int
    skipped_stops: int
    skip_reasons: dict[str, int]
    """Skipped stops per recorded reason (most frequent first, then by reason)."""
    coverage_pct: float | None
    verified_coverage_pct: float | None
    visits: int
    unplanned_visits: int
    verdict_counts: dict[str, int]
    verdict_pct: dict[str, float | None]
    late_uploads: int
    outside_hours: int
    hours_unknown: int
    first_start_median_s: float | None
    first_start_earliest_s: int | None
    last_end_median_s: float | None
    last_end_latest_s: int | None
    dwell_median_s: float | None
    dwell_measured: int
    dwell_buckets: tuple[DwellBucket, ...]
    spoof_flagged: int
    stale_flagged: int
    flag_counts: dict[str, int]


def _pct(part: int, whole: int) -> float | None:
    return None if whole == 0 else 100.0 * part / whole


def dwell_buckets(
    dwells_s: Iterable[int], edges_s: Sequence[int] = DWELL_EDGES_S
) -> tuple[DwellBucket, ...]:
    """Count dwells per bucket between consecutive ``edges_s`` (plus the two open ends)."""
    bounds = [0, *edges_s]
    counts = [0] * len(bounds)
    for dwell in dwells_s:
        index = sum(1 for edge in edges_s if dwell >= edge)
        counts[index] += 1
    highs: list[int | None] = [*edges_s, None]
    return tuple(DwellBucket(lo, hi, n) for lo, hi, n in zip(bounds, highs, counts, strict=True))


@dataclass(frozen=True, slots=True)
class DisciplineDay:
    """One manager-day's discipline, reduced to what totals over many days need.

    Every measure of :func:`discipline` is a sum, a count or a median over these: the medians
    of first start and last end are over manager-days, the dwell median over the dwells kept
    here, so totals from stored days equal totals from the raw visits.
    """

    manager_id: int
    day: date
    planned: int
    visited: int
    verified: int
    skip_reasons: dict[str, int]
    verdicts: dict[str, int]
    visits: int
    unplanned: int
    late_uploads: int
    outside_hours: int
    hours_unknown: int
    first_start_s: int | None
    last_end_s: int | None
    dwells_s: tuple[int, ...]
    flags: dict[str, int]


def discipline_day(
    manager_id: int,
    day: date,
    stops: Sequence[PlannedStopFact],
    visits: Sequence[VisitFact],
) -> DisciplineDay:
    """Reduce one manager-day's stops and visits (all of ``manager_id`` on ``day``)."""
    reasons = Counter(s.skip_reason for s in stops if s.skip_reason is not None)
    flags: Counter[str] = Counter()
    for v in visits:
        flags.update(v.flags)
    return DisciplineDay(
        manager_id=manager_id,
        day=day,
        planned=len(stops),
        visited=sum(1 for s in stops if s.visited),
        verified=sum(1 for s in stops if s.verified),
        skip_reasons=dict(reasons),
        verdicts=dict(Counter(v.verdict for v in visits)),
        visits=len(visits),
        unplanned=sum(1 for v in visits if not v.planned),
        late_uploads=sum(1 for v in visits if v.late_upload),
        outside_hours=sum(1 for v in visits if v.outside_hours),
        hours_unknown=sum(1 for v in visits if v.outside_hours is None),
        first_start_s=min((v.start_s for v in visits), default=None),
        last_end_s=max((v.start_s if v.end_s is None else v.end_s for v in visits), default=None),
        dwells_s=tuple(v.dwell_s for v in visits if v.dwell_s is not None),
        flags=dict(flags),
    )


@dataclass(frozen=True, slots=True)
class DisciplineMonth:
    """A manager's days of one calendar month, totalled (``report_manager_months``).

    Counts are sums over the days; the first starts and last ends are kept one per day and the
    dwells one per visit, so medians over any set of months and days are exact.
    """

    manager_id: int
    month: date
    """The month's first day."""
    manager_days: int
    planned: int
    visited: int
    verified: int
    skip_reasons: dict[str, int]
    verdicts: dict[str, int]
    visits: int
    unplanned: int
    late_uploads: int
    outside_hours: int
    hours_unknown: int
    first_starts_s: Sequence[int]
    last_ends_s: Sequence[int]
    dwells_s: Sequence[int]
    flags: dict[str, int]


def discipline_month(
    manager_id: int, month: date, days: Sequence[DisciplineDay]
) -> DisciplineMonth:
    """Total a manager's days of ``month`` (any of their days; the caller picks the month's)."""
    reasons: Counter[str] = Counter()
    verdicts: Counter[str] = Counter()
    flags: Counter[str] = Counter()
    for d in days:
        reasons.update(d.skip_reasons)
        verdicts.update(d.verdicts)
        flags.update(d.flags)
    return DisciplineMonth(
        manager_id=manager_id,
        month=month,
        manager_days=sum(1 for d in days if d.planned > 0 or d.visits > 0),
        planned=sum(d.planned for d in days),
        visited=sum(d.visited for d in days),
        verified=sum(d.verified for d in days),
        skip_reasons=dict(reasons),
        verdicts=dict(verdicts),
        visits=sum(d.visits for d in days),
        unplanned=sum(d.unplanned for d in days),
        late_uploads=sum(d.late_uploads for d in days),
        outside_hours=sum(d.outside_hours for d in days),
        hours_unknown=sum(d.hours_unknown for d in days),
        first_starts_s=[d.first_start_s for d in days if d.first_start_s is not None],
        last_ends_s=[d.last_end_s for d in days if d.last_end_s is not None],
        dwells_s=[x for d in days for x in d.dwells_s],
        flags=dict(flags),
    )


def discipline(
    stops: Sequence[PlannedStopFact],
    visits: Sequence[VisitFact],
    *,
    dwell_edges_s: Sequence[int] = DWELL_EDGES_S,
) -> DisciplineMeasures:
    """Measure one group's discipline over the given stops and visits."""
    stops_of: dict[tuple[int, date], list[PlannedStopFact]] = defaultdict(list)
    visits_of: dict[tuple[int, date], list[VisitFact]] = defaultdict(list)
    for s in stops:
        stops_of[(s.manager_id, s.day)].append(s)
    for v in visits:
        visits_of[(v.manager_id, v.day)].append(v)
    days = [
        discipline_day(m, d, stops_of.get((m, d), []), visits_of.get((m, d), []))
        for m, d in sorted(set(stops_of) | set(visits_of))
    ]
    return discipline_of_days(days, dwell_edges_s=dwell_edges_s)


def _median(values: Sequence[int]) -> float | None:
    return statistics.median(values) if values else None


def discipline_of_days(
    days: Iterable[DisciplineDay],
    *,
    months: Iterable[DisciplineMonth] = (),
    dwell_edges_s: Sequence[int] = DWELL_EDGES_S,
) -> DisciplineMeasures:
    """Measure one group's discipline over its manager-days (the one place totals are made).

    ``months``: more of the group's days, totalled per manager-month (none of them in ``days``).
    """
    planned = visited = verified = visits = unplanned = late = outside = unknown = 0
    manager_days = 0
    reasons: Counter[str] = Counter()
    verdicts: Counter[str] = Counter()
    flags: Counter[str] = Counter()
    firsts: list[int] = []
    lasts: list[int] = []
    dwell_parts: list[Sequence[int]] = []
    for d in days:
        manager_days += int(d.planned > 0 or d.visits > 0)
        planned += d.planned
        visited += d.visited
        verified += d.verified
        visits += d.visits
        unplanned += d.unplanned
        late += d.late_uploads
        outside += d.outside_hours
        unknown += d.hours_unknown
        for counts, more in ((reasons, d.skip_reasons), (verdicts, d.verdicts), (flags, d.flags)):
            for key, n in more.items():  # Counter.update's checks cost more than the adding
                counts[key] += n
        if d.first_start_s is not None:
            firsts.append(d.first_start_s)
        if d.last_end_s is not None:
            lasts.append(d.last_end_s)
        if d.dwells_s:
            dwell_parts.append(d.dwells_s)
    for m in months:
        manager_days += m.manager_days
        planned += m.planned
        visited += m.visited
        verified += m.verified
        visits += m.visits
        unplanned += m.unplanned
        late += m.late_uploads
        outside += m.outside_hours
        unknown += m.hours_unknown
        for counts, more in ((reasons, m.skip_reasons), (verdicts, m.verdicts), (flags, m.flags)):
            for key, n in more.items():
                counts[key] += n
        firsts.extend(m.first_starts_s)
        lasts.extend(m.last_ends_s)
        if m.dwells_s:
            dwell_parts.append(m.dwells_s)
    dwells = np.fromiter(itertools.chain.from_iterable(dwell_parts), dtype=np.int64)
    verdict_counts = {k: verdicts.get(k, 0) for k in VERDICTS}
    return DisciplineMeasures(
        manager_days=manager_days,
        planned_stops=planned,
        visited_stops=visited,
        verified_stops=verified,
        missed_stops=planned - visited,
        skipped_stops=sum(reasons.values()),
        skip_reasons=dict(sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
        coverage_pct=_pct(visited, planned),
        verified_coverage_pct=_pct(verified, planned),
        visits=visits,
        unplanned_visits=unplanned,
        verdict_counts=verdict_counts,
        verdict_pct={k: _pct(n, visits) for k, n in verdict_counts.items()},
        late_uploads=late,
        outside_hours=outside,
        hours_unknown=unknown,
        first_start_median_s=_median(firsts),
        first_start_earliest_s=min(firsts) if firsts else None,
        last_end_median_s=_median(lasts),
        last_end_latest_s=max(lasts) if lasts else None,
        dwell_median_s=_array_median(dwells),
        dwell_measured=int(dwells.size),
        dwell_buckets=_buckets(dwells, dwell_edges_s),
        spoof_flagged=flags.get(SPOOF_FLAG, 0),
        stale_flagged=flags.get(STALE_FLAG, 0),
        flag_counts=dict(sorted(flags.items())),
    )


def _array_median(values: np.ndarray) -> float | None:
    """``statistics.median`` of an integer array (an int when the count is odd), by partition."""
    n = int(values.size)
    if n == 0:
        return None
    half = n // 2
    if n % 2:
        return int(np.partition(values, half)[half])
    parted = np.partition(values, [half - 1, half])
    return (int(parted[half - 1]) + int(parted[half])) / 2


def _buckets(dwells_s: np.ndarray, edges_s: Sequence[int]) -> tuple[DwellBucket, ...]:
    """:func:`dwell_buckets` of an array, vectorised (a company-year has a million dwells)."""
    index = np.searchsorted(np.asarray(edges_s, dtype=np.int64), dwells_s, side="right")
    counts = np.bincount(index, minlength=len(edges_s) + 1)
    bounds = [0, *edges_s]
    highs: list[int | None] = [*edges_s, None]
    return tuple(
        DwellBucket(lo, hi, int(n)) for lo, hi, n in zip(bounds, highs, counts, strict=True)
    )
