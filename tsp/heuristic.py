"""Near-optimal routes beyond the exact size: construction plus iterated local search."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np

from tsp._ls_kernels import ils_plain, ils_windows

if TYPE_CHECKING:
    import numpy.typing as npt

    from tsp.problem import Problem

__all__ = ["Extended", "local_search", "windowed_local_search"]

_NEIGHBOURS = 10
_KICK_SEGMENT = 30
_OR_SEGMENT = 3
_SLACK_PPM = 300  # accept a kick result up to 0.03 % worse: escapes plateaus (measured)
_MAX_CHUNK = 500  # kicks per anchor of a closed tour
_SCHEDULE_STEPS_PER_S = 3e7  # conservative: schedule steps per second in the kernel


class Extended:
    """A problem as a path with fixed ends over a matrix with one extra sink node.

    The arc into the sink costs the return to the start for a closed tour and nothing for an
    open path, so every route shape is a path ``start … sink`` with free middle positions.
    """

    def __init__(self, problem: Problem, stops: npt.NDArray[np.int64]) -> None:
        n = problem.n
        self.sink = n
        self.problem = problem
        d = np.zeros((n + 1, n + 1), dtype=np.int64)
        d[:n, :n] = problem.cost
        t = np.zeros((n + 1, n + 1), dtype=np.int64)
        t[:n, :n] = problem.travel_s
        if problem.closed:
            d[:n, n] = problem.cost[:, problem.start]
            t[:n, n] = problem.travel_s[:, problem.start]
        d[n, :] = int(problem.cost.max()) + 1
        self.cost = d
        self.travel = t
        middle = [int(v) for v in stops if v != problem.start and v != problem.end]
        self.middle = np.array(middle, dtype=np.int64)
        self.lo = 1
        self.hi = len(middle)  # last movable position
        tail = [problem.end] if problem.end is not None else []
        self.tail = tail

    def route(self, middle_order: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Full extended route for a given order of the free stops."""
        parts = [self.problem.start, *middle_order.tolist(), *self.tail, self.sink]
        return np.array(parts, dtype=np.int64)

    def order(self, route: npt.NDArray[np.int64]) -> list[int]:
        """Strip the sink: the stop order as :class:`tsp.Result` reports it."""
        return [int(v) for v in route[:-1]]

    def neighbours(self) -> npt.NDArray[np.int64]:
        """Up to 10 cheapest partners (either direction) for each node, sink included.

        At most three zero-cost partners are kept: co-located stops would otherwise fill
        the whole list and hide every useful move (pr144 has many such clusters).
        """
        n1 = self.cost.shape[0]
        sym = np.minimum(self.cost, self.cost.T).astype(np.float64)
        np.fill_diagonal(sym, np.inf)
        k = min(_NEIGHBOURS, n1 - 1)
        ranked = np.argsort(sym, axis=1, kind="stable")
        out = np.empty((n1, k), dtype=np.int64)
        for v in range(n1):
            row = ranked[v][ranked[v] != v]
            is_zero = sym[v, row] == 0
            zero, rest = row[is_zero], row[~is_zero]
            out[v] = np.concatenate([zero[:3], rest, zero[3:]])[:k]
        return out

    def nearest_neighbour(self) -> npt.NDArray[np.int64]:
        """Greedy construction: always go to the cheapest unvisited free stop."""
        left = set(self.middle.tolist())
        cur = self.problem.start
        out: list[int] = []
        while left:
            nxt = min(left, key=lambda v: (int(self.cost[cur, v]), v))
            out.append(nxt)
            left.remove(nxt)
            cur = nxt
        return np.array(out, dtype=np.int64)


