"""Boundary local search that polishes balance while keeping territories contiguous.

After rounding and fragment repair, each territory is off its targets by a few retailers. This
search moves single boundary retailers (those with a Delaunay neighbour in another territory)
to that neighbouring territory when the move lowers

    sum over territories and criteria of  weight_r * (load / target - 1)^2
    + compactness * (squared distance to the new centre - to the old, in mean-distance units)
    + move_cost * (leaving the current territory - returning to it)

and the donor territory stays connected. Locked retailers never move.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from .contiguity import NeighbourGraph

__all__ = ["RebalanceProblem", "rebalance"]

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
    compactness: float = 1e-4
    move_cost: float = 0.0
    max_passes: int = 30


def rebalance(problem: RebalanceProblem, assignment: IntArray) -> IntArray:
    """Return an improved copy of ``assignment`` (a local optimum of the objective)."""
    p = problem
    assignment = assignment.copy()
    k = p.targets.shape[0]
    n_res = p.loads.shape[1]
    load = np.zeros((k, n_res))
    np.add.at(load, assignment, p.loads)
    inv_t = 1.0 / np.maximum(p.targets, 1e-12)
    d2 = _sq_dist(p.xy_m, p.centres_m)
    indptr, indices = p.graph.indptr.tolist(), p.graph.indices.tolist()
    loads = p.loads
    w = p.weights
    movable = p.fixed < 0
    size = np.bincount(assignment, minlength=k)

    def dev_cost(row: FloatArray, t: int) -> float:
        rel = row * inv_t[t] - 1.0
        return float(np.dot(w, rel * rel))

    for _ in range(p.max_passes):
        improved = 0
        a_list = assignment.tolist()
        u, v = p.graph.edge_u, p.graph.edge_v
        boundary = np.unique(
            np.r_[u[assignment[u] != assignment[v]], v[assignment[u] != assignment[v]]]
        )
        boundary = boundary[movable[boundary]]
        # visit retailers of the worst territories first
        rel = np.abs(load * inv_t - 1.0) @ w
        boundary = boundary[np.argsort(-rel[assignment[boundary]], kind="stable")]
        for i in boundary.tolist():
            a = a_list[i]
            if size[a] <= 1:
                continue
            nbrs = indices[indptr[i] : indptr[i + 1]]
            cand = {a_list[j] for j in nbrs} - {a}
            if not cand:
                continue
            li = loads[i]
            cur_i = int(p.current[i])
            before_a = dev_cost(load[a], a)
            after_a = dev_cost(load[a] - li, a)
            best_gain, best_b = 1e-12, -1
            for b in cand:
                delta = (after_a - before_a) + dev_cost(load[b] + li, b) - dev_cost(load[b], b)
                delta += p.compactness * (d2[i, b] - d2[i, a])
                if p.move_cost and cur_i >= 0:
                    delta += p.move_cost * (int(b != cur_i) - int(a != cur_i))
                if -delta > best_gain:
                    best_gain, best_b = -delta, b
            if best_b < 0 or not _stays_connected(i, a, a_list, indptr, indices):
                continue
            a_list[i] = best_b
            assignment[i] = best_b
            load[a] -= li
            load[best_b] += li
            size[a] -= 1
            size[best_b] += 1
            improved += 1
        if improved == 0:
            break
    return assignment


def _sq_dist(xy_m: FloatArray, centres_m: FloatArray) -> FloatArray:
    """Squared distances to every centre, in units of the mean squared nearest distance."""
    d2 = ((xy_m[:, None, :] - centres_m[None, :, :]) ** 2).sum(axis=2)
    ref = max(float(np.mean(d2.min(axis=1))), 1.0)
    return np.asarray(d2 / ref, dtype=np.float64)


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
