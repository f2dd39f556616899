"""Numba kernels for day routes: cheapest-insertion start, then 2-opt and Or-opt moves.

Integer seconds throughout; a route is evaluated exactly (travel, waiting for opening, and a
heavy price on a visit that fits no window), so the kernels are deterministic and free of fastmath.

Opening hours are per-stop window rows ``open_s[stop, k]``, ``close_s[stop, k]`` (sorted, padded
with ``-1``). A visit must *start and finish* inside one window -- the manager works while the
shop is open -- so a stop waits for the first window where ``max(arrival, open) + service <=
close``; a stop with no such window left that day is late by how far it overruns.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_LATE_PRICE = 1_000


@njit(cache=True, nogil=True)
def visit_start(t, service, open_row, close_row):  # type: ignore[no-untyped-def]
    """Return when a visit arriving at ``t`` starts inside a window, or -1 if none fits."""
    for k in range(open_row.size):
        if open_row[k] < 0:
            break
        start = t if t > open_row[k] else open_row[k]
        if start + service <= close_row[k]:
            return start
    return -1


@njit(cache=True, nogil=True)
def overrun(t, service, close_row):  # type: ignore[no-untyped-def]
    """Return the lateness of a visit that fits no window (at least one second)."""
    last = 0
    for k in range(close_row.size):
        if close_row[k] > last:
            last = close_row[k]
    late = t + service - last
    return late if late > 0 else service + 1


@njit(cache=True, nogil=True)
def route_cost(order, travel_s, service_s, open_s, close_s, start_s):  # type: ignore[no-untyped-def]
    """Return (travel seconds, lateness seconds, finish time) of depot -> order -> depot."""
    t = start_s
    prev = 0
    travel = 0
    late = 0
    for idx in range(order.size):
        stop = order[idx]
        leg = travel_s[prev, stop]
        travel += leg
        t += leg
        start = -1  # visit_start, inlined: passing row views costs ~2x schedule time
        for k in range(open_s.shape[1]):
            if open_s[stop, k] < 0:
                break
            s = t if t > open_s[stop, k] else open_s[stop, k]
            if s + service_s[stop] <= close_s[stop, k]:
                start = s
                break
        if start < 0:
            late += overrun(t, service_s[stop], close_s[stop])
        else:
            t = start
        t += service_s[stop]
        prev = stop
    leg = travel_s[prev, 0]
    travel += leg
    t += leg
    return travel, late, t


@njit(cache=True, nogil=True)
def _score(order, travel_s, service_s, open_s, close_s, start_s):  # type: ignore[no-untyped-def]
    travel, late, finish = route_cost(order, travel_s, service_s, open_s, close_s, start_s)
    return finish - start_s + _LATE_PRICE * late + travel


@njit(cache=True, nogil=True)
def improve_route(travel_s, service_s, open_s, close_s, start_s):  # type: ignore[no-untyped-def]
    """Return a good visiting order of stops ``1..n-1`` (0 is the depot)."""
    n = travel_s.shape[0] - 1
    order = np.empty(0, dtype=np.int64)
    if n == 0:
        return order
    # nearest neighbour construction
    used = np.zeros(n + 1, dtype=np.bool_)
    used[0] = True
    order = np.empty(n, dtype=np.int64)
    prev = 0
    for pos in range(n):
        best = -1
        best_d = 1 << 60
        for s in range(1, n + 1):
            if not used[s] and travel_s[prev, s] < best_d:
                best_d = travel_s[prev, s]
                best = s
        order[pos] = best
        used[best] = True
        prev = best
    best_score = _score(order, travel_s, service_s, open_s, close_s, start_s)
    cand = order.copy()
    improved = True
    rounds = 0
    while improved and rounds < 50:
        improved = False
        rounds += 1
        # 2-opt: reverse order[i..j]
        for i in range(n - 1):
            for j in range(i + 1, n):
                cand[:] = order
                cand[i : j + 1] = order[i : j + 1][::-1]
                sc = _score(cand, travel_s, service_s, open_s, close_s, start_s)
                if sc < best_score:
                    best_score = sc
                    order[:] = cand
                    improved = True
        # Or-opt: move a segment of length 1..3 elsewhere
        for seg in range(1, 4):
            for i in range(n - seg + 1):
                for j in range(n - seg + 1):
                    if j == i:
                        continue
                    rest = np.concatenate((order[:i], order[i + seg :]))
                    piece = order[i : i + seg]
                    cand[:] = np.concatenate((rest[:j], piece, rest[j:]))
                    sc = _score(cand, travel_s, service_s, open_s, close_s, start_s)
                    if sc < best_score:
                        best_score = sc
                        order[:] = cand
                        improved = True
    return order
