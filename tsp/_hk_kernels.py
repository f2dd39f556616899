"""Numba kernels for the exact Held–Karp dynamic programme.

The table stores ``g(S, j)`` only for ``j`` in ``S``: the entries of one subset are
contiguous (ordered by member index) and start at ``offsets[S]``. The start node is not
part of any subset, so there are ``2**(n-1)`` subsets. The programme is run from both
ends up to half the subset size (meet in the middle) and the halves are joined, which
halves both the work and the memory for symmetric closed tours.

All kernels are pure functions of their array arguments: no globals, no Python objects,
no ``fastmath`` (integer arithmetic only), and ``nogil`` so a worker thread may call them.
"""

from __future__ import annotations

import numpy as np
from numba import njit, types
from numba.extending import overload

__all__ = [
    "hk_combine",
    "hk_combine_mid",
    "hk_fill",
    "hk_offsets",
    "hk_trace_backward",
    "hk_trace_forward",
]


def _narrow(value: int, like: int) -> int:  # pragma: no cover
    """Return ``value`` in the integer type of ``like`` (identity outside numba)."""
    return value


@overload(_narrow, inline="always")
def _narrow_overload(value, like):  # type: ignore[no-untyped-def]  # pragma: no cover
    # numba widens int32 + int32 to int64; casting the sum back lets LLVM use 8-lane
    # vpaddd/vpminsd. Safe because the caller keeps every sum below 2**31 for int32 tables.
    if like == types.int32:
        return lambda value, like: np.int32(value)
    return lambda value, like: value


@njit(cache=True, nogil=True, inline="always")
def _popcount(x: int) -> int:  # pragma: no cover - compiled
    x = x - ((x >> 1) & 0x5555555555555555)
    x = (x & 0x3333333333333333) + ((x >> 2) & 0x3333333333333333)
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0F
    return ((x * 0x0101010101010101) >> 56) & 0xFF


@njit(cache=True, nogil=True)
def hk_offsets(n_bits, max_size, offsets):  # type: ignore[no-untyped-def]  # pragma: no cover
    """Fill ``offsets[mask]`` with the start of each subset's block; return the total."""
    total = 0
    for mask in range(1 << n_bits):
        offsets[mask] = total
        c = _popcount(mask)
        if c <= max_size:
            total += c
    return total


@njit(cache=True, nogil=True)
def hk_fill(rows, init, max_size, offsets, table, inf):  # type: ignore[no-untyped-def]  # pragma: no cover
    """Fill ``table`` for every subset of at most ``max_size`` members (push form).

    ``rows[i, j]`` is the cost of extending a path that ends at ``i`` by node ``j``;
    ``init[j]`` is the cost of the one-member path ``{j}``.
    """
    n_bits = rows.shape[0]
    members = np.empty(n_bits + 1, np.int64)
    acc = np.empty(n_bits, table.dtype)
    for j in range(n_bits):
        table[offsets[1 << j]] = init[j]
    for mask in range(1, 1 << n_bits):
        k = _popcount(mask)
        if k >= max_size:
            continue
        c = 0
        for b in range(n_bits):  # branch-free: write always, advance on a set bit
            members[c] = b
            c += (mask >> b) & 1
        for j in range(n_bits):
            acc[j] = inf
        base = offsets[mask]
        for r in range(k):
            v = table[base + r]
            m = members[r]
            for j in range(n_bits):
                acc[j] = min(acc[j], _narrow(v + rows[m, j], v))
        rest = ((1 << n_bits) - 1) ^ mask
        while rest:
            low = rest & -rest
            rest ^= low
            table[offsets[mask | low] + _popcount(mask & (low - 1))] = acc[_popcount(low - 1)]


@njit(cache=True, nogil=True)
def hk_combine(  # type: ignore[no-untyped-def]  # pragma: no cover
    rows_t, fwd_size, f_offsets, f_table, b_offsets, b_table, inf, halve
):
    """Join the two halves: best ``g_f(S, j) + d(j, i) + g_b(C, i)`` over ``|S| = fwd_size``.

    ``rows_t[i, j]`` is ``d(j, i)``. Returns ``(cost, S, j)`` of the best join. With
    ``halve`` (symmetric tour, both halves the same size and table) only sets holding
    bit 0 are tried: the complement of each skipped set is the same tour reversed.
    """
    n_bits = rows_t.shape[0]
    full = (1 << n_bits) - 1
    h = np.empty(n_bits, f_table.dtype)
    best = inf
    best_mask = -1
    best_j = -1
    for mask in range(1, full):
        if _popcount(mask) != fwd_size or (halve and not mask & 1):
            continue
        comp = full ^ mask
        for j in range(n_bits):
            h[j] = inf
        base = b_offsets[comp]
        rest = comp
        r = 0
        while rest:
            low = rest & -rest
            rest ^= low
            i = _popcount(low - 1)
            v = b_table[base + r]
            r += 1
            for j in range(n_bits):
                h[j] = min(h[j], _narrow(v + rows_t[i, j], v))
        base = f_offsets[mask]
        r = 0
        for j in range(n_bits):
            if (mask >> j) & 1:
                w = f_table[base + r] + h[j]
                r += 1
                if w < best:
                    best = w
                    best_mask = mask
                    best_j = j
    return best, best_mask, best_j


