"""Boundary local search that polishes balance while keeping territories contiguous.

After rounding and fragment repair, each territory is off its targets by a few retailers. This
search moves single boundary retailers (those with a Delaunay neighbour in another territory)
to that neighbouring territory when the move lowers the objective of
:class:`.objective.BalanceCost` (balance bands first, then deviations, a little compactness
and, on a re-plan, the number moved) and the donor territory stays connected. Locked retailers
never move.

:func:`polish` is the whole clean-up after allocation that territories and weekday zones share:
fill empty zones, repair fragments, rebalance, repair again; territories also trade heavy
retailers for light ones across their borders (:mod:`.exchange`) where single moves cannot
balance a heavy-tailed criterion.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from .allocation import fill_empty
from .contiguity import neighbour_graph, repair_fragments
from .exchange import exchange
from .move_reasons import MoveReason, MoveTrace
from .objective import (
    BalanceCost,
    RebalanceProblem,
    boundary_by_need,
    moved_count,
    stays_connected,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from .contiguity import NeighbourGraph

__all__ = ["RebalanceProblem", "polish", "rebalance"]

EXCHANGE_ROUNDS = 3
"""Rounds of exchanges, each followed by single moves, while the exchanges change something."""

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def rebalance(problem: RebalanceProblem, assignment: IntArray) -> IntArray:
    """Return an improved copy of ``assignment`` (a local optimum of the objective)."""
    p = problem
    assignment = assignment.copy()
    cost = BalanceCost(p, assignment)
    leave, join, size = cost.leave, cost.join, cost.size
    indptr, indices = p.graph.indptr.tolist(), p.graph.indices.tolist()
    cap = p.max_moves
    moved = moved_count(p, assignment)
    for _ in range(p.max_passes):
        improved = 0
        a_list = assignment.tolist()
        for i in boundary_by_need(p, assignment, cost).tolist():
            a = a_list[i]
            if size[a] <= 1:
                continue
            cand = {a_list[j] for j in indices[indptr[i] : indptr[i + 1]]}
            cand.discard(a)
            if not cand:
                continue
            change_a = leave(i, a)
            best_gain, best_b = 1e-12, -1
            for b in cand:
                delta = change_a + join(i, a, b)
                if -delta > best_gain:
                    best_gain, best_b = -delta, b
            if best_b < 0 or not stays_connected(i, a, a_list, indptr, indices):
                continue
            step = cost.churn_step(i, a, best_b)
            if cap is not None and step > 0 and moved + step > cap:
                continue
            moved += step
            a_list[i] = best_b
            assignment[i] = best_b
            cost.apply(i, a, best_b)
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
    primary_slope: float = 0.0,
    limits: FloatArray | None = None,
    limit_price: float = 0.0,
    repaired: Callable[[], None] | None = None,
    graph: NeighbourGraph | None = None,
    trace: MoveTrace | None = None,
    exchanges: bool = False,
) -> tuple[IntArray, NeighbourGraph]:
    """Round an allocation into ``k`` non-empty, contiguous, balanced zones.

    Fills empty zones (:func:`.allocation.fill_empty`), gives detached pieces to a neighbour
    (:func:`.contiguity.repair_fragments`, sized by ``weight``), runs :func:`rebalance` and
    repairs once more; with ``exchanges``, rounds of :func:`.exchange.exchange` and
    :func:`rebalance` follow the first rebalance. ``repaired`` is called after the first
    repair. Contiguity is judged on ``graph`` (default: the Delaunay graph of ``xy_m``);
    returns the assignment and that graph.
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
    problem = RebalanceProblem(
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
        primary_slope=primary_slope,
        limits=limits,
        limit_price=limit_price,
    )
    assignment = rebalance(problem, assignment)
    for _ in range(EXCHANGE_ROUNDS if exchanges else 0):
        swapped = exchange(problem, assignment)
        if (swapped == assignment).all():
            break
        assignment = rebalance(problem, swapped)
    trace.mark(before, assignment, MoveReason.BALANCE)
    before = assignment.copy()
    assignment = repair_fragments(graph, assignment, weight, fixed, k)
    trace.mark(before, assignment, MoveReason.CONTIGUITY)
    return assignment, graph
