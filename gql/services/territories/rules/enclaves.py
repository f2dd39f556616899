"""Enclaves of the contiguity graph, and the territories a cold start cuts wholly inside them.

An *enclave* is a part of the district joined to the rest only over declared crossings or the
extra edges that join parts genuinely apart (:mod:`.contiguity`): an island with a bridge or a
ferry, a remote village. A territory can reach across only where it owns both ends of such an
edge, so an island with one ferry edge has exactly one territory spanning it and the rest of
its workload in territories wholly inside. Those inherit the island's volume per workload
unless they are cut to take its richer (or poorer) part, which no boundary search does once
they exist: the boundary moves only trade between neighbours as poor as they are.

So before the allocation a cold start decides, for each enclave, how many territories lie
wholly inside and where they are cut (sweeps across the enclave, away from its landings), and
pins them; the spanning territories take the rest of the enclave with a part of the mainland.
The choice minimises the largest expected deviation of the enclave's territories over
workload, retailer count and volume, the spanners' mainland part valued at the volume per
workload of the mainland nearest the landings.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from .contiguity import NEAR, NeighbourGraph

__all__ = ["Enclave", "enclave_territories", "find_enclaves"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

ENCLAVE_TERRITORIES = (0.9, 6.0)
"""Enclaves hold between these many territories' workload: a smaller part is shared by the
allocation anyway, a larger one holds territories enough to balance among themselves."""

PLANNED_SPANNERS = 1
"""Spanning territories planned per enclave: however many landings it has, the allocation
reaches an island from the nearest landing, so more are not planned on."""

SPANNER_SHARE = 0.7
"""At most this share of a spanning territory's workload lies inside the enclave (the rest is
its mainland part, which is what lets it differ from the enclave)."""

WORKLOAD_STEPS = np.linspace(0.965, 1.035, 8)
"""Workloads (of the mean territory) tried for a territory cut inside an enclave: it stays
within the ±4.5 % the partition's limit allows, leaving room for volume."""

SWEEP_ANGLES = 24
"""Directions tried for the first cut across an enclave (later cuts try every fourth)."""

MAX_INSIDE = 3
"""Most territories cut inside one enclave; a larger enclave balances among its own."""

MAX_CUTS = 5_000
"""Most candidate cuts weighed per enclave and number of territories inside."""


@dataclass(frozen=True, slots=True, eq=False)
class Enclave:
    """Retailer positions of one enclave and of its landings (members with an edge out)."""

    members: IntArray
    landings: IntArray


def find_enclaves(graph: NeighbourGraph, workload: FloatArray, k: int) -> tuple[Enclave, ...]:
    """Parts of the graph apart from the rest but for crossings and extra edges.

    Components of the graph's short (:data:`~.contiguity.NEAR`) edges, other than the one with
    the most workload, holding between ``ENCLAVE_TERRITORIES`` territories' worth of workload.
    The graph alone decides: no zone labels, so a real city's islands are found the same way.
    """
    n = workload.size
    near = graph.edge_kind == NEAR
    adj = sp.csr_matrix(
        (np.ones(int(near.sum())), (graph.edge_u[near], graph.edge_v[near])), shape=(n, n)
    )
    parts, label = connected_components(adj, directed=False)
    if parts < 2:
        return ()
    mean = workload.sum() / k
    size = np.bincount(label, weights=workload, minlength=parts) / mean
    outer = label[graph.edge_u] != label[graph.edge_v]
    found = []
    for c in np.flatnonzero((size >= ENCLAVE_TERRITORIES[0]) & (size <= ENCLAVE_TERRITORIES[1])):
        if c == int(np.argmax(size)):
            continue
        members = np.flatnonzero(label == c).astype(np.int64)
        ends = np.r_[graph.edge_u[outer], graph.edge_v[outer]]
        landings = np.unique(ends[label[ends] == c]).astype(np.int64)
        found.append(Enclave(members, landings))
    return tuple(found)


