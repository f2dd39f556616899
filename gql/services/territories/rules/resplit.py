"""Pair re-splits: two neighbouring territories merged and cut again, connected by construction.

A boundary search moves volume only a retailer or a small group at a time between two
territories, and stops where every such step costs more workload balance than it buys. Merging
two neighbours and cutting the union anew reaches splits no sequence of small steps does: a
poor territory beside a richer one can take the richer one's supermarket *and* hand over the
shops behind it, in one go (the merge-and-split move of districting searches).

The cuts come from additively weighted graph Voronoi splits: for two seed retailers ``s1``,
``s2`` of the union, every retailer ``v`` is ranked by ``d1(v) - d2(v)`` (shortest-path
distances inside the union, edge lengths in metres), and each prefix of that ranking is one
side. Along a shortest path from ``s1`` the difference only falls, so every prefix and its
complement are connected: no contiguity repair is needed. Seed pairs are spread over
directions through the union, so the prefixes sweep it from many sides. The best cut by the
boundary searches' balance objective (:mod:`.objective`, every criterion, workload's bands
first) plus a shape price is kept only if it beats the current split.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components, dijkstra

if TYPE_CHECKING:
    from .contiguity import NeighbourGraph
    from .objective import RebalanceProblem

__all__ = [
    "CutFamily",
    "cheapest_cut",
    "cut_families",
    "mean_sq_to_centroid",
    "neighbour_pairs",
    "resplit_pairs",
    "scatter",
    "side_connected",
    "weighted_graph",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

DIRECTIONS = 12
"""Directions of seed pairs through a union (each gives an outer and an inner pair)."""

SHAPE_PRICE = 1e-3
"""Price of the sum of squared distances to each part's centroid, in units of the district's
mean squared distance to a territory centroid per retailer: a cut may not buy balance with a
snake."""

HEAVY_SEEDS = 2
"""The union's biggest retailers (in a secondary criterion) used as seeds too."""

MAX_PAIRS = 60
"""Pairs tried per round, those whose two territories cost most in balance first."""

ROUNDS = 4
"""Rounds over the pairs; a territory takes part in at most one accepted re-split a round."""


def resplit_pairs(
    problem: RebalanceProblem,
    assignment: IntArray,
    *,
    rounds: int = ROUNDS,
    max_pairs: int = MAX_PAIRS,
    shape_price: float = SHAPE_PRICE,
) -> IntArray:
    """Return a copy of ``assignment`` improved by re-splitting pairs of neighbouring territories.

    Locked retailers (``problem.fixed``) stay in their territory; both sides of every cut are
    connected in ``problem.graph``.
    """
    p = problem
    assignment = assignment.copy()
    k = p.targets.shape[0]
    graph = p.graph
    weighted = weighted_graph(graph)
    xy = p.xy_m
    ref = mean_sq_to_centroid(xy, assignment, k)
    for _ in range(rounds):
        per = p.territory_loads(assignment)
        cost = p.balance_costs(per, np.arange(k))
        pairs = neighbour_pairs(graph, assignment)
        if pairs.size == 0:
            break
        order = np.argsort(-(cost[pairs[:, 0]] + cost[pairs[:, 1]]), kind="stable")
        touched = np.zeros(k, dtype=bool)
        accepted = 0
        for a, b in pairs[order[:max_pairs]].tolist():
            if touched[a] or touched[b]:
                continue
            nodes = np.flatnonzero((assignment == a) | (assignment == b))
            side = _best_cut(p, weighted, nodes, assignment, a, b, per, ref, shape_price)
            if side is None:
                continue
            new = np.where(side, a, b)
            moved = nodes[new != assignment[nodes]]
            if moved.size == 0:
                continue
            assignment[nodes] = new
            per[a] = p.loads[nodes[side]].sum(axis=0)
            per[b] = p.loads[nodes[~side]].sum(axis=0)
            touched[a] = touched[b] = True
            accepted += 1
        if accepted == 0:
            break
    return assignment


def weighted_graph(graph: NeighbourGraph) -> sp.csr_matrix:
    """The contiguity graph with edge lengths (metres) as weights, symmetric."""
    n = graph.indptr.size - 1
    u, v, length = graph.edge_u, graph.edge_v, np.maximum(graph.edge_length_m, 1e-3)
    return sp.csr_matrix((np.r_[length, length], (np.r_[u, v], np.r_[v, u])), shape=(n, n))


