from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pytest

from tests.tsp import naive
from tests.tsp.known import TSPTW_OPTIMA
from tsp import Problem, UnservedReason, read_dumas, solve

if TYPE_CHECKING:
    from pathlib import Path

DUMAS = TSPTW_OPTIMA


def _instance(
    rng: np.random.Generator, n: int
) -> tuple[np.ndarray, list[list[tuple[int, int]]], list[int]]:
    cost = rng.integers(1, 60, size=(n, n))
    np.fill_diagonal(cost, 0)
    windows: list[list[tuple[int, int]]] = []
    for _ in range(n):
        k = int(rng.integers(1, 3))
        opens = np.sort(rng.integers(0, 250, size=k))
        windows.append([(int(o), int(o + rng.integers(20, 120))) for o in opens])
    windows[0] = [(0, 10_000)]
    service = [0, *(int(s) for s in rng.integers(0, 15, size=n - 1))]
    return cost, windows, service


def _check_schedule(problem: Problem, r: object) -> None:
    """Every served visit lies inside one of its windows in the reported schedule."""
    assert r.arrival_s is not None
    assert r.departure_s is not None
    for stop, dep in zip(r.order[1:], r.departure_s[1:], strict=True):  # type: ignore[attr-defined]
        service = problem.service[stop] if problem.service else 0
        begin = dep - service
        assert any(lo <= begin and dep <= hi for lo, hi in problem.windows[stop])  # type: ignore[index]


@pytest.mark.parametrize("n", range(4, 9))
@pytest.mark.parametrize("closed", [True, False])
def test_windowed_optimum_equals_brute_force(
    n: int, closed: bool, rng: np.random.Generator
) -> None:
    """The windowed DP (several windows, service times) matches exhaustive search."""
    checked = 0
    for _ in range(40):
        cost, windows, service = _instance(rng, n)
        expected = naive.best_windowed(cost, windows, service, closed=closed)
        if expected is None:
            continue
        problem = Problem(cost, closed=closed, windows=windows, service=service)
        r = solve(problem)
        assert r.feasible
        assert r.proven_optimal
        assert r.cost == expected
        _check_schedule(problem, r)
        checked += 1
    assert checked >= 5


@pytest.mark.parametrize("n", range(4, 8))
def test_windowed_open_path_with_fixed_end_equals_brute_force(
    n: int, rng: np.random.Generator
) -> None:
    """Fixed-end open paths under windows match exhaustive search and finish at the end."""
    checked = 0
    for _ in range(40):
        cost, windows, service = _instance(rng, n)
        expected = naive.best_windowed(cost, windows, service, closed=False, end=n - 1)
        if expected is None:
            continue
        r = solve(Problem(cost, closed=False, end=n - 1, windows=windows, service=service))
        assert r.cost == expected
        assert r.order[-1] == n - 1
        checked += 1
    assert checked >= 3


@pytest.mark.parametrize("name", sorted(DUMAS))
def test_every_dumas_instance_is_solved_to_its_proven_optimum(name: str, tsptw_dir: Path) -> None:
    """All 75 Dumas TSPTW instances reach the published optimum with a proof."""
    _, cost, windows = read_dumas(tsptw_dir / f"{name}.txt")
    r = solve(Problem(cost, windows=[[w] for w in windows]))
    assert r.feasible
    assert r.proven_optimal
    assert r.cost == DUMAS[name]


def test_stop_whose_window_closes_before_arrival_is_reported_unreachable() -> None:
    """A stop that closes before anyone could get there is left out with reason UNREACHABLE."""
    cost = np.array([[0, 10, 10, 10], [10, 0, 5, 5], [10, 5, 0, 5], [10, 5, 5, 0]])
    windows = [[(0, 1000)], [(0, 100)], [(0, 5)], [(0, 100)]]
    r = solve(Problem(cost, windows=windows))
    assert [(u.stop, u.reason) for u in r.unserved] == [(2, UnservedReason.UNREACHABLE)]
    assert sorted(r.order) == [0, 1, 3]
    assert r.cost == 25


