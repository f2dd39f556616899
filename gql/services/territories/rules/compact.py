"""Compactness given back within the balance bands: boundary moves that shorten distances.

The boundary searches price every criterion's squared deviation even inside its band, and
order volume on a heavy-tailed city pulls territories into long shapes to shave a point
that no promise asks for. This pass runs after the re-splits: a boundary retailer moves to
the neighbouring territory whose centre (the plain centroid, as the metrics report it) is
nearer, if neither territory then leaves a criterion's cap (its band, or where it already
stands if that is further out) and the donor stays connected. Centres move between rounds,
as in Lloyd's k-means, so a territory can contract towards its middle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from .allocation import update_centres
from .objective import BalanceCost, stays_connected

if TYPE_CHECKING:
    from .objective import RebalanceProblem

__all__ = ["compact"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

ROUNDS = 8
"""Rounds of moves, the centres re-computed before each."""

MIN_GAIN_M = 1.0
"""A move must bring a retailer at least this much nearer its territory's centre."""

SWAP_PARTNERS = 8
"""Retailers of the other side, the biggest gains first, tried as a blocked move's partner."""


def compact(
    problem: RebalanceProblem,
    assignment: IntArray,
    caps: FloatArray,
    *,
    rounds: int = ROUNDS,
) -> IntArray:
    """Return a copy of ``assignment`` with boundary retailers moved to nearer centres.

    ``caps`` is each criterion's allowed deviation from its target (a fraction); a territory
    already beyond it may not move further out. Locked retailers stay.
    """
    p = problem
    assignment = assignment.copy()
    k = p.targets.shape[0]
    indptr, indices = p.graph.indptr.tolist(), p.graph.indices.tolist()
    u, v = p.graph.edge_u, p.graph.edge_v
    ones = np.ones(assignment.size)
    xy = p.xy_m.tolist()
    cap = caps.tolist()
    for _ in range(rounds):
        centre = update_centres(p.xy_m, ones, assignment, np.zeros((k, 2)))
        cost = BalanceCost(p, assignment)  # the loads, summed afresh each round
        cut = assignment[u] != assignment[v]
        ends = np.unique(np.r_[u[cut], v[cut]])
        ends = ends[p.fixed[ends] < 0]
        here = np.linalg.norm(p.xy_m[ends] - centre[assignment[ends]], axis=1)
        order = ends[np.argsort(-here, kind="stable")]  # the farthest out first
        a_list = assignment.tolist()
        cen = centre.tolist()
        blocked: dict[tuple[int, int], list[tuple[float, int]]] = {}
        moved = 0
        for i in order.tolist():
            a = a_list[i]
            if cost.size[a] <= 1:
                continue
            xi, yi = xy[i]
            d_a = ((xi - cen[a][0]) ** 2 + (yi - cen[a][1]) ** 2) ** 0.5
            best_b, best_d, want_b, want_d = -1, d_a - MIN_GAIN_M, -1, d_a - MIN_GAIN_M
            for j in indices[indptr[i] : indptr[i + 1]]:
                b = a_list[j]
                if b == a:
                    continue
                d_b = ((xi - cen[b][0]) ** 2 + (yi - cen[b][1]) ** 2) ** 0.5
                if d_b < want_d:
                    want_b, want_d = b, d_b
                if d_b < best_d and _within(cost, a, b, cost.loads[i], cap):
                    best_b, best_d = b, d_b
            if best_b < 0:
                if want_b >= 0:  # nearer there, but the caps stop it: perhaps a swap
                    blocked.setdefault((a, want_b), []).append((d_a - want_d, i))
                continue
            if not stays_connected(i, a, a_list, indptr, indices):
                continue
            cost.apply(i, a, best_b)
            a_list[i] = best_b
            moved += 1
        moved += _swaps(blocked, a_list, cost, cap, indptr, indices)
        assignment = np.asarray(a_list, dtype=np.int64)
        if moved == 0:
            break
    return assignment


def _swaps(
    blocked: dict[tuple[int, int], list[tuple[float, int]]],
    a_list: list[int],
    cost: BalanceCost,
    cap: list[float],
    indptr: list[int],
    indices: list[int],
) -> int:
    """Trade retailers the caps kept from a nearer centre one for one across each border.

    ``blocked[(a, b)]`` lists ``(gain_m, i)``: ``i`` of ``a`` is ``gain_m`` nearer ``b``'s
    centre. The biggest gains pair first; a swap is kept if both territories stay within their
    caps and connected, and each retailer still touches its new territory. Returns the number
    of retailers moved.
    """
    moved = 0
    for (a, b), there in blocked.items():
        back = sorted(blocked.get((b, a), ()), reverse=True)[:SWAP_PARTNERS]
        if a > b or not back:
            continue  # each border once, from its lower territory
        used: set[int] = set()
        for _, i in sorted(there, reverse=True):
            for _, j in back:
                if j in used or a_list[i] != a or a_list[j] != b:
                    continue
                net = [x - y for x, y in zip(cost.loads[i], cost.loads[j], strict=True)]
                if not _within(cost, a, b, net, cap):
                    continue
                if not stays_connected(i, a, a_list, indptr, indices):
                    break
                a_list[i] = b
                joined = stays_connected(j, b, a_list, indptr, indices)
                if joined:
                    a_list[j] = a
                    joined = _touches(i, b, a_list, indptr, indices) and _touches(
                        j, a, a_list, indptr, indices
                    )
                    if not joined:
                        a_list[j] = b
                if not joined:
                    a_list[i] = a
                    continue
                cost.apply(i, a, b)
                cost.apply(j, b, a)
                used.add(j)
                moved += 2
                break
    return moved


def _touches(i: int, t: int, a_list: list[int], indptr: list[int], indices: list[int]) -> bool:
    """Whether retailer ``i`` has a neighbour in territory ``t``."""
    return any(a_list[j] == t for j in indices[indptr[i] : indptr[i + 1]])


def _within(cost: BalanceCost, a: int, b: int, li: list[float], cap: list[float]) -> bool:
    """Whether moving loads ``li`` from ``a`` to ``b`` keeps both within their caps."""
    la, lb, inv_a, inv_b = cost.load[a], cost.load[b], cost.inv_t[a], cost.inv_t[b]
    for r in cost.resources:
        old_a, new_a = abs(la[r] * inv_a[r] - 1.0), abs((la[r] - li[r]) * inv_a[r] - 1.0)
        old_b, new_b = abs(lb[r] * inv_b[r] - 1.0), abs((lb[r] + li[r]) * inv_b[r] - 1.0)
        if new_a > max(old_a, cap[r]) or new_b > max(old_b, cap[r]):
            return False
    return True
