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

from .objective import stays_connected

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
    k, n_res = p.targets.shape
    indptr, indices = p.graph.indptr.tolist(), p.graph.indices.tolist()
    u, v = p.graph.edge_u, p.graph.edge_v
    inv_t = (1.0 / np.maximum(p.targets, 1e-12)).tolist()
    loads = p.loads.tolist()
    cap = caps.tolist()
    res = range(n_res)
    for _ in range(rounds):
        per = p.territory_loads(assignment)
        count = np.maximum(np.bincount(assignment, minlength=k), 1)
        centre = np.stack(
            [np.bincount(assignment, weights=p.xy_m[:, d], minlength=k) / count for d in (0, 1)],
            axis=1,
        )
        load = per.tolist()
        size = np.bincount(assignment, minlength=k).tolist()
        cut = assignment[u] != assignment[v]
        ends = np.unique(np.r_[u[cut], v[cut]])
        ends = ends[p.fixed[ends] < 0]
        here = np.linalg.norm(p.xy_m[ends] - centre[assignment[ends]], axis=1)
        order = ends[np.argsort(-here, kind="stable")]  # the farthest out first
        a_list = assignment.tolist()
        xy = p.xy_m.tolist()
        cen = centre.tolist()
        blocked: dict[tuple[int, int], list[tuple[float, int]]] = {}
        moved = 0
        for i in order.tolist():
            a = a_list[i]
            if size[a] <= 1:
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
                if d_b >= best_d:
                    continue
                if _within(load[a], load[b], loads[i], inv_t[a], inv_t[b], cap, res):
                    best_b, best_d = b, d_b
            if best_b < 0:
                if want_b >= 0:  # nearer there, but the caps stop it: perhaps a swap
                    blocked.setdefault((a, want_b), []).append((d_a - want_d, i))
                continue
            if not stays_connected(i, a, a_list, indptr, indices):
                continue
            _book(load[a], load[best_b], loads[i], res)
            size[a] -= 1
            size[best_b] += 1
            a_list[i] = best_b
            moved += 1
        moved += _swaps(blocked, a_list, load, loads, inv_t, cap, res, indptr, indices)
        assignment = np.asarray(a_list, dtype=np.int64)
        if moved == 0:
            break
    return assignment


def _swaps(
    blocked: dict[tuple[int, int], list[tuple[float, int]]],
    a_list: list[int],
    load: list[list[float]],
    loads: list[list[float]],
    inv_t: list[list[float]],
    cap: list[float],
    res: range,
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
                net = [x - y for x, y in zip(loads[i], loads[j], strict=True)]
                if not _within(load[a], load[b], net, inv_t[a], inv_t[b], cap, res):
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
                _book(load[a], load[b], net, res)
                used.add(j)
                moved += 2
                break
    return moved


def _touches(i: int, t: int, a_list: list[int], indptr: list[int], indices: list[int]) -> bool:
    """Whether retailer ``i`` has a neighbour in territory ``t``."""
    return any(a_list[j] == t for j in indices[indptr[i] : indptr[i + 1]])


def _book(la: list[float], lb: list[float], li: list[float], res: range) -> None:
    """Move loads ``li`` from territory ``a``'s row to ``b``'s."""
    for r in res:
        la[r] -= li[r]
        lb[r] += li[r]


def _within(
    la: list[float],
    lb: list[float],
    li: list[float],
    inv_a: list[float],
    inv_b: list[float],
    cap: list[float],
    res: range,
) -> bool:
    """Whether moving loads ``li`` from ``a`` to ``b`` keeps both within their caps."""
    for r in res:
        old_a, new_a = abs(la[r] * inv_a[r] - 1.0), abs((la[r] - li[r]) * inv_a[r] - 1.0)
        old_b, new_b = abs(lb[r] * inv_b[r] - 1.0), abs((lb[r] + li[r]) * inv_b[r] - 1.0)
        if new_a > max(old_a, cap[r]) or new_b > max(old_b, cap[r]):
            return False
    return True