def neighbour_pairs(graph: NeighbourGraph, assignment: IntArray) -> IntArray:
    """Unique pairs ``(a, b)``, ``a < b``, of territories sharing an edge."""
    ta, tb = assignment[graph.edge_u], assignment[graph.edge_v]
    cut = ta != tb
    lo, hi = np.minimum(ta[cut], tb[cut]), np.maximum(ta[cut], tb[cut])
    return np.unique(np.column_stack([lo, hi]), axis=0).astype(np.int64)


def mean_sq_to_centroid(xy: FloatArray, assignment: IntArray, k: int) -> float:
    """Mean squared distance (m²) of a retailer to its territory's centroid: the shape unit."""
    count = np.maximum(np.bincount(assignment, minlength=k), 1)
    cy = np.bincount(assignment, weights=xy[:, 0], minlength=k) / count
    cx = np.bincount(assignment, weights=xy[:, 1], minlength=k) / count
    d2 = (xy[:, 0] - cy[assignment]) ** 2 + (xy[:, 1] - cx[assignment]) ** 2
    return max(float(d2.mean()), 1.0)


def _seeds(xy: FloatArray, heavy: IntArray) -> list[tuple[int, int]]:
    """Pairs of positions (into ``xy``) across the union in ``DIRECTIONS`` directions.

    Besides, each of the ``heavy`` positions (the union's biggest retailers) is paired with
    the union's far ends, so that a cut can leave a big store alone with poor neighbours.
    """
    centre = xy.mean(axis=0)
    radius = math.sqrt(float(((xy - centre) ** 2).sum(axis=1).mean()))
    pairs: list[tuple[int, int]] = []
    for i in range(DIRECTIONS):
        angle = math.pi * i / DIRECTIONS
        d = np.array([math.cos(angle), math.sin(angle)])
        proj = (xy - centre) @ d
        pairs.append((int(np.argmax(proj)), int(np.argmin(proj))))
        near_hi = ((xy - (centre + 0.5 * radius * d)) ** 2).sum(axis=1)
        near_lo = ((xy - (centre - 0.5 * radius * d)) ** 2).sum(axis=1)
        pairs.append((int(np.argmin(near_hi)), int(np.argmin(near_lo))))
        for h in heavy.tolist():
            far = int(np.argmax(proj)) if proj[h] < 0 else int(np.argmin(proj))
            pairs.append((h, far))
    return [(s, t) for s, t in dict.fromkeys(pairs) if s != t]


def _best_cut(
    p: RebalanceProblem,
    weighted: sp.csr_matrix,
    nodes: IntArray,
    assignment: IntArray,
    a: int,
    b: int,
    per: FloatArray,
    ref: float,
    shape_price: float,
) -> npt.NDArray[np.bool_] | None:
    """The cut of ``nodes`` (``True``: territory ``a``) that most lowers the objective, if any."""
    in_a = assignment[nodes] == a
    xy = p.xy_m[nodes]
    now = p.balance_costs(per[[a, b]], np.array([a, b])).sum()
    now += shape_price * (scatter(xy[in_a]) + scatter(xy[~in_a])) / ref
    best = cheapest_cut(p, weighted, nodes, a, b, ref, shape_price, now - 1e-9)
    return None if best is None else best[1]


@dataclass(frozen=True, slots=True)
class CutFamily:
    """One graph-Voronoi ranking of a union and, per prefix of 1 .. m-1 retailers, what it holds.

    ``head``/``tail``: loads of the prefix and of the rest (rows); ``head_shape``/
    ``tail_shape``: their shape prices; ``order``: the ranking (positions into the union).
    """

    order: IntArray
    head: FloatArray
    tail: FloatArray
    head_shape: FloatArray
    tail_shape: FloatArray

    def locked_ok(
        self, fixed: IntArray, first: int, others: tuple[int, ...]
    ) -> npt.NDArray[np.bool_]:
        """Per prefix: it holds every retailer locked to ``first`` and none locked to ``others``."""
        ranked = fixed[self.order]
        mine = np.cumsum(ranked == first)[:-1]
        theirs = np.cumsum(np.isin(ranked, others))[:-1]
        return np.asarray((mine == int((fixed == first).sum())) & (theirs == 0))

    def side(self, j: int, m: int) -> npt.NDArray[np.bool_]:
        """The prefix of ``j + 1`` retailers as a mask over the union."""
        side = np.zeros(m, dtype=bool)
        side[self.order[: j + 1]] = True
        return side


