"""The layered, bounded and threaded Held–Karp must stay exact and deterministic."""

from __future__ import annotations

import itertools
from math import comb

import numpy as np
import pytest

from tsp import ProblemError, held_karp
from tsp import exact as exact_module


def _euclid(rng: np.random.Generator, n: int) -> np.ndarray:
    xy = rng.integers(0, 10_000, size=(n, 2))
    return np.rint(np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))).astype(np.int64)


def _symmetric_random(rng: np.random.Generator, n: int) -> np.ndarray:
    cost = np.triu(rng.integers(0, 1_000, size=(n, n)), 1)
    return cost + cost.T


def _tour_cost(cost: np.ndarray, order: list[int]) -> int:
    return sum(int(cost[a, b]) for a, b in itertools.pairwise([*order, order[0]]))


@pytest.mark.parametrize("size", range(1, 7))
def test_unrank_lists_every_subset_of_a_size_in_increasing_order(size: int) -> None:
    """_unrank(r, k) enumerates all k-bit masks of 10 bits in increasing order."""
    masks = [exact_module._unrank(r, size) for r in range(comb(10, size))]
    expected = [m for m in range(1 << 10) if bin(m).count("1") == size]
    assert masks == expected


@pytest.mark.parametrize("n", [13, 14, 15, 16, 17])
@pytest.mark.parametrize("shape", ["euclid", "random"])
def test_bounded_tables_give_the_same_optimum_as_unbounded_ones(
    n: int, shape: str, rng: np.random.Generator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Skipping entries above the local-search tour never changes the optimal cost."""
    for _ in range(2):
        cost = _euclid(rng, n) if shape == "euclid" else _symmetric_random(rng, n)
        start = int(rng.integers(n))
        bounded, order = held_karp(cost, start=start, threads=1)
        with monkeypatch.context() as m:
            m.setattr(exact_module, "_MIN_BOUND_BITS", 64)  # bounding off
            plain, _ = held_karp(cost, start=start, threads=1)
        assert bounded == plain
        assert sorted(order) == list(range(n))
        assert order[0] == start
        assert _tour_cost(cost, order) == bounded


def test_bound_cut_never_falls_below_twice_the_optimum(rng: np.random.Generator) -> None:
    """The cut-off comes from a real tour, so no entry of an optimal tour is skipped."""
    cost = _euclid(rng, 16)
    bound = exact_module._tour_bound(cost, np.arange(1, 16, dtype=np.int64), 0)
    best, _ = held_karp(cost, threads=1)
    assert bound.cut >= 2 * best - int(np.sort(cost[0])[1])


@pytest.mark.parametrize("n", [15, 18, 19])
@pytest.mark.parametrize("closed", [True, False])
def test_thread_count_does_not_change_cost_or_order(
    n: int, closed: bool, rng: np.random.Generator
) -> None:
    """One, two and three worker threads return the identical cost and order."""
    cost = _euclid(rng, n)
    if not closed:
        cost = cost + rng.integers(0, 300, size=cost.shape)
        np.fill_diagonal(cost, 0)
    results = {threads: held_karp(cost, closed=closed, threads=threads) for threads in (1, 2, 3)}
    assert results[1] == results[2] == results[3]


def test_zero_threads_is_refused() -> None:
    """threads=0 raises ProblemError instead of hanging or running nothing."""
    with pytest.raises(ProblemError, match="threads"):
        held_karp(np.ones((6, 6), dtype=np.int64), threads=0)
