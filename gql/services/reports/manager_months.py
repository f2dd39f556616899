"""Manager-months: a manager's stored days of one calendar month, totalled once.

A company-year is 50,000 manager-days but 2,400 manager-months. Every report total is a sum, a
count, a median or a mean over days, so a month keeps the sums and counts, plus what the
medians and means need one per day or per visit (first starts, last ends, dwells, τ), plus each
day's effect units (the bootstrap resamples days). Totals over months and days are therefore
exactly the totals over the days alone (``tests/gql/services/reports/test_manager_months.py``).
The months are stored in ``report_manager_months`` and rebuilt from the stored days by every
refresh that touches one of their days; a month with a stale day is read as its days. The
effect units are stored apart from the JSON, as packed float64 (:func:`units_to_bytes`): the
effect report reads them as one array, and the other reports do not decode them at all.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import fields
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from gql.services.calendar import month_end
from gql.services.reports import rules
from gql.services.reports.effect_report import DayFacts

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from gql.services.reports.manager_days import ManagerDay

__all__ = [
    "ManagerMonth",
    "day_facts",
    "day_units_of_bytes",
    "from_json",
    "full_months",
    "month_end",
    "month_of",
    "months_of",
    "to_json",
    "unit_bytes",
    "unit_of_day",
    "units_of_bytes",
    "units_to_bytes",
    "work_of_day",
]

MONTH_FACTS_VERSION = 2
"""First element of the stored array; a change of the layout needs a full refresh."""

_DISCIPLINE = tuple(f.name for f in fields(rules.DisciplineMonth))[2:]
_ROUTE = tuple(f.name for f in fields(rules.RouteMonth))[2:]
_D0 = 1
_R0 = _D0 + len(_DISCIPLINE)
_W0 = _R0 + len(_ROUTE)
_LENGTH = _W0 + 4
"""Version, discipline, route, the four work sums (the units are stored apart)."""
UNIT_WIDTH = 1 + len(fields(DayFacts)) - 1
"""Values per stored day unit: the day of the month, then the :class:`DayFacts` after the
manager id."""
_UNIT_DTYPE = np.dtype("<f8")
FloatArray = npt.NDArray[np.float64]


def units_to_bytes(rows: Sequence[Sequence[Any]]) -> bytes:
    """Day units (day of the month, then the facts) packed as little-endian float64.

    ``report_manager_months.units``; ``None`` becomes NaN. Every value is a whole number below
    2**53, so the floats hold them exactly.
    """
    table = np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=_UNIT_DTYPE)
    return table.reshape(len(rows), UNIT_WIDTH).tobytes()


def unit_bytes(d: ManagerDay) -> bytes:
    """A manager-day's effect unit packed as ``report_manager_days.unit``.

    :func:`unit_of_day` as little-endian float64 (``None`` as NaN), without the day.
    """
    values = [np.nan if v is None else v for v in unit_of_day(d)]
    return np.array(values, dtype=_UNIT_DTYPE).tobytes()


def day_units_of_bytes(stored: Sequence[bytes]) -> FloatArray:
    """Stored day units (:func:`unit_bytes`) as one ``(days, UNIT_WIDTH - 1)`` array."""
    data = b"".join(stored)
    if len(data) % ((UNIT_WIDTH - 1) * 8):
        raise ValueError("stored report day units of another layout: run a full refresh")
    table = np.frombuffer(data, dtype=_UNIT_DTYPE).astype(np.float64)
    return table.reshape(-1, UNIT_WIDTH - 1)


def units_of_bytes(data: bytes | None) -> FloatArray:
    """The stored day units as a ``(days, UNIT_WIDTH)`` array.

    The inverse of :func:`units_to_bytes`.
    """
    if not data:
        return np.zeros((0, UNIT_WIDTH), dtype=np.float64)
    if len(data) % (UNIT_WIDTH * 8):
        raise ValueError("stored report month units of another layout: run a full refresh")
    return np.frombuffer(data, dtype=_UNIT_DTYPE).astype(np.float64).reshape(-1, UNIT_WIDTH)


def full_months(period: rules.ReportPeriod) -> list[date]:
    """First days of the calendar months lying wholly inside ``period``."""
    month = period.first if period.first.day == 1 else month_end(period.first) + timedelta(days=1)
    out = []
    while month_end(month) <= period.last:
        out.append(month)
        month = month_end(month) + timedelta(days=1)
    return out


def day_facts(d: ManagerDay) -> DayFacts:
    """A manager-day as the effect report's unit."""
    day, route = d.discipline, d.route
    return DayFacts(
        manager_id=day.manager_id,
        planned_stops=day.planned,
        visited_stops=day.visited,
        visits=day.visits,
        in_place=day.verdicts.get("IN_PLACE", 0),
        dwell_s=sum(day.dwells_s),
        dwell_measured=len(day.dwells_s),
        travel_s=d.travel_s,
        travelled_m=route.travelled_m,
        travelled_points=route.travelled_points,
        own_order_m=route.own_order_m,
        planned_order_m=route.planned_order_m,
        plan_m=route.plan_m,
        baseline_m=route.baseline_m,
    )


