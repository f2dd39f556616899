"""Same seed and problem, same tour, however fast the machine's clock runs."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

import numpy as np
import pytest

import tsp.budget
from tsp import Problem, read_dumas, solve

if TYPE_CHECKING:
    from pathlib import Path


def _slowed_clock(monkeypatch: pytest.MonkeyPatch, step_s: float) -> None:
    """Every clock read advances time by ``step_s``: a machine ``step_s`` per check slow."""
    now = [0.0]

    def fake() -> float:
        now[0] += step_s
        return now[0]

    monkeypatch.setattr(tsp.budget, "now_s", fake)
    monkeypatch.setattr(importlib.import_module("tsp.solve"), "now_s", fake)


def _euclid(rng: np.random.Generator, n: int) -> np.ndarray:
    pts = rng.integers(0, 1000, size=(n, 2))
    return np.rint(np.hypot(*(pts[:, None, :] - pts[None, :, :]).transpose(2, 0, 1))).astype(
        np.int64
    )


def test_iterations_give_the_same_tour_under_any_clock(
    rng: np.random.Generator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With iterations=K the clock is never consulted: fast and very slow clocks agree."""
    problem = Problem(_euclid(rng, 120))
    tours = []
    for step_s in (1e-9, 0.4, 50.0):
        _slowed_clock(monkeypatch, step_s)
        r = solve(problem, seed=7, iterations=6, time_limit_s=1.0)
        assert r.rounds == 6
        tours.append((r.order, r.cost))
    assert tours[0] == tours[1] == tours[2]


def test_a_time_limit_stops_only_at_round_checkpoints(
    rng: np.random.Generator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stopped by its limit, a run equals the clock-free run of the rounds it completed."""
    problem = Problem(_euclid(rng, 120))
    seen_rounds = set()
    for step_s in (0.3, 0.07):
        _slowed_clock(monkeypatch, step_s)
        timed = solve(problem, seed=3, time_limit_s=1.0)
        seen_rounds.add(timed.rounds)
        again = solve(problem, seed=3, iterations=timed.rounds)
        assert (again.order, again.cost) == (timed.order, timed.cost)
    assert len(seen_rounds) == 2  # the two speeds really stopped at different rounds


def test_windowed_search_is_clock_free_with_iterations(
    tsptw_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The windowed heuristic on a Dumas instance: same tour under fast and slow clocks."""
    _name, cost, windows = read_dumas(tsptw_dir / "n40w60.002.txt")
    problem = Problem(cost, windows=[[w] for w in windows])
    tours = []
    for step_s in (1e-9, 5.0):
        _slowed_clock(monkeypatch, step_s)
        r = solve(problem, method="heuristic", seed=11, iterations=4)
        tours.append((r.order, r.cost))
    assert tours[0] == tours[1]
