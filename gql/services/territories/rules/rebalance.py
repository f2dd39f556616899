"""Boundary local search that polishes balance while keeping territories contiguous.

After rounding and fragment repair, each territory is off its targets by a few retailers. This
search moves single boundary retailers (those with a Delaunay neighbour in another territory)
to that neighbouring territory when the move lowers

    sum over territories and criteria of
        weight_r * (dev^2 + 100 * max(0, |dev| - band_r)^2),
        where dev = load / target - 1
    + weight_0 * 100 * primary_band_price * max(0, |dev_0| - primary_limit)^2
    + compactness * (squared distance to the new centre - to the old, in mean-distance units)
    + move_cost * (leaving the current territory - returning to it)

and the donor territory stays connected. Locked retailers never move.

:func:`polish` is the whole clean-up after allocation that territories and weekday zones share:
fill empty zones, repair fragments, rebalance, repair again.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from .allocation import fill_empty
from .contiguity import neighbour_graph, repair_fragments
from .move_reasons import MoveReason, MoveTrace

if TYPE_CHECKING:
    from collections.abc import Callable

    from .contiguity import NeighbourGraph

__all__ = ["RebalanceProblem", "polish", "rebalance"]

_OUT_OF_BAND = 100.0
"""Extra price of a squared deviation beyond a criterion's band: bands are met first."""

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True, eq=False)
class RebalanceProblem:
    """Inputs of :func:`rebalance` (see the module docstring for the objective)."""

    graph: NeighbourGraph
    xy_m: FloatArray
    loads: FloatArray
    targets: FloatArray
    weights: FloatArray
    fixed: IntArray
    current: IntArray
    centres_m: FloatArray
    bands: FloatArray
    compactness: float = 1e-4
    move_cost: float = 0.0
    max_passes: int = 200
    max_moves: int | None = None
    """Cap on retailers away from their current manager; ``None`` leaves it open."""
    primary_band_price: float = 0.0
    primary_limit: float = 1.0
    """Beyond ``primary_limit`` the first criterion (workload) pays ``primary_band_price``
    times the out-of-band price on top: a hard outer band that no secondary criterion can
    buy its own balance through."""


def rebalance(problem: RebalanceProblem, assignment: IntArray) -> IntArray:
    """Return an improved copy of ``assignment`` (a local optimum of the objective)."""
    p = problem
    assignment = assignment.copy()
    k = p.targets.shape[0]
    n_res = p.loads.shape[1]
    load_np = np.zeros((k, n_res))
    np.add.at(load_np, assignment, p.loads)
    inv_np = 1.0 / np.maximum(p.targets, 1e-12)
    # plain Python floats: the search makes millions of tiny evaluations
    load = load_np.tolist()
    inv_t = inv_np.tolist()
    w = p.weights.tolist()
    band = p.bands.tolist()
    hard_price = _OUT_OF_BAND * p.primary_band_price * w[0]
    hard_limit = p.primary_limit
    loads = p.loads.tolist()
    xy = p.xy_m.tolist()
    centres = p.centres_m.tolist()
    ref = _mean_sq_nearest(p.xy_m, p.centres_m)
    current = p.current.tolist()
    indptr, indices = p.graph.indptr.tolist(), p.graph.indices.tolist()
    movable = p.fixed < 0
    size = np.bincount(assignment, minlength=k).tolist()
    resources = range(n_res)

    def dev_cost(row: list[float], t: int, li: list[float], sign: float) -> float:
        inv = inv_t[t]
        total = 0.0
        for r in resources:
            rel = (row[r] + sign * li[r]) * inv[r] - 1.0
            over = abs(rel) - band[r]
            total += w[r] * (rel * rel + (_OUT_OF_BAND * over * over if over > 0 else 0.0))
        rel = (row[0] + sign * li[0]) * inv[0] - 1.0
        beyond = abs(rel) - hard_limit
        return total + (hard_price * beyond * beyond if beyond > 0 else 0.0)

    def sq_dist(i: int, t: int) -> float:
        dy = xy[i][0] - centres[t][0]
        dx = xy[i][1] - centres[t][1]
        return float((dy * dy + dx * dx) / ref)

    zero = [0.0] * n_res
    cap = p.max_moves
    moved = int(np.sum((p.current >= 0) & (assignment != p.current)))
    for _ in range(p.max_passes):
        improved = 0
        a_list = assignment.tolist()
        u, v = p.graph.edge_u, p.graph.edge_v
        cut = assignment[u] != assignment[v]
        boundary = np.unique(np.r_[u[cut], v[cut]])
        boundary = boundary[movable[boundary]]
        # visit retailers of the worst territories first
        worst = np.abs(np.asarray(load) * inv_np - 1.0) @ p.weights
        boundary = boundary[np.argsort(-worst[assignment[boundary]], kind="stable")]
        for i in boundary.tolist():
            a = a_list[i]
            if size[a] <= 1:
                continue
            cand = {a_list[j] for j in indices[indptr[i] : indptr[i + 1]]}
            cand.discard(a)
            if not cand:
                continue
            li = loads[i]
            cur_i = current[i]
            change_a = dev_cost(load[a], a, li, -1.0) - dev_cost(load[a], a, zero, 0.0)
            dist_a = sq_dist(i, a)
            best_gain, best_b = 1e-12, -1
            for b in cand:
                delta = change_a + dev_cost(load[b], b, li, 1.0) - dev_cost(load[b], b, zero, 0.0)
                delta += p.compactness * (sq_dist(i, b) - dist_a)
                if p.move_cost and cur_i >= 0:
                    delta += p.move_cost * (int(b != cur_i) - int(a != cur_i))
                if -delta > best_gain:
                    best_gain, best_b = -delta, b
            if best_b < 0 or not _stays_connected(i, a, a_list, indptr, indices):
                continue
            step = int(cur_i >= 0) * (int(best_b != cur_i) - int(a != cur_i))
            if cap is not None and step > 0 and moved + step > cap:
                continue
            moved += step
            a_list[i] = best_b
            assignment[i] = best_b
            for r in resources:
                load[a][r] -= li[r]
                load[best_b][r] += li[r]
            size[a] -= 1
            size[best_b] += 1
            improved += 1
        if improved == 0:
            break
    return assignment


