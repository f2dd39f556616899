"""Exact Held–Karp for closed tours and open paths, with a memory budget."""

from __future__ import annotations

from math import comb
from typing import TYPE_CHECKING

import numpy as np

from tsp._hk_kernels import (
    hk_combine,
    hk_combine_mid,
    hk_fill,
    hk_offsets,
    hk_trace_backward,
    hk_trace_forward,
)
from tsp.errors import MemoryBudgetExceeded, ProblemError

if TYPE_CHECKING:
    import numpy.typing as npt

__all__ = ["DEFAULT_MEMORY_BUDGET_BYTES", "MAX_EXACT_STOPS", "held_karp", "held_karp_bytes"]

DEFAULT_MEMORY_BUDGET_BYTES = 1 << 30
"""One GiB: enough for 25 stops (symmetric closed) or 24 (open / asymmetric)."""
MAX_EXACT_STOPS = 32
"""Hard ceiling independent of the budget (subset masks are machine integers)."""

_INT32_BOUND = 1 << 29


def _plan(n: int, both_tables: bool, cost_bound: int) -> tuple[int, int, np.dtype, np.dtype]:
    """Return ``(fwd_size, bwd_size, table dtype, offset dtype)`` for ``n`` stops.

    With an odd number of free stops both halves stop one short of the middle and are
    joined through a middle node, so the largest layer is never built.
    """
    n_bits = n - 1
    fwd = n_bits // 2
    bwd = fwd if n_bits % 2 else n_bits - fwd
    table_dtype = np.dtype(np.int32) if cost_bound < _INT32_BOUND else np.dtype(np.int64)
    entries = sum(comb(n_bits, k) * k for k in range(bwd + 1))
    offset_dtype = np.dtype(np.int32) if entries < 2**31 - 1 else np.dtype(np.int64)
    del both_tables
    return fwd, bwd, table_dtype, offset_dtype


def held_karp_bytes(n: int, *, symmetric_closed: bool, cost_bound: int = 0) -> int:
    """Bytes the exact programme allocates for ``n`` stops (tables plus offsets).

    Examples
    --------
    >>> held_karp_bytes(25, symmetric_closed=True) // 2**20
    448
    """
    if n < 4:
        return 0
    fwd, bwd, table_dtype, offset_dtype = _plan(n, not symmetric_closed, cost_bound)
    n_bits = n - 1
    per_table = [bwd] if symmetric_closed else [fwd, bwd]  # fwd <= bwd
    entries = sum(sum(comb(n_bits, k) * k for k in range(cap + 1)) for cap in per_table)
    offsets = len(per_table) * (1 << n_bits) * offset_dtype.itemsize
    return entries * table_dtype.itemsize + offsets


