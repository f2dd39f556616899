"""Brand mix by area (issue 17 item 5): cartons by brand per area and type, tested.

Whether an area's brand mix differs from the company's.

The mix is in cartons (what the company sells); shares are of the cartons of a *known* brand,
so orders without a brand (imported without the column) are shown as their own bucket but
change no share and no test. The test counts **orders** per brand, not cartons: a carton is
not an independent draw (one order of 50 cartons is one decision), and a chi-square on
cartons would grow with order size until every area is "significant". It is the type mix's
test (:func:`chi_square.mix_test`, same minimum expected count), Bonferroni-adjusted over the
areas whose brand mix was tested.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from gql.services.reports.rules.chi_square import (
    DEFAULT_MIN_EXPECTED,
    MixTest,
    bonferroni,
    mix_test,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

__all__ = ["BrandCell", "BrandMix", "BrandSales", "brand_mix_by_area"]


@dataclass(frozen=True, slots=True)
class BrandSales:
    """One retailer's orders of one brand in the period (``brand`` ``None``: unknown)."""

    brand: str | None
    orders: int
    cartons: float


@dataclass(frozen=True, slots=True)
class BrandCell:
    """One brand in an area, over all its types (``business_type`` ``None``) or in one type.

    ``share`` is of the area's (type's) known-brand cartons, ``company_share`` the same for
    the company; both ``None`` for the unknown brand and when there are no known cartons.
    """

    business_type: str | None
    brand: str | None
    orders: int
    cartons: float
    share: float | None
    company_share: float | None


@dataclass(frozen=True, slots=True)
class BrandMix:
    """An area's brands overall and per business type, and the test of its order counts."""

    by_brand: tuple[BrandCell, ...]
    by_type: tuple[BrandCell, ...]
    test: MixTest


class _Seller(Protocol):
    """What the brand mix needs of a retailer (an ``AreaRetailer``)."""

    @property
    def business_type(self) -> str: ...

    @property
    def brands(self) -> tuple[BrandSales, ...]: ...


_Totals = dict[str | None, list[float]]  # brand -> [orders, cartons]


def _totals(sellers: Iterable[_Seller]) -> tuple[_Totals, dict[str, _Totals]]:
    """Orders and cartons per brand, overall and per business type."""
    overall: _Totals = defaultdict(lambda: [0, 0.0])
    per_type: dict[str, _Totals] = defaultdict(lambda: defaultdict(lambda: [0, 0.0]))
    for s in sellers:
        for b in s.brands:
            for cell in (overall[b.brand], per_type[s.business_type][b.brand]):
                cell[0] += b.orders
                cell[1] += b.cartons
    return overall, per_type


def _order(brands: Iterable[str | None]) -> list[str | None]:
    """Brand names in order, the unknown brand last."""
    return sorted(set(brands), key=lambda b: (b is None, b or ""))


def _cells(business_type: str | None, area: _Totals, company: _Totals) -> list[BrandCell]:
    """Every brand of the company (and the unknown one, if the area has it)."""
    known = sum(v[1] for b, v in area.items() if b is not None)
    company_known = sum(v[1] for b, v in company.items() if b is not None)
    brands = [b for b in _order([*company, *area]) if b is not None or b in area]
    out = []
    for brand in brands:
        orders, cartons = area.get(brand, [0, 0.0])
        own = company.get(brand, [0, 0.0])[1]
        out.append(
            BrandCell(
                business_type,
                brand,
                int(orders),
                float(cartons),
                None if brand is None or known <= 0 else cartons / known,
                None if brand is None or company_known <= 0 else own / company_known,
            )
        )
    return out


def brand_mix_by_area(
    areas: Mapping[str, Sequence[_Seller]],
    *,
    alpha: float,
    min_expected: float = DEFAULT_MIN_EXPECTED,
) -> dict[str, BrandMix]:
    """Each area's brand mix beside the company's (every retailer of every area), and its test.

    >>> a = [_Row("shop", (BrandSales("X", 30, 300.0), BrandSales("Y", 10, 100.0)))]
    >>> b = [_Row("shop", (BrandSales("X", 10, 100.0), BrandSales("Y", 30, 300.0)))]
    >>> mix = brand_mix_by_area({"A": a, "B": b}, alpha=0.05)["A"]
    >>> [(c.brand, c.share, c.company_share) for c in mix.by_brand]
    [('X', 0.75, 0.5), ('Y', 0.25, 0.5)]
    >>> mix.test.statistic, mix.test.dof, round(mix.test.adjusted_p, 5)
    (10.0, 1, 0.00313)
    """
    company, company_types = _totals(s for sellers in areas.values() for s in sellers)
    company_orders = {b: int(v[0]) for b, v in company.items() if b is not None}
    names = sorted(areas)
    found: list[tuple[_Totals, dict[str, _Totals]]] = []
    tests: list[MixTest] = []
    for name in names:
        overall, per_type = _totals(areas[name])
        counts = {b: int(v[0]) for b, v in overall.items() if b is not None}
        found.append((overall, per_type))
        tests.append(
            mix_test(counts, company_orders, min_expected=min_expected, categories="brands")
        )
    out = {}
    for name, (overall, per_type), test in zip(names, found, bonferroni(tests, alpha), strict=True):
        by_type = [
            cell
            for business_type in sorted(per_type)
            for cell in _cells(business_type, per_type[business_type], company_types[business_type])
        ]
        out[name] = BrandMix(tuple(_cells(None, overall, company)), tuple(by_type), test)
    return out


@dataclass(frozen=True, slots=True)
class _Row:
    """A retailer for the doctest."""

    business_type: str
    brands: tuple[BrandSales, ...]
