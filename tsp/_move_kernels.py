"""Numba kernels for single moves on a path with fixed ends: 2-opt, Or-opt and 3-opt.

Every route is a path ``route[0] = start … route[-1] = sink`` over an extended matrix whose
last node is a virtual sink (see :class:`tsp.heuristic.Extended`); positions ``lo..hi``
may move. A ``try_*`` kernel scans candidate neighbour lists for one improving move and
returns its exact cost change; the matching apply kernel makes it and keeps ``pos`` (the
position of each node) in step. Costs may be asymmetric: reversal costs then come from
prefix sums of forward and backward arc costs. With ``sym`` the prefix sums are skipped (a
reversal costs nothing inside) and candidate scans stop at the first neighbour that cannot
gain (the neighbour lists are sorted).
"""

from __future__ import annotations

from numba import njit

__all__ = [
    "exchange_reversed",
    "move_segment",
    "path_cost",
    "swap_segments",
    "try_or3",
    "try_or3_reversed",
    "try_or_opt",
    "try_two_opt",
]


@njit(cache=True, nogil=True)
def path_cost(d, route):  # type: ignore[no-untyped-def]  # pragma: no cover
    """Sum of arc costs along ``route``."""
    total = 0
    for p in range(route.shape[0] - 1):
        total += d[route[p], route[p + 1]]
    return total


@njit(cache=True, nogil=True)
def _prefix(d, route, fwd, bwd, start):  # type: ignore[no-untyped-def]  # pragma: no cover
    """Refresh the forward/backward prefix sums from position ``start`` on."""
    if start <= 0:
        fwd[0] = 0
        bwd[0] = 0
        start = 0
    for p in range(start, route.shape[0] - 1):
        fwd[p + 1] = fwd[p] + d[route[p], route[p + 1]]
        bwd[p + 1] = bwd[p] + d[route[p + 1], route[p]]


@njit(cache=True, nogil=True)
def _inner(fwd, bwd, x, y, sym):  # type: ignore[no-untyped-def]  # pragma: no cover
    """Cost change of the arcs inside ``route[x..y]`` when that stretch is reversed."""
    if sym:
        return 0
    return (bwd[y] - bwd[x]) - (fwd[y] - fwd[x])


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
def move_segment(route, s, e, k, rev, scratch, pos):  # type: ignore[no-untyped-def]  # pragma: no cover
    """Move ``route[s..e]`` between positions ``k`` and ``k+1`` (k outside s-1..e).

    Only the stretch between the segment and ``k`` shifts. Returns the first and last
    changed positions.
    """
    length = e - s + 1
    for q in range(length):
        scratch[q] = route[e - q] if rev else route[s + q]
    if k > e:
        for p in range(e + 1, k + 1):
            route[p - length] = route[p]
            pos[route[p - length]] = p - length
        base = k - length + 1
        first, last = s, k
    else:
        for p in range(s - 1, k, -1):
            route[p + length] = route[p]
            pos[route[p + length]] = p + length
        base = k + 1
        first, last = k + 1, e
    for q in range(length):
        route[base + q] = scratch[q]
        pos[scratch[q]] = base + q
    return first, last


@njit(cache=True, nogil=True)
def swap_segments(route, s, m, e, scratch, pos):  # type: ignore[no-untyped-def]  # pragma: no cover
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
def _two_opt_delta(d, route, fwd, bwd, i, j, sym):  # type: ignore[no-untyped-def]  # pragma: no cover
    """Change from reversing ``route[i+1..j]`` (arcs at ``i`` and ``j`` replaced)."""
    return (
        d[route[i], route[j]]
        + d[route[i + 1], route[j + 1]]
        - d[route[i], route[i + 1]]
        - d[route[j], route[j + 1]]
        + _inner(fwd, bwd, i + 1, j, sym)
    )


