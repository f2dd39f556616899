"""Lower bounds on the optimal route cost, so a heuristic answer can state its gap."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from scipy.optimize import linear_sum_assignment

from tsp._bound_kernels import one_tree_bound
from tsp.problem import Problem

if TYPE_CHECKING:
    import numpy.typing as npt

__all__ = ["lower_bound", "window_lower_bound"]


def _degree_bound(problem: Problem) -> int:
    """Every stop but the start needs an arc in; a closed tour also needs one out of each."""
    c = problem.cost.astype(np.float64)
    np.fill_diagonal(c, np.inf)
    incoming = c.min(axis=0)
    outgoing = c.min(axis=1)
    if problem.closed:
        return int(max(incoming.sum(), outgoing.sum()))
    into = float(np.delete(incoming, problem.start).sum())
    out_of = outgoing.copy()
    if problem.end is not None:
        out_of[problem.end] = 0.0
    else:
        out_of[int(np.argmax(out_of))] = 0.0
    return int(max(into, out_of.sum()))


def lower_bound(problem: Problem, *, upper_bound: int, iterations: int = 300) -> int:
    """Return a proven lower bound on the optimal cost of ``problem``, ignoring windows.

    Symmetric costs get the Held–Karp 1-tree bound (an open path becomes a tour through a
    virtual node tied to its start, and to its end when fixed). Asymmetric costs get the
    weaker in/out-degree bound.

    Examples
    --------
    >>> from tsp.problem import Problem
    >>> square = [[0, 1, 2, 1], [1, 0, 1, 2], [2, 1, 0, 1], [1, 2, 1, 0]]
    >>> lower_bound(Problem(square), upper_bound=4)
    4
    """
    n = problem.n
    if n < 3:
        return upper_bound
    if not problem.symmetric:
        return min(_degree_bound(problem), upper_bound)
    if problem.closed:
        w = problem.cost.astype(np.float64)
    else:
        big = float(problem.cost.max()) * n + 1.0
        w = np.zeros((n + 1, n + 1))
        w[1:, 1:] = problem.cost
        tie = np.zeros(n) if problem.end is None else np.full(n, big)
        tie[problem.start] = 0.0
        if problem.end is not None:
            tie[problem.end] = 0.0
        w[0, 1:] = tie
        w[1:, 0] = tie
    value = one_tree_bound(w, float(upper_bound), iterations)
    return min(max(0, math.ceil(float(value) - 1e-6)), upper_bound)


def window_lower_bound(
    problem: Problem,
    earliest_start: npt.NDArray[np.int64],
    latest_start: npt.NDArray[np.int64],
    service: npt.NDArray[np.int64],
    *,
    upper_bound: int,
) -> int:
    """Return a proven lower bound that uses the opening hours, never below the plain one.

    An arc ``i → j`` is unusable when even leaving ``i`` at its earliest possible start
    (``earliest_start``, over shortest paths from the start) plus its service cannot reach
    ``j`` by its latest start. No feasible route uses such an arc, so raising its cost to a
    prohibitive value leaves the optimum unchanged; any bound of that harder problem bounds
    ours. The bound is the best of the window-free 1-tree, the 1-tree on the filtered edges
    (an edge survives if one direction does) and the assignment relaxation of the filtered
    arcs (each stop one arc in and one out; an open route closes through a virtual node).
    Arrays are over ``n + 1`` nodes, node ``n`` the finish sink (its latest start bounds
    the return of a closed tour).
    """
    n = problem.n
    if n < 3:
        return upper_bound
    plain = lower_bound(problem, upper_bound=upper_bound)
    travel = problem.travel_s
    reach = earliest_start[:n, None] + service[:n, None] + travel
    usable = reach <= latest_start[None, :n]
    np.fill_diagonal(usable, False)
    usable[:, problem.start] = False  # returns to the start are judged below
    big = int(problem.cost.max()) * (n + 1) + 1
    filtered = np.where(usable, problem.cost, big).astype(np.int64)
    if problem.closed:
        back = earliest_start[:n] + service[:n] + travel[:, problem.start] <= latest_start[n]
        back[problem.start] = False
        filtered[:, problem.start] = np.where(back, problem.cost[:, problem.start], big)
    if problem.end is not None:
        filtered[problem.end, :] = big  # the fixed end is last
    best = max(plain, _assignment_bound(problem, filtered, big))
    if problem.symmetric:
        sym = np.minimum(filtered, filtered.T)
        sub = Problem(sym, start=problem.start, closed=problem.closed, end=problem.end)
        best = max(best, lower_bound(sub, upper_bound=upper_bound))
    return min(best, upper_bound)


def _assignment_bound(problem: Problem, filtered: npt.NDArray[np.int64], big: int) -> int:
    """Minimum-cost assignment of successors: a relaxation of every route shape."""
    n = problem.n
    if problem.closed:
        m = filtered.astype(np.float64)
    else:
        # Virtual node n: the route's end goes to it, it goes back to the start.
        m = np.full((n + 1, n + 1), float(big))
        m[:n, :n] = filtered
        ends = range(n) if problem.end is None else [problem.end]
        for e in ends:
            if e != problem.start:
                m[e, n] = 0.0
        m[n, problem.start] = 0.0
    np.fill_diagonal(m, float(big) * 4)
    rows, cols = linear_sum_assignment(m)
    return int(m[rows, cols].sum()) if m[rows, cols].max() < big else big
