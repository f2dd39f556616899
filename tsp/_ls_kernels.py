"""Numba kernels for local search under time windows (schedule scan, windowed ILS).

Routes are paths ``route[0] = start … route[-1] = sink`` as in :mod:`tsp._move_kernels`,
whose moves this reuses. Time windows are checked by a full schedule scan
(``schedule_violation``); the windowed search compares ``(violation, cost)``
lexicographically.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from tsp._move_kernels import move_segment, path_cost

__all__ = [
    "ils_windows",
    "schedule",
]


@njit(cache=True, nogil=True)
def _kick(route, lo, hi, state, scratch, pos, max_seg):  # type: ignore[no-untyped-def]  # pragma: no cover
    """Double bridge on a path: swap two adjacent random segments inside ``lo..hi``."""
    span = hi - lo + 1
    if span < 3:
        return state, lo, lo
    state = (state * 6364136223846793005 + 1442695040888963407) & 0x7FFFFFFFFFFFFFFF
    a = lo + (state >> 17) % (span - 2)
    max_len = min(max_seg, (hi - a) // 2) if hi - a >= 2 else 1
    state = (state * 6364136223846793005 + 1442695040888963407) & 0x7FFFFFFFFFFFFFFF
    l1 = 1 + (state >> 17) % max_len
    state = (state * 6364136223846793005 + 1442695040888963407) & 0x7FFFFFFFFFFFFFFF
    l2 = 1 + (state >> 17) % max(1, min(max_len, hi - (a + l1) + 1))
    b = a + l1
    c = min(b + l2, hi + 1)
    if b >= c:
        return state, a, a
    # route[a..b-1] and route[b..c-1] swap places.
    k = 0
    for p in range(b, c):
        scratch[k] = route[p]
        k += 1
    for p in range(a, b):
        scratch[k] = route[p]
        k += 1
    for p in range(a, c):
        route[p] = scratch[p - a]
        pos[route[p]] = p
    return state, a, c


@njit(cache=True, nogil=True)
def schedule(travel, route, w_open, w_close, w_count, service, start_time, arrive, depart):  # type: ignore[no-untyped-def]  # pragma: no cover
    """Earliest schedule along ``route``; returns the total window violation (0 = feasible).

    A visit starts at ``max(arrival, open)`` of the first window that still fits the whole
    service; if none fits, the overshoot past the last closing counts as violation.
    """
    t = start_time
    violation = 0
    arrive[0] = t
    depart[0] = t
    for p in range(1, route.shape[0]):
        v = route[p]
        t = t + travel[route[p - 1], v]
        arrive[p] = t
        begin = -1
        for w in range(w_count[v]):
            b = max(t, w_open[v, w])
            if b + service[v] <= w_close[v, w]:
                begin = b
                break
        if begin < 0:
            late = t + service[v]
            if w_count[v] > 0:
                late -= w_close[v, w_count[v] - 1]
            violation += max(late, 1)
            begin = t
        t = begin + service[v]
        depart[p] = t
    return violation


@njit(cache=True, nogil=True)
def _evaluate(d, travel, route, w_open, w_close, w_count, service, start_time, arrive, depart):  # type: ignore[no-untyped-def]  # pragma: no cover
    viol = schedule(travel, route, w_open, w_close, w_count, service, start_time, arrive, depart)
    return viol, path_cost(d, route)


@njit(cache=True, nogil=True)
def ils_windows(  # type: ignore[no-untyped-def]  # pragma: no cover
    d,
    travel,
    route,
    lo,
    hi,
    w_open,
    w_close,
    w_count,
    service,
    start_time,
    iterations,
    seed,
    max_evals,
):
    """Minimise ``(window violation, cost)`` lexicographically by iterated local search.

    Moves are 2-opt and Or-opt (1–3) evaluated by a full schedule scan, so a pass is
    O(n³) at worst; meant for routes up to a few hundred stops. At most ``max_evals``
    moves are evaluated, so the caller can bound the run time. ``route`` ends as the best.
    Returns ``(violation, cost)``.
    """
    evals = 0
    n = route.shape[0]
    arrive = np.empty(n, np.int64)
    depart = np.empty(n, np.int64)
    cand = route.copy()
    pos = np.empty(n, np.int64)
    scratch = np.empty(n, np.int64)
    cur_v, cur_c = _evaluate(
        d, travel, route, w_open, w_close, w_count, service, start_time, arrive, depart
    )
    best = route.copy()
    best_v, best_c = cur_v, cur_c
    state = (seed * 2654435761 + 12345) & 0x7FFFFFFFFFFFFFFF
    for it in range(iterations + 1):
        if evals >= max_evals:
            break
        if it > 0:
            route[:] = best
            for p in range(n):
                pos[route[p]] = p
            state, _a, _c = _kick(route, lo, hi, state, scratch, pos, 50)
            cur_v, cur_c = _evaluate(
                d, travel, route, w_open, w_close, w_count, service, start_time, arrive, depart
            )
        improved = True
        while improved and evals < max_evals:
            improved = False
            for i in range(lo, hi):
                for j in range(i + 1, hi + 1):
                    if evals >= max_evals:
                        break
                    evals += 1
                    cand[:] = route
                    a, b = i, j
                    while a < b:
                        cand[a], cand[b] = cand[b], cand[a]
                        a += 1
                        b -= 1
                    v, c = _evaluate(
                        d,
                        travel,
                        cand,
                        w_open,
                        w_close,
                        w_count,
                        service,
                        start_time,
                        arrive,
                        depart,
                    )
                    if v < cur_v or (v == cur_v and c < cur_c):
                        route[:] = cand
                        cur_v, cur_c = v, c
                        improved = True
            for length in range(1, 4):
                for s in range(lo, hi - length + 2):
                    e = s + length - 1
                    for k in range(lo - 1, hi + 1):
                        if s - 1 <= k <= e:
                            continue
                        for rev in range(2):
                            if evals >= max_evals:
                                break
                            evals += 1
                            cand[:] = route
                            for p in range(n):
                                pos[cand[p]] = p
                            move_segment(cand, s, e, k, rev == 1, scratch, pos)
                            v, c = _evaluate(
                                d,
                                travel,
                                cand,
                                w_open,
                                w_close,
                                w_count,
                                service,
                                start_time,
                                arrive,
                                depart,
                            )
                            if v < cur_v or (v == cur_v and c < cur_c):
                                route[:] = cand
                                cur_v, cur_c = v, c
                                improved = True
        if cur_v < best_v or (cur_v == best_v and cur_c <= best_c):
            best[:] = route
            best_v, best_c = cur_v, cur_c
    route[:] = best
    return best_v, best_c