def test_short_window_and_missing_window_are_reported() -> None:
    """A window shorter than the service, or no window at all, are named as such."""
    cost = np.full((4, 4), 3) - 3 * np.eye(4, dtype=np.int64)
    windows = [None, [(0, 5)], [], [(0, 100)]]
    r = solve(Problem(cost, windows=windows, service=[0, 10, 0, 1]))
    reasons = {u.stop: u.reason for u in r.unserved}
    assert reasons == {1: UnservedReason.WINDOW_TOO_SHORT, 2: UnservedReason.NO_WINDOW}
    assert r.order == (0, 3)


def test_stop_that_leaves_no_time_to_return_is_reported() -> None:
    """A stop reachable only too late to get home in time gets reason NO_RETURN."""
    cost = np.array([[0, 10, 50], [10, 0, 50], [50, 50, 0]])
    windows = [[(0, 80)], [(0, 100)], [(0, 100)]]
    r = solve(Problem(cost, windows=windows))
    assert [(u.stop, u.reason) for u in r.unserved] == [(2, UnservedReason.NO_RETURN)]
    assert r.order == (0, 1)
    assert r.return_s == 20


def test_mutually_exclusive_stops_drop_one_as_conflict() -> None:
    """Two stops open only at the same instant far apart: one is served, one conflicts."""
    cost = np.array([[0, 10, 10], [10, 0, 100], [10, 100, 0]])
    windows = [[(0, 1000)], [(10, 12)], [(10, 12)]]
    r = solve(Problem(cost, windows=windows))
    assert len(r.unserved) == 1
    assert r.unserved[0].reason is UnservedReason.CONFLICT
    assert len(r.order) == 2
    assert not r.proven_optimal


def test_windowed_heuristic_is_feasible_and_close_on_a_dumas_instance(tsptw_dir: Path) -> None:
    """The restricted DP + local search answer is feasible and within 1% on n40w100.001."""
    _, cost, windows = read_dumas(tsptw_dir / "n40w100.001.txt")
    problem = Problem(cost, windows=[[w] for w in windows])
    r = solve(problem, method="heuristic", time_limit_s=0.3)
    assert r.feasible
    assert not r.proven_optimal
    assert DUMAS["n40w100.001"] <= r.cost <= 1.01 * DUMAS["n40w100.001"]
    _check_schedule(problem, r)


def test_windows_that_never_bind_are_solved_by_the_relaxation(rng: np.random.Generator) -> None:
    """All-day windows: the window-free optimum fits, so it is returned with proof."""
    cost = rng.integers(1, 600, size=(9, 9))
    np.fill_diagonal(cost, 0)
    windows = [[(8 * 3600, 20 * 3600)] for _ in range(9)]
    problem = Problem(cost, closed=False, windows=windows, service=[300] * 9, start_time=8 * 3600)
    r = solve(problem)
    assert r.proven_optimal
    assert r.cost == naive.best_cost(cost, closed=False)
    _check_schedule(problem, r)


def test_loose_windows_on_many_stops_still_give_a_feasible_plan(rng: np.random.Generator) -> None:
    """35 stops with all-day windows: the label cap hands over to search, plan is feasible."""
    xy = rng.integers(0, 8000, size=(35, 2))
    cost = np.rint(np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1)) / 8)
    windows = [[(8 * 3600, 20 * 3600)] for _ in range(35)]
    problem = Problem(
        cost.astype(np.int64),
        closed=False,
        windows=windows,
        service=[600] * 35,
        start_time=8 * 3600,
    )
    r = solve(problem, time_limit_s=0.3)
    assert r.feasible
    assert sorted(r.order) == list(range(35))
    assert r.lower_bound is not None
    assert r.lower_bound <= r.cost
    _check_schedule(problem, r)
