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

__all__ = [
    "NO_STAFF",
    "PLANNING_GRADE_BAND",
    "PlanningInputs",
    "RetailerColumns",
    "planning_grade",
    "planning_inputs",
    "planning_inputs_of_columns",
]

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
    return int(_planning_grades(np.array([store_grade], dtype=np.int64))[0])


def _planning_grades(store_grades: IntArray) -> IntArray:
    grades: IntArray = 5 - np.minimum(4, (np.maximum(1, store_grades) - 1) // PLANNING_GRADE_BAND)
    return grades


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


@dataclass(frozen=True, slots=True, eq=False)
class RetailerColumns:
    """The store's facts about many retailers, one array per fact (``PlanningRetailer``'s).

    ``manager_id`` is ``NO_STAFF`` (-1) for an unassigned retailer; ``open_s``/``close_s`` are
    NaN without a weekday window. A report reads 50,000 retailers this way without building an
    object per retailer.
    """

    id: IntArray
    lat: FloatArray
    lon: FloatArray
    grade: IntArray
    business_type: list[str]
    key_customer: npt.NDArray[np.bool_]
    service_time_s: FloatArray
    order_weekday: IntArray
    manager_id: IntArray
    open_s: FloatArray
    close_s: FloatArray
    volume_cartons: FloatArray
    area_code: list[str | None]

    @property
    def n(self) -> int:
        """How many retailers."""
        return len(self.id)

    @classmethod
    def of(cls, facts: Sequence[PlanningRetailer]) -> RetailerColumns:
        """The columns of ``facts``."""
        return cls(
            id=np.array([f.id for f in facts], dtype=np.int64),
            lat=np.array([f.lat for f in facts], dtype=np.float64),
            lon=np.array([f.lon for f in facts], dtype=np.float64),
            grade=np.array([f.grade for f in facts], dtype=np.int64),
            business_type=[f.business_type for f in facts],
            key_customer=np.array([f.key_customer for f in facts], dtype=np.bool_),
            service_time_s=np.array([f.service_time_s for f in facts], dtype=np.float64),
            order_weekday=np.array([f.order_weekday for f in facts], dtype=np.int64),
            manager_id=np.array(
                [NO_STAFF if f.manager_id is None else f.manager_id for f in facts],
                dtype=np.int64,
            ),
            open_s=np.array([np.nan if f.open_s is None else f.open_s for f in facts]),
            close_s=np.array([np.nan if f.close_s is None else f.close_s for f in facts]),
            volume_cartons=np.array([f.volume_cartons for f in facts], dtype=np.float64),
            area_code=[f.area_code for f in facts],
        )

    def take(self, index: IntArray | npt.NDArray[np.bool_]) -> RetailerColumns:
        """The retailers at ``index`` (positions or a mask), in that order."""
        at = np.flatnonzero(index) if index.dtype == np.bool_ else index
        return RetailerColumns(
            id=self.id[at],
            lat=self.lat[at],
            lon=self.lon[at],
            grade=self.grade[at],
            business_type=[self.business_type[i] for i in at],
            key_customer=self.key_customer[at],
            service_time_s=self.service_time_s[at],
            order_weekday=self.order_weekday[at],
            manager_id=self.manager_id[at],
            open_s=self.open_s[at],
            close_s=self.close_s[at],
            volume_cartons=self.volume_cartons[at],
            area_code=[self.area_code[i] for i in at],
        )


NO_STAFF = -1
"""``RetailerColumns.manager_id`` of a retailer without a manager."""


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
    return planning_inputs_of_columns(
        RetailerColumns.of(facts),
        manager_ids,
        locked_ids=locked_ids,
        road_factors=road_factors,
        windows=_window_arrays(facts) if with_windows else None,
    )


def planning_inputs_of_columns(
    columns: RetailerColumns,
    manager_ids: Sequence[int],
    *,
    locked_ids: frozenset[int] = frozenset(),
    road_factors: Callable[[Sequence[str | None]], FloatArray] | None = None,
    windows: dict[str, IntArray] | None = None,
) -> PlanningInputs:
    """:func:`planning_inputs` of retailers read as columns (``windows``: per-weekday arrays).

    Without per-retailer Python: a report estimates 50,000 retailers' workload twice a call.
    """
    retailers = RetailerSet(
        retailer_id=columns.id,
        lat_deg=columns.lat,
        lon_deg=columns.lon,
        grade=_planning_grades(columns.grade),
        business_type=_workload_classes(columns.business_type),
        is_key=columns.key_customer,
        service_min=np.minimum(_MAX_SERVICE_MIN, columns.service_time_s / 60.0),
        order_weekday=np.where(
            (columns.order_weekday >= 0) & (columns.order_weekday <= 4),
            columns.order_weekday,
            NO_ORDER_DAY,
        ).astype(np.int64),
        order_volume=columns.volume_cartons,
        locked=np.isin(columns.id, np.fromiter(locked_ids, dtype=np.int64)),
        current_manager=_manager_indices(columns.manager_id, manager_ids),
        open_min=np.where(np.isnan(columns.open_s), _DEFAULT_OPEN_MIN, columns.open_s / 60.0),
        close_min=np.where(np.isnan(columns.close_s), _DEFAULT_CLOSE_MIN, columns.close_s / 60.0),
        **(windows or {}),
        road_factor=None if road_factors is None else road_factors(columns.area_code),
    )
    return PlanningInputs(
        retailers=retailers,
        manager_ids=tuple(manager_ids),
        previous_manager_ids=_staff_or_none(columns.manager_id),
    )


def _staff_or_none(manager_id: IntArray) -> tuple[int | None, ...]:
    """Staff ids as a tuple, ``None`` for ``NO_STAFF`` (checked per retailer only if any)."""
    ids: list[int | None] = list(manager_id.tolist())
    if (manager_id == NO_STAFF).any():
        ids = [None if m == NO_STAFF else m for m in ids]
    return tuple(ids)


def _workload_classes(business_types: Sequence[str]) -> IntArray:
    """The planning core's business type of each retailer (unknown types: OTHER)."""
    if not len(business_types):
        return np.zeros(0, dtype=np.int64)
    kinds, at = np.unique(np.asarray(business_types, dtype=object).astype(str), return_inverse=True)
    classes = np.array(
        [int(_BUSINESS_TYPE.get(str(k), WorkloadClass.OTHER)) for k in kinds], dtype=np.int64
    )
    return classes[at.reshape(-1)]


def _manager_indices(manager_id: IntArray, manager_ids: Sequence[int]) -> IntArray:
    """Each retailer's manager as an index into ``manager_ids`` (``NO_MANAGER``: not there).

    A staff id listed twice maps to its last position, as a dict of the list would.
    """
    staff = np.asarray(manager_ids, dtype=np.int64)
    out = np.full(len(manager_id), NO_MANAGER, dtype=np.int64)
    if not len(staff) or not len(manager_id):
        return out
    order = np.argsort(staff, kind="stable")
    ordered = staff[order]
    last = np.searchsorted(ordered, manager_id, side="right") - 1  # the last of equal ids
    found = (last >= 0) & (ordered[np.maximum(last, 0)] == manager_id)
    out[found] = order[last[found]]
    return out


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
