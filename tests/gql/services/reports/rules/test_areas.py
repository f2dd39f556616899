"""Customer types by area on fixtures whose counts and chi-squares are worked by hand."""

import pytest

from gql.services.reports.rules import (
    AreaRetailer,
    ReportRuleError,
    customer_types_by_area,
    grid_cell,
    mix_test,
    opening_profile,
)

H = 3600


def _shops(
    area: str, kind: str, n: int, *, grade: int = 1, sales: float = 10.0
) -> list[AreaRetailer]:
    return [AreaRetailer(area, kind, grade, 2, ((10 * H, 18 * H),), sales) for _ in range(n)]


def test_counts_sales_and_weekdays_per_area() -> None:
    """Area A: 2 kiosks grade 1 (10 each), 1 kiosk grade 2 (5); B: 1 shop ordering Friday."""
    rows = [
        *_shops("A", "kiosk", 2),
        AreaRetailer("A", "kiosk", 2, 0, (), 5.0),
        AreaRetailer("B", "shop", 3, 4, (), 7.5),
    ]
    a, b = customer_types_by_area(rows)
    assert (a.area, a.retailers, a.sales) == ("A", 3, 25.0)
    assert [(c.business_type, c.grade, c.retailers, c.sales) for c in a.by_type_grade] == [
        ("kiosk", 1, 2, 20.0),
        ("kiosk", 2, 1, 5.0),
    ]
    assert a.by_type == (("kiosk", 3),)
    assert a.order_weekdays == (1, 0, 2, 0, 0, 0, 0)
    assert b.order_weekdays == (0, 0, 0, 0, 1, 0, 0)
    assert a.opening.with_hours == 2
    assert b.opening.with_hours == 0
    assert b.opening.open_before_9 is None


def test_opening_profile_shares() -> None:
    """Four retailers: early+break, late past midnight (wraps), late to 22:00, plain 9-18."""
    p = opening_profile(
        [
            ((7 * H, 12 * H), (13 * H, 19 * H)),
            ((18 * H, 2 * H),),
            ((9 * H, 22 * H),),
            ((9 * H, 18 * H),),
        ]
    )
    assert (p.with_hours, p.open_before_9, p.open_after_21, p.past_midnight, p.midday_break) == (
        4, 0.25, 0.5, 0.25, 0.25,
    )  # fmt: skip


def test_chi_square_by_hand() -> None:
    """Company 50/50; area 30 kiosks, 10 shops: expected 20/20, χ² = 5 + 5 = 10, dof 1."""
    t = mix_test({"kiosk": 30, "shop": 10}, {"kiosk": 50, "shop": 50})
    assert t.tested
    assert t.statistic == pytest.approx(10.0)
    assert t.dof == 1
    assert t.p_value == pytest.approx(0.0015654, rel=1e-4)


def test_small_expected_counts_are_not_tested() -> None:
    """Area of 8 against a 50/50 company: expected 4 < 5, so no test, with the reason."""
    t = mix_test({"kiosk": 8}, {"kiosk": 50, "shop": 50})
    assert not t.tested
    assert t.p_value is None
    assert not t.flagged
    assert t.reason is not None
    assert "4.00" in t.reason


def test_bonferroni_flags_only_the_odd_area() -> None:
    """A: 30 kiosks + 10 shops; B: 10 + 30; C: 20 + 20. Company 60/60 → 50/50.

    A and B: χ² = 10, p = 0.0015654, × 3 tested = 0.0046962 < 0.05 → flagged.
    C: χ² = 0, p = 1 → not flagged.
    """
    rows = [
        *_shops("A", "kiosk", 30), *_shops("A", "shop", 10),
        *_shops("B", "kiosk", 10), *_shops("B", "shop", 30),
        *_shops("C", "kiosk", 20), *_shops("C", "shop", 20),
    ]  # fmt: skip
    a, b, c = customer_types_by_area(rows)
    assert a.test.adjusted_p == pytest.approx(3 * 0.0015654, rel=1e-4)
    assert a.test.flagged
    assert b.test.flagged
    assert c.test.statistic == pytest.approx(0.0)
    assert c.test.adjusted_p == pytest.approx(1.0)
    assert not c.test.flagged


def test_bad_parameters_are_named() -> None:
    with pytest.raises(ReportRuleError) as exc:
        customer_types_by_area([], alpha=1.5)
    assert exc.value.field == "alpha"
    with pytest.raises(ReportRuleError) as exc:
        customer_types_by_area([], min_expected=0)
    assert exc.value.field == "min_expected"


def test_grid_cells_are_named_from_the_equator() -> None:
    """1 km cells: row = floor(lat · 110 574 / 1000); 0.0001° → row 0, 0.01° → row 1."""
    assert grid_cell(0.0001, 0.0001, 1000.0).key == "r0c0"
    assert grid_cell(0.01, 0.0001, 1000.0).key == "r1c0"
    assert grid_cell(-0.0001, -0.0001, 1000.0).key == "r-1c-1"
    with pytest.raises(ReportRuleError) as exc:
        grid_cell(0.0, 0.0, 10.0)
    assert exc.value.field == "cell_m"
