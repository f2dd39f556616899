from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.tsp.known import TSPLIB_OPTIMA, TSPLIB_WITH_TOUR
from tsp import Problem, read_tsplib, solve

OPTIMA = TSPLIB_OPTIMA
SMALL = sorted((name for name, (n, _) in OPTIMA.items() if n <= 22), key=lambda k: OPTIMA[k][0])
WITH_TOUR = TSPLIB_WITH_TOUR


def test_the_readme_lists_all_fifty_instances() -> None:
    """The optimum table parsed from the README has all 50 instances."""
    assert len(OPTIMA) == 50


@pytest.mark.parametrize("name", SMALL)
def test_exact_solver_reaches_published_optimum(name: str, tsplib_dir: Path) -> None:
    """Every TSPLIB instance with n <= 22 is solved to its published optimum."""
    n, optimum = OPTIMA[name]
    _, cost = read_tsplib(tsplib_dir / f"{name}.tsp")
    assert cost.shape == (n, n)
    result = solve(Problem(cost), method="exact")
    assert result.cost == optimum
    assert result.proven_optimal


@pytest.mark.parametrize("name", WITH_TOUR)
def test_shipped_optimal_tour_measures_the_optimum(name: str, tsplib_dir: Path) -> None:
    """Distances follow TSPLIB's rules: each .opt.tour measures exactly the optimum."""
    n, optimum = OPTIMA[name]
    _, cost = read_tsplib(tsplib_dir / f"{name}.tsp")
    text = (tsplib_dir / f"{name}.opt.tour").read_text().split("TOUR_SECTION")[1]
    tour = [int(t) - 1 for t in text.split() if t.lstrip("-").isdigit() and int(t) > 0][:n]
    assert sorted(tour) == list(range(n))
    assert Problem(cost).route_cost(tour) == optimum


def test_geo_truncates_degrees_rather_than_rounding(tsplib_dir: Path) -> None:
    """ulysses16 needs truncation and PI=3.141592; rounding would change the matrix."""
    _, cost = read_tsplib(tsplib_dir / "ulysses16.tsp")
    assert np.array_equal(cost, cost.T)
    assert solve(Problem(cost)).cost == OPTIMA["ulysses16"][1]
