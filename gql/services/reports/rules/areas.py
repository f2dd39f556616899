"""Customer types by area (R6.3): who the retailers of an area are, and whether the mix is odd.

Per area: retailers and sales by business type and grade, the order-weekday pattern, an
opening-hour profile, and a chi-square goodness-of-fit test of the area's business-type counts
against the company's proportions (the company is every retailer passed in, i.e. the scope).

The test is run only where every expected count is at least ``min_expected`` (Cochran's rule);
p-values are Bonferroni-adjusted over the areas actually tested, and an area is flagged when the
adjusted p-value is below ``alpha``.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gql.services.reports.rules.brands import BrandMix, BrandSales, brand_mix_by_area
from gql.services.reports.rules.chi_square import (
    DEFAULT_MIN_EXPECTED,
    MixTest,
    bonferroni,
    mix_test,
)
from gql.services.reports.rules.errors import ReportRuleError

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "DEFAULT_ALPHA",
    "DEFAULT_MIN_EXPECTED",
    "MAX_CELL_M",
    "MIN_CELL_M",
    "AreaMix",
    "AreaRetailer",
    "GridCell",
    "MixTest",
    "OpeningProfile",
    "TypeGradeCell",
    "customer_types_by_area",
    "grid_cell",
    "mix_test",
    "opening_profile",
]

DEFAULT_ALPHA = 0.05
DAY_S = 86_400
EARLY_S = 9 * 3600
LATE_S = 21 * 3600
MIN_CELL_M = 50.0
MAX_CELL_M = 20_000.0
_M_PER_DEG_LAT = 110_574.0
_M_PER_DEG_LON_EQUATOR = 111_320.0


@dataclass(frozen=True, slots=True)
class GridCell:
    """One cell of the report grid: its stable name and its centre (WGS-84).

    Rows are ``cell_m`` apart from the equator, columns ``cell_m`` apart along the row's centre
    parallel, so a cell's name does not depend on what else is in the report.
    """

    key: str
    lat: float
    lon: float


def grid_cell(lat: float, lon: float, cell_m: float) -> GridCell:
    """The cell of a ``cell_m`` grid that holds the point, named ``r<row>c<col>``, with its centre.

    >>> c = grid_cell(0.0001, 0.0001, 1000.0)
    >>> c.key, round(c.lat, 6), round(c.lon, 6)
    ('r0c0', 0.004522, 0.004492)
    """
    if not MIN_CELL_M <= cell_m <= MAX_CELL_M:
        raise ReportRuleError(
            f"the cell size must be {MIN_CELL_M:g}..{MAX_CELL_M:g} m, got {cell_m:g}",
            field="cell_m",
        )
    row = math.floor(lat * _M_PER_DEG_LAT / cell_m)
    centre_lat = (row + 0.5) * cell_m / _M_PER_DEG_LAT
    m_per_deg_lon = _M_PER_DEG_LON_EQUATOR * math.cos(math.radians(centre_lat))
    col = math.floor(lon * m_per_deg_lon / cell_m)
    return GridCell(f"r{row}c{col}", centre_lat, (col + 0.5) * cell_m / m_per_deg_lon)


@dataclass(frozen=True, slots=True)
class AreaRetailer:
    """One retailer as the report sees it.

    ``windows`` are ``(open_s, close_s)`` seconds after midnight, any weekday; a ``close_s``
    past 86 400 or below ``open_s`` runs past midnight. ``sales`` is the period's sales.
    """

    area: str
    business_type: str
    grade: int
    order_weekday: int
    windows: tuple[tuple[int, int], ...] = ()
    sales: float = 0.0
    brands: tuple[BrandSales, ...] = ()


@dataclass(frozen=True, slots=True)
class TypeGradeCell:
    """Retailers and sales of one business type and grade in one area."""

    business_type: str
    grade: int
    retailers: int
    sales: float


@dataclass(frozen=True, slots=True)
class OpeningProfile:
    """Shares (0..1) of an area's retailers with known hours that open in a given way.

    ``with_hours`` counts retailers with at least one window; shares are ``None`` if it is 0.
    """

    with_hours: int
    open_before_9: float | None
    open_after_21: float | None
    past_midnight: float | None
    midday_break: float | None


@dataclass(frozen=True, slots=True)
class AreaMix:
    """Everything the report says about one area."""

    area: str
    retailers: int
    sales: float
    by_type_grade: tuple[TypeGradeCell, ...]
    by_type: tuple[tuple[str, int], ...]
    order_weekdays: tuple[int, ...]
    opening: OpeningProfile
    test: MixTest
    brands: BrandMix


def _has_break(windows: tuple[tuple[int, int], ...]) -> bool:
    """Two windows on the same day with a gap that covers some of 12:00-15:00."""
    ordered = sorted(windows)
    for (_, close), (open_, _) in itertools.pairwise(ordered):
        if close < open_ and close < 15 * 3600 and open_ > 12 * 3600:
            return True
    return False


def opening_profile(windows_per_retailer: Iterable[tuple[tuple[int, int], ...]]) -> OpeningProfile:
    """Shares open before 9:00, after 21:00, past midnight, and with a midday break.

    >>> split = ((8 * 3600, 12 * 3600), (14 * 3600, 18 * 3600))
    >>> p = opening_profile([split, ((10 * 3600, 26 * 3600),), ()])
    >>> p.with_hours, p.open_before_9, p.open_after_21, p.past_midnight, p.midday_break
    (2, 0.5, 0.5, 0.5, 0.5)
    """
    known = [w for w in windows_per_retailer if w]
    n = len(known)
    if n == 0:
        return OpeningProfile(0, None, None, None, None)

    def past_midnight(w: tuple[tuple[int, int], ...]) -> bool:
        return any(c > DAY_S or c < o for o, c in w)

    early = sum(any(o < EARLY_S for o, _ in w) for w in known)
    late = sum(any(c > LATE_S or c < o for o, c in w) for w in known)
    night = sum(past_midnight(w) for w in known)
    lunch = sum(_has_break(w) for w in known)
    return OpeningProfile(n, early / n, late / n, night / n, lunch / n)


def customer_types_by_area(
    retailers: Iterable[AreaRetailer],
    *,
    alpha: float = DEFAULT_ALPHA,
    min_expected: float = DEFAULT_MIN_EXPECTED,
) -> tuple[AreaMix, ...]:
    """Per area (sorted by name): type × grade mix, weekdays, opening profile, tests, brands.

    The brand mix has its own test (:func:`brands.brand_mix_by_area`).

    Bonferroni: each tested area's p-value times the number of tested areas (capped at 1);
    flagged when that is below ``alpha``.
    """
    if not 0 < alpha < 1:
        raise ReportRuleError("alpha must be between 0 and 1", field="alpha")
    if min_expected <= 0:
        raise ReportRuleError("the minimum expected count must be positive", field="min_expected")
    rows = list(retailers)
    company = dict(Counter(r.business_type for r in rows))
    areas: dict[str, list[AreaRetailer]] = defaultdict(list)
    for r in rows:
        areas[r.area].append(r)

    names = sorted(areas)
    tests = bonferroni(
        [
            mix_test(dict(Counter(r.business_type for r in areas[a])), company,
                     min_expected=min_expected)
            for a in names
        ],
        alpha,
    )  # fmt: skip
    brand_mixes = brand_mix_by_area(areas, alpha=alpha, min_expected=min_expected)

    out = []
    for area, test in zip(names, tests, strict=True):
        members = areas[area]
        cells: dict[tuple[str, int], list[float]] = defaultdict(lambda: [0, 0.0])
        for r in members:
            cell = cells[(r.business_type, r.grade)]
            cell[0] += 1
            cell[1] += r.sales
        weekdays = [0] * 7
        for r in members:
            weekdays[r.order_weekday % 7] += 1
        out.append(
            AreaMix(
                area=area,
                retailers=len(members),
                sales=sum(r.sales for r in members),
                by_type_grade=tuple(
                    TypeGradeCell(t, g, int(v[0]), v[1]) for (t, g), v in sorted(cells.items())
                ),
                by_type=tuple(sorted(Counter(r.business_type for r in members).items())),
                order_weekdays=tuple(weekdays),
                opening=opening_profile(r.windows for r in members),
                test=test,
                brands=brand_mixes[area],
            )
        )
    return tuple(out)