def unit_of_day(d: ManagerDay) -> list[Any]:
    """A manager-day's effect unit as values in :class:`DayFacts` order, without the manager.

    What a month stores per day (after the day of the month) and what the effect report's
    table holds per row (after the manager id); the same values as :func:`day_facts`.
    """
    stored = d.effect_unit()
    if stored is not None:
        return stored
    day, route = d.discipline, d.route
    return [
        day.planned,
        day.visited,
        day.visits,
        day.verdicts.get("IN_PLACE", 0),
        sum(day.dwells_s),
        len(day.dwells_s),
        d.travel_s,
        route.travelled_m,
        route.travelled_points,
        route.own_order_m,
        route.planned_order_m,
        route.plan_m,
        route.baseline_m,
    ]


def work_of_day(d: ManagerDay) -> tuple[int, int, int, int, int]:
    """(manager id, worked days, visits, dwell s, travel s): a day worked if it has a visit."""
    day = d.discipline
    if day.visits == 0:
        return (day.manager_id, 0, 0, 0, 0)
    return (day.manager_id, 1, day.visits, sum(day.dwells_s), d.travel_s)


class ManagerMonth:
    """A manager's days of one month, totalled: discipline, routes, work and effect units."""

    __slots__ = ("discipline", "route", "unit_rows", "work")

    def __init__(
        self,
        discipline: rules.DisciplineMonth,
        route: rules.RouteMonth,
        work: tuple[int, int, int, int, int],
        units: Sequence[Sequence[Any]],
    ) -> None:
        self.discipline = discipline
        self.route = route
        self.work = work
        """As :func:`work_of_day`, summed over the month's days."""
        self.unit_rows = units
        """Each day's effect unit as stored: day of the month, then the :class:`DayFacts`."""

    @property
    def key(self) -> tuple[int, date]:
        """(manager id, the month's first day)."""
        return (self.discipline.manager_id, self.discipline.month)

    def units(self) -> list[tuple[date, DayFacts]]:
        """Each day's effect unit, by day."""
        m, month = self.key
        return [(month.replace(day=u[0]), DayFacts(m, *u[1:])) for u in self.unit_rows]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ManagerMonth):
            return NotImplemented
        return (to_json(self), units_to_bytes(self.unit_rows)) == (
            to_json(other),
            units_to_bytes(other.unit_rows),
        )

    def __hash__(self) -> int:
        return hash(self.key)

    def __repr__(self) -> str:
        return f"ManagerMonth({self.discipline!r}, {self.route!r}, {self.work!r})"


def month_of(manager_id: int, month: date, days: Sequence[ManagerDay]) -> ManagerMonth:
    """Total a manager's days of ``month`` (by day)."""
    ordered = sorted(days, key=lambda d: d.key)
    work = [work_of_day(d) for d in ordered]
    return ManagerMonth(
        rules.discipline_month(manager_id, month, [d.discipline for d in ordered]),
        rules.route_month(manager_id, month, [d.route for d in ordered]),
        (
            manager_id,
            sum(w[1] for w in work),
            sum(w[2] for w in work),
            sum(w[3] for w in work),
            sum(w[4] for w in work),
        ),
        [[d.key[1].day, *unit_of_day(d)] for d in ordered],
    )


def months_of(days: Iterable[ManagerDay]) -> list[ManagerMonth]:
    """Total days per manager and calendar month (manager-months without days: none)."""
    grouped: dict[tuple[int, date], list[ManagerDay]] = defaultdict(list)
    for d in days:
        manager_id, day = d.key
        grouped[(manager_id, day.replace(day=1))].append(d)
    return [month_of(m, month, grouped[(m, month)]) for m, month in sorted(grouped)]


def to_json(month: ManagerMonth) -> list[Any]:
    """The stored form (``report_manager_months.facts``): a flat array, without the units.

    Those are stored apart, as :func:`units_to_bytes` of ``month.unit_rows``.
    """
    return [
        MONTH_FACTS_VERSION,
        *(_plain(getattr(month.discipline, name)) for name in _DISCIPLINE),
        *(_plain(getattr(month.route, name)) for name in _ROUTE),
        *month.work[1:],
    ]


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def from_json(
    manager_id: int, month: date, f: list[Any], units: bytes | None = None
) -> ManagerMonth:
    """A stored manager-month read back (the inverse of :func:`to_json`).

    ``units``: its stored units (:func:`units_to_bytes`); without them the month has none
    (discipline, routes and workload do not read them).
    """
    if len(f) != _LENGTH or f[0] != MONTH_FACTS_VERSION:
        raise ValueError("stored report months of another version: run a full refresh")
    rows = [
        [None if np.isnan(v) else int(v) for v in row] for row in units_of_bytes(units).tolist()
    ]
    return ManagerMonth(
        rules.DisciplineMonth(manager_id, month, *f[_D0:_R0]),
        rules.RouteMonth(manager_id, month, *f[_R0:_W0]),
        (manager_id, f[_W0], f[_W0 + 1], f[_W0 + 2], f[_W0 + 3]),
        rows,
    )
