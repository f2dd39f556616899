"""Triple re-splits: three territories along a path merged and cut into three, connected.

A pair re-split (:mod:`.resplit`) only averages two neighbours. Where two poor territories
sit side by side (a peninsula, an estuary) and only one of them touches richer land, no pair
helps: the inner one's deficit must cross its poor neighbour. Merging a chain ``a - b - c``
(``b`` touching both) and cutting it anew can give every part a share of the rich end.

The cut takes two steps of the same graph-Voronoi families: one territory is cut off the
union as a prefix (or the rest) of a ranking, priced as if the rest were shared evenly by the
other two; for the few cheapest, the rest is re-split as a pair (:func:`.resplit.cheapest_cut`).
All three parts are connected by construction (checked again). The best cut replaces the
three only if it lowers the boundary searches' balance objective plus the shape price, as a
pair re-split does.
"""

from __future__ import annotations

import heapq
import itertools
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from .resplit import (
    CutFamily,
    cheapest_cut,
    cut_families,
    mean_sq_to_centroid,
    neighbour_pairs,
    scatter,
    side_connected,
    weighted_graph,
)

if TYPE_CHECKING:
    import scipy.sparse as sp

    from .objective import RebalanceProblem

__all__ = ["resplit_triples"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

MAX_TRIPLES = 200
"""Triples tried per round, those an even three-way share would gain most on first (the
gain's ranking is loose: the first 40 on the realistic city are workload-bound and fail)."""

ROUNDS = 2
"""Rounds over the triples; a territory takes part in at most one accepted re-split a round."""

SHAPE_PRICE = 3e-3
"""As :data:`.resplit.SHAPE_PRICE`, three times higher: three-way cuts drew strips at the pairs'
price (seed 2 of the realistic city at 1.17 x the MCF peer's mean distance, not 1.14)."""

FIRST_CUTS = 4
"""Cheapest first cuts (one territory off the union) whose rest is re-split as a pair."""


def resplit_triples(
    problem: RebalanceProblem,
    assignment: IntArray,
    *,
    rounds: int = ROUNDS,
    max_triples: int = MAX_TRIPLES,
    shape_price: float = SHAPE_PRICE,
    tried: set[tuple[int, int, int, int]] | None = None,
) -> IntArray:
    """Return a copy of ``assignment`` improved by re-splitting chains of three territories.

    Locked retailers (``problem.fixed``) stay in their territory; every part is connected in
    ``problem.graph``. ``tried`` remembers triples that found no better cut, by what they held,
    across calls: a triple is tried again only once one of its territories has changed.
    """
    tried = set() if tried is None else tried
    p = problem
    assignment = assignment.copy()
    k = p.targets.shape[0]
    weighted = weighted_graph(p.graph)
    ref = mean_sq_to_centroid(p.xy_m, assignment, k)
    for _ in range(rounds):
        per = p.territory_loads(assignment)
        triples = _triples(neighbour_pairs(p.graph, assignment), k)
        if triples.size == 0:
            break
        cost = p.balance_costs(per, np.arange(k))
        share = np.repeat(per[triples].sum(axis=1) / 3.0, 3, axis=0)
        even = p.balance_costs(share, triples.ravel()).reshape(-1, 3).sum(axis=1)
        gain = cost[triples].sum(axis=1) - even
        order = np.argsort(-gain, kind="stable")
        touched = np.zeros(k, dtype=bool)
        accepted = 0
        for i in order[:max_triples].tolist():
            if gain[i] <= 0:  # already as even as three can be: only the shape could gain
                break
            a, b, c = triples[i].tolist()
            if touched[[a, b, c]].any():
                continue
            nodes = np.flatnonzero(np.isin(assignment, (a, b, c)))
            key = (a, b, c, hash(nodes.tobytes() + assignment[nodes].tobytes()))
            if key in tried:
                continue
            new = _best_triple_cut(p, weighted, nodes, assignment, (a, b, c), per, ref, shape_price)
            if new is None or (new == assignment[nodes]).all():
                tried.add(key)
                continue
            assignment[nodes] = new
            for t in (a, b, c):
                per[t] = p.loads[nodes[new == t]].sum(axis=0)
            touched[[a, b, c]] = True
            accepted += 1
        if accepted == 0:
            break
    return assignment


def _triples(pairs: IntArray, k: int) -> IntArray:
    """Unique sorted triples of territories ``a - b - c`` where ``b`` touches both others."""
    neighbours: list[set[int]] = [set() for _ in range(k)]
    for a, b in pairs.tolist():
        neighbours[a].add(b)
        neighbours[b].add(a)
    found = {
        tuple(sorted((a, b, c)))
        for b in range(k)
        for a in neighbours[b]
        for c in neighbours[b]
        if a < c
    }
    return np.array(sorted(found), dtype=np.int64).reshape(-1, 3)


def _best_triple_cut(
    p: RebalanceProblem,
    weighted: sp.csr_matrix,
    nodes: IntArray,
    assignment: IntArray,
    triple: tuple[int, int, int],
    per: FloatArray,
    ref: float,
    shape_price: float,
) -> IntArray | None:
    """New territories of ``nodes`` (one of ``triple`` each) lowering the objective, if any."""
    m = nodes.size
    if m < 5:
        return None
    labels = np.array(triple)
    xy = p.xy_m[nodes]
    now = p.balance_costs(per[labels], labels).sum()
    now += sum(shape_price * scatter(xy[assignment[nodes] == t]) / ref for t in triple)
    sub = weighted[nodes][:, nodes]
    families = cut_families(p, sub, nodes, p.targets[triple[0]], ref, shape_price)
    if families is None:
        return None
    best, best_new = now - 1e-9, None
    for x, mask in _first_cuts(p, families, p.fixed[nodes], triple):
        if mask.sum() < 1 or (~mask).sum() < 2:
            continue
        if not (side_connected(sub, mask) and side_connected(sub, ~mask)):
            continue
        y, z = (t for t in triple if t != x)
        alone = p.balance_costs(p.loads[nodes[mask]].sum(axis=0)[None, :], np.array([x]))[0]
        alone += shape_price * scatter(xy[mask]) / ref
        rest = nodes[~mask]
        pair = cheapest_cut(p, weighted, rest, y, z, ref, shape_price, best - alone)
        if pair is None:
            continue
        cost, side = pair
        new = np.full(m, x, dtype=np.int64)
        new[np.flatnonzero(~mask)] = np.where(side, y, z)
        best, best_new = alone + cost, new
    return best_new


def _first_cuts(
    p: RebalanceProblem,
    families: list[CutFamily],
    fixed: IntArray,
    triple: tuple[int, int, int],
) -> list[tuple[int, npt.NDArray[np.bool_]]]:
    """The ``FIRST_CUTS`` cheapest ways to cut one territory off the union, cheapest first.

    Each is ``(x, mask)``: the part alone priced as territory ``x``, the rest as if the other
    two shared it evenly; each family's best prefix (or rest) per ``x``.
    """
    m = families[0].order.size
    labels = np.array(triple)
    # alike territories and nothing locked: which label takes which part does not matter
    alike = not (fixed >= 0).any() and bool((p.targets[labels] == p.targets[labels[0]]).all())
    head = np.concatenate([f.head for f in families])  # every family's prefixes at once
    tail = np.concatenate([f.tail for f in families])
    rows = head.shape[0]
    found: list[tuple[float, int, int, npt.NDArray[np.bool_]]] = []
    tick = itertools.count()
    for x in triple[:1] if alike else triple:
        y, z = (t for t in triple if t != x)
        for alone_is_head in (True, False):
            alone, rest = (head, tail) if alone_is_head else (tail, head)
            shape = np.concatenate(
                [f.head_shape if alone_is_head else f.tail_shape for f in families]
            )
            est = (
                p.balance_costs(alone, np.full(rows, x))
                + p.balance_costs(rest / 2.0, np.full(rows, y))
                + p.balance_costs(rest / 2.0, np.full(rows, z))
                + shape
            ).reshape(len(families), m - 1)
            if (fixed >= 0).any():
                ok = [
                    f.locked_ok(fixed, x, (y, z))
                    if alone_is_head  # else the rest is the prefix: y's and z's, none of x's
                    else f.locked_ok(fixed, y, (x,)) & f.locked_ok(fixed, z, (x,))
                    for f in families
                ]
                est = np.where(np.stack(ok), est, np.inf)
            for i, f in enumerate(families):
                j = int(np.argmin(est[i]))
                if not np.isfinite(est[i, j]):
                    continue
                side = f.side(j, m)
                heapq.heappush(
                    found, (-float(est[i, j]), next(tick), x, side if alone_is_head else ~side)
                )
                if len(found) > FIRST_CUTS:
                    heapq.heappop(found)
    return [(x, mask) for _, _, x, mask in sorted(found, key=lambda c: (-c[0], c[1]))]