@njit(cache=True, nogil=True)
def try_two_opt(d, route, lo, hi, neigh, pos, fwd, bwd, p, sym):  # type: ignore[no-untyped-def]  # pragma: no cover
    """Best 2-opt move joining ``route[p]`` to a neighbour; returns ``(delta, i, j)``.

    The move reverses ``route[i+1..j]``. Both arcs at ``route[p]`` are tried for removal.
    """
    n_neigh = neigh.shape[1]
    v = route[p]
    best, bi, bj = 0, -1, -1
    for side in range(2):
        # side 0 removes (v, next), side 1 removes (prev, v); the new arc joins v and c.
        if side == 0:
            if p < lo - 1 or p > hi:
                continue
            old = d[v, route[p + 1]]
        else:
            if p < lo or p > hi + 1:
                continue
            old = d[route[p - 1], v]
        for t in range(n_neigh):
            c = neigh[v, t]
            if sym and d[v, c] >= old:
                break
            q = pos[c]
            if side == 0:
                i, j = (p, q) if q > p else (q, p)
            else:
                i, j = (p - 1, q - 1) if q > p else (q - 1, p - 1)
            if i + 1 < lo or j > hi or j <= i + 1:
                continue
            delta = _two_opt_delta(d, route, fwd, bwd, i, j, sym)
            if delta < best:
                best, bi, bj = delta, i, j
    return best, bi, bj


@njit(cache=True, nogil=True)
def try_or_opt(d, route, lo, hi, neigh, pos, fwd, bwd, s, length, sym):  # type: ignore[no-untyped-def]  # pragma: no cover
    """Best move of ``route[s..s+length-1]`` next to a neighbour of one of its ends.

    Returns ``(delta, k, reversed)``: the segment goes between ``k`` and ``k+1``.
    """
    n_neigh = neigh.shape[1]
    e = s + length - 1
    p_s, p_e = route[s - 1], route[e + 1]
    removed = d[p_s, route[s]] + d[route[e], p_e] - d[p_s, p_e]
    inner_rev = _inner(fwd, bwd, s, e, sym)
    best, bk, brev = 0, -1, False
    for end_pick in range(2):
        anchor = route[s] if end_pick == 0 else route[e]
        for t in range(n_neigh):
            c = neigh[anchor, t]
            if sym and d[anchor, c] >= removed:
                break
            pc = pos[c]
            for k in (pc - 1, pc):
                if k < lo - 1 or k > hi or (s - 1 <= k <= e):
                    continue
                u, v = route[k], route[k + 1]
                base = removed + d[u, v]
                fwd_gain = d[u, route[s]] + d[route[e], v] - base
                rev_gain = d[u, route[e]] + d[route[s], v] + inner_rev - base
                if rev_gain < best:
                    best, bk, brev = rev_gain, k, True
                if fwd_gain < best:
                    best, bk, brev = fwd_gain, k, False
    return best, bk, brev


