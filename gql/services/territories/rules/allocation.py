"""Capacitated location–allocation: the transportation step of Hess et al. (1965).

For fixed centres, each retailer's workload (in integer flow units) is shipped to its
``candidates`` nearest centres at a unit cost of the squared distance, and every centre must
receive between ``(1 - tol)`` and ``(1 + tol)`` of the mean workload. This is a min-cost-flow
problem solved exactly by OR-Tools. An optimal basic flow splits at most ``k - 1`` retailers
between centres; those go to their largest share. Locked retailers are fixed and only reduce
their territory's capacity; on a warm start, arcs away from the current manager cost extra, so
few retailers move.

Only the first column of ``loads`` (workload) is shipped. The secondary criteria (retailer
count, order volume, class mix) enter through per-territory Lagrangian ``prices`` that the
caller raises between rounds, and through the boundary local search in :mod:`.rebalance`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow
from scipy.spatial import cKDTree

from .errors import PlanningError

__all__ = ["AllocationProblem", "allocate", "bisection_centres", "fill_empty", "update_centres"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_COST_SCALE = 1_000.0
_UNITS_TOTAL = 5_000_000.0


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
    prices
        ``(k, R - 1)`` Lagrangian prices of the secondary criteria: assigning retailer ``i``
        to territory ``j`` costs ``sum_r prices[j, r] * loads[i, r + 1] / mean_r`` extra, in
        the same unit as a retailer's whole distance cost (None: no prices).
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
    prices: FloatArray | None = None


def allocate(problem: AllocationProblem, centres_m: FloatArray) -> IntArray:
    """Return the territory of each retailer for fixed centres (the allocation step).

    Raises
    ------
    PlanningError
        The bands cannot be met even with every centre as a candidate.
    """
    k = centres_m.shape[0]
    kk = min(problem.candidates, k)
    while True:
        assignment = _transport(problem, centres_m, kk)
        if assignment is not None:
            return assignment
        if kk >= k:
            raise PlanningError(
                "no allocation meets the workload band; locked retailers may already overload "
                "a territory: unlock some of them or widen workload_tolerance"
            )
        kk = min(2 * kk, k)


def _transport(problem: AllocationProblem, centres_m: FloatArray, kk: int) -> IntArray | None:
    xy, fixed = problem.xy_m, problem.fixed
    load = problem.loads[:, 0]
    k = centres_m.shape[0]
    movable = np.flatnonzero(fixed < 0)
    nm = movable.size
    dist_m, near = cKDTree(centres_m).query(xy[movable], k=kk)
    near = np.asarray(near, dtype=np.int64).reshape(nm, kk)
    dist_m = np.asarray(dist_m).reshape(nm, kk)
    rows = np.repeat(np.arange(nm), kk)
    cols = near.ravel()
    cur = problem.current[movable]
    has_cur = cur >= 0
    rows = np.concatenate([rows, np.flatnonzero(has_cur)])
    cols = np.concatenate([cols, cur[has_cur]])
    pairs = np.unique(rows * k + cols)
    rows, cols = pairs // k, pairs % k
    d_ref = max(float(dist_m[:, 0].mean()), 1.0)
    d_m = np.linalg.norm(xy[movable[rows]] - centres_m[cols], axis=1)
    cost = (d_m / d_ref) ** 2
    if problem.move_cost > 0:
        cost = cost + problem.move_cost * ((cur[rows] >= 0) & (cur[rows] != cols))
    scale = _UNITS_TOTAL / max(float(load.sum()), 1e-12)
    units = units_of(load, scale).astype(np.int64)
    if problem.prices is not None:
        secondary = problem.loads[movable[rows], 1:] / np.maximum(
            problem.loads[:, 1:].mean(axis=0) * problem.loads.shape[0] / k, 1e-12
        )
        extra = (secondary * problem.prices[cols]).sum(axis=1) / units[movable][rows]
        # a constant per retailer does not change its choice: keep every cost non-negative
        low = np.full(nm, np.inf)
        np.minimum.at(low, rows, extra)
        cost = cost + extra - low[rows]
    unit_cost = np.rint(cost * _COST_SCALE).astype(np.int64)
    fixed_units = (
        np.bincount(fixed[fixed >= 0], weights=units_of(load[fixed >= 0], scale), minlength=k)
        if (fixed >= 0).any()
        else np.zeros(k)
    )
    total = int(units[movable].sum() + fixed_units.sum())
    target = total / k
    tol = float(problem.tolerances[0])
    lower = np.maximum(np.floor(target * (1 - tol) - fixed_units), 0).astype(np.int64)
    upper = np.ceil(target * (1 + tol) - fixed_units).astype(np.int64)
    if (upper < 0).any():
        return None
    supply_total = int(units[movable].sum())
    if lower.sum() > supply_total or upper.sum() < supply_total:
        return None
    # nodes: retailers 0..nm-1, centres nm..nm+k-1, sink nm+k
    sink = nm + k
    flow = min_cost_flow.SimpleMinCostFlow()
    tails = np.concatenate([rows, nm + np.arange(k)])
    heads = np.concatenate([nm + cols, np.full(k, sink)])
    caps = np.concatenate([units[movable][rows], upper - lower])
    costs = np.concatenate([unit_cost, np.zeros(k, dtype=np.int64)])
    arcs = flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    supplies = np.concatenate([units[movable], -lower, [-(supply_total - int(lower.sum()))]])
    flow.set_nodes_supplies(np.arange(nm + k + 1), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        return None
    shipped = flow.flows(arcs[: rows.size])
    order = np.lexsort((shipped, rows))  # by retailer, largest share last
    last = np.flatnonzero(np.r_[rows[order][1:] != rows[order][:-1], True])
    assignment = fixed.copy()
    assignment[movable[rows[order][last]]] = cols[order][last]
    return assignment


def units_of(load: FloatArray, scale: float) -> FloatArray:
    """Integer flow units of each load (at least one, so every retailer is shipped)."""
    return np.maximum(np.rint(load * scale), 1)


def update_centres(
    xy_m: FloatArray, weight: FloatArray, assignment: IntArray, centres_m: FloatArray
) -> FloatArray:
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


def bisection_centres(xy: FloatArray, weight: FloatArray, k: int) -> FloatArray:
    """Centres of a recursive weighted bisection into ``k`` equal-workload boxes.

    Each box is cut across its longer side at the weighted quantile that splits its workload in
    proportion to the number of territories on each side, so the start is already balanced
    and the first transportation step is feasible with few candidate centres.
    """
    centres = np.empty((k, 2))
    stack: list[tuple[npt.NDArray[np.intp], int, int]] = [(np.arange(xy.shape[0]), k, 0)]
    while stack:
        idx, parts, first = stack.pop()
        if parts == 1 or idx.size <= 1:
            w = weight[idx] + 1e-12
            for j in range(first, first + parts):
                centres[j] = (xy[idx] * w[:, None]).sum(axis=0) / w.sum()
            continue
        pts = xy[idx]
        axis = int(np.argmax(pts.max(axis=0) - pts.min(axis=0)))
        order = idx[np.argsort(pts[:, axis], kind="stable")]
        left_parts = parts // 2
        cum = np.cumsum(weight[order])
        cut = int(np.searchsorted(cum, cum[-1] * left_parts / parts))
        cut = min(max(cut, 1), order.size - 1)
        stack.append((order[:cut], left_parts, first))
        stack.append((order[cut:], parts - left_parts, first + left_parts))
    return centres


def fill_empty(
    xy_m: FloatArray, assignment: IntArray, fixed: IntArray, centres_m: FloatArray
) -> IntArray:
    """Give every empty territory the movable retailer nearest its centre.

    Rounding split retailers can leave a territory with nothing when there are barely more
    retailers than territories; a donor must keep at least one retailer.
    """
    assignment = assignment.copy()
    k = centres_m.shape[0]
    size = np.bincount(assignment, minlength=k)
    for j in np.flatnonzero(size == 0).tolist():
        order = np.argsort(((xy_m - centres_m[j]) ** 2).sum(axis=1), kind="stable")
        for i in order.tolist():
            if fixed[i] < 0 and size[assignment[i]] > 1:
                size[assignment[i]] -= 1
                assignment[i] = j
                size[j] += 1
                break
    return assignment
