"""Turn the store's retailer facts into the planning core's :class:`RetailerSet`.

The planning core (:mod:`gql.services.territories.rules`) speaks in manager *indices* ``0..k-1``,
class grades 1 (best) to 5, planning business types and minutes; the store speaks in staff ids,
grades 1..30 (30 = largest purchases), domain business types and seconds. This module is the one
place that translates, so both sides stay in their own units.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from gql.services.territories.rules import NO_MANAGER, NO_ORDER_DAY, RetailerSet, WorkloadClass

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from gql.domain.territories import PlanningRetailer

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

__all__ = ["PLANNING_GRADE_BAND", "PlanningInputs", "planning_grade", "planning_inputs"]

PLANNING_GRADE_BAND = 6
"""Store grades per planning grade: 25-30 → 1 (weekly), …, 1-6 → 5 (monthly)."""

_BUSINESS_TYPE = {
    "ORDINARY": WorkloadClass.CONVENIENCE,  # the corner shop: same service time
    "CONVENIENCE": WorkloadClass.CONVENIENCE,
    "CHAIN_SUPERMARKET": WorkloadClass.SUPERMARKET_CHAIN,
    "HOTEL_ENTERTAINMENT": WorkloadClass.HOTEL_ENTERTAINMENT,
    "OTHER": WorkloadClass.OTHER,
}
_MAX_SERVICE_MIN = 240.0
_DEFAULT_OPEN_MIN, _DEFAULT_CLOSE_MIN = 8 * 60.0, 21 * 60.0
_DAYS = 7


def planning_grade(store_grade: int) -> int:
    """Map the store's class grade 1..30 (30 = largest) to the planning grade 1 (best)..5.

    Examples
    --------
    >>> [planning_grade(g) for g in (30, 25, 24, 13, 6, 1)]
    [1, 1, 2, 3, 5, 5]
    """
    return 5 - min(4, (max(1, store_grade) - 1) // PLANNING_GRADE_BAND)


@dataclass(frozen=True, slots=True, eq=False)
class PlanningInputs:
    """A district ready to plan: the retailer set and how its indices map back to ids.

    ``manager_ids[j]`` is the staff id of territory ``j``; ``previous_manager_ids[i]`` the
    stored manager of ``retailers.retailer_id[i]`` (``None`` if unassigned), kept so that
    applying can detect retailers that changed hands in between.
    """

    retailers: RetailerSet
    manager_ids: tuple[int, ...]
    previous_manager_ids: tuple[int | None, ...]


def planning_inputs(
    facts: Sequence[PlanningRetailer],
    manager_ids: Sequence[int],
    *,
    locked_ids: frozenset[int] = frozenset(),
    road_factors: Callable[[Sequence[str | None]], FloatArray] | None = None,
    with_windows: bool = True,
) -> PlanningInputs:
    """Build the :class:`RetailerSet` of ``facts`` for territories of ``manager_ids``.

    A retailer whose manager is not in ``manager_ids`` (inactive, or left out) starts
    unassigned. ``road_factors`` maps the retailers' area codes to their detour factors
    (:meth:`~gql.services.travel.RoutingSettings.point_factors`), so planning prices travel as
    day plans do; without it the planning policy's one factor holds everywhere. Validation of
    positions, grades and locks is the planning core's, whose
    :class:`~gql.services.territories.rules.PlanningError` says what to fix. ``with_windows``
    false leaves out the per-weekday windows (the workload estimate does not read them).
    """
    index = {m: j for j, m in enumerate(manager_ids)}
    retailers = RetailerSet(
        retailer_id=np.array([f.id for f in facts], dtype=np.int64),
        lat_deg=np.array([f.lat for f in facts], dtype=np.float64),
        lon_deg=np.array([f.lon for f in facts], dtype=np.float64),
        grade=np.array([planning_grade(f.grade) for f in facts], dtype=np.int64),
        business_type=np.array(
            [int(_BUSINESS_TYPE.get(f.business_type, WorkloadClass.OTHER)) for f in facts],
            dtype=np.int64,
        ),
        is_key=np.array([f.key_customer for f in facts], dtype=np.bool_),
        service_min=np.array(
            [min(_MAX_SERVICE_MIN, f.service_time_s / 60.0) for f in facts], dtype=np.float64
        ),
        order_weekday=np.array(
            [f.order_weekday if 0 <= f.order_weekday <= 4 else NO_ORDER_DAY for f in facts],
            dtype=np.int64,
        ),
        order_volume=np.array([f.volume_cartons for f in facts], dtype=np.float64),
        locked=np.array([f.id in locked_ids for f in facts], dtype=np.bool_),
        current_manager=np.array(
            [
                NO_MANAGER if f.manager_id is None else index.get(f.manager_id, NO_MANAGER)
                for f in facts
            ],
            dtype=np.int64,
        ),
        open_min=np.array(
            [_DEFAULT_OPEN_MIN if f.open_s is None else f.open_s / 60.0 for f in facts],
            dtype=np.float64,
        ),
        close_min=np.array(
            [_DEFAULT_CLOSE_MIN if f.close_s is None else f.close_s / 60.0 for f in facts],
            dtype=np.float64,
        ),
        **(_window_arrays(facts) if with_windows else {}),
        road_factor=None if road_factors is None else road_factors([f.area_code for f in facts]),
    )
    return PlanningInputs(
        retailers=retailers,
        manager_ids=tuple(manager_ids),
        previous_manager_ids=tuple(f.manager_id for f in facts),
    )


def _window_arrays(facts: Sequence[PlanningRetailer]) -> dict[str, IntArray]:
    """Every stored window per weekday, padded with -1, for the schedule to respect.

    A retailer without any stored window keeps ``open_s``-``close_s`` (default 08:00-21:00)
    every day; one with
    windows but none on a weekday is closed that day. Overlapping windows (an every-day window
    and a weekday one) are merged, so the planning core sees sorted, disjoint windows.
    """
    days: list[list[list[tuple[int, int]]]] = []
    for f in facts:
        if not f.windows:
            span = (
                int(_DEFAULT_OPEN_MIN * 60) if f.open_s is None else f.open_s,
                int(_DEFAULT_CLOSE_MIN * 60) if f.close_s is None else f.close_s,
            )
            days.append([[span] for _ in range(_DAYS)])
            continue
        days.append([_merged(f, d) for d in range(_DAYS)])
    width = max([1, *(len(day) for per in days for day in per)])
    opens = np.full((len(facts), _DAYS, width), -1, dtype=np.int64)
    closes = np.full((len(facts), _DAYS, width), -1, dtype=np.int64)
    for i, per in enumerate(days):
        for d, day in enumerate(per):
            for k, (a, b) in enumerate(day):
                opens[i, d, k], closes[i, d, k] = a, b
    return {"window_open_s": opens, "window_close_s": closes}


def _merged(fact: PlanningRetailer, weekday: int) -> list[tuple[int, int]]:
    spans = sorted(
        (w.open_s, w.close_s) for w in fact.windows if w.weekday is None or w.weekday == weekday
    )
    out: list[tuple[int, int]] = []
    for a, b in spans:
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out