@njit(cache=True, nogil=True)
def try_or3(d, route, lo, hi, neigh, pos, p1, sym):  # type: ignore[no-untyped-def]  # pragma: no cover
    """First improving swap of the two segments after ``route[p1]`` (Or-3opt).

    ``route[p1+1..p2]`` and ``route[p2+1..p3]`` exchange places, with no reversal, so the
    move suits asymmetric costs too; it is the one pure 3-opt move that 2-opt and short
    Or-opt cannot make. The new arc ``route[p1] → route[p2+1]`` is drawn from the
    neighbour list of ``route[p1]`` and must gain on its own (partial-gain rule); the
    arc into ``route[p1+1]`` from that node's list; with ``sym`` that list is cut where
    the arc would eat the whole first gain, and the first list where the new arc is no
    shorter than ``route[p1] → route[p1+1]`` (Lin–Kernighan's positive first gain: an
    improving move has a rotation that meets it, found from another woken node; this
    cut saves about a third of the time per kick). Returns ``(delta, p2, p3)``.
    """
    n_neigh = neigh.shape[1]
    if p1 < lo - 1 or p1 + 1 > hi:
        return 0, -1, -1
    a = route[p1]
    b = route[p1 + 1]
    d_ab = d[a, b]
    for t in range(n_neigh):
        if sym and d[a, neigh[a, t]] >= d_ab:
            break  # positive first gain (Lin–Kernighan): the lists are sorted
        q = pos[neigh[a, t]]
        if q < p1 + 2 or q > hi:
            continue
        c = route[q]
        tail = route[q - 1]
        g1 = d_ab + d[tail, c] - d[a, c]
        if g1 <= 0:
            continue
        for u in range(n_neigh):
            if sym and d[neigh[b, u], b] >= g1:
                break
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
def try_or3_reversed(d, route, lo, hi, neigh, pos, p1):  # type: ignore[no-untyped-def]  # pragma: no cover
    """First improving 3-opt move on the two segments after ``route[p1]`` with reversal.

    With ``B = route[p1+1..q-1]`` and ``C = route[q..p3]``, kind 1 makes ``A C B' D``,
    kind 2 ``A C' B D`` and kind 3 ``A B' C' D`` (``'`` reversed). With :func:`try_or3`
    (``A C B D``) these are the four pure 3-opt reconnections, so with 2-opt the search
    is a full 3-opt over candidate lists. Symmetric costs only (a reversed segment's
    inner cost is taken as unchanged). Each move's first new arc comes from the list of
    ``route[p1]``, the second from its partner's, cut by the partial-gain rule (the first
    list where the new arc is no shorter than ``route[p1] → route[p1+1]``).
    Returns ``(delta, kind, q, p3)``.
    """
    n_neigh = neigh.shape[1]
    if p1 < lo - 1 or p1 + 2 > hi:
        return 0, 0, -1, -1
    a = route[p1]
    b = route[p1 + 1]
    d_ab = d[a, b]
    for t in range(n_neigh):  # kind 1: new arcs (a, c), (e, tail), (b, f)
        c = neigh[a, t]
        if d[a, c] >= d_ab:
            break
        q = pos[c]
        if q < p1 + 2 or q > hi:
            continue
        tail = route[q - 1]
        g1 = d_ab + d[tail, c] - d[a, c]
        if g1 <= 0:
            continue
        for u in range(n_neigh):
            e = neigh[tail, u]
            if d[tail, e] >= g1:
                break
            p3 = pos[e]
            if p3 < q or p3 > hi:
                continue
            f = route[p3 + 1]
            delta = d[e, tail] + d[b, f] - d[e, f] - g1
            if delta < 0:
                return delta, 1, q, p3
    for t in range(n_neigh):  # kind 2: new arcs (a, e), (c, b), (tail, f)
        e = neigh[a, t]
        if d[a, e] >= d_ab:
            break
        p3 = pos[e]
        if p3 < p1 + 2 or p3 > hi:
            continue
        f = route[p3 + 1]
        g1 = d_ab + d[e, f] - d[a, e]
        if g1 <= 0:
            continue
        for u in range(n_neigh):
            c = neigh[b, u]
            if d[b, c] >= g1:
                break
            q = pos[c]
            if q < p1 + 2 or q > p3:
                continue
            tail = route[q - 1]
            delta = d[c, b] + d[tail, f] - d[tail, c] - g1
            if delta < 0:
                return delta, 2, q, p3
    for t in range(n_neigh):  # kind 3: new arcs (a, tail), (b, e), (c, f)
        tail = neigh[a, t]
        if d[a, tail] >= d_ab:
            break
        q = pos[tail] + 1
        if q < p1 + 2 or q > hi:
            continue
        c = route[q]
        g1 = d_ab + d[tail, c] - d[a, tail]
        if g1 <= 0:
            continue
        for u in range(n_neigh):
            e = neigh[b, u]
            if d[b, e] >= g1:
                break
            p3 = pos[e]
            if p3 < q or p3 > hi:
                continue
            f = route[p3 + 1]
            delta = d[b, e] + d[c, f] - d[e, f] - g1
            if delta < 0:
                return delta, 3, q, p3
    return 0, 0, -1, -1


@njit(cache=True, nogil=True)
def exchange_reversed(route, p1, kind, q, p3, scratch, pos):  # type: ignore[no-untyped-def]  # pragma: no cover
    """Apply a :func:`try_or3_reversed` move.

    ``A B C D`` becomes kind 1 ``A C B' D``, kind 2 ``A C' B D`` or kind 3 ``A B' C' D``.
    """
    if kind == 3:
        _reverse(route, p1 + 1, q - 1, pos)
        _reverse(route, q, p3, pos)
        return
    swap_segments(route, p1 + 1, q - 1, p3, scratch, pos)
    split = p1 + 1 + (p3 - q)  # C now ends here, B follows
    if kind == 1:
        _reverse(route, split + 1, p3, pos)
    else:
        _reverse(route, p1 + 1, split, pos)
