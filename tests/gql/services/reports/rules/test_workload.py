"""Workload balance on three managers whose hours add up by hand."""

import pytest

from gql.services.reports.rules import (
    MAX_TRAVEL_GAP_S,
    ManagerLoad,
    balance,
    coefficient_of_variation,
    day_travel_s,
)


def test_travel_is_the_gaps_between_visits_in_start_order() -> None:
    """09:00-09:10, 09:30-09:50, 10:00-…: gaps 20 min + 10 min = 1800 s."""
    day = [(9 * 3600 + 1800, 9 * 3600 + 3000), (9 * 3600, 9 * 3600 + 600), (36_000, 36_300)]
    assert day_travel_s(day) == 1200 + 600


def test_breaks_overlaps_and_open_visits_are_not_travel() -> None:
    """A gap over two hours is a break; an overlap is 0; an open visit ends nothing."""
    assert day_travel_s([(0, 100), (100 + MAX_TRAVEL_GAP_S + 1, 20_000)]) == 0
    assert day_travel_s([(0, 100), (100 + MAX_TRAVEL_GAP_S, 20_000)]) == MAX_TRAVEL_GAP_S
    assert day_travel_s([(0, 500), (400, 600)]) == 0
    assert day_travel_s([(0, None), (400, 600), (700, 800)]) == 100
    assert day_travel_s([]) == 0


def test_cv_is_population_sd_over_mean() -> None:
    """90, 100, 110: sd = √(200/3) = 8.165, mean 100."""
    assert coefficient_of_variation([90, 100, 110]) == pytest.approx((200 / 3) ** 0.5 / 100)
    assert coefficient_of_variation([5, 5]) == 0.0
    assert coefficient_of_variation([]) is None
    assert coefficient_of_variation([0, 0]) is None


LOADS = [
    ManagerLoad(1, 40, 400.0, 30.0, worked_days=4, visits=20, dwell_hours=10.0, travel_hours=6.0),
    ManagerLoad(2, 50, 500.0, 36.0, worked_days=5, visits=30, dwell_hours=12.0, travel_hours=8.0),
    ManagerLoad(3, 60, 900.0, 42.0, worked_days=0, visits=0, dwell_hours=0.0, travel_hours=0.0),
]


def test_balance_of_three_managers() -> None:
    """Model hours 30/36/42 (mean 36, sd √24); measured 16/4 = 4 and 20/5 = 4 h a day (CV 0,
    the third manager worked no day); retailers 40/50/60; volume 400/500/900."""
    b = balance(LOADS)
    assert (b.managers, b.retailers, b.volume_cartons) == (3, 150, 1800.0)
    assert (b.model_hours_mean, b.model_hours_min, b.model_hours_max) == (36.0, 30.0, 42.0)
    assert b.model_hours_cv == pytest.approx(24**0.5 / 36)
    assert LOADS[0].measured_hours_per_day == 4.0
    assert LOADS[2].measured_hours_per_day is None
    assert b.measured_hours_per_day_mean == 4.0
    assert b.measured_hours_per_day_cv == 0.0
    assert b.retailers_cv == pytest.approx((200 / 3) ** 0.5 / 50)
    assert b.volume_cv == pytest.approx((((400 - 600) ** 2 + 100**2 + 300**2) / 3) ** 0.5 / 600)
