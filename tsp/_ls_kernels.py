"""Numba kernels for local search on a path with fixed ends (2-opt, Or-opt, kicks).

Every route is a path ``route[0] = start … route[-1] = sink`` over an extended matrix whose
last node is a virtual sink: the arc into the sink costs the return to the start for a
closed tour and nothing for an open one. Positions ``lo..hi`` may move. Costs may be
asymmetric: reversal costs come from prefix sums of forward and backward arc costs.

Time windows are checked by a full schedule scan (``schedule_violation``); the windowed
search compares ``(violation, cost)`` lexicographically.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = [
    "ils_plain",
    "ils_windows",
    "path_cost",
    "schedule",
]


@njit(cache=True, nogil=True)
def path_cost(d, route):  # type: ignore[no-untyped-def]  # pragma: no cover
    """Sum of arc costs along ``route``."""
    total = 0
    for p in range(route.shape[0] - 1):
        total += d[route[p], route[p + 1]]
    return total


@njit(cache=True, nogil=True)
def _prefix(d, route, fwd, bwd):  # type: ignore[no-untyped-def]  # pragma: no cover
    fwd[0] = 0
    bwd[0] = 0
    for p in range(route.shape[0] - 1):
        fwd[p + 1] = fwd[p] + d[route[p], route[p + 1]]
        bwd[p + 1] = bwd[p] + d[route[p + 1], route[p]]


@njit(cache=True, nogil=True)
def _reverse(route, i, j, pos):  # type: ignore[no-untyped-def]  # pragma: no cover
    while i < j:
        a = route[i]
        route[i] = route[j]
        route[j] = a
        pos[route[i]] = i
        pos[route[j]] = j
        i += 1
        j -= 1


@njit(cache=True, nogil=True)
def _move_segment(route, s, e, k, rev, scratch, pos):  # type: ignore[no-untyped-def]  # pragma: no cover
    """Move ``route[s..e]`` to sit between positions ``k`` and ``k+1`` (k outside s-1..e)."""
    n = route.shape[0]
    c = 0
    for p in range(n):
        if s <= p <= e:
            continue
        scratch[c] = route[p]
        c += 1
        if p == k:
            if rev:
                for q in range(e, s - 1, -1):
                    scratch[c] = route[q]
                    c += 1
            else:
                for q in range(s, e + 1):
                    scratch[c] = route[q]
                    c += 1
    for p in range(n):
        route[p] = scratch[p]
        pos[route[p]] = p


@njit(cache=True, nogil=True)
def _local_search(d, route, lo, hi, neigh, pos, fwd, bwd, scratch):  # type: ignore[no-untyped-def]  # pragma: no cover
    """2-opt and Or-opt (segments of 1–3, both orientations) to a local optimum."""
    n_neigh = neigh.shape[1]
    _prefix(d, route, fwd, bwd)
    improved = True
    while improved:
        improved = False
        # 2-opt: reverse route[i..j]; new arcs (i-1 -> j) and (i -> j+1).
        for i in range(lo, hi + 1):
            a = route[i - 1]
            for t in range(n_neigh):
                c = neigh[a, t]
                j = pos[c]
                if j <= i or j > hi:
                    continue
                delta = (
                    d[a, route[j]]
                    + d[route[i], route[j + 1]]
                    - d[a, route[i]]
                    - d[route[j], route[j + 1]]
                    + (bwd[j] - bwd[i])
                    - (fwd[j] - fwd[i])
                )
                if delta < 0:
                    _reverse(route, i, j, pos)
                    _prefix(d, route, fwd, bwd)
                    improved = True
                    break
            # second orientation: new arc (j -> i) seen from node route[i]
            b = route[i]
            for t in range(n_neigh):
                c = neigh[b, t]
                jj = pos[c]
                # reverse route[jj+1 .. i-1]? new arcs (jj -> i-1) and (jj+1 -> i)
                if jj < lo - 1 or jj >= i - 2:
                    continue
                x, y = jj + 1, i - 1
                delta = (
                    d[route[jj], route[y]]
                    + d[route[x], route[i]]
                    - d[route[jj], route[x]]
                    - d[route[y], route[i]]
                    + (bwd[y] - bwd[x])
                    - (fwd[y] - fwd[x])
                )
                if delta < 0:
                    _reverse(route, x, y, pos)
                    _prefix(d, route, fwd, bwd)
                    improved = True
                    break
        # Or-opt: move route[s..e] (length 1..3) next to a neighbour of either end.
        for length in range(1, 4):
            s = lo
            while s + length - 1 <= hi:
                e = s + length - 1
                p_s, p_e = route[s - 1], route[e + 1]
                removed = d[p_s, route[s]] + d[route[e], p_e] - d[p_s, p_e]
                inner_rev = (bwd[e] - bwd[s]) - (fwd[e] - fwd[s])
                done = False
                for end_pick in range(2):
                    anchor = route[s] if end_pick == 0 else route[e]
                    for t in range(n_neigh):
                        c = neigh[anchor, t]
                        pc = pos[c]
                        for k in (pc - 1, pc):
                            if k < lo - 1 or k > hi or (s - 1 <= k <= e):
                                continue
                            u, v = route[k], route[k + 1]
                            base = removed + d[u, v]
                            fwd_gain = d[u, route[s]] + d[route[e], v] - base
                            rev_gain = d[u, route[e]] + d[route[s], v] + inner_rev - base
                            if fwd_gain < 0 or rev_gain < 0:
                                _move_segment(route, s, e, k, rev_gain < fwd_gain, scratch, pos)
                                _prefix(d, route, fwd, bwd)
                                improved = True
                                done = True
                                break
                        if done:
                            break
                    if done:
                        break
                s += 1
    return fwd[route.shape[0] - 1]


@njit(cache=True, nogil=True)
def _kick(route, lo, hi, state, scratch, pos):  # type: ignore[no-untyped-def]  # pragma: no cover
    """Double bridge on a path: swap two adjacent random segments inside ``lo..hi``."""
    span = hi - lo + 1
    if span < 3:
        return state
    state = (state * 6364136223846793005 + 1442695040888963407) & 0x7FFFFFFFFFFFFFFF
    a = lo + (state >> 17) % (span - 2)
    max_len = min(50, (hi - a) // 2) if hi - a >= 2 else 1
    state = (state * 6364136223846793005 + 1442695040888963407) & 0x7FFFFFFFFFFFFFFF
    l1 = 1 + (state >> 17) % max_len
    state = (state * 6364136223846793005 + 1442695040888963407) & 0x7FFFFFFFFFFFFFFF
    l2 = 1 + (state >> 17) % max(1, min(max_len, hi - (a + l1) + 1))
    b = a + l1
    c = min(b + l2, hi + 1)
    if b >= c:
        return state
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
    return state


@njit(cache=True, nogil=True)
def ils_plain(d, route, lo, hi, neigh, iterations, seed):  # type: ignore[no-untyped-def]  # pragma: no cover
    """Improve ``route`` in place by iterated local search; it ends as the best found.

    Runs ``iterations`` kicks; returns the best cost. Deterministic for a given seed.
    """
    n = route.shape[0]
    pos = np.empty(n, np.int64)
    for p in range(n):
        pos[route[p]] = p
    fwd = np.empty(n, d.dtype)
    bwd = np.empty(n, d.dtype)
    scratch = np.empty(n, np.int64)
    best = route.copy()
    best_cost = _local_search(d, route, lo, hi, neigh, pos, fwd, bwd, scratch)
    best[:] = route
    state = (seed * 2654435761 + 12345) & 0x7FFFFFFFFFFFFFFF
    for _ in range(iterations):
        state = _kick(route, lo, hi, state, scratch, pos)
        cost = _local_search(d, route, lo, hi, neigh, pos, fwd, bwd, scratch)
        if cost <= best_cost:
            best_cost = cost
            best[:] = route
        else:
            route[:] = best
            for p in range(n):
                pos[route[p]] = p
            _prefix(d, route, fwd, bwd)
    route[:] = best
    return best_cost


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
    d, travel, route, lo, hi, w_open, w_close, w_count, service, start_time, iterations, seed
):
    """Minimise ``(window violation, cost)`` lexicographically by iterated local search.

    Moves are 2-opt and Or-opt (1–3) evaluated by a full schedule scan, so a pass is
    O(n³) at worst; meant for routes up to a few hundred stops. ``route`` ends as the best.
    Returns ``(violation, cost)``.
    """
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
        if it > 0:
            route[:] = best
            for p in range(n):
                pos[route[p]] = p
            state = _kick(route, lo, hi, state, scratch, pos)
            cur_v, cur_c = _evaluate(
                d, travel, route, w_open, w_close, w_count, service, start_time, arrive, depart
            )
        improved = True
        while improved:
            improved = False
            for i in range(lo, hi):
                for j in range(i + 1, hi + 1):
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
                            cand[:] = route
                            for p in range(n):
                                pos[cand[p]] = p
                            _move_segment(cand, s, e, k, rev == 1, scratch, pos)
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
