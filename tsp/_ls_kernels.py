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
def _push(node, active, stack, top):  # type: ignore[no-untyped-def]  # pragma: no cover
    if not active[node]:
        active[node] = True
        stack[top] = node
        top += 1
    return top


@njit(cache=True, nogil=True)
def _try_two_opt(d, route, lo, hi, neigh, pos, fwd, bwd, i):  # type: ignore[no-untyped-def]  # pragma: no cover
    """Best-first 2-opt move that removes arc ``(i-1, i)``; returns ``(delta, x, y)``."""
    n_neigh = neigh.shape[1]
    a = route[i - 1]
    b = route[i]
    # new arcs (a -> route[j]) and (b -> route[j+1]); reverse i..j
    for t in range(n_neigh):
        j = pos[neigh[a, t]]
        if j <= i or j > hi:
            continue
        delta = (
            d[a, route[j]]
            + d[b, route[j + 1]]
            - d[a, b]
            - d[route[j], route[j + 1]]
            + (bwd[j] - bwd[i])
            - (fwd[j] - fwd[i])
        )
        if delta < 0:
            return delta, i, j
    # new arcs (route[jj] -> a) and (route[jj+1] -> b); reverse jj+1..i-1
    for t in range(n_neigh):
        jj = pos[neigh[a, t]]
        if jj < lo - 1 or jj >= i - 2:
            continue
        x, y = jj + 1, i - 1
        delta = (
            d[route[jj], a]
            + d[route[x], b]
            - d[route[jj], route[x]]
            - d[a, b]
            + (bwd[y] - bwd[x])
            - (fwd[y] - fwd[x])
        )
        if delta < 0:
            return delta, x, y
    return 0, -1, -1


@njit(cache=True, nogil=True)
def _try_or_opt(d, route, lo, hi, neigh, pos, fwd, bwd, s, length):  # type: ignore[no-untyped-def]  # pragma: no cover
    """First improving move of ``route[s..s+length-1]``; returns ``(delta, k, reversed)``."""
    n_neigh = neigh.shape[1]
    e = s + length - 1
    p_s, p_e = route[s - 1], route[e + 1]
    removed = d[p_s, route[s]] + d[route[e], p_e] - d[p_s, p_e]
    inner_rev = (bwd[e] - bwd[s]) - (fwd[e] - fwd[s])
    for end_pick in range(2):
        anchor = route[s] if end_pick == 0 else route[e]
        for t in range(n_neigh):
            pc = pos[neigh[anchor, t]]
            for k in (pc - 1, pc):
                if k < lo - 1 or k > hi or (s - 1 <= k <= e):
                    continue
                u, v = route[k], route[k + 1]
                base = removed + d[u, v]
                fwd_gain = d[u, route[s]] + d[route[e], v] - base
                rev_gain = d[u, route[e]] + d[route[s], v] + inner_rev - base
                if rev_gain < fwd_gain and rev_gain < 0:
                    return rev_gain, k, True
                if fwd_gain < 0:
                    return fwd_gain, k, False
    return 0, -1, False


@njit(cache=True, nogil=True)
def _try_or3(d, route, lo, hi, neigh, pos, p1):  # type: ignore[no-untyped-def]  # pragma: no cover
    """First improving swap of the two segments after ``route[p1]`` (Or-3opt).

    ``route[p1+1..p2]`` and ``route[p2+1..p3]`` exchange places, with no reversal, so the
    move suits asymmetric costs too; it is the one pure 3-opt move that 2-opt and short
    Or-opt cannot make. The new arc ``route[p1] → route[p2+1]`` is drawn from the
    neighbour list of ``route[p1]`` and must gain on its own (partial-gain rule); the
    arc into ``route[p1+1]`` from that node's list. Returns ``(delta, p2, p3)``.
    """
    n_neigh = neigh.shape[1]
    if p1 < lo - 1 or p1 + 1 > hi:
        return 0, -1, -1
    a = route[p1]
    b = route[p1 + 1]
    d_ab = d[a, b]
    for t in range(n_neigh):
        q = pos[neigh[a, t]]
        if q < p1 + 2 or q > hi:
            continue
        c = route[q]
        tail = route[q - 1]
        g1 = d_ab + d[tail, c] - d[a, c]
        if g1 <= 0:
            continue
        for u in range(n_neigh):
            p3 = pos[neigh[b, u]]
            if p3 < q or p3 > hi:
                continue
            e = route[p3]
            f = route[p3 + 1]
            delta = d[e, b] + d[tail, f] - d[e, f] - g1
            if delta < 0:
                return delta, q - 1, p3
    return 0, -1, -1


