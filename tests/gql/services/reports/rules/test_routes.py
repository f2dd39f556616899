"""Route measures on tiny matrices whose tours can be added up by hand."""

from datetime import date

import numpy as np
import pytest

from gql.services.reports.rules import (
    in_order_count,
    kendall_tau,
    route_day,
    routes,
    tour_length_m,
)

# 0 = start; 1, 2, 3 on a line east of it, 100 m apart; 4 is 50 m north of the start
LINE = np.array(
    [
        [0, 100, 200, 300, 50],
        [100, 0, 100, 200, 112],
        [200, 100, 0, 100, 206],
        [300, 200, 100, 0, 304],
        [50, 112, 206, 304, 0],
    ]
)


def test_tour_lengths_open_and_closed() -> None:
    assert tour_length_m(LINE, [1, 2, 3], closed=False) == 300
    assert tour_length_m(LINE, [1, 2, 3], closed=True) == 600
    assert tour_length_m(LINE, [3, 1, 2], closed=False) == 300 + 200 + 100
    assert tour_length_m(LINE, [], closed=True) == 0


@pytest.mark.parametrize(
    ("ranks", "tau", "in_order"),
    [
        ([1, 2, 3, 4], 1.0, 4),
        ([4, 3, 2, 1], -1.0, 1),
        ([2, 1, 3], 1 / 3, 2),  # pairs: (2,1) -, (2,3) +, (1,3) +  → (2 - 1) / 3
        ([1, 3, 2, 4], 4 / 6, 3),  # one discordant pair of six
        ([5], None, 1),
        ([], None, 0),
    ],
)
def test_kendall_tau_and_longest_in_order_run(
    ranks: list[int], tau: float | None, in_order: int
) -> None:
    expected = None if tau is None else pytest.approx(tau)
    assert kendall_tau(ranks) == expected
    assert in_order_count(ranks) == in_order


def test_a_day_compares_the_same_stops_in_both_orders() -> None:
    # planned 1, 2, 3; visited 3 first, then 1, then 2: own order 300 + 200 + 100 (+ back 200)
    day = route_day(
        7,
        date(2026, 11, 2),
        LINE,
        plan_m=600,
        baseline_m=800,
        visited_ranks=[3, 1, 2],
        visited_indices=[3, 1, 2],
        travelled_indices=[4, 2],
        closed=True,
    )
    assert day.planned_order_m == 600
    assert day.own_order_m == 300 + 200 + 100 + 200
    assert day.travelled_m == 50 + 206 + 200
    assert day.tau == pytest.approx(-1 / 3)
    assert day.in_order == 2


def test_totals_are_ratios_of_sums() -> None:
    one = route_day(
        1,
        date(2026, 11, 2),
        LINE,
        plan_m=600,
        baseline_m=800,
        visited_ranks=[3, 1, 2],
        visited_indices=[3, 1, 2],
        travelled_indices=[3, 1, 2],
        closed=True,
    )  # own 800, planned 600
    two = route_day(
        1,
        date(2026, 11, 3),
        LINE,
        plan_m=200,
        baseline_m=200,
        visited_ranks=[1],
        visited_indices=[1],
        travelled_indices=[1],
        closed=True,
    )  # own 200, planned 200
    unplanned = route_day(
        1,
        date(2026, 11, 4),
        LINE,
        plan_m=None,
        baseline_m=None,
        visited_ranks=[],
        visited_indices=[],
        travelled_indices=[4],
        closed=False,
    )  # travelled 50
    m = routes([one, two, unplanned])
    assert (m.manager_days, m.planned_days) == (3, 2)
    assert m.plan_km == 0.8
    assert m.baseline_km == 1.0
    assert m.baseline_saving_pct == pytest.approx(20.0)
    assert (m.own_order_km, m.planned_order_km) == (1.0, 0.8)
    assert m.saving_pct == pytest.approx(20.0)  # (1000 - 800) / 1000
    assert m.travelled_km == pytest.approx((800 + 200 + 50) / 1000)
    assert m.km_per_visit == pytest.approx(1.05 / 5)
    assert (m.tau_days, m.tau_mean) == (1, pytest.approx(-1 / 3))
    assert m.in_order_pct == pytest.approx(100 * (2 + 1) / 4)


def test_no_days_no_ratios() -> None:
    m = routes([])
    assert m.saving_pct is None
    assert m.tau_mean is None
    assert m.in_order_pct is None
    assert m.km_per_visit is None
