"""Numba kernel for the time-window dynamic programme (Dumas et al. 1995 style).

States are labels ``(visited set, last stop, departure time, cost)`` grown one stop per
layer. A label is dropped when

* the next stop cannot be served inside any of its windows (arrival too late);
* some unvisited stop could no longer be reached before its last start time, even over a
  shortest path (Dumas's elimination test; shortest paths because the triangle inequality
  need not hold); the binding stop is found in O(1) amortised from a per-stop list sorted
  by leave-by time;
* its cost plus a lower bound on the rest exceeds a known upper bound;
* another label with the same set and last stop leaves no later and costs no more
  (dominance; valid because a later departure never yields an earlier schedule).

With ``beam > 0`` only the ``beam`` cheapest labels of each layer survive: a restricted DP
heuristic. Sets are two int64 words of 63 bits each (bit ``c`` in word ``c // 63``), so
at most 126 stops besides the start.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["tw_dp"]


@njit(cache=True, nogil=True)
def _grow(arr, size):  # type: ignore[no-untyped-def]  # pragma: no cover
    out = np.empty(size, arr.dtype)
    out[: arr.shape[0]] = arr
    return out


_WORD = 63


@njit(cache=True, nogil=True, inline="always")
def _has(m0, m1, c):  # type: ignore[no-untyped-def]  # pragma: no cover
    if c < _WORD:
        return (m0 >> c) & 1
    return (m1 >> (c - _WORD)) & 1


@njit(cache=True, nogil=True)
def tw_dp(  # type: ignore[no-untyped-def]  # pragma: no cover
    cost,
    travel,
    nodes,
    start,
    end_mode,
    end_node,
    w_open,
    w_close,
    w_count,
    service,
    start_time,
    leave_order,
    leave_by,
    return_by,
    min_in,
    upper_bound,
    beam,
    max_labels,
):
    """Run the windowed DP over customers ``nodes`` (indices into the full matrices).

    Parameters
    ----------
    end_mode
        0 closed (return to ``start``), 1 open with free end, 2 open ending at ``end_node``
        (which must be ``nodes[-1]``; it may only be added last).
    leave_order, leave_by
        For customer bit ``c``: the other customer bits sorted by the latest time one may
        leave ``c`` and still start serving them (``leave_by``, same order).
    return_by
        Latest departure from each customer bit that still reaches the finish in time.
    min_in
        Cheapest arc into each customer bit (for the cost bound); ``min_in[N]`` is the
        cheapest arc into the finish.
    upper_bound
        Labels whose cost plus bound exceed it are dropped.

    Returns
    -------
    (status, best_cost, best_label, parent, last)
        ``status`` 0 = solved, 1 = no feasible route, 2 = label limit hit. ``parent`` and
        ``last`` let the caller walk back from ``best_label``.
    """
    n_bits = nodes.shape[0]
    full0 = (np.int64(1) << min(n_bits, _WORD)) - 1
    full1 = (np.int64(1) << max(n_bits - _WORD, 0)) - 1
    cap = 1024
    l_mask = np.zeros(cap, np.int64)
    l_mask1 = np.zeros(cap, np.int64)
    l_last = np.full(cap, -1, np.int64)
    l_time = np.zeros(cap, np.int64)
    l_cost = np.zeros(cap, np.int64)
    l_par = np.full(cap, -1, np.int64)
    l_rest = np.zeros(cap, np.int64)
    rest0 = 0
    for c in range(n_bits):
        rest0 += min_in[c]
    l_time[0] = start_time
    l_rest[0] = rest0
    size = 1
    layer_lo, layer_hi = 0, 1
    inf = np.int64(1) << 62
    best_cost = inf
    best_label = -1
    for k in range(1, n_bits + 1):
        first_child = size
        for li in range(layer_lo, layer_hi):
            mask = l_mask[li]
            mask1 = l_mask1[li]
            last = l_last[li]
            u = start if last < 0 else nodes[last]
            for c in range(n_bits):
                if _has(mask, mask1, c):
                    continue
                if end_mode == 2 and c == n_bits - 1 and k < n_bits:
                    continue
                v = nodes[c]
                t = l_time[li] + travel[u, v]
                begin = -1
                for w in range(w_count[v]):
                    b = max(t, w_open[v, w])
                    if b + service[v] <= w_close[v, w]:
                        begin = b
                        break
                if begin < 0:
                    continue
                dep = begin + service[v]
                new_mask = mask
                new_mask1 = mask1
                if c < _WORD:
                    new_mask = mask | (np.int64(1) << c)
                else:
                    new_mask1 = mask1 | (np.int64(1) << (c - _WORD))
                new_cost = l_cost[li] + cost[u, v]
                new_rest = l_rest[li] - min_in[c]
                if new_cost + new_rest + min_in[n_bits] > upper_bound:
                    continue
                if dep > return_by[c]:
                    continue
                ok = True
                for q in range(n_bits - 1):
                    other = leave_order[c, q]
                    if _has(new_mask, new_mask1, other):
                        continue
                    if dep > leave_by[c, q]:
                        ok = False
                    break
                if not ok:
                    continue
                if size >= l_mask.shape[0]:
                    if size >= max_labels:
                        return 2, inf, -1, l_par[:size], l_last[:size]
                    grown = min(2 * l_mask.shape[0], max_labels)
                    l_mask = _grow(l_mask, grown)
                    l_mask1 = _grow(l_mask1, grown)
                    l_last = _grow(l_last, grown)
                    l_time = _grow(l_time, grown)
                    l_cost = _grow(l_cost, grown)
                    l_par = _grow(l_par, grown)
                    l_rest = _grow(l_rest, grown)
                l_mask[size] = new_mask
                l_mask1[size] = new_mask1
                l_last[size] = c
                l_time[size] = dep
                l_cost[size] = new_cost
                l_par[size] = li
                l_rest[size] = new_rest
                size += 1
        count = size - first_child
        if count == 0:
            return 1, inf, -1, l_par[:size], l_last[:size]
        # Dominance: order by (mask, last, time, cost) with stable sorts, keep Pareto labels.
        idx = np.argsort(l_cost[first_child:size], kind="mergesort")
        key = (l_last[first_child:size] << 40) + l_time[first_child:size]
        idx = idx[np.argsort(key[idx], kind="mergesort")]
        idx = idx[np.argsort(l_mask[first_child:size][idx], kind="mergesort")]
        idx = idx[np.argsort(l_mask1[first_child:size][idx], kind="mergesort")]
        keep = np.zeros(count, np.bool_)
        prev_mask = -1
        prev_mask1 = -1
        prev_last = -1
        group_best = inf
        kept = 0
        for r in range(count):
            i = first_child + idx[r]
            if l_mask[i] != prev_mask or l_mask1[i] != prev_mask1 or l_last[i] != prev_last:
                prev_mask = l_mask[i]
                prev_mask1 = l_mask1[i]
                prev_last = l_last[i]
                group_best = inf
            if l_cost[i] < group_best:
                group_best = l_cost[i]
                keep[idx[r]] = True
                kept += 1
        order = np.empty(kept, np.int64)
        r = 0
        for q in range(count):
            if keep[q]:
                order[r] = q
                r += 1
        if beam > 0 and kept > beam:
            by_cost = np.argsort(l_cost[first_child:size][order], kind="mergesort")
            order = np.sort(order[by_cost[:beam]])
            kept = beam
        # Compact the survivors to the front of the layer (order is increasing).
        for r in range(kept):
            src = first_child + order[r]
            dst = first_child + r
            l_mask[dst] = l_mask[src]
            l_mask1[dst] = l_mask1[src]
            l_last[dst] = l_last[src]
            l_time[dst] = l_time[src]
            l_cost[dst] = l_cost[src]
            l_par[dst] = l_par[src]
            l_rest[dst] = l_rest[src]
        size = first_child + kept
        layer_lo, layer_hi = first_child, size
    for li in range(layer_lo, layer_hi):
        if l_mask[li] != full0 or l_mask1[li] != full1:
            continue
        total = l_cost[li]
        if end_mode == 0:
            u = nodes[l_last[li]]
            t = l_time[li] + travel[u, start]
            fits = False
            for w in range(w_count[start]):
                if max(t, w_open[start, w]) <= w_close[start, w]:
                    fits = True
                    break
            if not fits:
                continue
            total += cost[u, start]
        if total < best_cost:
            best_cost = total
            best_label = li
    if best_label < 0:
        return 1, inf, -1, l_par[:size], l_last[:size]
    return 0, best_cost, best_label, l_par[:size], l_last[:size]
