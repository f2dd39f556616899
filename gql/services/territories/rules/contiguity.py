"""Contiguity of territories on the district's Delaunay graph.

**The test.** Two retailers are neighbours when they share an edge of the Delaunay
triangulation of all of the district's retailers (planar, local metres). A territory is
*contiguous* when the subgraph induced by its retailers is connected. The Delaunay graph is the
standard adjacency for point data: it joins every retailer to its natural neighbours in all
directions, so a connected territory has no enclave that must cross another manager's retailers
to be reached.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from scipy.spatial import Delaunay, QhullError, cKDTree

__all__ = [
    "NeighbourGraph",
    "component_labels",
    "count_fragmented",
    "neighbour_graph",
    "repair_fragments",
]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True, eq=False)
class NeighbourGraph:
    """Undirected retailer adjacency in CSR form (``indptr``, ``indices``) plus its edge list."""

    indptr: IntArray
    indices: IntArray
    edge_u: IntArray
    edge_v: IntArray

    def neighbours(self, i: int) -> IntArray:
        """Return the neighbours of retailer position ``i``."""
        return self.indices[self.indptr[i] : self.indptr[i + 1]]


def neighbour_graph(xy_m: FloatArray) -> NeighbourGraph:
    """Return the Delaunay neighbour graph of planar points.

    Fewer than four points, or points all on a line, have no proper triangulation; their
    graph joins each point to its two nearest others instead, which is what the Delaunay graph
    degenerates to on a line.
    """
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
    eu, ev = key // n, key % n
    adj = sp.csr_matrix((np.ones(2 * eu.size), (np.r_[eu, ev], np.r_[ev, eu])), shape=(n, n))
    return NeighbourGraph(
        indptr=adj.indptr.astype(np.int64),
        indices=adj.indices.astype(np.int64),
        edge_u=eu.astype(np.int64),
        edge_v=ev.astype(np.int64),
    )


def component_labels(graph: NeighbourGraph, assignment: IntArray) -> IntArray:
    """Label each retailer with its connected piece of its own territory."""
    n = assignment.size
    same = assignment[graph.edge_u] == assignment[graph.edge_v]
    u, v = graph.edge_u[same], graph.edge_v[same]
    adj = sp.csr_matrix((np.ones(u.size), (u, v)), shape=(n, n))
    _, labels = connected_components(adj, directed=False)
    return np.asarray(labels, dtype=np.int64)


def count_fragmented(graph: NeighbourGraph, assignment: IntArray, k: int) -> int:
    """Return how many of the ``k`` territories are not contiguous."""
    labels = component_labels(graph, assignment)
    pieces = np.zeros(k, dtype=np.int64)
    first = np.unique(labels, return_index=True)[1]
    np.add.at(pieces, assignment[first], 1)
    return int((pieces > 1).sum())


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