@njit(cache=True, nogil=True)
def _entry(offsets, table, mask, j):  # type: ignore[no-untyped-def]  # pragma: no cover
    return table[offsets[mask] + _popcount(mask & ((1 << j) - 1))]


@njit(cache=True, nogil=True)
def hk_trace_forward(rows, offsets, table, mask, last):  # type: ignore[no-untyped-def]  # pragma: no cover
    """Rebuild the path that realises ``g(mask, last)``; returns it in visiting order."""
    k = _popcount(mask)
    path = np.empty(k, np.int64)
    j = last
    pos = k - 1
    while True:
        path[pos] = j
        pos -= 1
        value = _entry(offsets, table, mask, j)
        prev = mask ^ (1 << j)
        if prev == 0:
            break
        found = -1
        for i in range(rows.shape[0]):
            if (prev >> i) & 1 and _entry(offsets, table, prev, i) + rows[i, j] == value:
                found = i
                break
        mask = prev
        j = found
    return path


@njit(cache=True, nogil=True)
def hk_trace_backward(rows_t, offsets, table, mask, first):  # type: ignore[no-untyped-def]  # pragma: no cover
    """Rebuild the path that realises the backward value ``g_b(mask, first)``, in order.

    The backward table was filled with ``rows_t`` (``rows_t[x, i] = d(i, x)``), so its
    traced path comes out reversed; reversing it gives visiting order from ``first``.
    """
    path = hk_trace_forward(rows_t, offsets, table, mask, first)
    return path[::-1].copy()


@njit(cache=True, nogil=True)
def hk_combine_mid(  # type: ignore[no-untyped-def]  # pragma: no cover
    rows, size, f_offsets, f_table, b_offsets, b_table, inf, halve
):
    """Join two halves of equal ``size`` through one middle node (odd subset width).

    Best ``g_f(S, j) + d(j, x) + d(x, i) + g_b(C, i)`` with ``|S| = |C| = size`` and ``x``
    the one node in neither: the largest layer is never filled. With ``halve`` (symmetric
    tour, one table) ``(C, x, S)`` is the same tour reversed, so only the orientation with
    bit 0 in ``S`` (bit 1 when ``x`` is 0) is tried. Returns ``(cost, S, x)``.
    """
    n_bits = rows.shape[0]
    full = (1 << n_bits) - 1
    hf = np.empty(n_bits, f_table.dtype)
    members = np.empty(n_bits + 1, np.int64)
    comp_members = np.empty(n_bits + 1, np.int64)
    best = inf
    best_mask = -1
    best_x = -1
    for mask in range(1, full):
        if _popcount(mask) != size:
            continue
        only_zero = halve and not mask & 1
        if only_zero and not mask & 2:
            continue
        comp = full ^ mask
        c = 0
        e = 0
        for b in range(n_bits):  # branch-free split of the bits into the two sides
            bit = (mask >> b) & 1
            members[c] = b
            comp_members[e] = b
            c += bit
            e += 1 - bit
        base = f_offsets[mask]
        if only_zero:
            # Only x = 0 can be the middle node here: a scalar minimum suffices.
            hf[0] = inf
            for r in range(size):
                v = f_table[base + r]
                hf[0] = min(hf[0], _narrow(v + rows[members[r], 0], v))
        else:
            for x in range(n_bits):
                hf[x] = inf
            for r in range(size):
                v = f_table[base + r]
                j = members[r]
                for x in range(n_bits):
                    hf[x] = min(hf[x], _narrow(v + rows[j, x], v))
        for a in range(1 if only_zero else size + 1):
            x = comp_members[a]
            other = comp ^ (1 << x)
            head = hf[x]
            if head >= best:
                continue
            b_base = b_offsets[other]
            tail = inf
            for b in range(a):
                tail = min(tail, _narrow(rows[x, comp_members[b]] + b_table[b_base + b], head))
            for b in range(a + 1, size + 1):
                tail = min(tail, _narrow(rows[x, comp_members[b]] + b_table[b_base + b - 1], head))
            if head + tail < best:
                best = head + tail
                best_mask = mask
                best_x = x
    return best, best_mask, best_x