def held_karp(
    cost: npt.NDArray[np.int64],
    *,
    start: int = 0,
    closed: bool = True,
    end: int | None = None,
    memory_budget_bytes: int = DEFAULT_MEMORY_BUDGET_BYTES,
) -> tuple[int, list[int]]:
    """Exact minimum-cost closed tour or open path (Held–Karp, meet in the middle).

    The programme ``g(S, j) = min_{i∈S∖{j}} g(S∖{j}, i) + d(i, j)`` is run forward from the
    start and backward from the finish over subsets of up to half the stops, and the two
    halves are joined; for a symmetric closed tour one table serves both directions. Time
    is O(n² 2ⁿ); memory is about ``n 2ⁿ⁻²`` integers.

    Parameters
    ----------
    cost
        ``n × n`` int64 matrix, ``n ≥ 4``.
    start, closed, end
        As in :class:`tsp.Problem`.
    memory_budget_bytes
        Refuse (before allocating) when the tables would exceed this.

    Returns
    -------
    (cost, order)
        Optimal cost and the order, starting with ``start``.

    Raises
    ------
    MemoryBudgetExceeded
        When the tables would not fit in ``memory_budget_bytes``.
    """
    n = cost.shape[0]
    if n < 4:
        raise ProblemError("held_karp needs at least 4 stops; solve() handles smaller ones")
    if n > MAX_EXACT_STOPS:
        raise MemoryBudgetExceeded(
            held_karp_bytes(n, symmetric_closed=True), memory_budget_bytes, n
        )
    nodes = np.array([v for v in range(n) if v != start], dtype=np.int64)
    n_bits = n - 1
    rows64 = cost[np.ix_(nodes, nodes)]
    init64 = cost[start, nodes]
    ret64 = cost[nodes, start] if closed else np.zeros(n_bits, dtype=np.int64)
    bound = int(cost.max(axis=1).sum()) + 1
    symmetric_closed = closed and bool(np.array_equal(cost, cost.T))
    needed = held_karp_bytes(n, symmetric_closed=symmetric_closed, cost_bound=bound)
    if needed > memory_budget_bytes:
        raise MemoryBudgetExceeded(needed, memory_budget_bytes, n)
    fwd, bwd, table_dtype, offset_dtype = _plan(n, not symmetric_closed, bound)
    inf = table_dtype.type(_INT32_BOUND * 2 if table_dtype == np.int32 else 1 << 60)
    if end is not None:
        ret64 = np.full(n_bits, int(inf), dtype=np.int64)
        ret64[int(np.flatnonzero(nodes == end)[0])] = 0
    rows = np.ascontiguousarray(rows64, dtype=table_dtype)
    rows_t = np.ascontiguousarray(rows64.T, dtype=table_dtype)

    b_off = np.empty(1 << n_bits, dtype=offset_dtype)
    b_table = np.empty(hk_offsets(n_bits, bwd, b_off) + 1, dtype=table_dtype)
    if symmetric_closed:
        hk_fill(rows, init64.astype(table_dtype), bwd, b_off, b_table, inf)
        f_off, f_table = b_off, b_table
    else:
        hk_fill(rows_t, ret64.astype(table_dtype), bwd, b_off, b_table, inf)
        f_off = np.empty(1 << n_bits, dtype=offset_dtype)
        f_table = np.empty(hk_offsets(n_bits, fwd, f_off) + 1, dtype=table_dtype)
        hk_fill(rows, init64.astype(table_dtype), fwd, f_off, f_table, inf)

    if n_bits % 2:
        return _join_mid(
            nodes,
            start,
            rows,
            rows_t,
            fwd,
            (f_off, f_table),
            (b_off, b_table),
            inf,
            symmetric_closed,
        )
    best, mask, last = hk_combine(
        rows_t, fwd, f_off, f_table, b_off, b_table, inf, symmetric_closed
    )
    head = hk_trace_forward(rows, f_off, f_table, mask, last)
    comp = ((1 << n_bits) - 1) ^ mask
    # The joining arc last -> first: pick the first backward node that realises ``best``.
    g_last = int(f_table[f_off[mask] + int(np.count_nonzero(head < last))])
    first = -1
    for i in range(n_bits):
        if (comp >> i) & 1:
            rank = bin(comp & ((1 << i) - 1)).count("1")
            if g_last + int(rows[last, i]) + int(b_table[b_off[comp] + rank]) == int(best):
                first = i
                break
    tail = hk_trace_backward(rows_t, b_off, b_table, comp, first)
    order = [start, *nodes[head].tolist(), *nodes[tail].tolist()]
    return int(best), order


def _rank(mask: int, bit: int) -> int:
    return bin(mask & ((1 << bit) - 1)).count("1")


def _join_mid(
    nodes: npt.NDArray[np.int64],
    start: int,
    rows: npt.NDArray[np.integer],
    rows_t: npt.NDArray[np.integer],
    size: int,
    fwd: tuple[npt.NDArray[np.integer], npt.NDArray[np.integer]],
    bwd: tuple[npt.NDArray[np.integer], npt.NDArray[np.integer]],
    inf: np.integer,
    symmetric_closed: bool,
) -> tuple[int, list[int]]:
    """Join the halves through a middle node and rebuild the order (odd free-stop count)."""
    f_off, f_table = fwd
    b_off, b_table = bwd
    n_bits = rows.shape[0]
    best, mask, x = hk_combine_mid(
        rows, size, f_off, f_table, b_off, b_table, inf, symmetric_closed
    )
    other = ((1 << n_bits) - 1) ^ mask ^ (1 << x)
    members = [j for j in range(n_bits) if (mask >> j) & 1]
    last = min(members, key=lambda j: int(f_table[f_off[mask] + _rank(mask, j)]) + int(rows[j, x]))
    tail_members = [i for i in range(n_bits) if (other >> i) & 1]
    first = min(
        tail_members,
        key=lambda i: int(rows[x, i]) + int(b_table[b_off[other] + _rank(other, i)]),
    )
    head = hk_trace_forward(rows, f_off, f_table, mask, last)
    tail = hk_trace_backward(rows_t, b_off, b_table, other, first)
    order = [start, *nodes[head].tolist(), int(nodes[x]), *nodes[tail].tolist()]
    return int(best), order
