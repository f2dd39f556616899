"""Discipline measures on a day worked out by hand (see the numbers in each assertion)."""

from datetime import date

from gql.services.reports.rules import DwellBucket, PlannedStopFact, VisitFact, discipline

DAY = date(2026, 11, 2)
OTHER = date(2026, 11, 3)


def _visit(
    start_s: int,
    end_s: int | None,
    verdict: str,
    *,
    manager: int = 1,
    day: date = DAY,
    planned: bool = True,
    late: bool = False,
    dwell_s: int | None = None,
    outside: bool | None = False,
    flags: frozenset[str] = frozenset(),
) -> VisitFact:
    return VisitFact(manager, day, planned, verdict, late, start_s, end_s, dwell_s, outside, flags)


STOPS = [
    PlannedStopFact(1, DAY, 11, visited=True, verified=True),
    PlannedStopFact(1, DAY, 12, visited=True, verified=False),
    PlannedStopFact(1, DAY, 13, visited=False, verified=False),
    PlannedStopFact(1, OTHER, 14, visited=True, verified=True),
]
VISITS = [
    _visit(9 * 3600, 9 * 3600 + 600, "IN_PLACE", dwell_s=600),
    _visit(
        10 * 3600,
        10 * 3600 + 300,
        "INCONCLUSIVE",
        dwell_s=300,
        flags=frozenset({"POSSIBLE_SPOOFING"}),
    ),
    _visit(
        8 * 3600,
        8 * 3600 + 1200,
        "NOT_IN_PLACE",
        planned=False,
        late=True,
        dwell_s=1200,
        outside=True,
    ),
    _visit(11 * 3600, None, "PENDING", outside=None, flags=frozenset({"STALE_FIX"})),
    _visit(14 * 3600, 14 * 3600 + 90, "IN_PLACE", day=OTHER, dwell_s=90),
]


def test_coverage_counts_planned_stops() -> None:
    m = discipline(STOPS, VISITS)
    assert (m.planned_stops, m.visited_stops, m.verified_stops, m.missed_stops) == (4, 3, 2, 1)
    assert m.coverage_pct == 75.0
    assert m.verified_coverage_pct == 50.0
    assert m.manager_days == 2


def test_verdict_mix_is_over_all_visits_planned_or_not() -> None:
    m = discipline(STOPS, VISITS)
    assert m.visits == 5
    assert m.unplanned_visits == 1
    assert m.verdict_counts == {"IN_PLACE": 2, "INCONCLUSIVE": 1, "NOT_IN_PLACE": 1, "PENDING": 1}
    assert m.verdict_pct == {
        "IN_PLACE": 40.0,
        "INCONCLUSIVE": 20.0,
        "NOT_IN_PLACE": 20.0,
        "PENDING": 20.0,
    }
    assert m.late_uploads == 1
    assert (m.outside_hours, m.hours_unknown) == (1, 1)


def test_first_and_last_are_per_manager_day_then_median() -> None:
    # day 1: first 08:00, last end 11:00 (the open visit counts by its start)
    # day 2: first 14:00, last end 14:01:30
    m = discipline(STOPS, VISITS)
    assert m.first_start_earliest_s == 8 * 3600
    assert m.first_start_median_s == (8 * 3600 + 14 * 3600) / 2
    assert m.last_end_median_s == (11 * 3600 + 14 * 3600 + 90) / 2
    assert m.last_end_latest_s == 14 * 3600 + 90


def test_dwell_median_and_buckets_skip_visits_without_dwell() -> None:
    m = discipline(STOPS, VISITS)
    assert m.dwell_measured == 4
    assert m.dwell_median_s == (300 + 600) / 2  # 90, 300, 600, 1200
    assert m.dwell_buckets == (
        DwellBucket(0, 120, 1),
        DwellBucket(120, 300, 0),
        DwellBucket(300, 600, 1),
        DwellBucket(600, 1200, 1),
        DwellBucket(1200, 2400, 1),
        DwellBucket(2400, None, 0),
    )


def test_flags_are_counted_per_visit() -> None:
    m = discipline(STOPS, VISITS)
    assert (m.spoof_flagged, m.stale_flagged) == (1, 1)
    assert m.flag_counts == {"POSSIBLE_SPOOFING": 1, "STALE_FIX": 1}


def test_nothing_to_measure_gives_no_ratios() -> None:
    m = discipline([], [])
    assert m.coverage_pct is None
    assert m.verdict_pct["IN_PLACE"] is None
    assert m.dwell_median_s is None
    assert m.first_start_median_s is None
    assert m.manager_days == 0


def test_skipped_stops_are_counted_per_reason() -> None:
    """Three skips, two for the same reason: most frequent first, then by reason."""
    stops = [
        PlannedStopFact(1, DAY, 21, visited=False, verified=False, skip_reason="shop closed"),
        PlannedStopFact(1, DAY, 22, visited=False, verified=False, skip_reason="road works"),
        PlannedStopFact(1, DAY, 23, visited=False, verified=False, skip_reason="shop closed"),
        PlannedStopFact(1, DAY, 24, visited=True, verified=True),
    ]
    m = discipline(stops, [])
    assert m.skipped_stops == 3
    assert m.missed_stops == 3
    assert list(m.skip_reasons.items()) == [("shop closed", 2), ("road works", 1)]
