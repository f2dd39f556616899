"""Numba kernels for iterated local search on a path with fixed ends (no time windows).

Routes are paths ``route[0] = start … route[-1] = sink`` as in :mod:`tsp._move_kernels`,
whose moves this combines: 2-opt, Or-opt (short segments, both orientations) and 3-opt
segment exchanges (all four pure reconnections for symmetric costs, the one without
reversal otherwise), all drawn from candidate neighbour lists, with don't-look bits: after
a kick only the ends of the changed arcs are examined, so a kick costs about ``O(k²)`` move
evaluations per woken node plus the length of the shifts, never a pass over all ``n``.
Asymmetric prefix sums are refreshed from the first changed position after each move.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from tsp._move_kernels import (
    _prefix,
    _reverse,
    exchange_reversed,
    move_segment,
    path_cost,
    swap_segments,
    try_or3,
    try_or3_reversed,
    try_or_opt,
    try_two_opt,
)

__all__ = ["ils_plain"]

_LCG_A = 6364136223846793005
_LCG_C = 1442695040888963407
_MASK = 0x7FFFFFFFFFFFFFFF


@njit(cache=True, nogil=True)
def _push(node, active, stack, top):  # type: ignore[no-untyped-def]  # pragma: no cover
    if not active[node]:
        active[node] = True
        stack[top] = node
        top += 1
    return top


@njit(cache=True, nogil=True)
def _improve_node(d, route, lo, hi, neigh, pos, fwd, bwd, scratch, p, or_max, or3, sym, touched):  # type: ignore[no-untyped-def]  # pragma: no cover
    """Apply one improving move around ``route[p]``, if any.

    Returns ``(delta, first, last, n_touched)``: the cost change, the span of changed
    positions and how many nodes of ``touched`` (ends of the changed arcs) to wake.
    """
    delta, i, j = try_two_opt(d, route, lo, hi, neigh, pos, fwd, bwd, p, sym)
    if delta < 0:
        touched[0] = route[i]
        touched[1] = route[i + 1]
        touched[2] = route[j]
        touched[3] = route[j + 1]
        _reverse(route, i + 1, j, pos)
        return delta, i + 1, j, 4
    for length in range(1, or_max + 1):
        for s in (p, p - length + 1):
            if s < lo or s + length - 1 > hi:
                continue
            delta, k, rev = try_or_opt(d, route, lo, hi, neigh, pos, fwd, bwd, s, length, sym)
            if delta < 0:
                e = s + length - 1
                touched[0] = route[s - 1]
                touched[1] = route[s]
                touched[2] = route[e]
                touched[3] = route[e + 1]
                touched[4] = route[k]
                touched[5] = route[k + 1]
                first, last = move_segment(route, s, e, k, rev, scratch, pos)
                return delta, first, last, 6
            if length == 1:
                break  # s = p twice
    if or3:
        for p1 in (p, p - 1):
            delta, p2, p3 = try_or3(d, route, lo, hi, neigh, pos, p1, sym)
            if delta < 0:
                touched[0] = route[p1]
                touched[1] = route[p1 + 1]
                touched[2] = route[p2]
                touched[3] = route[p2 + 1]
                touched[4] = route[p3]
                touched[5] = route[p3 + 1]
                swap_segments(route, p1 + 1, p2, p3, scratch, pos)
                return delta, p1 + 1, p3, 6
        if sym:
            for p1 in (p, p - 1):
                delta, kind, q, p3 = try_or3_reversed(d, route, lo, hi, neigh, pos, p1)
                if delta < 0:
                    touched[0] = route[p1]
                    touched[1] = route[p1 + 1]
                    touched[2] = route[q - 1]
                    touched[3] = route[q]
                    touched[4] = route[p3]
                    touched[5] = route[p3 + 1]
                    exchange_reversed(route, p1, kind, q, p3, scratch, pos)
                    return delta, p1 + 1, p3, 6
    return 0, -1, -1, 0


@njit(cache=True, nogil=True)
def _descend(  # type: ignore[no-untyped-def]  # pragma: no cover
    d, route, lo, hi, neigh, pos, fwd, bwd, scratch, active, stack, top, or_max, or3, sym, span
):
    """Local search to a local optimum from the awake nodes on ``stack``.

    A node whose moves all fail sleeps until a later move changes one of its arcs.
    Returns the total cost change; ``span`` widens to cover every changed position.
    """
    touched = np.empty(6, np.int64)
    total = 0
    while top > 0:
        top -= 1
        v = stack[top]
        active[v] = False
        p = pos[v]
        if p < lo - 1 or p > hi + 1:
            continue
        delta, first, last, n_touched = _improve_node(
            d, route, lo, hi, neigh, pos, fwd, bwd, scratch, p, or_max, or3, sym, touched
        )
        if n_touched:
            total += delta
            span[0] = min(span[0], first)
            span[1] = max(span[1], last)
            if not sym:
                _prefix(d, route, fwd, bwd, first - 1)
            top = _push(v, active, stack, top)
            for q in range(n_touched):
                top = _push(touched[q], active, stack, top)
    return total


@njit(cache=True, nogil=True)
def _next(state):  # type: ignore[no-untyped-def]  # pragma: no cover
    return (state * _LCG_A + _LCG_C) & _MASK


@njit(cache=True, nogil=True)
def _kick(d, route, lo, hi, state, scratch, pos, max_seg):  # type: ignore[no-untyped-def]  # pragma: no cover
    """Double bridge on a path: swap two adjacent random segments inside ``lo..hi``.

    Returns ``(state, first, end, seam, delta)``: positions ``first..end-1`` changed and
    the moved segments now meet between ``seam`` and ``seam + 1``.
    """
    span = hi - lo + 1
    if span < 3:
        return state, lo, lo, lo, 0
    state = _next(state)
    a = lo + (state >> 17) % (span - 2)
    max_len = min(max_seg, (hi - a) // 2) if hi - a >= 2 else 1
    state = _next(state)
    l1 = 1 + (state >> 17) % max_len
    state = _next(state)
    l2 = 1 + (state >> 17) % max(1, min(max_len, hi - (a + l1) + 1))
    b = a + l1
    c = min(b + l2, hi + 1)
    if b >= c:
        return state, a, a, a, 0
    before = d[route[a - 1], route[a]] + d[route[b - 1], route[b]] + d[route[c - 1], route[c]]
    after = d[route[a - 1], route[b]] + d[route[c - 1], route[a]] + d[route[b - 1], route[c]]
    swap_segments(route, a, b - 1, c - 1, scratch, pos)
    return state, a, c, a + (c - b) - 1, after - before


@njit(cache=True, nogil=True)
def ils_plain(  # type: ignore[no-untyped-def]  # pragma: no cover
    d,
    route,
    best,
    lo,
    hi,
    neigh,
    wake,
    iterations,
    seed,
    max_seg,
    or_max,
    slack_ppm,
    or3,
    sym,
    record,
):
    """Iterated local search from ``route``; returns ``(best cost, current cost)``.

    First descends from the nodes in ``wake`` (all free nodes for a fresh route, a few
    around a seam otherwise), then runs ``iterations`` kicks, each followed by a descent
    from the ends of the arcs the kick changed. A result is accepted when it is no worse
    than the current route or within ``slack_ppm`` parts per million of the record
    (``record``, the best cost known to the caller, or better found here: record-to-record
    travel); otherwise only the changed span is restored. ``route`` ends as the current
    route and ``best`` as the best route seen. Deterministic for a given seed; ``sym``
    asserts that costs between free positions are symmetric.
    """
    n = route.shape[0]
    pos = np.empty(n, np.int64)
    for p in range(n):
        pos[route[p]] = p
    fwd = np.zeros(n, d.dtype)
    bwd = np.zeros(n, d.dtype)
    if not sym:
        _prefix(d, route, fwd, bwd, 0)
    scratch = np.empty(n, np.int64)
    active = np.zeros(n, np.bool_)
    stack = np.empty(n, np.int64)
    span = np.empty(2, np.int64)
    top = 0
    for q in range(wake.shape[0] - 1, -1, -1):
        top = _push(wake[q], active, stack, top)
    span[0], span[1] = n, -1
    cost = path_cost(d, route)
    cost += _descend(
        d, route, lo, hi, neigh, pos, fwd, bwd, scratch, active, stack, top, or_max, or3, sym, span
    )
    best_cost = cost
    best[:] = route
    record = min(record, cost)
    current = route.copy()
    current_cost = cost
    state = (seed * 2654435761 + 12345) & _MASK
    for _ in range(iterations):
        state, a, c, seam, kick = _kick(d, route, lo, hi, state, scratch, pos, max_seg)
        if c <= a:
            continue
        span[0], span[1] = a, c - 1
        if not sym:
            _prefix(d, route, fwd, bwd, a - 1)
        top = 0
        for p in (a - 1, a, seam, seam + 1, c - 1, c):
            top = _push(route[p], active, stack, top)
        cost = current_cost + kick
        cost += _descend(
            d,
            route,
            lo,
            hi,
            neigh,
            pos,
            fwd,
            bwd,
            scratch,
            active,
            stack,
            top,
            or_max,
            or3,
            sym,
            span,
        )
        first, last = span[0], span[1]
        if cost < best_cost:
            best_cost = cost
            best[:] = route
            record = min(record, cost)
        if cost <= current_cost or cost * 1_000_000 <= (1_000_000 + slack_ppm) * record:
            current_cost = cost
            current[first : last + 1] = route[first : last + 1]
        else:
            for p in range(first, last + 1):
                route[p] = current[p]
                pos[route[p]] = p
            if not sym:
                _prefix(d, route, fwd, bwd, first - 1)
    return best_cost, current_cost
