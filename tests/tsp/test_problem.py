from __future__ import annotations

import numpy as np
import pytest

from tsp import Problem, ProblemError, solve


@pytest.mark.parametrize(
    ("cost", "match"),
    [
        ([[0, 1, 2], [1, 0, 3]], "square"),
        ([[0, 1], [1, 0, 2]], "rectangular"),
        ([1, 2, 3], "square"),
        ([[0, -1], [1, 0]], "negative"),
        ([[0.0, float("nan")], [1.0, 0.0]], "NaN"),
        ([[0.0, float("inf")], [1.0, 0.0]], "NaN or infinity"),
        ([[0, 1.5], [1, 0]], "whole numbers"),
        ([["a", "b"], ["c", "d"]], "integers"),
        ([[True, False], [False, True]], "integers"),
        ([], "square"),
        (np.zeros((0, 0)), "no stops"),
        ([[0, 2**41], [1, 0]], "above"),
    ],
)
def test_malformed_cost_matrix_is_rejected_with_a_reason(cost: object, match: str) -> None:
    """Non-square, ragged, negative, NaN, fractional, non-numeric or empty costs raise."""
    with pytest.raises(ProblemError, match=match):
        Problem(cost)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"start": 3}, "out of range"),
        ({"start": -1}, "out of range"),
        ({"start": 1.0}, "integer"),
        ({"end": 1}, "closed tour"),
        ({"closed": False, "end": 0}, "end equals start"),
        ({"closed": False, "end": 7}, "out of range"),
        ({"windows": [[(0, 1)]]}, "one entry per stop"),
        ({"windows": [[(5, 1)], None, None]}, "closes before it opens"),
        ({"windows": [[(0, 1, 2)], None, None]}, "not a pair"),
        ({"windows": [[(-1, 1)], None, None]}, "within"),
        ({"service": [1, 2]}, "one time per stop"),
        ({"service": [0, 1.5, 0]}, "integer"),
        ({"start_time": -5}, "within"),
        ({"travel_s": [[0, 1], [1, 0]]}, "shape"),
    ],
)
def test_bad_options_are_rejected_with_a_reason(kwargs: dict[str, object], match: str) -> None:
    """Out-of-range start/end, impossible windows and bad service times raise ProblemError."""
    with pytest.raises(ProblemError, match=match):
        Problem(np.ones((3, 3), dtype=np.int64), **kwargs)  # type: ignore[arg-type]


def test_problem_is_immutable_and_copies_its_matrix() -> None:
    """Changing the caller's array or assigning attributes cannot alter a Problem."""
    cost = np.array([[0, 1], [1, 0]])
    p = Problem(cost)
    cost[0, 1] = 99
    assert p.cost[0, 1] == 1
    with pytest.raises(AttributeError):
        p.start = 1  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        p.cost[0, 1] = 5


@pytest.mark.parametrize(
    ("cost", "closed", "expected"),
    [
        ([[0]], True, ((0,), 0)),
        ([[0, 4], [6, 0]], True, ((0, 1), 10)),
        ([[0, 4], [6, 0]], False, ((0, 1), 4)),
        ([[0, 1, 9], [1, 0, 1], [9, 1, 0]], False, ((0, 1, 2), 2)),
    ],
)
def test_one_two_and_three_stops_get_the_trivial_answer(
    cost: list[list[int]], closed: bool, expected: tuple[tuple[int, ...], int]
) -> None:
    """Tiny problems are answered directly, with proof."""
    r = solve(Problem(cost, closed=closed))
    assert (r.order, r.cost) == expected
    assert r.proven_optimal
    assert r.method == "trivial"


def test_float_matrix_with_whole_values_is_accepted() -> None:
    """A float matrix holding whole numbers (e.g. rounded metres) is fine."""
    p = Problem(np.array([[0.0, 2.0], [3.0, 0.0]]))
    assert p.cost.dtype == np.int64
    assert p.route_cost([0, 1]) == 5


def test_solve_rejects_bad_budget_and_method() -> None:
    """A non-positive time limit or unknown method raises ValueError."""
    p = Problem([[0, 1], [1, 0]])
    with pytest.raises(ValueError, match="positive"):
        solve(p, time_limit_s=0)
    with pytest.raises(ValueError, match="method"):
        solve(p, method="magic")  # type: ignore[arg-type]
