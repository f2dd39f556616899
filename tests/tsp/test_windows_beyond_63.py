"""The windowed DP proves Dumas-style instances beyond 63 stops (two-word visited sets)."""

from __future__ import annotations

import itertools
import json
from typing import TYPE_CHECKING

import pytest

from tests.tsp.dumas_like import dumas_like, dumas_like_with_tour, write_dumas
from tsp import ExactLimitExceeded, solve
from tsp.cli import main
from tsp.solve import _schedule
from tsp.windows import TimedData

if TYPE_CHECKING:
    from pathlib import Path


@pytest.mark.parametrize(("width", "seed"), [(20, 1), (60, 2), (100, 3), (100, 4)])
def test_generator_instances_match_brute_force(width: int, seed: int) -> None:
    """7 customers: the DP's optimum equals the best feasible order over all 5,040."""
    problem = dumas_like(7, width, seed)
    data = TimedData.of(problem)
    best = min(
        problem.route_cost([0, *perm])
        for perm in itertools.permutations(range(1, 8))
        if _schedule(problem, data, [0, *perm])[3] == 0
    )
    r = solve(problem, method="exact")
    assert r.proven_optimal
    assert r.cost == best


@pytest.mark.parametrize("width", [20, 40, 60, 80, 100])
def test_eighty_customers_are_proven_and_beat_the_witness(width: int) -> None:
    """n = 80 in every Dumas width: proven, feasible, no dearer than the generating tour."""
    problem, witness = dumas_like_with_tour(80, width, seed=width)
    r = solve(problem, method="exact")
    assert r.method == "windows-dp"
    assert r.proven_optimal
    assert r.unserved == ()
    assert _schedule(problem, TimedData.of(problem), list(r.order))[3] == 0
    assert r.cost == problem.route_cost(list(r.order))
    assert r.cost <= problem.route_cost(witness)


def test_hundred_customers_are_proven_by_auto() -> None:
    """n = 100, width 100 (the loosest Dumas class) is proven by the default solve."""
    r = solve(dumas_like(100, 100, seed=5))
    assert r.proven_optimal
    assert r.method == "windows-dp"


def test_cli_proves_an_eighty_customer_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``python -m tsp FILE --windows --json`` proves an n = 80 Dumas-format file."""
    path = tmp_path / "n80w40.txt"
    write_dumas(dumas_like(80, 40, seed=9), path)
    assert main([str(path), "--windows", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["n"] == 81
    assert payload["proven_optimal"] is True
    assert payload["gap"] == 0.0


def test_label_budget_is_a_clear_error_for_exact() -> None:
    """Too small a label budget (the DP's memory, ~56 bytes a label) is named, not hidden."""
    with pytest.raises(ExactLimitExceeded, match="max_labels"):
        solve(dumas_like(80, 100, seed=2), method="exact", max_labels=1_000)
