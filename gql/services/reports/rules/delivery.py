"""Differentiated delivery (差异化配送, R6.3): whose opening hours miss the delivery window.

Orders are delivered the working day after the order day (Friday's on Monday). A delivery fits
a retailer when the district's delivery window overlaps one of its opening windows on that day
by at least ``min_overlap_s`` (the van must find the shop open). Zones (片区) where many shops
miss the window — night-time KTVs, shops that open late — may need a delivery time of their
own: for each zone the window of the same length that fits most of its shops is found on a
half-hour grid, and the zone is flagged when that window fits markedly more of them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

__all__ = [
    "DeliveryFact",
    "DeliveryFit",
    "ZoneDelivery",
    "delivery_day",
    "delivery_fit",
    "overlap_s",
]

STEP_S = 1_800
"""Candidate zone windows start on the half hour."""
EARLIEST_S, LATEST_S = 6 * 3_600, 24 * 3_600
"""Candidate zone windows lie between 06:00 and midnight."""
MIN_ZONE_RETAILERS = 5
"""Smaller zones are listed but never flagged (too few shops to justify a route)."""
MIN_GAIN = 0.2
"""A zone is flagged when its best window fits at least this share more of its shops."""


@dataclass(frozen=True, slots=True)
class DeliveryFact:
    """One ordering retailer: its zone, type and opening windows on its delivery day."""

    retailer_id: int
    zone: str
    business_type: str
    windows_s: tuple[tuple[int, int], ...]
    """(open, close) in seconds after midnight on the delivery day; empty: closed that day."""


@dataclass(frozen=True, slots=True)
class ZoneDelivery:
    """A zone's fit under the district window and under its own best window."""

    zone: str
    retailers: int
    fitting: int
    types: tuple[tuple[str, int], ...]
    """Business types by count, most first."""
    best_start_s: int
    best_fitting: int
    needs_own_window: bool


@dataclass(frozen=True, slots=True)
class DeliveryFit:
    """The district window's fit, the shops it misses, and each zone."""

    start_s: int
    end_s: int
    min_overlap_s: int
    retailers: int
    fitting: int
    missing: tuple[DeliveryFact, ...]
    zones: tuple[ZoneDelivery, ...]


def delivery_day(order_weekday: int) -> int:
    """The working day after ``order_weekday`` (0 = Monday … 4 = Friday → Monday)."""
    return (order_weekday + 1) % 5


def overlap_s(windows_s: tuple[tuple[int, int], ...], start_s: int, end_s: int) -> int:
    """Seconds of ``[start_s, end_s)`` in the longest opening window that overlaps it."""
    return max((max(0, min(close, end_s) - max(open_, start_s)) for open_, close in windows_s),
               default=0)  # fmt: skip


def _fits(fact: DeliveryFact, start_s: int, end_s: int, need_s: int) -> bool:
    return overlap_s(fact.windows_s, start_s, end_s) >= need_s


def delivery_fit(
    facts: list[DeliveryFact], start_s: int, end_s: int, min_overlap_s: int
) -> DeliveryFit:
    """How the window ``[start_s, end_s)`` fits every retailer and zone.

    Raises ``ValueError`` for a window that is empty, outside the day, or shorter than the
    overlap it asks for.
    """
    if not 0 <= start_s < end_s <= 24 * 3_600:
        raise ValueError("the delivery window must start before it ends, within one day")
    if not 0 < min_overlap_s <= end_s - start_s:
        raise ValueError("the overlap asked for must be positive and fit in the window")
    length = end_s - start_s
    starts = range(EARLIEST_S, LATEST_S - length + 1, STEP_S)
    missing = tuple(f for f in facts if not _fits(f, start_s, end_s, min_overlap_s))
    by_zone: dict[str, list[DeliveryFact]] = {}
    for f in facts:
        by_zone.setdefault(f.zone, []).append(f)
    zones = []
    for zone, members in sorted(by_zone.items()):
        fitting = sum(_fits(f, start_s, end_s, min_overlap_s) for f in members)
        best_start, best = start_s, fitting
        for s in starts:
            n = sum(_fits(f, s, s + length, min_overlap_s) for f in members)
            if n > best:
                best_start, best = s, n
        gain = (best - fitting) / len(members)
        zones.append(
            ZoneDelivery(
                zone=zone,
                retailers=len(members),
                fitting=fitting,
                types=tuple(Counter(f.business_type for f in members).most_common()),
                best_start_s=best_start,
                best_fitting=best,
                needs_own_window=len(members) >= MIN_ZONE_RETAILERS and gain >= MIN_GAIN,
            )
        )
    return DeliveryFit(
        start_s=start_s,
        end_s=end_s,
        min_overlap_s=min_overlap_s,
        retailers=len(facts),
        fitting=len(facts) - len(missing),
        missing=missing,
        zones=tuple(zones),
    )
