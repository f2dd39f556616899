"""Numba kernel for the Held–Karp 1-tree lower bound (Lagrangian, subgradient ascent)."""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["one_tree_bound"]


@njit(cache=True, nogil=True)
def _one_tree(w, pi, degree):  # type: ignore[no-untyped-def]  # pragma: no cover
    """Weight of the minimum 1-tree under penalties ``pi`` (node 0 is the special node)."""
    n = w.shape[0]
    in_tree = np.zeros(n, np.bool_)
    best = np.full(n, np.inf)
    parent = np.full(n, -1, np.int64)
    for v in range(n):
        degree[v] = 0
    total = 0.0
    best[1] = 0.0
    for _ in range(n - 1):
        u = -1
        bu = np.inf
        for v in range(1, n):
            if not in_tree[v] and best[v] < bu:
                bu = best[v]
                u = v
        in_tree[u] = True
        total += bu
        if parent[u] >= 0:
            degree[u] += 1
            degree[parent[u]] += 1
        for v in range(1, n):
            if not in_tree[v]:
                c = w[u, v] + pi[u] + pi[v]
                if c < best[v]:
                    best[v] = c
                    parent[v] = u
    first = -1
    c1 = np.inf
    c2 = np.inf
    second = -1
    for v in range(1, n):
        c = w[0, v] + pi[0] + pi[v]
        if c < c1:
            c2, second = c1, first
            c1, first = c, v
        elif c < c2:
            c2, second = c, v
    total += c1 + c2
    degree[0] = 2
    degree[first] += 1
    degree[second] += 1
    return total


@njit(cache=True, nogil=True)
def one_tree_bound(w, upper_bound, iterations):  # type: ignore[no-untyped-def]  # pragma: no cover
    """Best Held–Karp bound found by ``iterations`` subgradient steps (a float).

    ``w`` is a symmetric float64 matrix, ``n ≥ 3``; ``upper_bound`` steers the step size.
    """
    n = w.shape[0]
    pi = np.zeros(n)
    degree = np.zeros(n, np.int64)
    best = -np.inf
    lam = 2.0
    stall = 0
    for _ in range(iterations):
        value = _one_tree(w, pi, degree)
        s = 0.0
        for v in range(n):
            s += pi[v]
        bound = value - 2.0 * s
        if bound > best + 1e-9:
            best = bound
            stall = 0
        else:
            stall += 1
            if stall >= 10:
                lam *= 0.5
                stall = 0
        norm = 0.0
        for v in range(n):
            g = degree[v] - 2
            norm += g * g
        if norm == 0.0:
            break
        step = lam * max(upper_bound - bound, 1e-9) / norm
        for v in range(n):
            pi[v] += step * (degree[v] - 2)
        if lam < 1e-6:
            break
    return best
