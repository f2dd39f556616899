"""Brute-force reference answers for small instances (n <= 9): slow, obviously right."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from collections.abc import Sequence


def _perms(n: int, start: int, end: int | None) -> npt.NDArray[np.int64]:
    middle = [v for v in range(n) if v not in (start, end)]
    rows = [
        [start, *p] + ([end] if end is not None else []) for p in itertools.permutations(middle)
    ]
    return np.array(rows, dtype=np.int64).reshape(len(rows), n)


def best_cost(
    cost: npt.NDArray[np.int64], *, start: int = 0, closed: bool = True, end: int | None = None
) -> int:
    """Cheapest closed tour / open path by exhaustive enumeration."""
    n = cost.shape[0]
    perms = _perms(n, start, end)
    total = cost[perms[:, :-1], perms[:, 1:]].sum(axis=1)
    if closed:
        total = total + cost[perms[:, -1], start]
    return int(total.min())


def fits(arrive: int, windows: Sequence[tuple[int, int]], service: int) -> int | None:
    """Departure time if the visit fits a window (earliest such window), else None."""
    for lo, hi in sorted(windows):
        begin = max(arrive, lo)
        if begin + service <= hi:
            return begin + service
    return None


def best_windowed(
    cost: npt.NDArray[np.int64],
    windows: Sequence[Sequence[tuple[int, int]]],
    service: Sequence[int],
    *,
    start: int = 0,
    closed: bool = True,
    end: int | None = None,
    start_time: int = 0,
) -> int | None:
    """Cheapest feasible route under windows (cost = travel time, waiting free), or None."""
    n = cost.shape[0]
    best: int | None = None
    for row in _perms(n, start, end):
        t = start_time
        ok = True
        for a, b in itertools.pairwise(row.tolist()):
            dep = fits(t + int(cost[a, b]), windows[b], service[b])
            if dep is None:
                ok = False
                break
            t = dep
        if ok and closed:
            back = t + int(cost[row[-1], start])
            ok = any(back <= hi for _, hi in windows[start])
        if ok:
            c = int(cost[row[:-1], row[1:]].sum()) + (int(cost[row[-1], start]) if closed else 0)
            best = c if best is None or c < best else best
    return best
