"""Capacitated location–allocation: the transportation step of Hess et al. (1965).

Each retailer is shipped to one of its ``candidates`` nearest centres at a cost of its squared
distance (compactness), subject to every territory's load lying within a band around its target
for each balance criterion (workload, retailer count, order volume, ...). Bands are soft: a
violation is paid for by slack variables whose price is far above any distance saving, so the
linear programme is always feasible and returns the least-violating, most compact split.

HiGHS (through :func:`scipy.optimize.milp`, with no integer variables) solves the LP. A basic
optimal solution splits at most one retailer per binding constraint, i.e. a few hundred out of
tens of thousands; those are rounded to their largest share and the local search in
:mod:`.contiguity` repairs the small imbalance that rounding leaves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.spatial import cKDTree

from .errors import PlanningError

__all__ = ["AllocationProblem", "allocate", "update_centres"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_PENALTY_PER_PERCENT = 1_000.0


@dataclass(frozen=True, slots=True, eq=False)
class AllocationProblem:
    """One transportation step.

    Parameters
    ----------
    xy_m
        ``(n, 2)`` planar positions in metres (north, east).
    loads
        ``(n, R)`` non-negative amounts of each balance criterion per retailer.
    targets
        ``(k, R)`` target load of each territory per criterion.
    tolerances
        ``(R,)`` half-width of each band as a fraction of the target (0.01 = ±1 %).
    weights
        ``(R,)`` relative price of leaving a band, per criterion.
    fixed
        ``(n,)`` territory a retailer must stay in, or -1 if it may move.
    current
        ``(n,)`` current territory (warm start) or -1.
    move_cost
        Price of assigning a retailer away from its current territory, in units of the squared
        mean distance to the nearest centre (0 disables the warm-start preference).
    candidates
        How many nearest centres each retailer may be allocated to.
    """

    xy_m: FloatArray
    loads: FloatArray
    targets: FloatArray
    tolerances: FloatArray
    weights: FloatArray
    fixed: IntArray
    current: IntArray
    move_cost: float = 0.0
    candidates: int = 8
    soft: bool = True


def allocate(problem: AllocationProblem, centres_m: FloatArray) -> IntArray:
    """Return the territory of each retailer for fixed centres (the allocation step)."""
    xy, loads, fixed = problem.xy_m, problem.loads, problem.fixed
    _n, k = xy.shape[0], centres_m.shape[0]
    n_res = loads.shape[1]
    movable = np.flatnonzero(fixed < 0)
    kk = min(problem.candidates, k)
    dist_m, near = cKDTree(centres_m).query(xy[movable], k=kk)
    near = np.asarray(near, dtype=np.int64).reshape(movable.size, kk)
    rows = np.repeat(np.arange(movable.size), kk)
    cols = near.ravel()
    cur = problem.current[movable]
    has_cur = cur >= 0
    rows = np.concatenate([rows, np.flatnonzero(has_cur)])
    cols = np.concatenate([cols, cur[has_cur]])
    pairs = np.unique(rows * k + cols)
    rows, cols = pairs // k, pairs % k
    d_m = np.linalg.norm(xy[movable[rows]] - centres_m[cols], axis=1)
    d_ref = max(float(np.mean(np.asarray(dist_m).reshape(movable.size, kk)[:, 0])), 1.0)
    cost = (d_m / d_ref) ** 2
    if problem.move_cost > 0:
        moved = (cur[rows] >= 0) & (cur[rows] != cols)
        cost = cost + problem.move_cost * moved
    m = rows.size

    fixed_load = np.zeros((k, n_res))
    locked = np.flatnonzero(fixed >= 0)
    np.add.at(fixed_load, fixed[locked], loads[locked])
    lo = problem.targets * (1 - problem.tolerances) - fixed_load
    hi = problem.targets * (1 + problem.tolerances) - fixed_load

    a_assign = sp.csr_matrix((np.ones(m), (rows, np.arange(m))), shape=(movable.size, m))
    blocks = []
    for r in range(n_res):
        blocks.append(sp.csr_matrix((loads[movable[rows], r], (cols, np.arange(m))), shape=(k, m)))
    a_load = sp.vstack(blocks).tocsr()
    c = cost
    if problem.soft:
        # slack columns: +under (adds load) and -over (removes load) per territory and criterion
        eye = sp.identity(k * n_res, format="csr")
        a_load = sp.hstack([a_load, eye, -eye]).tocsr()
        a_assign = sp.hstack([a_assign, sp.csr_matrix((movable.size, 2 * k * n_res))]).tocsr()
        scale = np.maximum(problem.targets.T.ravel(), 1e-9)  # (R*k,) criterion-major
        price = np.repeat(problem.weights, k) * _PENALTY_PER_PERCENT * 100.0 / scale
        c = np.concatenate([cost, price, price])
    constraints = [
        LinearConstraint(a_assign, np.ones(movable.size), np.ones(movable.size)),
        LinearConstraint(a_load, lo.T.ravel(), hi.T.ravel()),
    ]
    result = milp(c, constraints=constraints, bounds=Bounds(0, np.inf))
    if result.status != 0 or result.x is None:
        raise PlanningError(f"the allocation LP failed ({result.message}); report this input")
    share = result.x[:m]
    order = np.lexsort((share, rows))  # by retailer, largest share last
    last = np.flatnonzero(np.r_[rows[order][1:] != rows[order][:-1], True])
    assignment = fixed.copy()
    assignment[movable[rows[order][last]]] = cols[order][last]
    return assignment


def update_centres(xy_m: FloatArray, weight: FloatArray, assignment: IntArray,
                   centres_m: FloatArray) -> FloatArray:
    """Return each territory's weighted mean position (the location step).

    A territory left empty keeps its previous centre.
    """
    k = centres_m.shape[0]
    total = np.bincount(assignment, weights=weight, minlength=k)
    north = np.bincount(assignment, weights=weight * xy_m[:, 0], minlength=k)
    east = np.bincount(assignment, weights=weight * xy_m[:, 1], minlength=k)
    new = centres_m.copy()
    ok = total > 0
    new[ok, 0] = north[ok] / total[ok]
    new[ok, 1] = east[ok] / total[ok]
    return new