def enclave_territories(
    enclave: Enclave,
    graph: NeighbourGraph,
    xy_m: FloatArray,
    loads: FloatArray,
    mean_load: FloatArray,
) -> list[IntArray]:
    """The territories to cut wholly inside ``enclave`` (retailer positions each), maybe none.

    ``loads`` holds workload, then retailer count and order volume (columns 0–2; more are
    ignored), ``mean_load`` their means per territory. Tries every feasible number of
    territories inside (the rest goes to ``PLANNED_SPANNERS`` spanning territories, each with
    at most ``SPANNER_SHARE`` of its workload inside) and every sweep, and returns the
    cut whose worst expected deviation (inside territories and spanners) is least.
    """
    members = enclave.members
    unit = loads[:, :3] / mean_load[None, :3]
    total = unit[members].sum(axis=0)
    spanners_max = min(max(int(enclave.landings.size), 1), PLANNED_SPANNERS)
    mainland = _mainland_ratio(enclave, xy_m, unit)
    local = _local_graph(graph, members)
    is_landing = np.isin(members, enclave.landings)
    best: tuple[float, list[IntArray]] = (np.inf, [])
    lo = int(np.ceil((total[0] - spanners_max * SPANNER_SHARE) / WORKLOAD_STEPS[-1] - 1e-9))
    for m in range(max(lo, 0), min(int(total[0] / WORKLOAD_STEPS[0]), MAX_INSIDE) + 1):
        for pieces in _cuts(m, np.arange(members.size), local, xy_m[members], unit[members]):
            taken = np.zeros(members.size, dtype=bool)
            for p in pieces:
                taken[p] = True
            if taken[is_landing].any() or not _reaches(local, ~taken, is_landing):
                continue
            cost = max(
                (float(np.abs(unit[members[p]].sum(axis=0) - 1.0).max()) for p in pieces),
                default=0.0,
            )
            rest = total - sum((unit[members[p]].sum(axis=0) for p in pieces), np.zeros(3))
            spanners = min(max(int(np.ceil(rest[0] / SPANNER_SHARE - 1e-9)), 1), spanners_max)
            if rest[0] > spanners * SPANNER_SHARE + 1e-9:
                continue
            outside = spanners - rest[0]  # the spanners' mainland workload, at its ratios
            cost = max(cost, float(np.abs((rest + outside * mainland) / spanners - 1.0).max()))
            if cost < best[0]:
                best = (cost, [members[p] for p in pieces])
    return best[1]


def _mainland_ratio(enclave: Enclave, xy_m: FloatArray, unit: FloatArray) -> FloatArray:
    """Count and volume per workload of the mainland nearest the enclave's landings."""
    outside = np.ones(unit.shape[0], dtype=bool)
    outside[enclave.members] = False
    rest = np.flatnonzero(outside)
    gap = np.min(
        np.linalg.norm(xy_m[rest][:, None, :] - xy_m[enclave.landings][None, :, :], axis=2), axis=1
    )
    near = rest[np.argsort(gap, kind="stable")]
    reach = int(np.searchsorted(np.cumsum(unit[near, 0]), 1.0)) + 1  # one territory's worth
    got = unit[near[:reach]].sum(axis=0)
    return np.asarray(got / max(got[0], 1e-12), dtype=np.float64)


def _local_graph(graph: NeighbourGraph, members: IntArray) -> sp.csr_matrix:
    """Adjacency of the enclave's own retailers (positions 0..len(members)-1)."""
    index = np.full(graph.indptr.size - 1, -1, dtype=np.int64)
    index[members] = np.arange(members.size)
    u, v = index[graph.edge_u], index[graph.edge_v]
    both = (u >= 0) & (v >= 0)
    return sp.csr_matrix(
        (np.ones(int(both.sum())), (u[both], v[both])), shape=(members.size, members.size)
    )


def _connected(local: sp.csr_matrix, part: npt.NDArray[np.bool_]) -> bool:
    idx = np.flatnonzero(part)
    if idx.size == 0:
        return False
    parts, _ = connected_components(local[idx][:, idx], directed=False)
    return bool(parts == 1)


def _reaches(
    local: sp.csr_matrix, rest: npt.NDArray[np.bool_], is_landing: npt.NDArray[np.bool_]
) -> bool:
    """Whether every piece of the enclave's remainder holds a landing (spanners reach it)."""
    idx = np.flatnonzero(rest)
    if idx.size == 0:
        return True
    _, label = connected_components(local[idx][:, idx], directed=False)
    return bool(np.isin(np.unique(label), label[is_landing[idx]]).all())


def _cuts(
    m: int,
    region: IntArray,
    local: sp.csr_matrix,
    xy: FloatArray,
    unit: FloatArray,
    first: bool = True,
) -> list[list[IntArray]]:
    """Ways to cut ``m`` connected territories from ``region`` by straight sweeps.

    Each sweep takes, from one side, retailers up to one of ``WORKLOAD_STEPS``; with more
    territories to cut, the rest of the region is swept again (the best few kept per step).
    """
    if m == 0:
        return [[]]
    out: list[list[IntArray]] = []
    angles = np.linspace(0.0, np.pi * 2, SWEEP_ANGLES, endpoint=False)
    steps = WORKLOAD_STEPS if first else WORKLOAD_STEPS[::3]
    for angle in angles if first else angles[::4]:
        along = xy[region] @ np.array([np.cos(angle), np.sin(angle)])
        order = region[np.argsort(along, kind="stable")]
        cum = np.cumsum(unit[order, 0])
        for step in steps:
            cut = int(np.searchsorted(cum, step)) + 1
            if cut > order.size:
                break
            piece = order[:cut]
            mask = np.zeros(unit.shape[0], dtype=bool)
            mask[piece] = True
            if not _connected(local, mask):
                continue
            if m == 1:
                out.append([piece])
                continue
            rests = _cuts(m - 1, order[cut:], local, xy, unit, first=False)
            out.extend([[piece, *more] for more in rests])
            if len(out) >= MAX_CUTS:
                return out[:MAX_CUTS]
    return out