def polish(
    xy_m: FloatArray,
    assignment: IntArray,
    centres_m: FloatArray,
    weight: FloatArray,
    k: int,
    *,
    loads: FloatArray,
    targets: FloatArray,
    weights: FloatArray,
    fixed: IntArray,
    current: IntArray,
    bands: FloatArray,
    move_cost: float = 0.0,
    max_moves: int | None = None,
    primary_band_price: float = 0.0,
    primary_limit: float = 1.0,
    repaired: Callable[[], None] | None = None,
    graph: NeighbourGraph | None = None,
    trace: MoveTrace | None = None,
) -> tuple[IntArray, NeighbourGraph]:
    """Round an allocation into ``k`` non-empty, contiguous, balanced zones.

    Fills empty zones (:func:`.allocation.fill_empty`), gives detached pieces to a neighbour
    (:func:`.contiguity.repair_fragments`, sized by ``weight``), runs :func:`rebalance` and
    repairs once more. ``repaired`` is called after the first repair. Contiguity is judged on
    ``graph`` (default: the Delaunay graph of ``xy_m``); returns the assignment and that graph.
    ``trace`` records which stage moved each retailer (:mod:`.move_reasons`).
    """
    trace = trace or MoveTrace(assignment.size)
    before = assignment.copy()
    assignment = fill_empty(xy_m, assignment, fixed, centres_m)
    trace.mark(before, assignment, MoveReason.BALANCE)  # an empty territory takes a retailer
    graph = neighbour_graph(xy_m) if graph is None else graph
    before = assignment.copy()
    assignment = repair_fragments(graph, assignment, weight, fixed, k)
    trace.mark(before, assignment, MoveReason.CONTIGUITY)
    if repaired is not None:
        repaired()
    before = assignment.copy()
    assignment = rebalance(
        RebalanceProblem(
            graph=graph,
            xy_m=xy_m,
            loads=loads,
            targets=targets,
            weights=weights,
            fixed=fixed,
            current=current,
            centres_m=centres_m,
            bands=bands,
            move_cost=move_cost,
            max_moves=max_moves,
            primary_band_price=primary_band_price,
            primary_limit=primary_limit,
        ),
        assignment,
    )
    trace.mark(before, assignment, MoveReason.BALANCE)
    before = assignment.copy()
    assignment = repair_fragments(graph, assignment, weight, fixed, k)
    trace.mark(before, assignment, MoveReason.CONTIGUITY)
    return assignment, graph


def _mean_sq_nearest(xy_m: FloatArray, centres_m: FloatArray) -> float:
    """Mean squared distance to the nearest centre: the unit of the compactness term."""
    d2, _ = cKDTree(centres_m).query(xy_m)
    return max(float(np.mean(np.asarray(d2) ** 2)), 1.0)


def _stays_connected(
    i: int, a: int, a_list: list[int], indptr: list[int], indices: list[int]
) -> bool:
    """Whether territory ``a`` stays connected once retailer ``i`` leaves it."""
    same = [j for j in indices[indptr[i] : indptr[i + 1]] if a_list[j] == a]
    if len(same) <= 1:
        return True
    goal = set(same)
    seen = {i, same[0]}
    goal.discard(same[0])
    queue = deque([same[0]])
    while queue and goal:
        x = queue.popleft()
        for y in indices[indptr[x] : indptr[x + 1]]:
            if y not in seen and a_list[y] == a:
                seen.add(y)
                goal.discard(y)
                queue.append(y)
    return not goal