@njit(cache=True, nogil=True)
def _swap_segments(route, s, m, e, scratch, pos):  # type: ignore[no-untyped-def]  # pragma: no cover
    """Exchange ``route[s..m]`` and ``route[m+1..e]`` in place."""
    k = 0
    for p in range(m + 1, e + 1):
        scratch[k] = route[p]
        k += 1
    for p in range(s, m + 1):
        scratch[k] = route[p]
        k += 1
    for p in range(s, e + 1):
        route[p] = scratch[p - s]
        pos[route[p]] = p


@njit(cache=True, nogil=True)
def _local_search(d, route, lo, hi, neigh, pos, fwd, bwd, scratch, active, stack, top, or_max, or3):  # type: ignore[no-untyped-def]  # pragma: no cover
    """2-opt, Or-opt (1–3, both orientations) and, with ``or3``, Or-3opt to a local optimum.

    Only nodes on the ``stack`` (don't-look bits cleared) are examined; a node whose moves
    all fail goes to sleep until a later move changes one of its arcs.
    """
    _prefix(d, route, fwd, bwd)
    while top > 0:
        top -= 1
        v = stack[top]
        active[v] = False
        p = pos[v]
        if p < lo - 1 or p > hi + 1:
            continue
        touched = np.empty(8, np.int64)
        n_touched = 0
        for i in (p, p + 1):
            if i < lo or i > hi:
                continue
            delta, x, y = _try_two_opt(d, route, lo, hi, neigh, pos, fwd, bwd, i)
            if delta < 0:
                touched[0] = route[x - 1]
                touched[1] = route[x]
                touched[2] = route[y]
                touched[3] = route[y + 1]
                n_touched = 4
                _reverse(route, x, y, pos)
                break
        if n_touched == 0:
            for length in range(1, or_max + 1):
                for s in (p, p - length + 1):
                    if s < lo or s + length - 1 > hi:
                        continue
                    delta, k, rev = _try_or_opt(d, route, lo, hi, neigh, pos, fwd, bwd, s, length)
                    if delta < 0:
                        e = s + length - 1
                        touched[0] = route[s - 1]
                        touched[1] = route[s]
                        touched[2] = route[e]
                        touched[3] = route[e + 1]
                        touched[4] = route[k]
                        touched[5] = route[k + 1]
                        n_touched = 6
                        _move_segment(route, s, e, k, rev, scratch, pos)
                        break
                if n_touched:
                    break
        if n_touched == 0 and or3:
            for p1 in (p, p - 1):
                delta, p2, p3 = _try_or3(d, route, lo, hi, neigh, pos, p1)
                if delta < 0:
                    touched[0] = route[p1]
                    touched[1] = route[p1 + 1]
                    touched[2] = route[p2]
                    touched[3] = route[p2 + 1]
                    touched[4] = route[p3]
                    touched[5] = route[p3 + 1]
                    n_touched = 6
                    _swap_segments(route, p1 + 1, p2, p3, scratch, pos)
                    break
        if n_touched:
            _prefix(d, route, fwd, bwd)
            top = _push(v, active, stack, top)
            for q in range(n_touched):
                top = _push(touched[q], active, stack, top)
    return fwd[route.shape[0] - 1]


@njit(cache=True, nogil=True)
def _activate_all(route, lo, hi, active, stack):  # type: ignore[no-untyped-def]  # pragma: no cover
    top = 0
    for p in range(hi, lo - 1, -1):
        active[route[p]] = True
        stack[top] = route[p]
        top += 1
    return top


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
def ils_plain(d, route, lo, hi, neigh, iterations, seed, max_seg, or_max, slack_ppm, or3):  # type: ignore[no-untyped-def]  # pragma: no cover
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
    active = np.zeros(n, np.bool_)
    stack = np.empty(n, np.int64)
    top = _activate_all(route, lo, hi, active, stack)
    best = route.copy()
    best_cost = _local_search(
        d, route, lo, hi, neigh, pos, fwd, bwd, scratch, active, stack, top, or_max, or3
    )
    best[:] = route
    current = route.copy()
    current_cost = best_cost
    state = (seed * 2654435761 + 12345) & 0x7FFFFFFFFFFFFFFF
    for _ in range(iterations):
        state, a, c = _kick(route, lo, hi, state, scratch, pos, max_seg)
        top = 0
        for p in range(max(a - 1, 0), min(c + 1, n)):
            top = _push(route[p], active, stack, top)
        cost = _local_search(
            d, route, lo, hi, neigh, pos, fwd, bwd, scratch, active, stack, top, or_max, or3
        )
        if cost <= best_cost:
            best_cost = cost
            best[:] = route
        if cost * 1_000_000 <= (1_000_000 + slack_ppm) * current_cost:
            current_cost = cost
            current[:] = route
        else:
            route[:] = current
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
