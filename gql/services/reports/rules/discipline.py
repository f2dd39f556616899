"""Visit discipline (R8.1): how much of the plan was visited, how well it was proven, and when.

Pure functions over plain facts; ``docs/reports.md`` defines each measure in words.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from datetime import date

__all__ = [
    "DWELL_EDGES_S",
    "VERDICTS",
    "DisciplineMeasures",
    "DwellBucket",
    "PlannedStopFact",
    "VisitFact",
    "discipline",
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


def discipline(
    stops: Sequence[PlannedStopFact],
    visits: Sequence[VisitFact],
    *,
    dwell_edges_s: Sequence[int] = DWELL_EDGES_S,
) -> DisciplineMeasures:
    """Measure one group's discipline over the given stops and visits."""
    planned = len(stops)
    visited = sum(1 for s in stops if s.visited)
    verified = sum(1 for s in stops if s.verified)
    verdicts = Counter(v.verdict for v in visits)
    counts = {k: verdicts.get(k, 0) for k in VERDICTS}
    first: dict[tuple[int, date], int] = {}
    last: dict[tuple[int, date], int] = {}
    for v in visits:
        key = (v.manager_id, v.day)
        first[key] = min(first.get(key, v.start_s), v.start_s)
        end = v.start_s if v.end_s is None else v.end_s
        last[key] = max(last.get(key, end), end)
    dwells = [v.dwell_s for v in visits if v.dwell_s is not None]
    reasons = Counter(s.skip_reason for s in stops if s.skip_reason is not None)
    flags: Counter[str] = Counter()
    for v in visits:
        flags.update(v.flags)
    days = {(s.manager_id, s.day) for s in stops} | set(first)
    return DisciplineMeasures(
        manager_days=len(days),
        planned_stops=planned,
        visited_stops=visited,
        verified_stops=verified,
        missed_stops=planned - visited,
        skipped_stops=sum(reasons.values()),
        skip_reasons=dict(sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
        coverage_pct=_pct(visited, planned),
        verified_coverage_pct=_pct(verified, planned),
        visits=len(visits),
        unplanned_visits=sum(1 for v in visits if not v.planned),
        verdict_counts=counts,
        verdict_pct={k: _pct(n, len(visits)) for k, n in counts.items()},
        late_uploads=sum(1 for v in visits if v.late_upload),
        outside_hours=sum(1 for v in visits if v.outside_hours),
        hours_unknown=sum(1 for v in visits if v.outside_hours is None),
        first_start_median_s=statistics.median(first.values()) if first else None,
        first_start_earliest_s=min(first.values()) if first else None,
        last_end_median_s=statistics.median(last.values()) if last else None,
        last_end_latest_s=max(last.values()) if last else None,
        dwell_median_s=statistics.median(dwells) if dwells else None,
        dwell_measured=len(dwells),
        dwell_buckets=dwell_buckets(dwells, dwell_edges_s),
        spoof_flagged=flags.get(SPOOF_FLAG, 0),
        stale_flagged=flags.get(STALE_FLAG, 0),
        flag_counts=dict(sorted(flags.items())),
    )
