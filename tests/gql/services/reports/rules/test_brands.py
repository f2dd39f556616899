"""Brand mix by area on a fixture whose shares and chi-squares are worked by hand.

Three areas of 60 known-brand orders each (10 cartons an order). The company has 60 orders of
each brand X, Y, Z, so every area expects 20 of each:

- A (a shop X 30, Y 10; a kiosk Z 20; and 5 orders of no brand): χ² = (10² + 10² + 0) / 20
  = 10 with 2 degrees of freedom, p = e^(−10/2) = e^−5 = 0.0067379 (the χ² survival function
  with 2 dof is e^(−x/2)); three areas tested, Bonferroni p = 0.0202138 < 0.05: flagged;
- B (a shop X 10, Y 30, Z 20): the same χ² and p, flagged;
- C (a shop X 20, Y 20, Z 20): χ² = 0, p = 1, not flagged.
"""

import math

import pytest

from gql.services.reports.rules import AreaRetailer, BrandSales, customer_types_by_area


def _shop(area: str, kind: str, *orders: tuple[str | None, int]) -> AreaRetailer:
    brands = tuple(BrandSales(b, n, 10.0 * n) for b, n in orders)
    return AreaRetailer(area, kind, 1, 0, (), sum(b.cartons for b in brands), brands)


ROWS = [
    _shop("A", "shop", ("X", 30), ("Y", 10)),
    _shop("A", "kiosk", ("Z", 20), (None, 5)),
    _shop("B", "shop", ("X", 10), ("Y", 30), ("Z", 20)),
    _shop("C", "shop", ("X", 20), ("Y", 20), ("Z", 20)),
]


def test_the_worked_example() -> None:
    a, b, c = customer_types_by_area(ROWS, alpha=0.05)
    t = a.brands.test
    assert (t.tested, t.dof) == (True, 2)
    assert t.statistic == pytest.approx(10.0)
    assert t.p_value == pytest.approx(math.exp(-5))
    assert t.adjusted_p == pytest.approx(3 * math.exp(-5))
    assert t.flagged
    assert b.brands.test.flagged
    assert b.brands.test.statistic == pytest.approx(10.0)
    assert c.brands.test.statistic == pytest.approx(0.0)
    assert (c.brands.test.p_value, c.brands.test.adjusted_p, c.brands.test.flagged) == (
        pytest.approx(1.0), pytest.approx(1.0), False,
    )  # fmt: skip


def test_cartons_and_shares_beside_the_company_unknown_last_and_out_of_the_shares() -> None:
    """A: 300 X, 100 Y, 200 Z of 600 known cartons, and 50 unknown; company a third each."""
    a = customer_types_by_area(ROWS)[0]
    cells = [(c.brand, c.orders, c.cartons, c.share, c.company_share) for c in a.brands.by_brand]
    assert cells == [
        ("X", 30, 300.0, pytest.approx(0.5), pytest.approx(1 / 3)),
        ("Y", 10, 100.0, pytest.approx(1 / 6), pytest.approx(1 / 3)),
        ("Z", 20, 200.0, pytest.approx(1 / 3), pytest.approx(1 / 3)),
        (None, 5, 50.0, None, None),
    ]
    assert sum(c.cartons for c in a.brands.by_brand) == a.sales == 650.0


def test_per_business_type_against_the_company_of_that_type() -> None:
    """A's kiosk sold only Z (and unknowns): Z is 1.0 of its known cartons; the company's
    kiosks (only A's) too; X and Y, which no kiosk sold, are listed with 0 of nothing."""
    a = customer_types_by_area(ROWS)[0]
    kiosk = [(c.brand, c.cartons, c.share, c.company_share) for c in a.brands.by_type
             if c.business_type == "kiosk"]  # fmt: skip
    assert kiosk == [("Z", 200.0, 1.0, 1.0), (None, 50.0, None, None)]
    shop = [(c.brand, c.share, c.company_share) for c in a.brands.by_type
            if c.business_type == "shop"]  # fmt: skip
    assert shop == [
        ("X", 0.75, pytest.approx(60 / 160)),
        ("Y", 0.25, pytest.approx(60 / 160)),
        ("Z", 0.0, pytest.approx(40 / 160)),
    ]


def test_untested_areas_say_why_and_do_not_count_for_bonferroni() -> None:
    """D (3 orders) expects 1 of each: untested; E has only unknown orders: nothing counted.
    Only A, B, C are tested, so A's adjusted p is still 3 × e^−5."""
    rows = [*ROWS, _shop("D", "shop", ("X", 2), ("Y", 1)), _shop("E", "shop", (None, 9))]
    mixes = {m.area: m for m in customer_types_by_area(rows)}
    d, e = mixes["D"].brands.test, mixes["E"].brands.test
    assert not d.tested
    assert "below 5" in (d.reason or "")
    assert (e.tested, e.reason) == (False, "nothing counted")
    assert mixes["E"].brands.by_brand[-1].brand is None
    assert mixes["A"].brands.test.adjusted_p == pytest.approx(
        3 * mixes["A"].brands.test.p_value  # type: ignore[operator]
    )
    # D's orders change the company's proportions, so A is tested against 62/61/60 now
    assert mixes["A"].brands.test.statistic != pytest.approx(10.0)


def test_one_brand_only_is_not_a_mix() -> None:
    mix = customer_types_by_area([_shop("A", "shop", ("X", 40)), _shop("B", "shop", ("X", 9))])
    assert mix[0].brands.test.reason == "fewer than two brands"
    assert not any(m.brands.test.flagged for m in mix)


def test_no_sales_no_brand_rows() -> None:
    mix = customer_types_by_area([AreaRetailer("A", "shop", 1, 0)])[0]
    assert (mix.brands.by_brand, mix.brands.by_type) == ((), ())
    assert not mix.brands.test.tested
