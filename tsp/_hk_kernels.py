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
    "hk_fill_layer",
    "hk_offsets",
    "hk_seed",
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
    """Fill ``offsets[mask]`` with the start of each subset's block; return the total.

    Subsets are grouped by size and, within a size, stored in increasing mask order, so
    each layer is one contiguous block. Pushing a layer in mask order then reads it
    sequentially and writes each "add node b" target as a forward-moving stream, instead
    of scattering single entries over a table that interleaves every size.
    """
    count = np.zeros(n_bits + 2, np.int64)
    for mask in range(1 << n_bits):
        count[_popcount(mask)] += 1
    base = np.zeros(n_bits + 2, np.int64)
    total = 0
    for c in range(n_bits + 1):
        base[c] = total
        if c <= max_size:
            total += count[c] * c
    for mask in range(1 << n_bits):
        c = _popcount(mask)
        offsets[mask] = base[c]
        if c <= max_size:
            base[c] += c
    return total


@njit(cache=True, nogil=True)
def hk_seed(init, offsets, table):  # type: ignore[no-untyped-def]  # pragma: no cover
    """Write the one-member layer: ``g({j}, j) = init[j]``."""
    for j in range(init.shape[0]):
        table[offsets[1 << j]] = init[j]


@njit(cache=True, nogil=True)
def hk_fill_layer(  # type: ignore[no-untyped-def]  # pragma: no cover
    rows, first_mask, count, offsets, table, inf, w2, w1, cut, prefilled
):
    """Push ``count`` subsets of one size, from ``first_mask`` on, into the next layer.

    Subsets of equal size are visited in increasing mask order (Gosper's successor), so
    a layer can be cut into rank ranges that run on separate threads: every entry
    ``g(S ∪ {j}, j)`` is written exactly once, by the range holding ``S``, and only the
    finished previous layer is read. ``rows[i, j]`` is the cost of extending a path that
    ends at ``i`` by node ``j``.

    Bounding: an entry is skipped (left at ``inf``, which the caller pre-filled) when
    ``2 g + Σ_{v∉S∪{j}} w2[v] + w1[j] > cut``, i.e. when even the cheapest completion
    (each unvisited node entered and left by its two cheapest edges, ``j`` left by its
    cheapest) exceeds a known tour. Subsets whose entries are all skipped push nothing.
    Without ``prefilled`` (and ``cut`` huge) every entry is written, ``inf`` included.
    """
    n_bits = rows.shape[0]
    members = np.empty(n_bits + 1, np.int64)
    acc = np.empty(n_bits, table.dtype)
    full = (1 << n_bits) - 1
    total_w2 = 0
    for b in range(n_bits):
        total_w2 += w2[b]
    mask = first_mask
    for _ in range(count):
        k = 0
        inside = 0
        for b in range(n_bits):  # branch-free: write always, advance on a set bit
            members[k] = b
            bit = (mask >> b) & 1
            k += bit
            inside += bit * w2[b]
        for j in range(n_bits):
            acc[j] = inf
        base = offsets[mask]
        live = 0
        for r in range(k):
            v = table[base + r]
            if v >= inf:
                continue
            live += 1
            m = members[r]
            for j in range(n_bits):
                acc[j] = min(acc[j], _narrow(v + rows[m, j], v))
        if live or not prefilled:
            rest = full ^ mask
            outside = total_w2 - inside
            while rest:
                low = rest & -rest
                rest ^= low
                b = _popcount(low - 1)
                value = acc[b]
                if 2 * np.int64(value) + (outside - w2[b]) + w1[b] <= cut:
                    table[offsets[mask | low] + _popcount(mask & (low - 1))] = value
        low = mask & -mask  # Gosper: next larger mask with the same number of bits
        up = mask + low
        mask = (((up ^ mask) >> 2) >> _popcount(low - 1)) | up


@njit(cache=True, nogil=True, inline="always")
def _any_live(table, base, count, inf):  # type: ignore[no-untyped-def]  # pragma: no cover
    """Whether any of the ``count`` entries from ``table[base]`` is below ``inf``."""
    live = False
    for r in range(count):  # no early exit: the scan stays branch-free
        live |= table[base + r] < inf
    return live


@njit(cache=True, nogil=True)
def hk_combine(  # type: ignore[no-untyped-def]  # pragma: no cover
    rows_t, fwd_size, f_offsets, f_table, b_offsets, b_table, inf, halve, lo_mask, hi_mask
):
    """Join the two halves: best ``g_f(S, j) + d(j, i) + g_b(C, i)`` over ``|S| = fwd_size``.

    Only masks in ``lo_mask..hi_mask - 1`` are tried, so ranges may run on separate
    threads. ``rows_t[i, j]`` is ``d(j, i)``. Returns ``(cost, S, j)`` of the best join. With
    ``halve`` (symmetric tour, both halves the same size and table) only sets holding
    bit 0 are tried: the complement of each skipped set is the same tour reversed.
    """
    n_bits = rows_t.shape[0]
    full = (1 << n_bits) - 1
    h = np.empty(n_bits, f_table.dtype)
    best = inf
    best_mask = -1
    best_j = -1
    for mask in range(max(lo_mask, 1), min(hi_mask, full)):
        if _popcount(mask) != fwd_size or (halve and not mask & 1):
            continue
        if not _any_live(f_table, f_offsets[mask], fwd_size, inf):
            continue  # every entry skipped by the bound: nothing to join
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
            if v >= inf:
                continue
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
    rows, size, f_offsets, f_table, b_offsets, b_table, inf, halve, w2, w1, cut, lo_mask, hi_mask
):
    """Join two halves of equal ``size`` through one middle node (odd subset width).

    Best ``g_f(S, j) + d(j, x) + d(x, i) + g_b(C, i)`` with ``|S| = |C| = size`` and ``x``
    the one node in neither: the largest layer is never filled. With ``halve`` (symmetric
    tour, one table) ``(C, x, S)`` is the same tour reversed, so only the orientation with
    bit 0 in ``S`` (bit 1 when ``x`` is 0) is tried. Only masks in ``lo_mask..hi_mask - 1``
    are tried, so ranges may run on separate threads. A pair ``(S, x)`` is skipped without
    reading the other half when ``2 head + Σ_{C∖{x}} w2 + w1[x] > cut`` (the bound of
    :func:`hk_fill_layer`: even the cheapest tail is too long). Returns ``(cost, S, x)``.
    """
    n_bits = rows.shape[0]
    full = (1 << n_bits) - 1
    hf = np.empty(n_bits, f_table.dtype)
    members = np.empty(n_bits + 1, np.int64)
    comp_members = np.empty(n_bits + 1, np.int64)
    best = inf
    best_mask = -1
    best_x = -1
    for mask in range(max(lo_mask, 1), min(hi_mask, full)):
        if _popcount(mask) != size:
            continue
        only_zero = halve and not mask & 1
        if only_zero and not mask & 2:
            continue
        base = f_offsets[mask]
        if not _any_live(f_table, base, size, inf):
            continue  # every entry skipped by the bound: nothing to join
        comp = full ^ mask
        c = 0
        e = 0
        comp_w2 = 0
        for b in range(n_bits):  # branch-free split of the bits into the two sides
            bit = (mask >> b) & 1
            members[c] = b
            comp_members[e] = b
            c += bit
            e += 1 - bit
            comp_w2 += (1 - bit) * w2[b]
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
            if head >= best or 2 * np.int64(head) + (comp_w2 - w2[x]) + w1[x] > cut:
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