def local_search(
    ext: Extended,
    *,
    deadline: float,
    seed: int,
    initial: npt.NDArray[np.int64] | None = None,
    max_seg: int = _KICK_SEGMENT,
    or_max: int = _OR_SEGMENT,
    slack_ppm: int = _SLACK_PPM,
    or3: bool = True,
) -> tuple[list[int], int]:
    """Run iterated 2-opt/Or-opt with double-bridge kicks until ``deadline`` (perf_counter).

    Returns ``(order, cost)``. Runs in chunks of kicks so the deadline is honoured; the
    first chunk always runs, so a tiny budget still yields a local optimum.
    """
    route = ext.route(ext.nearest_neighbour() if initial is None else initial)
    if ext.hi < 2:
        return ext.order(route), int(ext.cost[route[:-1], route[1:]].sum())
    neigh = ext.neighbours()
    d = ext.cost
    rotate = ext.problem.closed and ext.hi == ext.problem.n - 1
    if rotate:
        d = ext.cost.copy()  # the sink column is re-pointed at each round's anchor
    best_cost = int(
        ils_plain(d, route, ext.lo, ext.hi, neigh, 0, seed, max_seg, or_max, slack_ppm, or3)
    )
    chunk = 20
    round_ = 0
    while (now := time.perf_counter()) < deadline:
        round_ += 1
        if rotate:
            route = _rotated(ext, d, route, seed + round_)
        cost = int(
            ils_plain(
                d,
                route,
                ext.lo,
                ext.hi,
                neigh,
                chunk,
                seed + round_,
                max_seg,
                or_max,
                slack_ppm,
                or3,
            )
        )
        best_cost = min(best_cost, cost)
        per_kick = (time.perf_counter() - now) / chunk
        # Size the next chunk to a quarter of what is left, so the deadline holds, but
        # keep chunks short enough that the anchor of a closed tour moves often.
        chunk = int(
            min(max(1.0, 0.25 * (deadline - time.perf_counter()) / max(per_kick, 1e-7)), _MAX_CHUNK)
        )
    if rotate:
        cycle = route[:-1].tolist()
        k = cycle.index(ext.problem.start)
        route = ext.route(np.array(cycle[k + 1 :] + cycle[:k], dtype=np.int64))
    return ext.order(route), best_cost


def _rotated(
    ext: Extended, d: npt.NDArray[np.int64], route: npt.NDArray[np.int64], salt: int
) -> npt.NDArray[np.int64]:
    """Re-anchor a closed tour at another stop so moves can cross the old seam.

    The kernels keep ``route[0]`` and the sink fixed, so no move can relocate the anchor
    or a segment spanning it; a stop picked from ``salt`` (deterministic) becomes the new
    anchor, and the sink column of ``d`` is re-pointed at it (the return to the anchor).
    """
    cycle = route[:-1]
    k = (salt * 2654435761) % cycle.shape[0]
    anchor = int(cycle[k])
    n = ext.problem.n
    d[:n, n] = ext.problem.cost[:, anchor]
    return np.concatenate([cycle[k:], cycle[:k], np.array([ext.sink], dtype=np.int64)])


def windowed_local_search(
    ext: Extended,
    windows: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]],
    service: npt.NDArray[np.int64],
    *,
    deadline: float,
    seed: int,
    initial: npt.NDArray[np.int64],
) -> tuple[list[int], int, int]:
    """Search on ``(window violation, cost)``; return order, violation and cost.

    Each kernel call gets a move-evaluation budget sized to the time left (a move costs a
    schedule scan, about ``n`` steps), so large inputs stop near ``deadline`` too.
    """
    route = ext.route(initial)
    w_open, w_close, w_count = windows
    start_time = ext.problem.start_time
    args = (w_open, w_close, w_count, service, start_time)
    hi = max(ext.hi, 1)
    steps = len(route)

    def budget() -> int:
        left = max(deadline - time.perf_counter(), 0.0)
        return max(200, int(left * _SCHEDULE_STEPS_PER_S / steps))

    viol, cost = ils_windows(ext.cost, ext.travel, route, ext.lo, hi, *args, 0, seed, budget())
    round_ = 0
    while ext.hi >= 2 and time.perf_counter() < deadline:
        round_ += 1
        viol, cost = ils_windows(
            ext.cost, ext.travel, route, ext.lo, hi, *args, 1, seed + round_, budget()
        )
    return ext.order(route), int(viol), int(cost)
