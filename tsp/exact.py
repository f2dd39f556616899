"""Exact Held–Karp for closed tours and open paths, with a memory budget."""

from __future__ import annotations

import contextlib
import itertools
import os
from concurrent.futures import ThreadPoolExecutor
from math import comb
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from tsp._hk_kernels import (
    hk_combine,
    hk_combine_mid,
    hk_fill_layer,
    hk_offsets,
    hk_seed,
    hk_trace_backward,
    hk_trace_forward,
)
from tsp.errors import MemoryBudgetExceeded, ProblemError

if TYPE_CHECKING:
    from collections.abc import Callable

    import numpy.typing as npt

__all__ = ["DEFAULT_MEMORY_BUDGET_BYTES", "MAX_EXACT_STOPS", "held_karp", "held_karp_bytes"]

DEFAULT_MEMORY_BUDGET_BYTES = 1 << 30
"""One GiB: enough for 25 stops (symmetric closed) or 24 (open / asymmetric)."""
MAX_EXACT_STOPS = 32
"""Hard ceiling independent of the budget (subset masks are machine integers)."""

_INT32_BOUND = 1 << 29
_NO_CUT = 1 << 62
_UB_KICKS = 20  # fixed, so the bound (and the run) does not depend on the clock
_MIN_BOUND_BITS = 12  # below this the tables are tiny and bounding does not pay
_MIN_PARALLEL_MASKS = 1 << 13  # below this a layer runs on the calling thread
_CHUNKS_PER_THREAD = 4  # more chunks than threads, so a busy core does not stall a layer
_AUTO_THREADS_FROM = 20  # stops; below, the tables are too small for a second thread to pay


def _auto_threads(n: int) -> int:
    """Two threads from 20 stops on when the process may use two CPUs, else one."""
    if n < _AUTO_THREADS_FROM:
        return 1
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        available = os.cpu_count() or 1
    return min(available, 2)


def _unrank(rank: int, size: int) -> int:
    """The ``rank``-th mask with ``size`` bits in increasing order (combinatorial numbers)."""
    mask = 0
    for i in range(size, 0, -1):
        c = i - 1
        while comb(c + 1, i) <= rank:
            c += 1
        mask |= 1 << c
        rank -= comb(c, i)
    return mask


class _Runner:
    """Run kernel calls on a thread pool, or inline for a single thread.

    The kernels release the GIL and each call writes a disjoint part of the table, so the
    result does not depend on the number of threads or their timing.
    """

    def __init__(self, pool: ThreadPoolExecutor | None, threads: int) -> None:
        self.pool = pool
        self.threads = threads

    def map(self, fn: Callable[..., Any], calls: list[tuple[Any, ...]]) -> list[Any]:
        if self.pool is None or len(calls) < 2:
            return [fn(*args) for args in calls]
        return list(self.pool.map(lambda args: fn(*args), calls))

    def chunks(self, total: int) -> int:
        if self.pool is None or total < _MIN_PARALLEL_MASKS:
            return 1
        return self.threads * _CHUNKS_PER_THREAD


class _Bound(NamedTuple):
    """Per-node edge weights and the cut-off for skipping hopeless table entries."""

    w2: npt.NDArray[np.int64]
    w1: npt.NDArray[np.int64]
    cut: int
    prefilled: bool


def _no_bound(n_bits: int) -> _Bound:
    zeros = np.zeros(n_bits, dtype=np.int64)
    return _Bound(zeros, zeros, _NO_CUT, False)


