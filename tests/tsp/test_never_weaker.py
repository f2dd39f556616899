"""``method="exact"`` proves or raises naming the limit; every result says why it ran."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import numpy as np
import pytest

from tsp import ExactLimitExceeded, Problem, read_dumas, solve
from tsp.cli import main
from tsp.windows import MAX_WINDOW_DP_STOPS

if TYPE_CHECKING:
    from pathlib import Path


def _loose_windowed(rng: np.random.Generator, n: int) -> Problem:
    pts = rng.integers(0, 100, size=(n, 2))
    cost = np.rint(np.hypot(*(pts[:, None, :] - pts[None, :, :]).transpose(2, 0, 1)))
    return Problem(cost.astype(np.int64), windows=[[(0, 100_000)]] * n)


def test_exact_beyond_the_window_dp_limit_raises_naming_it(rng: np.random.Generator) -> None:
    """Beyond the limit with method='exact': an error naming MAX_WINDOW_DP_STOPS, no tour."""
    problem = _loose_windowed(rng, MAX_WINDOW_DP_STOPS + 7)
    with pytest.raises(ExactLimitExceeded, match="MAX_WINDOW_DP_STOPS") as info:
        solve(problem, method="exact")
    assert info.value.limit == "MAX_WINDOW_DP_STOPS"


def test_exact_that_hits_the_label_cap_raises_naming_it(tsptw_dir: Path) -> None:
    """A label cap too small for a 40-stop Dumas instance refuses instead of guessing."""
    _name, cost, windows = read_dumas(tsptw_dir / "n40w100.001.txt")
    problem = Problem(cost, windows=[[w] for w in windows])
    with pytest.raises(ExactLimitExceeded, match="max_labels"):
        solve(problem, method="exact", max_labels=50)


def test_auto_beyond_the_limit_says_it_ran_the_heuristic_and_why(
    rng: np.random.Generator,
) -> None:
    """auto beyond the limit answers, unproven, and the reason names the limit."""
    r = solve(_loose_windowed(rng, MAX_WINDOW_DP_STOPS + 7), iterations=3)
    assert r.method == "windows-local-search"
    assert not r.proven_optimal
    assert "MAX_WINDOW_DP_STOPS" in r.reason


def test_auto_reasons_distinguish_exact_from_heuristic(rng: np.random.Generator) -> None:
    """Small plain instance: Held–Karp 'fits'; 60 stops: the time limit is named."""
    small = solve(Problem(rng.integers(1, 50, size=(9, 9))))
    assert small.method == "held-karp"
    assert "fits" in small.reason
    big = solve(Problem(rng.integers(1, 50, size=(60, 60))), iterations=2)
    assert big.method == "local-search"
    assert "time limit" in big.reason or "memory budget" in big.reason
    assert solve(Problem(rng.integers(1, 50, size=(9, 9))), method="heuristic").reason == (
        "method='heuristic'"
    )


def test_cli_json_reports_method_and_reason(
    tsptw_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--json carries the method, why it ran, and the search rounds."""
    assert main([str(tsptw_dir / "n20w20.002.txt"), "--windows", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["method"] == "windows-dp"
    assert "windowed DP finished" in payload["reason"]
    assert payload["rounds"] == 0
