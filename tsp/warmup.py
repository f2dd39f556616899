"""Compile (or load from numba's cache) every kernel before the first request."""

from __future__ import annotations

import numpy as np

__all__ = ["warm_up"]


def warm_up() -> None:
    """Run each kernel once on a tiny instance so later calls pay no compile time.

    Kernels are compiled with ``cache=True``, so after the first run on a machine this
    only loads them from ``__pycache__``. Safe to call more than once and from any thread.
    """
    from tsp.problem import Problem
    from tsp.solve import Method, solve

    rng = np.random.default_rng(0)
    for n in (6, 12, 13):  # odd and even free-stop counts; 13 also runs the bounded tables
        pts = rng.integers(0, 1000, size=(n, 2))
        cost = np.rint(np.hypot(*(pts[:, None, :] - pts[None, :, :]).transpose(2, 0, 1)))
        small = cost.astype(np.int64)
        big = small * (1 << 20)  # forces the int64 Held–Karp tables
        asym = small + np.triu(np.ones_like(small))
        for matrix in (small, big, asym):
            solve(Problem(matrix), method="exact")
            solve(Problem(matrix, closed=False), method="exact")
            solve(Problem(matrix, closed=False, end=n - 1), method="exact")
            solve(Problem(matrix), method="heuristic", time_limit_s=0.01)
            solve(Problem(matrix, closed=False), method="heuristic", time_limit_s=0.01)
        windows = [[(0, 10_000_000)] for _ in range(n)]
        for exact in (True, False):
            m: Method = "exact" if exact else "heuristic"
            solve(Problem(small, windows=windows, service=[1] * n), method=m, time_limit_s=0.01)
            solve(Problem(small, windows=windows, closed=False), method=m, time_limit_s=0.01)
        # Two stops open only at the same instant, far apart: no route serves both, so the
        # solver drops one after a windowed local search (the ILS-with-windows kernels).
        clash = [(0, 10_000_000)] * n
        apart = small.copy()
        apart[1, 2] = apart[2, 1] = 10_000
        clash[1] = (int(apart[0, 1]), int(apart[0, 1]))
        clash[2] = (int(apart[0, 2]), int(apart[0, 2]))
        solve(Problem(apart, windows=[[w] for w in clash]), method="auto", time_limit_s=0.01)