def _tour_bound(cost: npt.NDArray[np.int64], nodes: npt.NDArray[np.int64], start: int) -> _Bound:
    """Bound for a symmetric closed tour from a quick deterministic local-search tour.

    ``w1[v]``/``w2[v]`` are the cheapest / two cheapest edges at ``v``: a completion from
    ``j`` through the unvisited set back to the start uses two edges at each unvisited
    node and one at ``j`` and at the start, so twice its cost is at least
    ``Σ w2 + w1[j] + w1[start]``. Entries above the tour's cost cannot be on an optimal
    tour; the optimal tour's own entries are never skipped, so the answer stays exact.
    """
    from tsp._ils_kernels import ils_plain
    from tsp.heuristic import Extended
    from tsp.problem import Problem

    n = cost.shape[0]
    ext = Extended(Problem(cost, start=start), np.arange(n, dtype=np.int64))
    route = ext.route(ext.nearest_neighbour())
    wake = route[ext.lo : ext.hi + 1].copy()
    neigh = ext.neighbours()
    best = route.copy()
    args = (wake, _UB_KICKS, 0, 30, 3, 0, True, True, 1 << 62)
    tour = int(ils_plain(ext.cost, route, best, ext.lo, ext.hi, neigh, *args)[0])
    others = cost + np.diag(np.full(n, np.iinfo(np.int64).max // 4, dtype=np.int64))
    two = np.sort(others, axis=1)[:, :2]
    w1 = two[:, 0]
    w2 = two[:, 0] + two[:, 1]
    return _Bound(
        np.ascontiguousarray(w2[nodes]),
        np.ascontiguousarray(w1[nodes]),
        2 * tour - int(w1[start]),
        True,
    )


def _fill(
    runner: _Runner,
    rows: npt.NDArray[np.integer],
    init: npt.NDArray[np.integer],
    max_size: int,
    offsets: npt.NDArray[np.integer],
    table: npt.NDArray[np.integer],
    inf: np.integer,
    bound: _Bound,
) -> None:
    """Fill every layer up to ``max_size`` members, each layer split across threads."""
    n_bits = rows.shape[0]
    hk_seed(init, offsets, table)
    for size in range(1, max_size):
        total = comb(n_bits, size)
        parts = runner.chunks(total)
        cuts = [total * p // parts for p in range(parts + 1)]
        calls = [
            (rows, _unrank(a, size), b - a, offsets, table, inf, *bound)
            for a, b in itertools.pairwise(cuts)
            if b > a
        ]
        runner.map(hk_fill_layer, calls)


def _best_join(runner: _Runner, fn: Callable[..., Any], args: tuple[Any, ...], n_bits: int) -> Any:
    """Run a join kernel over mask ranges and keep the first best (as one pass would)."""
    full = 1 << n_bits
    parts = runner.chunks(full)
    cuts = [full * p // parts for p in range(parts + 1)]
    results = runner.map(fn, [(*args, a, b) for a, b in itertools.pairwise(cuts)])
    best = results[0]
    for r in results[1:]:
        if r[0] < best[0]:
            best = r
    return best


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
    threads: int | None = None,
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
    threads
        Worker threads for the table layers and the join; the answer is the same for any
        number. ``None``: two from 20 stops on if two CPUs are available, else one
        (measured in docs/bench/tsp.md).

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

    n_threads = _auto_threads(n) if threads is None else threads
    if isinstance(n_threads, bool) or not isinstance(n_threads, int) or n_threads < 1:
        raise ProblemError("threads must be at least 1")
    use_bound = symmetric_closed and table_dtype == np.int32 and n_bits >= _MIN_BOUND_BITS
    pruning = _tour_bound(cost, nodes, start) if use_bound else _no_bound(n_bits)
    parallel = n_threads > 1 and n_bits >= 14
    pool = (
        ThreadPoolExecutor(max_workers=n_threads, thread_name_prefix="held-karp")
        if parallel
        else None
    )
    with pool or contextlib.nullcontext():
        return _held_karp_tables(
            _Runner(pool, n_threads if pool is not None else 1),
            nodes,
            start,
            rows,
            rows_t,
            (init64, ret64),
            (fwd, bwd),
            (table_dtype, offset_dtype),
            inf,
            symmetric_closed,
            pruning,
        )


def _held_karp_tables(
    runner: _Runner,
    nodes: npt.NDArray[np.int64],
    start: int,
    rows: npt.NDArray[np.integer],
    rows_t: npt.NDArray[np.integer],
    ends: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]],
    sizes: tuple[int, int],
    dtypes: tuple[np.dtype, np.dtype],
    inf: np.integer,
    symmetric_closed: bool,
    bound: _Bound,
) -> tuple[int, list[int]]:
    """Fill the forward and backward tables, join them, and rebuild the order."""
    init64, ret64 = ends
    fwd, bwd = sizes
    table_dtype, offset_dtype = dtypes
    n_bits = rows.shape[0]
    b_off = np.empty(1 << n_bits, dtype=offset_dtype)
    b_size = hk_offsets(n_bits, bwd, b_off) + 1
    if bound.prefilled:
        b_table = np.full(b_size, inf, dtype=table_dtype)
    else:
        b_table = np.empty(b_size, dtype=table_dtype)
    if symmetric_closed:
        _fill(runner, rows, init64.astype(table_dtype), bwd, b_off, b_table, inf, bound)
        f_off, f_table = b_off, b_table
    else:
        _fill(runner, rows_t, ret64.astype(table_dtype), bwd, b_off, b_table, inf, bound)
        f_off = np.empty(1 << n_bits, dtype=offset_dtype)
        f_table = np.empty(hk_offsets(n_bits, fwd, f_off) + 1, dtype=table_dtype)
        _fill(runner, rows, init64.astype(table_dtype), fwd, f_off, f_table, inf, bound)

    if n_bits % 2:
        return _join_mid(
            runner,
            nodes,
            start,
            rows,
            rows_t,
            fwd,
            (f_off, f_table),
            (b_off, b_table),
            inf,
            symmetric_closed,
            bound,
        )
    best, mask, last = _best_join(
        runner,
        hk_combine,
        (rows_t, fwd, f_off, f_table, b_off, b_table, inf, symmetric_closed),
        n_bits,
    )
    head = hk_trace_forward(rows, f_off, f_table, mask, last)
    comp = ((1 << n_bits) - 1) ^ mask
    # The joining arc last -> first: pick the first backward node that realises ``best``.
    g_last = int(f_table[f_off[mask] + int(np.count_nonzero(head < last))])
    first = -1
    for i in range(n_bits):
        if (comp >> i) & 1:
            rank = _rank(comp, i)
            if g_last + int(rows[last, i]) + int(b_table[b_off[comp] + rank]) == int(best):
                first = i
                break
    tail = hk_trace_backward(rows_t, b_off, b_table, comp, first)
    order = [start, *nodes[head].tolist(), *nodes[tail].tolist()]
    return int(best), order


def _rank(mask: int, bit: int) -> int:
    return bin(mask & ((1 << bit) - 1)).count("1")


def _join_mid(
    runner: _Runner,
    nodes: npt.NDArray[np.int64],
    start: int,
    rows: npt.NDArray[np.integer],
    rows_t: npt.NDArray[np.integer],
    size: int,
    fwd: tuple[npt.NDArray[np.integer], npt.NDArray[np.integer]],
    bwd: tuple[npt.NDArray[np.integer], npt.NDArray[np.integer]],
    inf: np.integer,
    symmetric_closed: bool,
    bound: _Bound,
) -> tuple[int, list[int]]:
    """Join the halves through a middle node and rebuild the order (odd free-stop count)."""
    f_off, f_table = fwd
    b_off, b_table = bwd
    n_bits = rows.shape[0]
    best, mask, x = _best_join(
        runner,
        hk_combine_mid,
        (rows, size, f_off, f_table, b_off, b_table, inf, symmetric_closed, *bound[:3]),
        n_bits,
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
