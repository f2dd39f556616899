"""Lower bounds on the optimal route cost, so a heuristic answer can state its gap."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from tsp._bound_kernels import one_tree_bound

if TYPE_CHECKING:
    from tsp.problem import Problem

__all__ = ["lower_bound"]


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
