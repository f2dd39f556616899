"""Contiguity of territories on the district's adjacency graph.

**The test.** A territory is *contiguous* when the subgraph its retailers induce in the
district's adjacency graph is connected. The graph (:func:`contiguity_graph`) starts from the
Delaunay triangulation of all of the district's retailers (planar, local metres), the standard
adjacency for point data, and then

1. **cuts** every edge longer than the cut distance (default 2 km): a hull edge across a bay is
   not a neighbourhood;
2. **cuts** every edge across a barrier (river, motorway, rail, coast) except where it goes over
   a declared crossing, and joins the retailers nearest the two ends of every crossing (a
   ferry route, a long bridge);
3. **adds back** the shortest Delaunay edges that connect parts still apart (villages, an
   island without a declared crossing), preferring edges that cross no barrier
   (Kruskal over the parts).

Every edge keeps its kind, so a report can say why a territory holds together: over which
bridge, by which extra edge.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from scipy.spatial import Delaunay, QhullError, cKDTree

from .barriers import barrier_cuts

__all__ = [
    "CROSSING",
    "CUT_M",
    "EXTRA",
    "EXTRA_ACROSS",
    "NEAR",
    "NeighbourGraph",
    "component_labels",
    "contiguity_graph",
    "count_fragmented",
    "neighbour_graph",
    "piece_counts",
    "repair_fragments",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

CUT_M = 2_000.0
"""Default cut distance: Delaunay edges longer than this do not make retailers neighbours."""

NEAR, CROSSING, EXTRA, EXTRA_ACROSS = 0, 1, 2, 3
"""Edge kinds: a short edge; over a declared crossing; the shortest edge joining parts that are
apart; the same, but across a barrier with no declared crossing (the only way left)."""


@dataclass(frozen=True, slots=True, eq=False)
class NeighbourGraph:
    """Undirected retailer adjacency in CSR form (``indptr``, ``indices``) plus its edge list.

    ``edge_kind`` is :data:`NEAR`, :data:`CROSSING`, :data:`EXTRA` or :data:`EXTRA_ACROSS`;
    ``edge_via`` the index of the crossing an edge goes over (else -1).
    """

    indptr: IntArray
    indices: IntArray
    edge_u: IntArray
    edge_v: IntArray
    edge_kind: IntArray
    edge_via: IntArray
    edge_length_m: FloatArray

    def neighbours(self, i: int) -> IntArray:
        """Return the neighbours of retailer position ``i``."""
        return self.indices[self.indptr[i] : self.indptr[i + 1]]


def neighbour_graph(xy_m: FloatArray) -> NeighbourGraph:
    """Return the Delaunay neighbour graph of planar points.

    Fewer than four points, or points all on a line, have no proper triangulation; their
    graph joins each point to its two nearest others instead, which is what the Delaunay graph
    degenerates to on a line.
    """
    eu, ev = _delaunay_edges(xy_m)
    zeros = np.zeros(eu.size, dtype=np.int64)
    return _graph(xy_m, eu, ev, zeros, zeros - 1)


def contiguity_graph(
    xy_m: FloatArray,
    *,
    cut_m: float = CUT_M,
    barriers: tuple[FloatArray, ...] = (),
    crossings: tuple[FloatArray, ...] = (),
) -> NeighbourGraph:
    """Return the district's adjacency graph: Delaunay, cut, barriers, extra edges.

    Parameters
    ----------
    xy_m
        ``(n, 2)`` retailer positions in local metres (north, east).
    cut_m
        Longest edge that makes two retailers neighbours by itself.
    barriers, crossings
        Polylines ``(p, 2)`` in the same frame (see :mod:`.barriers`).

    The result is connected whenever the Delaunay graph is (always, for three or more
    retailers not on one line).
    """
    n = xy_m.shape[0]
    eu, ev = _delaunay_edges(xy_m)
    length = np.linalg.norm(xy_m[eu] - xy_m[ev], axis=1)
    blocked, via = barrier_cuts(xy_m[eu], xy_m[ev], barriers, crossings)
    kind = np.where(via >= 0, CROSSING, NEAR).astype(np.int64)
    keep = (length <= cut_m) & ~blocked
    link_u: list[int] = []
    link_v: list[int] = []
    if crossings and n > 1:
        tree = cKDTree(xy_m)
        for line in crossings:
            _, ends = tree.query(np.vstack([line[0], line[-1]]))
            a, b = (int(e) for e in np.asarray(ends).tolist())
            if a != b:
                link_u.append(a)
                link_v.append(b)
    links = len(link_u)
    u = np.r_[eu[keep], np.asarray(link_u, dtype=np.int64)]
    v = np.r_[ev[keep], np.asarray(link_v, dtype=np.int64)]
    k_all = np.r_[kind[keep], np.full(links, CROSSING, dtype=np.int64)]
    via_all = np.r_[via[keep], np.arange(links, dtype=np.int64)]
    adj = sp.csr_matrix((np.ones(u.size), (u, v)), shape=(n, n))
    parts, label = connected_components(adj, directed=False)
    if parts > 1:
        extra_u, extra_v, extra_kind = _join_parts(
            np.asarray(label, dtype=np.int64), eu[~keep], ev[~keep], length[~keep], blocked[~keep]
        )
        u, v = np.r_[u, extra_u], np.r_[v, extra_v]
        k_all = np.r_[k_all, extra_kind]
        via_all = np.r_[via_all, np.full(extra_u.size, -1, dtype=np.int64)]
    return _graph(xy_m, u, v, k_all, via_all)


def _join_parts(
    label: IntArray, eu: IntArray, ev: IntArray, length: FloatArray, blocked: npt.NDArray[np.bool_]
) -> tuple[IntArray, IntArray, IntArray]:
    """Kruskal over the parts: shortest unblocked edges first, blocked ones only if needed."""
    parent = list(range(int(label.max()) + 1))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    apart = label[eu] != label[ev]
    cand = np.flatnonzero(apart)
    order = cand[np.lexsort((length[cand], blocked[cand]))]
    chosen: list[int] = []
    for e in order.tolist():
        a, b = find(int(label[eu[e]])), find(int(label[ev[e]]))
        if a != b:
            parent[a] = b
            chosen.append(e)
    idx = np.asarray(chosen, dtype=np.int64)
    kind = np.where(blocked[idx], EXTRA_ACROSS, EXTRA).astype(np.int64)
    return eu[idx], ev[idx], kind


def _graph(
    xy_m: FloatArray, u: IntArray, v: IntArray, kind: IntArray, via: IntArray
) -> NeighbourGraph:
    """Deduplicate undirected edges (the first of each pair wins) and build the CSR form."""
    n = xy_m.shape[0]
    lo, hi = np.minimum(u, v), np.maximum(u, v)
    ok = lo != hi
    key = lo[ok].astype(np.int64) * n + hi[ok]
    key, first = np.unique(key, return_index=True)
    eu, ev = key // n, key % n
    adj = sp.csr_matrix((np.ones(2 * eu.size), (np.r_[eu, ev], np.r_[ev, eu])), shape=(n, n))
    return NeighbourGraph(
        indptr=adj.indptr.astype(np.int64),
        indices=adj.indices.astype(np.int64),
        edge_u=eu.astype(np.int64),
        edge_v=ev.astype(np.int64),
        edge_kind=kind[ok][first].astype(np.int64),
        edge_via=via[ok][first].astype(np.int64),
        edge_length_m=np.linalg.norm(xy_m[eu] - xy_m[ev], axis=1),
    )


def _delaunay_edges(xy_m: FloatArray) -> tuple[IntArray, IntArray]:
    """Unique undirected Delaunay edges (two nearest others per point when degenerate)."""
    n = xy_m.shape[0]
    try:
        if n < 4:
            raise QhullError("too few points")
        simplices = Delaunay(xy_m).simplices
        u = simplices[:, [0, 1, 2]].ravel()
        v = simplices[:, [1, 2, 0]].ravel()
    except QhullError:
        k = min(3, n)
        _, near = cKDTree(xy_m).query(xy_m, k=k)
        near = np.asarray(near).reshape(n, k)
        u = np.repeat(np.arange(n), k - 1)
        v = near[:, 1:].ravel()
    lo, hi = np.minimum(u, v), np.maximum(u, v)
    keep = lo != hi
    key = np.unique(lo[keep].astype(np.int64) * n + hi[keep])
    return (key // n).astype(np.int64), (key % n).astype(np.int64)


def component_labels(graph: NeighbourGraph, assignment: IntArray) -> IntArray:
    """Label each retailer with its connected piece of its own territory."""
    n = assignment.size
    same = assignment[graph.edge_u] == assignment[graph.edge_v]
    u, v = graph.edge_u[same], graph.edge_v[same]
    adj = sp.csr_matrix((np.ones(u.size), (u, v)), shape=(n, n))
    _, labels = connected_components(adj, directed=False)
    return np.asarray(labels, dtype=np.int64)


def piece_counts(graph: NeighbourGraph, assignment: IntArray, k: int) -> IntArray:
    """Return the number of connected pieces of each of the ``k`` territories."""
    labels = component_labels(graph, assignment)
    pieces = np.zeros(k, dtype=np.int64)
    first = np.unique(labels, return_index=True)[1]
    np.add.at(pieces, assignment[first], 1)
    return pieces


def count_fragmented(graph: NeighbourGraph, assignment: IntArray, k: int) -> int:
    """Return how many of the ``k`` territories are not contiguous."""
    return int((piece_counts(graph, assignment, k) > 1).sum())


def repair_fragments(
    graph: NeighbourGraph,
    assignment: IntArray,
    weight: FloatArray,
    fixed: IntArray,
    k: int,
    max_rounds: int = 20,
) -> IntArray:
    """Give every detached piece of a territory to the neighbouring territory it touches most.

    The piece with the largest weight stays. A piece holding a locked retailer stays too —
    locking wins over contiguity, and :func:`count_fragmented` then reports it.
    """
    assignment = assignment.copy()
    for _ in range(max_rounds):
        labels = component_labels(graph, assignment)
        piece_weight = np.bincount(labels, weights=weight + 1e-9)
        piece_terr = np.zeros(piece_weight.size, dtype=np.int64)
        piece_terr[labels] = assignment
        best_piece = np.full(k, -1)
        order = np.lexsort((piece_weight, piece_terr))  # per territory, heaviest piece last
        last = np.flatnonzero(np.r_[piece_terr[order][1:] != piece_terr[order][:-1], True])
        best_piece[piece_terr[order][last]] = order[last]
        pinned = np.zeros(piece_weight.size, dtype=bool)
        pinned[labels[fixed >= 0]] = True
        stray = np.ones(piece_weight.size, dtype=bool)
        stray[best_piece[best_piece >= 0]] = False
        stray &= ~pinned
        if not stray.any():
            return assignment
        # for each stray piece, count edges to every other territory
        u, v = graph.edge_u, graph.edge_v
        cross = assignment[u] != assignment[v]
        pu = np.r_[labels[u[cross]], labels[v[cross]]]
        tv = np.r_[assignment[v[cross]], assignment[u[cross]]]
        keep = stray[pu]
        if not keep.any():
            return assignment
        counts = sp.csr_matrix(
            (np.ones(int(keep.sum())), (pu[keep], tv[keep])), shape=(piece_weight.size, k)
        ).toarray()
        target = counts.argmax(axis=1)
        has = counts.max(axis=1) > 0
        move = stray[labels] & has[labels]
        assignment[move] = target[labels[move]]
    return assignment
