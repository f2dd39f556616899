"""Customer types by area (R6.3): the scope's retailers cut by district, territory, code or grid.

A retailer belongs to the manager it had on the period's last day (the assignment history, as
in the workload report); its sales are its order volume (cartons) over the period, also by
brand (the brand mix, :mod:`rules.brands`). Areas:

- ``DISTRICT``: the manager's department (a department is a district);
- ``TERRITORY``: the manager (one manager's retailers are one territory);
- ``AREA_CODE``: the retailer's own area code;
- ``GRID``: a cell of a ``cell_m`` grid (:func:`rules.grid_cell`).
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gql.services.reports import rules

if TYPE_CHECKING:
    from datetime import date

    from gql.domain import Retailer
    from gql.domain.territories import PlanningRetailer
    from gql.store.repositories.sales import BrandVolume

__all__ = ["AreaKind", "AreaReport", "AreaRequest", "area_facts", "typical_day"]


class AreaKind(enum.StrEnum):
    """How retailers are cut into areas."""

    DISTRICT = "DISTRICT"
    TERRITORY = "TERRITORY"
    AREA_CODE = "AREA_CODE"
    GRID = "GRID"


@dataclass(frozen=True, slots=True)
class AreaRequest:
    """Whose retailers, which period (for sales), cut how, tested how."""

    first: date
    last: date
    kind: AreaKind = AreaKind.DISTRICT
    cell_m: float = 1000.0
    manager_id: int | None = None
    department_id: int | None = None
    alpha: float = rules.DEFAULT_ALPHA


@dataclass(frozen=True, slots=True)
class AreaReport:
    """One row per area (sorted by area key); ``company`` is the whole scope as one area."""

    period: rules.ReportPeriod
    kind: AreaKind
    cell_m: float | None
    alpha: float
    tested: int
    areas: tuple[rules.AreaMix, ...]
    brand_tested: int
    names: dict[str, str]
    centres: dict[str, tuple[float, float]]
    company: rules.AreaMix | None


def typical_day(retailer: Retailer) -> tuple[tuple[int, int], ...]:
    """The windows of the retailer's busiest weekday (every-day windows count on all days)."""
    every = [(w.open_s, w.close_s) for w in retailer.opening_windows if w.weekday is None]
    per_day = Counter(w.weekday for w in retailer.opening_windows if w.weekday is not None)
    if not per_day:
        return tuple(sorted(every))
    day = min(per_day, key=lambda d: (-per_day[d], d))
    own = [(w.open_s, w.close_s) for w in retailer.opening_windows if w.weekday == day]
    return tuple(sorted(every + own))


def area_facts(
    facts: list[PlanningRetailer],
    retailers: dict[int, Retailer],
    key_of: dict[int, str],
    request: AreaRequest,
    brands: dict[int, list[BrandVolume]],
) -> tuple[list[rules.AreaRetailer], dict[str, tuple[float, float]]]:
    """The rules' input: each assigned retailer with its area key, and the grid's cell centres.

    A retailer's sales by brand come from ``brands`` (none: no orders in the period).
    """
    rows = []
    centres: dict[str, tuple[float, float]] = {}
    for f in facts:
        r = retailers.get(f.id)
        if r is None or f.manager_id is None:
            continue
        if request.kind is AreaKind.GRID:
            cell = rules.grid_cell(f.lat, f.lon, request.cell_m)
            area = cell.key
            centres[area] = (cell.lat, cell.lon)
        elif request.kind is AreaKind.AREA_CODE:
            area = r.area_code or "-"
        else:
            area = key_of[f.manager_id]
        rows.append(
            rules.AreaRetailer(
                area=area,
                business_type=str(f.business_type),
                grade=f.grade,
                order_weekday=f.order_weekday,
                windows=typical_day(r),
                sales=float(f.volume_cartons),
                brands=tuple(
                    rules.BrandSales(b.brand, b.orders, float(b.volume_cartons))
                    for b in brands.get(f.id, ())
                ),
            )
        )
    return rows, centres