def cut_families(
    p: RebalanceProblem,
    sub: sp.csr_matrix,
    nodes: IntArray,
    heavy_target: FloatArray,
    ref: float,
    shape_price: float,
) -> list[CutFamily] | None:
    """Every seed pair's ranking of ``nodes`` (``sub``: their weighted graph).

    ``None`` if the union is in pieces (locked retailers on a cold start): no cut then.
    """
    m = nodes.size
    xy = p.xy_m[nodes]
    loads = p.loads[nodes]
    heavy = np.zeros(0, dtype=np.int64)
    if loads.shape[1] > 1:  # workload alone (secondary_weight 0): no heavy seeds
        big = (loads[:, 1:] / np.maximum(heavy_target[1:], 1e-12)).max(axis=1)
        heavy = np.argsort(-big)[:HEAVY_SEEDS]
    seeds = _seeds(xy, heavy)
    sources = sorted({s for pair in seeds for s in pair})
    dist = dijkstra(sub, directed=False, indices=sources)
    if not np.isfinite(dist).all():
        return None
    row = {s: r for r, s in enumerate(sources)}
    total = loads.sum(axis=0)
    sq = (xy**2).sum(axis=1)
    count = np.arange(1, m, dtype=np.float64)
    families = []
    for s, t in seeds:
        order = np.argsort(dist[row[s]] - dist[row[t]], kind="stable")
        head = np.cumsum(loads[order], axis=0)[:-1]  # prefix j+1 retailers on the first side
        cy, cx = np.cumsum(xy[order, 0])[:-1], np.cumsum(xy[order, 1])[:-1]
        csq = np.cumsum(sq[order])[:-1]
        ty, tx, tsq = xy[:, 0].sum() - cy, xy[:, 1].sum() - cx, sq.sum() - csq
        price = shape_price / ref
        families.append(
            CutFamily(
                order=order,
                head=head,
                tail=total[None, :] - head,
                head_shape=price * (csq - (cy**2 + cx**2) / count),
                tail_shape=price * (tsq - (ty**2 + tx**2) / (m - count)),
            )
        )
    return families


def cheapest_cut(
    p: RebalanceProblem,
    weighted: sp.csr_matrix,
    nodes: IntArray,
    a: int,
    b: int,
    ref: float,
    shape_price: float,
    bound: float,
) -> tuple[float, npt.NDArray[np.bool_]] | None:
    """The cut of ``nodes`` into ``a`` (``True``) and ``b`` costing least, if below ``bound``.

    Cost: balance plus shape price; both sides connected.
    """
    m = nodes.size
    if m < 3:
        return None
    sub = weighted[nodes][:, nodes]
    families = cut_families(p, sub, nodes, p.targets[a], ref, shape_price)
    if families is None:
        return None
    fixed = p.fixed[nodes]
    best: tuple[float, npt.NDArray[np.bool_]] | None = None
    # alike territories and nothing locked: which label takes which side does not matter
    alike = not (fixed >= 0).any() and bool((p.targets[a] == p.targets[b]).all())
    orders = ((a, b),) if alike else ((a, b), (b, a))
    head = np.concatenate([f.head for f in families])  # every family's prefixes, priced at once
    tail = np.concatenate([f.tail for f in families])
    shape = np.concatenate([f.head_shape + f.tail_shape for f in families])
    costs = []
    for first, second in orders:
        cost = (
            p.balance_costs(head, np.full(head.shape[0], first))
            + p.balance_costs(tail, np.full(head.shape[0], second))
            + shape
        ).reshape(len(families), m - 1)
        if (fixed >= 0).any():
            ok = np.stack([f.locked_ok(fixed, first, (second,)) for f in families])
            cost = np.where(ok, cost, np.inf)
        costs.append(cost)
    for i, f in enumerate(families):
        for (first, _), cost in zip(orders, costs, strict=True):
            j = int(np.argmin(cost[i]))
            if cost[i, j] >= bound:
                continue
            side = f.side(j, m)
            if first != a:
                side = ~side
            if side_connected(sub, side) and side_connected(sub, ~side):
                bound, best = float(cost[i, j]), (float(cost[i, j]), side)
    return best


def scatter(xy: FloatArray) -> float:
    """Sum of squared distances to the centroid."""
    if xy.shape[0] == 0:
        return 0.0
    return float(((xy - xy.mean(axis=0)) ** 2).sum())


def side_connected(sub: sp.csr_matrix, side: npt.NDArray[np.bool_]) -> bool:
    """Whether the retailers of ``side`` form one piece in ``sub`` (the union's graph)."""
    idx = np.flatnonzero(side)
    if idx.size <= 1:
        return idx.size == 1
    n, _ = connected_components(sub[idx][:, idx], directed=False)
    return bool(n == 1)
