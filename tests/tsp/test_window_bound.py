"""The lower bound with windows is valid on every Dumas optimum and beats the plain one."""

from __future__ import annotations

import pytest

from tests.tsp.known import DATA, TSPTW_OPTIMA
from tsp import Problem, read_dumas, solve
from tsp.bounds import lower_bound, window_lower_bound
from tsp.solve import _without_windows
from tsp.windows import TimedData, earliest_starts

_NAMES = sorted(TSPTW_OPTIMA)


def _problem(name: str) -> Problem:
    _n, cost, windows = read_dumas(DATA / "tsptw" / f"{name}.txt")
    return Problem(cost, windows=[[w] for w in windows])


def _bounds(problem: Problem) -> tuple[int, int]:
    data = TimedData.of(problem)
    big = 10**9
    plain = lower_bound(_without_windows(problem), upper_bound=big)
    with_windows = window_lower_bound(
        problem, earliest_starts(problem, data), data.latest_start, data.service, upper_bound=big
    )
    return plain, with_windows


@pytest.mark.parametrize("name", _NAMES)
def test_window_bound_never_exceeds_the_proven_optimum(name: str) -> None:
    """Valid on every shipped instance, and never below the window-free bound."""
    plain, with_windows = _bounds(_problem(name))
    assert plain <= with_windows <= TSPTW_OPTIMA[name]


def test_window_bound_closes_most_of_the_window_free_gap() -> None:
    """Averaged over the set the bound reaches ≥ 75 % of the optimum (window-free ≈ 50 %)."""
    ratios = [_bounds(_problem(n))[1] / TSPTW_OPTIMA[n] for n in _NAMES]
    assert sum(ratios) / len(ratios) >= 0.75


def test_reported_gap_of_a_windowed_heuristic_uses_the_window_bound() -> None:
    """A heuristic answer's bound is the window-aware one, so the gap is honest."""
    problem = _problem("n60w20.004")
    r = solve(problem, method="heuristic", iterations=5)
    plain, with_windows = _bounds(problem)
    assert r.lower_bound is not None
    assert r.lower_bound == min(with_windows, r.cost)
    assert r.lower_bound > plain
    assert r.gap is not None
    assert r.gap < 0.2
