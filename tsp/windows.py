"""Opening hours: window arrays, per-stop diagnosis and the exact/restricted windowed DP."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy.sparse.csgraph import csgraph_from_dense, floyd_warshall

from tsp._tw_kernels import tw_dp
from tsp.problem import MAX_TIME_S
from tsp.result import Unserved, UnservedReason

if TYPE_CHECKING:
    import numpy.typing as npt

    from tsp.problem import Problem

__all__ = ["MAX_WINDOW_DP_STOPS", "TimedData", "diagnose", "earliest_starts", "windowed_dp"]

MAX_WINDOW_DP_STOPS = 126
"""Stops besides the start that the windowed DP can hold (sets are two 63-bit words)."""

_OPEN = MAX_TIME_S * 4  # "no deadline": far beyond any valid time, far below overflow


@dataclass(frozen=True, slots=True)
class TimedData:
    """Windows, service times and shortest travel times as arrays over ``n + 1`` nodes.

    Node ``n`` is the sink of :class:`tsp.heuristic.Extended`: for a closed tour it has the
    start's windows (the return must land inside one), otherwise it is always open.
    """

    w_open: npt.NDArray[np.int64]
    w_close: npt.NDArray[np.int64]
    w_count: npt.NDArray[np.int64]
    service: npt.NDArray[np.int64]
    shortest: npt.NDArray[np.int64]
    latest_start: npt.NDArray[np.int64]

    @classmethod
    def of(cls, problem: Problem) -> TimedData:
        """Build the arrays for ``problem`` (stops without windows are always open)."""
        n = problem.n
        wins = problem.windows or tuple(((0, _OPEN),) for _ in range(n))
        wins = tuple(w if w != ((0, MAX_TIME_S),) else ((0, _OPEN),) for w in wins)
        sink = wins[problem.start] if problem.closed else ((0, _OPEN),)
        all_w = (*wins, sink)
        width = max(1, *(len(w) for w in all_w))
        w_open = np.zeros((n + 1, width), dtype=np.int64)
        w_close = np.full((n + 1, width), -1, dtype=np.int64)
        w_count = np.array([len(w) for w in all_w], dtype=np.int64)
        for v, per in enumerate(all_w):
            for k, (lo, hi) in enumerate(per):
                w_open[v, k] = lo
                w_close[v, k] = hi
        service = np.zeros(n + 1, dtype=np.int64)
        if problem.service is not None:
            service[:n] = problem.service
        service[problem.start] = 0
        # A dense matrix would read 0 (co-located stops) as "no edge"; keep zeros as edges.
        graph = csgraph_from_dense(problem.travel_s.astype(np.float64), null_value=np.inf)
        shortest = floyd_warshall(graph).astype(np.int64)
        latest = np.full(n + 1, -1, dtype=np.int64)
        for v in range(n + 1):
            fits = [
                w_close[v, k] - service[v]
                for k in range(w_count[v])
                if w_close[v, k] - w_open[v, k] >= service[v]
            ]
            if fits:
                latest[v] = max(fits)
        return cls(w_open, w_close, w_count, service, shortest, latest)

    @property
    def windows(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """``(w_open, w_close, w_count)`` as the kernels take them."""
        return self.w_open, self.w_close, self.w_count


def _finish(problem: Problem) -> int | None:
    """Return the node whose window bounds the finish: start (closed), end, or none."""
    if problem.closed:
        return problem.start
    return problem.end


def earliest_starts(problem: Problem, data: TimedData) -> npt.NDArray[np.int64]:
    """Earliest possible service start per node (over shortest paths), ``_OPEN`` if none.

    The start node begins at ``start_time``; the sink (node ``n``) is left at ``_OPEN``.
    """
    n = problem.n
    out = np.full(n + 1, _OPEN, dtype=np.int64)
    for v in range(n):
        arrive = problem.start_time + int(data.shortest[problem.start, v])
        for k in range(int(data.w_count[v])):
            b = max(arrive, int(data.w_open[v, k]))
            if b + data.service[v] <= data.w_close[v, k]:
                out[v] = b
                break
    out[problem.start] = problem.start_time
    return out


def diagnose(problem: Problem, data: TimedData) -> list[Unserved]:
    """List the stops that cannot be served even alone, each with the reason.

    A stop is hopeless when it has no window, no window long enough for its service, every
    window has closed by the earliest possible arrival (over shortest travel times from the
    start at ``start_time``), or, once served, the finish can no longer be reached in time.
    """
    out: list[Unserved] = []
    n = problem.n
    s = problem.start
    fin = _finish(problem)
    fin_latest = None
    if fin is not None:
        fin_latest = int(data.latest_start[n if problem.closed else fin])
    for v in range(n):
        if v == s:
            continue
        if data.w_count[v] == 0:
            out.append(Unserved(v, UnservedReason.NO_WINDOW, "stop has no opening window"))
            continue
        if data.latest_start[v] < 0:
            longest = int(
                max(data.w_close[v, : data.w_count[v]] - data.w_open[v, : data.w_count[v]])
            )
            out.append(
                Unserved(
                    v,
                    UnservedReason.WINDOW_TOO_SHORT,
                    f"longest window {longest} s < service {int(data.service[v])} s",
                )
            )
            continue
        arrive = problem.start_time + int(data.shortest[s, v])
        begin = -1
        for k in range(int(data.w_count[v])):
            b = max(arrive, int(data.w_open[v, k]))
            if b + data.service[v] <= data.w_close[v, k]:
                begin = b
                break
        if begin < 0:
            out.append(
                Unserved(
                    v,
                    UnservedReason.UNREACHABLE,
                    f"earliest arrival {arrive} s is after its last window",
                )
            )
            continue
        if fin is not None and v != fin and fin_latest is not None:
            back = begin + int(data.service[v]) + int(data.shortest[v, fin])
            if back > fin_latest:
                what = "return home" if problem.closed else f"reach the end stop {fin}"
                out.append(
                    Unserved(
                        v,
                        UnservedReason.NO_RETURN,
                        f"after serving it the earliest time to {what} is {back} s,"
                        f" past {fin_latest} s",
                    )
                )
    return out


def windowed_dp(
    problem: Problem,
    data: TimedData,
    stops: list[int],
    *,
    upper_bound: int,
    beam: int,
    max_labels: int,
) -> tuple[int, int, list[int]]:
    """Run the windowed DP over ``stops`` (the start excluded).

    Returns ``(status, cost, order)`` with status 0 solved, 1 infeasible, 2 label limit.
    With ``beam > 0`` the result is a heuristic and status 1 proves nothing.
    """
    n = problem.n
    fin = problem.end
    customers = [v for v in stops if v != problem.start and v != fin]
    if fin is not None:
        customers.append(fin)
    nodes = np.array(customers, dtype=np.int64)
    n_bits = len(customers)
    end_mode = 0 if problem.closed else (2 if fin is not None else 1)
    finish_node = n if problem.closed else (fin if fin is not None else -1)
    sp = data.shortest
    latest = data.latest_start
    leave = np.empty((n_bits, max(n_bits - 1, 1)), dtype=np.int64)
    order = np.zeros((n_bits, max(n_bits - 1, 1)), dtype=np.int64)
    return_by = np.full(n_bits, _OPEN * 4, dtype=np.int64)
    for c in range(n_bits):
        others = [q for q in range(n_bits) if q != c]
        by = [int(latest[nodes[q]]) - int(sp[nodes[c], nodes[q]]) for q in others]
        rank = np.argsort(np.array(by, dtype=np.int64), kind="stable")
        for r, q in enumerate(rank):
            order[c, r] = others[q]
            leave[c, r] = by[q]
        if end_mode == 0:
            return_by[c] = int(latest[n]) - int(sp[nodes[c], problem.start])
        elif end_mode == 2 and c != n_bits - 1:
            return_by[c] = int(latest[finish_node]) - int(sp[nodes[c], finish_node])
    cost = problem.cost
    min_in = np.zeros(n_bits + 1, dtype=np.int64)
    sources = [problem.start, *customers]
    for c in range(n_bits):
        min_in[c] = min(int(cost[u, nodes[c]]) for u in sources if u != nodes[c])
    if end_mode == 0:
        min_in[n_bits] = min(int(cost[u, problem.start]) for u in customers) if customers else 0
    status, best, label, parent, last = tw_dp(
        cost,
        problem.travel_s,
        nodes,
        problem.start,
        end_mode,
        -1,
        data.w_open,
        data.w_close,
        data.w_count,
        data.service,
        problem.start_time,
        order,
        leave,
        return_by,
        min_in,
        upper_bound,
        beam,
        max_labels,
    )
    if status != 0:
        return int(status), -1, []
    seq: list[int] = []
    while label > 0:
        seq.append(int(nodes[last[label]]))
        label = parent[label]
    return 0, int(best), [problem.start, *reversed(seq)]
