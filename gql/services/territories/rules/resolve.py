"""Large-neighbourhood re-solve: a few neighbouring territories re-partitioned as a whole.

Issue 20 item 5, an attempt (branch ``i20-corridor``, after ``eb92544``'s LP re-solve). The
boundary searches (:mod:`.rebalance`, :mod:`.exchange`) pass load between two neighbours at a
time; where a whole region is poor or rich in volume (a peninsula of corner shops behind a
narrow neck) no pair of neighbours can trade. After the settle rounds of a cold start, the
territory furthest outside a secondary band and its neighbours (``_neighbourhood``) are
re-solved as one sub-problem, in one of two ways (``METHOD``):

* ``"corridor"``: a banded assignment MIP (HiGHS; heavy stores integral) at squared graph
  distance, then, instead of giving the detached pieces away, each piece holding a heavy store
  is joined to its territory's main piece along the cheapest path in the contiguity graph
  (node cost: the workload moved; donors must stay connected, small cut-off parts go along),
  the light pieces are given away and the polish runs with heavy stores pinned;
* ``"grow"``: territories grown at once from seeds (current medoids, k-means++ in graph
  distance) over the contiguity graph, least-filled first, each taking the frontier retailer
  nearest its seed shifted by a volume steer, re-seeded at the medoids and grown again, then
  polished with an outer volume/count limit ``REGION_LIMIT`` priced ``REGION_LIMIT_PRICE``.

A candidate is kept only if the district objective (:class:`.objective.BalanceCost`) falls,
the region's squared spread grows by at most ``MAX_SPREAD_GROWTH`` and no criterion's worst
territory gets worse beyond its LP band. Not kept: docs/benchmarks.md, "Volume: corridor
repair and region growing".
"""

from __future__ import annotations

import os
import time
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse.csgraph import connected_components, dijkstra

from .allocation import update_centres
from .contiguity import component_labels, count_fragmented, repair_fragments
from .exchange import exchange
from .objective import BalanceCost
from .rebalance import rebalance

if TYPE_CHECKING:
    from .objective import RebalanceProblem

__all__ = ["district_cost", "resolve_regions"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

HOPS = 2
MAX_HOPS = 4
GROUP_SLACK = 0.04
"""Territories within ``HOPS`` steps of the worst one (territory adjacency) join it, and
farther ones (up to ``MAX_HOPS``) that offset it while the group is off by more than
``GROUP_SLACK`` as a whole."""

MAX_TERRITORIES = 14
MAX_RETAILERS = 3_000
"""Largest sub-problem; the nearest territories (by centre distance) are taken first."""

LP_BANDS = (0.025, 0.08, 0.12)
"""Half-widths of the LP's bands on workload, retailer count and volume (fractions)."""

SLACK_PRICE = (1e6, 2e3, 2e3)
"""Price of one unit of relative deviation beyond an LP band, per criterion, in units of a
retailer's squared mean graph distance to its nearest centre: workload is held hard."""

HEAVY_SHARE = 0.02
"""Retailers carrying at least this share of a territory's target (any criterion) are whole
in the MIP; the rest may split, and the few split ones go to their largest share."""

CANDIDATES = 4
CONTIGUOUS = False
"""Each retailer may join one of its this many nearest centres (graph distance)."""

MIP_TIME_S = 1.0
MIP_GAP = 0.01
"""Each sub-problem is solved as a MIP (HiGHS): a rounded LP splits the heavy stores its
volume bands rest on. Time limit per solve and relative gap."""

STARTS = 3
LLOYD_ROUNDS = 3
BUDGET_S = 12.0
"""Centre starts per sub-problem, Lloyd rounds per start, and the wall-clock budget."""

METHOD = "grow"
STEERS = (0.0, 20.0, 60.0)
GROW_ROUNDS = 2
RICH_CAP = 4.0
FILL_CAP = 1.0
REGION_LIMIT = 0.14
REGION_LIMIT_PRICE = 10.0
"""Region growing: volume steer values tried per start, grow/re-seed rounds, richness cap."""

CORRIDOR_ROUNDS = 4
CORRIDOR_TRIES = 4
"""Rounds of corridor repair per candidate, and paths tried per detached piece."""

MAX_CUT_OFF = 40.0
"""Most workload (in mean retailers) a corridor may cut off a donor and take along."""

MAX_SPREAD_GROWTH = 1.10
"""A re-solve may make its territories' squared spread around their centres this much
larger at most (compactness is a promise of its own)."""


def district_cost(p: RebalanceProblem, assignment: IntArray, weight: FloatArray) -> float:
    """The boundary searches' objective in total: balance of every territory plus shape.

    Shape is the compactness term summed over retailers (squared distance to their
    territory's ``weight``-weighted centre, in the searches' mean-distance unit).
    """
    k = p.targets.shape[0]
    centres = update_centres(p.xy_m, weight, assignment, p.centres_m)
    cost = BalanceCost(p, assignment)
    balance = sum(cost.dev_cost(t, cost.zero, 0.0) for t in range(k))
    d2 = ((p.xy_m - centres[assignment]) ** 2).sum(axis=1) / cost.ref
    return float(balance + p.compactness * d2.sum())


def resolve_regions(
    p: RebalanceProblem,
    assignment: IntArray,
    weight: FloatArray,
    *,
    budget_s: float = BUDGET_S,
    max_rounds: int = 8,
) -> IntArray:
    """Re-solve the neighbourhoods of the worst territories while that lowers the objective.

    ``p.loads`` columns are workload, then the secondary criteria; the LP bands the first
    three (workload, retailer count, volume). Returns an improved copy of ``assignment``.
    """
    k = p.targets.shape[0]
    assignment = assignment.copy()
    if p.loads.shape[1] < 2 or k < 3:
        return assignment
    start = time.perf_counter()
    best = district_cost(p, assignment, weight)
    tried: set[int] = set()
    for _ in range(max_rounds):
        if time.perf_counter() - start > budget_s:
            break
        worst = _worst_territory(p, assignment, tried)
        if worst < 0:
            break
        tried.add(worst)
        group = _neighbourhood(p, assignment, weight, worst)
        _dbg(p, assignment, group, f"region {worst} n={group.size}")
        candidate = _resolve(p, assignment, weight, group)
        if candidate is None:
            continue
        value = district_cost(p, candidate, weight)
        if (
            value < best - 1e-9
            and _compact_enough(p, assignment, candidate, group)
            and _within_bounds(p, assignment, candidate)
        ):
            best, assignment = value, candidate
            tried.clear()
            tried.add(worst)
    return assignment


def _worst_territory(p: RebalanceProblem, assignment: IntArray, tried: set[int]) -> int:
    """The territory furthest outside a secondary band (-1 when every one is inside)."""
    load = np.zeros_like(p.targets)
    np.add.at(load, assignment, p.loads)
    dev = np.abs(load / p.targets - 1.0)[:, 1:] - p.bands[None, 1:]
    excess = dev.max(axis=1)
    for t in np.argsort(-excess, kind="stable").tolist():
        if excess[t] <= 0:
            return -1
        if t not in tried:
            return int(t)
    return -1


def _neighbourhood(
    p: RebalanceProblem, assignment: IntArray, weight: FloatArray, worst: int
) -> IntArray:
    """``worst`` and territories near it in the territory adjacency, enough to balance it.

    Territories within ``HOPS`` steps join nearest first; while the group as a whole is still
    off the worst criterion's target by more than ``GROUP_SLACK`` in the worst territory's
    direction, territories up to ``MAX_HOPS`` steps away join too, those that offset it most
    first. At most ``MAX_TERRITORIES`` territories and ``MAX_RETAILERS`` retailers.
    """
    k = p.targets.shape[0]
    u, v = p.graph.edge_u, p.graph.edge_v
    cut = assignment[u] != assignment[v]
    a, b = assignment[u[cut]], assignment[v[cut]]
    adj = sp.csr_matrix((np.ones(2 * a.size), (np.r_[a, b], np.r_[b, a])), shape=(k, k))
    steps = dijkstra(adj, unweighted=True, indices=worst)
    load = np.zeros_like(p.targets)
    np.add.at(load, assignment, p.loads)
    dev = load / p.targets - 1.0
    r = 1 + int(np.argmax(np.abs(dev[worst, 1:]) - p.bands[1:]))
    sign = float(np.sign(dev[worst, r]))
    centres = update_centres(p.xy_m, weight, assignment, p.centres_m)
    gap = np.linalg.norm(centres - centres[worst], axis=1)
    size = np.bincount(assignment, minlength=k)
    chosen: list[int] = []
    total = 0

    def add(ts: list[int]) -> None:
        nonlocal total
        for t in ts:
            if len(chosen) >= MAX_TERRITORIES or (chosen and total + size[t] > MAX_RETAILERS):
                continue
            chosen.append(t)
            total += int(size[t])

    near = np.flatnonzero(steps <= HOPS)
    add(near[np.lexsort((gap[near], steps[near]))].tolist())
    while len(chosen) < MAX_TERRITORIES:
        group = np.asarray(chosen)
        off = load[group, r].sum() / p.targets[group, r].sum() - 1.0
        if sign * off <= GROUP_SLACK:
            break
        touching = np.flatnonzero(np.asarray(adj[group].sum(axis=0)).ravel() > 0)
        frontier = np.setdiff1d(touching, group)
        frontier = frontier[steps[frontier] <= MAX_HOPS]
        frontier = frontier[total + size[frontier] <= MAX_RETAILERS]
        if frontier.size == 0:
            break
        add([int(frontier[np.argmin(sign * dev[frontier, r])])])
    return np.asarray(chosen, dtype=np.int64)


def _resolve(
    p: RebalanceProblem, assignment: IntArray, weight: FloatArray, group: IntArray
) -> IntArray | None:
    """The best of a few LP re-solves of ``group``'s retailers, repaired and polished."""
    inside = np.isin(assignment, group)
    members = np.flatnonzero(inside & (p.fixed < 0))
    if members.size < 2 * group.size:
        return None
    sub_graph = _sub_graph(p, members)
    loads = p.loads[members, : min(3, p.loads.shape[1])]
    pinned = np.zeros((group.size, loads.shape[1]))
    locked = np.flatnonzero(inside & (p.fixed >= 0))
    pos = {int(t): j for j, t in enumerate(group.tolist())}
    for i in locked.tolist():
        pinned[pos[int(assignment[i])]] += p.loads[i, : loads.shape[1]]
    targets = p.targets[group, : loads.shape[1]]
    rng = np.random.default_rng(int(group[0]))
    local = np.array([pos[int(t)] for t in assignment[members].tolist()], dtype=np.int64)
    starts = [_medoids(p.xy_m[members], weight[members], local, group.size)]
    starts += [_kmeanspp(sub_graph, weight[members], group.size, rng) for _ in range(STARTS - 1)]
    best: tuple[float, IntArray] | None = None
    if METHOD == "grow":
        for centre_nodes in starts:
            for steer in STEERS:
                grown = _grow_lloyd(sub_graph, p.xy_m[members], weight[members], loads, pinned,
                                     targets, centre_nodes, steer)  # fmt: skip
                candidate = assignment.copy()
                candidate[members] = group[grown]
                _dbg(p, candidate, group, f"grow {steer}")
                heavy = np.zeros(assignment.size, dtype=bool)
                polished = _repair(p, candidate, weight, inside, heavy, exchanges=True)
                if polished is None:
                    continue
                _dbg(p, polished, group, "polish")
                value = district_cost(p, polished, weight)
                if best is None or value < best[0]:
                    best = (value, polished)
        return None if best is None else best[1]
    for centre_nodes in starts:
        labels = _lloyd(sub_graph, p.xy_m[members], weight[members], loads, pinned, targets,
                        centre_nodes)  # fmt: skip
        if labels is None:
            continue
        candidate = assignment.copy()
        candidate[members] = group[labels]
        heavy = np.zeros(assignment.size, dtype=bool)
        heavy[members] = _heavy_of(loads, targets)
        _dbg(p, candidate, group, "mip")
        candidate = _corridor_repair(p, candidate, weight, members, heavy)
        _dbg(p, candidate, group, "corridor")
        polished = _repair(p, candidate, weight, inside, heavy, exchanges=True)
        if polished is None:
            continue
        _dbg(p, polished, group, "polish")
        value = district_cost(p, polished, weight)
        if best is None or value < best[0]:
            best = (value, polished)
    return None if best is None else best[1]


def _grow_lloyd(
    graph: sp.csr_matrix,
    xy: FloatArray,
    weight: FloatArray,
    loads: FloatArray,
    pinned: FloatArray,
    targets: FloatArray,
    nodes: IntArray,
    steer: float,
) -> IntArray:
    """Grow territories from ``nodes``, re-seed at the medoids, grow again (``GROW_ROUNDS``)."""
    labels = _grow(graph, loads, pinned, targets, nodes, steer)
    for _ in range(GROW_ROUNDS - 1):
        nodes = _medoids(xy, weight, labels, targets.shape[0])
        labels = _grow(graph, loads, pinned, targets, nodes, steer)
    return labels


def _grow(
    graph: sp.csr_matrix,
    loads: FloatArray,
    pinned: FloatArray,
    targets: FloatArray,
    nodes: IntArray,
    steer: float,
) -> IntArray:
    """Grow ``k`` connected territories from seed ``nodes`` over ``graph`` at once.

    The territory least filled in workload grows next, by the frontier retailer nearest its
    seed (squared graph distance, in the mean nearest-seed unit), shifted by ``steer`` times
    the territory's volume lag behind its workload fill times the retailer's volume richness
    (its volume share over its workload share, less one): a territory short of volume reaches
    for supermarkets, one ahead for corner shops. Connected by construction.
    """
    import heapq

    k = nodes.size
    m = loads.shape[0]
    dist = dijkstra(graph, indices=nodes)  # (k, m)
    ref = max(float(np.mean(np.min(np.where(np.isfinite(dist), dist, np.inf), axis=0) ** 2)), 1.0)
    d2 = (np.where(np.isfinite(dist), dist, 1e12) ** 2 / ref).tolist()
    tw, tv = targets[:, 0], targets[:, -1]
    v_share = loads[:, -1] / max(float(tv.mean()), 1e-12)
    w_share = np.maximum(loads[:, 0] / max(float(tw.mean()), 1e-12), 1e-12)
    rich = np.clip(
        v_share / w_share - 1.0,
        -1.0,
        RICH_CAP,
    ).tolist()  # fmt: skip
    indptr, indices = graph.indptr.tolist(), graph.indices.tolist()
    lab = [-1] * m
    fw = (pinned[:, 0] / tw).tolist()
    fv = (pinned[:, -1] / tv).tolist()
    uw = (loads[:, 0][:, None] / tw[None, :]).tolist()
    uv = (loads[:, -1][:, None] / tv[None, :]).tolist()
    frontier: list[set[int]] = [set() for _ in range(k)]

    def take(j: int, t: int) -> None:
        lab[j] = t
        fw[t] += uw[j][t]
        fv[t] += uv[j][t]
        for y in indices[indptr[j] : indptr[j + 1]]:
            if lab[y] < 0:
                frontier[t].add(y)

    left = m
    for t, j in enumerate(nodes.tolist()):
        if lab[j] < 0:
            take(j, t)
            left -= 1
    heap = [(fw[t], t) for t in range(k)]
    heapq.heapify(heap)
    full: list[int] = []
    cap = FILL_CAP
    while left and (heap or full):
        if not heap:  # only full territories can still grow: they take what is left
            heap = [(fw[t], t) for t in full]
            heapq.heapify(heap)
            full = []
            cap = np.inf
        else:
            cap = FILL_CAP
        f, t = heapq.heappop(heap)
        if f != fw[t]:
            continue
        if f >= cap:
            full.append(t)
            continue
        front = frontier[t]
        front.difference_update([y for y in front if lab[y] >= 0])
        if not front:
            continue  # enclosed: it stops growing
        lag = steer * (fw[t] - fv[t])
        j = min(front, key=lambda y: (d2[t][y] - lag * rich[y], y))
        front.discard(j)
        take(j, t)
        left -= 1
        heapq.heappush(heap, (fw[t], t))
    out = np.asarray(lab, dtype=np.int64)
    if (out < 0).any():  # unreachable from every seed (should not happen): nearest seed
        out[out < 0] = np.argmin(dist[:, out < 0], axis=0)
    return out


def _dbg(p: RebalanceProblem, a: IntArray, group: IntArray, what: str) -> None:
    """With ``VISITGIS_RESOLVE_TRACE`` set, print ``group``'s bands and pieces (diagnostics)."""
    if not os.environ.get("VISITGIS_RESOLVE_TRACE"):
        return
    from .contiguity import piece_counts

    load = np.zeros_like(p.targets)
    np.add.at(load, a, p.loads)
    dev = (load / p.targets - 1.0)[group]
    pcs = piece_counts(p.graph, a, p.targets.shape[0])[group]
    print(f"  {what:9s} wl [{dev[:, 0].min():+.3f},{dev[:, 0].max():+.3f}] "
          f"vol [{dev[:, 2].min():+.3f},{dev[:, 2].max():+.3f}] "
          f"cnt [{dev[:, 1].min():+.3f},{dev[:, 1].max():+.3f}] pieces>1 {(pcs > 1).sum()} "
          f"cost {district_cost(p, a, np.ones(a.size)):.1f}", flush=True)  # fmt: skip


def _heavy_of(loads: FloatArray, targets: FloatArray) -> npt.NDArray[np.bool_]:
    """The MIP's integral retailers: at least ``HEAVY_SHARE`` of a mean target."""
    return np.asarray((loads / np.maximum(targets.mean(axis=0), 1e-12)).max(axis=1) >= HEAVY_SHARE)


def _corridor_repair(
    p: RebalanceProblem,
    assignment: IntArray,
    weight: FloatArray,
    members: IntArray,
    heavy: npt.NDArray[np.bool_],
) -> IntArray:
    """Join each detached piece holding a heavy store to its territory's main piece.

    The MIP places heavy stores where the bands want them, but a territory may then come out
    in pieces (a supermarket across a neck without the shops between). Instead of giving the
    piece away (:func:`.contiguity.repair_fragments`, which undoes the balance), the retailers
    on the cheapest path from the piece to the main piece join the territory: a Dijkstra over
    the region's contiguity graph whose node cost is the workload moved (the territory's own
    retailers are free, heavy stores of other territories are not crossed). A corridor is
    kept only if every donor territory stays connected; otherwise its costliest donor retailer
    is barred and the path sought again, up to ``CORRIDOR_TRIES`` times.
    """
    assignment = assignment.copy()
    m = members.size
    local = np.full(assignment.size, -1, dtype=np.int64)
    local[members] = np.arange(m)
    u, v = local[p.graph.edge_u], local[p.graph.edge_v]
    ok = (u >= 0) & (v >= 0)
    eu, ev = np.r_[u[ok], v[ok]], np.r_[v[ok], u[ok]]
    unit = max(float(weight[members].mean()), 1e-9)
    for _ in range(CORRIDOR_ROUNDS):
        labels = component_labels(p.graph, assignment)
        sub = assignment[members]
        lab = labels[members]
        piece_w = np.bincount(lab, weights=weight[members] + 1e-9, minlength=labels.max() + 1)
        main: dict[int, int] = {}
        for t in np.unique(sub).tolist():
            own = np.unique(lab[sub == t])
            main[t] = int(own[np.argmax(piece_w[own])])
        stray = np.unique(lab[heavy[members] & (lab != np.array([main[t] for t in sub]))])
        if stray.size == 0:
            break
        # the pieces with most heavy load first
        vol = p.loads[members, min(2, p.loads.shape[1] - 1)]
        heavy_w = np.bincount(
            lab, weights=np.where(heavy[members], vol, 0.0), minlength=piece_w.size
        )
        changed = False
        for piece in stray[np.argsort(-heavy_w[stray], kind="stable")].tolist():
            nodes = np.flatnonzero(lab == piece)
            t = int(sub[nodes[0]])
            if (assignment[members[nodes]] != t).any():
                continue  # an earlier corridor went through it
            to = np.flatnonzero(labels[members] == main[t])
            path = _cheapest_corridor(
                assignment, members, weight, heavy, unit, t, nodes, to, eu, ev
            )
            if path is not None:
                assignment[members[path]] = t
                changed = True
        if not changed:
            break
    return assignment


def _cheapest_corridor(
    assignment: IntArray,
    members: IntArray,
    weight: FloatArray,
    heavy: npt.NDArray[np.bool_],
    unit: float,
    t: int,
    piece: IntArray,
    target: IntArray,
    eu: IntArray,
    ev: IntArray,
) -> IntArray | None:
    """Local indices of the foreign retailers on the cheapest path from ``piece`` to ``target``."""
    m = members.size
    sub = assignment[members]
    cost = np.where(sub == t, 1e-6, weight[members] / unit + 1e-3)
    barred = heavy[members] & (sub != t)
    for _ in range(CORRIDOR_TRIES):
        keep = ~barred[eu] & ~barred[ev]
        g = sp.csr_matrix((cost[ev[keep]], (eu[keep], ev[keep])), shape=(m, m))
        dist, pred, _ = dijkstra(g, indices=piece, min_only=True, return_predecessors=True)
        end = target[np.isfinite(dist[target])]
        if end.size == 0:
            return None
        x = int(end[np.argmin(dist[end])])
        path: list[int] = []
        while x >= 0:  # back to the piece (a source's predecessor is negative)
            if sub[x] != t:
                path.append(x)
            x = int(pred[x])
        if not path:
            return None
        trial = sub.copy()
        trial[path] = t
        donors = np.unique(sub[path])
        broken: list[int] = []
        cut_off: list[int] = []
        for d in donors.tolist():
            cut, ok = _cut_off(trial, d, weight[members], heavy[members], eu, ev, unit)
            if ok:
                cut_off += cut
            else:
                broken.append(d)
        if not broken:
            return np.asarray(path + cut_off, dtype=np.int64)
        # bar the donor retailer on the path that carries the most workload and retry
        on = [x for x in path if sub[x] in broken]
        barred[on[int(np.argmax(weight[members[on]]))]] = True
    return None


def _cut_off(
    sub: IntArray,
    d: int,
    weight: FloatArray,
    heavy: npt.NDArray[np.bool_],
    eu: IntArray,
    ev: IntArray,
    unit: float,
) -> tuple[list[int], bool]:
    """The parts of territory ``d`` a corridor cuts off from its main piece (local indices).

    They go with the corridor if they hold no heavy store and at most ``MAX_CUT_OFF``
    retailers' worth of workload (in ``unit``); otherwise the corridor is refused.
    """
    own = sub == d
    keep = own[eu] & own[ev]
    m = sub.size
    g = sp.csr_matrix((np.ones(int(keep.sum())), (eu[keep], ev[keep])), shape=(m, m))
    _, lab = connected_components(g, directed=False)
    pieces = lab[own]
    idx = np.flatnonzero(own)
    if np.unique(pieces).size <= 1:
        return [], True
    w = np.bincount(pieces, weights=weight[idx] + 1e-9)
    main = int(np.argmax(w))
    cut = idx[pieces != main]
    if heavy[cut].any() or weight[cut].sum() > MAX_CUT_OFF * unit:
        return [], False
    return cut.tolist(), True


def _sub_graph(p: RebalanceProblem, members: IntArray) -> sp.csr_matrix:
    """The contiguity graph among ``members``, edges weighted by their length in metres."""
    n = p.xy_m.shape[0]
    local = np.full(n, -1, dtype=np.int64)
    local[members] = np.arange(members.size)
    u, v = local[p.graph.edge_u], local[p.graph.edge_v]
    ok = (u >= 0) & (v >= 0)
    length = np.maximum(p.graph.edge_length_m[ok], 1.0)
    m = members.size
    return sp.csr_matrix((np.r_[length, length], (np.r_[u[ok], v[ok]], np.r_[v[ok], u[ok]])),
                         shape=(m, m))  # fmt: skip


def _medoids(xy: FloatArray, weight: FloatArray, labels: IntArray, k: int) -> IntArray:
    """Per territory, the member nearest its weighted centre."""
    centres = update_centres(xy, weight, labels, np.zeros((k, 2)))
    nodes = np.empty(k, dtype=np.int64)
    for t in range(k):
        own = np.flatnonzero(labels == t)
        d2 = ((xy[own] - centres[t]) ** 2).sum(axis=1)
        nodes[t] = own[int(np.argmin(d2))]
    return nodes


def _kmeanspp(
    graph: sp.csr_matrix, weight: FloatArray, k: int, rng: np.random.Generator
) -> IntArray:
    """k-means++ seeds in graph distance, each drawn in proportion to workload x distance²."""
    m = weight.size
    chosen = [int(rng.choice(m, p=weight / weight.sum()))]
    d = dijkstra(graph, indices=chosen[0])
    for _ in range(k - 1):
        finite = np.isfinite(d)
        far = 2.0 * float(d[finite].max()) if finite.any() else 1.0
        score = weight * np.where(finite, d, far) ** 2  # another part of the graph first
        if score.sum() <= 0:
            score = weight.copy()
        nxt = int(rng.choice(m, p=score / score.sum()))
        chosen.append(nxt)
        d = np.minimum(d, dijkstra(graph, indices=nxt))
    return np.asarray(chosen, dtype=np.int64)


def _lloyd(
    graph: sp.csr_matrix,
    xy: FloatArray,
    weight: FloatArray,
    loads: FloatArray,
    pinned: FloatArray,
    targets: FloatArray,
    nodes: IntArray,
) -> IntArray | None:
    """Alternate the banded LP with medoid updates; the last assignment (local labels)."""
    labels: IntArray | None = None
    for _ in range(LLOYD_ROUNDS):
        dist = dijkstra(graph, indices=nodes).T  # (m, k)
        new = _banded_lp(graph, dist, loads, pinned, targets)
        if new is None:
            return labels
        if labels is not None and (new == labels).all():
            break
        labels = new
        nodes = _medoids(xy, weight, labels, targets.shape[0])
    return labels


def _banded_lp(
    graph: sp.csr_matrix,
    dist: FloatArray,
    loads: FloatArray,
    pinned: FloatArray,
    targets: FloatArray,
) -> IntArray | None:
    """Assign each retailer to a centre at least squared graph distance within priced bands.

    The LP (HiGHS) leaves a few retailers split, the heavy stores a volume band rests on;
    rounding them to their largest share would break the bands again, so they are placed by a
    small MIP over just those retailers, with the others fixed.
    """
    k = dist.shape[1]
    reach = np.isfinite(dist)
    if not reach.any(axis=1).all():
        return None
    if k > CANDIDATES:  # the far centres are never chosen; fewer columns, faster
        nth = np.partition(np.where(reach, dist, np.inf), CANDIDATES - 1, axis=1)
        reach &= dist <= nth[:, CANDIDATES - 1, None]
    closer = _closer(graph, dist, reach) if CONTIGUOUS else None
    ref = max(float(np.mean(np.min(np.where(reach, dist, np.inf), axis=1) ** 2)), 1.0)
    cost = np.where(reach, dist**2 / ref, 0.0)
    heavy = (loads / np.maximum(targets.mean(axis=0), 1e-12)).max(axis=1) >= HEAVY_SHARE
    share = _solve(cost, reach, closer, loads, pinned, targets, integral=heavy)
    if share is None:
        return None
    return np.asarray(share.argmax(axis=1), dtype=np.int64)


def _closer(
    graph: sp.csr_matrix, dist: FloatArray, reach: npt.NDArray[np.bool_]
) -> tuple[IntArray, IntArray, IntArray]:
    """Triples ``(i, j, t)``: neighbour ``j`` of ``i`` is closer to centre ``t``; trims ``reach``.

    A retailer may join ``t`` only through a closer neighbour that may (the centre itself
    needs none), so ``reach`` is closed in order of distance, in place.
    """
    k = dist.shape[1]
    indptr, indices = graph.indptr, graph.indices
    out_i: list[int] = []
    out_j: list[int] = []
    out_t: list[int] = []
    for t in range(k):
        d = dist[:, t]
        for i in np.argsort(d).tolist():
            if not reach[i, t] or d[i] == 0.0:
                continue
            nb = indices[indptr[i] : indptr[i + 1]]
            ok = nb[(d[nb] < d[i]) & reach[nb, t]]
            if ok.size == 0:
                reach[i, t] = False
                continue
            out_i += [i] * ok.size
            out_j += ok.tolist()
            out_t += [t] * ok.size
    return (
        np.asarray(out_i, dtype=np.int64),
        np.asarray(out_j, dtype=np.int64),
        np.asarray(out_t, dtype=np.int64),
    )


def _cat(parts: list[npt.ArrayLike], dtype: type[np.generic]) -> npt.NDArray[np.generic]:
    return np.concatenate([np.asarray(x, dtype=dtype) for x in parts])


def _per_territory(loads: FloatArray, labels: IntArray, k: int) -> FloatArray:
    out = np.zeros((k, loads.shape[1]))
    np.add.at(out, labels, loads)
    return out


def _solve(
    cost: FloatArray,
    reach: npt.NDArray[np.bool_],
    closer: tuple[IntArray, IntArray, IntArray] | None,
    loads: FloatArray,
    pinned: FloatArray,
    targets: FloatArray,
    *,
    integral: npt.NDArray[np.bool_],
) -> FloatArray | None:
    """The banded assignment LP (or MIP); each retailer's share per centre, or ``None``.

    Variables: ``x[i, t]`` for reachable pairs, then per territory and criterion the shortfall
    and the excess beyond its band, priced by ``SLACK_PRICE``.
    """
    m, k = cost.shape
    r = loads.shape[1]
    rows, cols = np.nonzero(reach)
    nv = rows.size
    ns = 2 * k * r
    c = np.r_[cost[rows, cols], np.zeros(ns)]
    a_eq = sp.csr_matrix((np.ones(nv), (rows, np.arange(nv))), shape=(m, nv + ns))
    a_rows: list[npt.ArrayLike] = []
    a_cols: list[npt.ArrayLike] = []
    a_vals: list[npt.ArrayLike] = []
    b_ub: list[float] = []
    row = 0
    for q in range(r):
        price = SLACK_PRICE[min(q, len(SLACK_PRICE) - 1)]
        band = LP_BANDS[min(q, len(LP_BANDS) - 1)]
        scale = np.maximum(targets[:, q], 1e-12)
        for t in range(k):
            mine = np.flatnonzero(cols == t)
            vals = loads[rows[mine], q] / scale[t]
            low = nv + (q * k + t) * 2
            have = pinned[t, q] / scale[t]
            # share - excess <= 1 + band - pinned ; -share - shortfall <= -(1 - band - pinned)
            a_rows += [np.full(mine.size, row), [row], np.full(mine.size, row + 1), [row + 1]]
            a_cols += [mine, [low + 1], mine, [low]]
            a_vals += [vals, [-1.0], -vals, [-1.0]]
            b_ub += [1.0 + band - have, -(1.0 - band - have)]
            row += 2
            c[low] = c[low + 1] = price
    # contiguity: x[i, t] <= sum of x[j, t] over i's neighbours j closer to t's centre
    arc = np.full((m, k), -1, dtype=np.int64)
    arc[rows, cols] = np.arange(nv)
    ci, cj, ct = closer if closer is not None else (np.zeros(0, np.int64),) * 3
    head = arc[ci, ct]
    order = np.unique(head, return_inverse=True)
    a_rows += [row + order[1], row + np.arange(order[0].size)]
    a_cols += [arc[cj, ct], order[0]]
    a_vals += [-np.ones(ci.size), np.ones(order[0].size)]
    b_ub += [0.0] * order[0].size
    row += order[0].size
    a_ub = sp.csr_matrix(
        (_cat(a_vals, np.float64), (_cat(a_rows, np.int64), _cat(a_cols, np.int64))),
        shape=(row, nv + ns),
    )
    res = milp(
        c,
        constraints=[
            LinearConstraint(a_ub, -np.inf, np.asarray(b_ub)),
            LinearConstraint(a_eq, 1.0, 1.0),
        ],
        integrality=np.r_[integral[rows].astype(np.int64), np.zeros(ns, dtype=np.int64)],
        bounds=Bounds(np.zeros(nv + ns), np.r_[np.ones(nv), np.full(ns, np.inf)]),
        options={"time_limit": MIP_TIME_S, "mip_rel_gap": MIP_GAP},
    )
    if res.x is None:
        return None
    share = np.zeros((m, k))
    share[rows, cols] = res.x[:nv]
    return share


def _repair(
    p: RebalanceProblem,
    assignment: IntArray,
    weight: FloatArray,
    inside: npt.NDArray[np.bool_],
    heavy: npt.NDArray[np.bool_],
    *,
    exchanges: bool,
) -> IntArray | None:
    """Light pieces given away, then the polish inside the sub-problem with heavy stores pinned.

    ``None`` when a territory is still in pieces (a heavy store no corridor could join).
    """
    k = p.targets.shape[0]
    fixed = np.where(inside, p.fixed, assignment)
    assignment = repair_fragments(p.graph, assignment, weight, fixed, k)
    if count_fragmented(p.graph, assignment, k):
        return None
    pinned = np.where(inside & heavy & (fixed < 0), assignment, fixed)
    centres = update_centres(p.xy_m, weight, assignment, p.centres_m)
    limits = p.limits
    if REGION_LIMIT > 0:
        limits = np.full(p.loads.shape[1], REGION_LIMIT)
        if p.limits is not None:
            limits = np.minimum(limits, p.limits)
    q = replace(p, fixed=pinned, centres_m=centres, limits=limits,
                limit_price=max(p.limit_price, REGION_LIMIT_PRICE))  # fmt: skip
    assignment = rebalance(q, assignment)
    for _ in range(2 if exchanges else 0):
        swapped = exchange(q, assignment)
        if (swapped == assignment).all():
            break
        assignment = rebalance(q, swapped)
    return repair_fragments(p.graph, assignment, weight, fixed, k)


def _within_bounds(p: RebalanceProblem, before: IntArray, after: IntArray) -> bool:
    """Whether no criterion's worst territory gets worse, unless it stays inside its LP band."""
    r = min(3, p.loads.shape[1])

    def worst(a: IntArray) -> FloatArray:
        load = np.zeros_like(p.targets)
        np.add.at(load, a, p.loads)
        return np.asarray(np.abs(load / p.targets - 1.0)[:, :r].max(axis=0))

    limit = np.maximum(worst(before), np.asarray(LP_BANDS[:r]))
    return bool((worst(after) <= limit + 1e-9).all())


def _compact_enough(
    p: RebalanceProblem, before: IntArray, after: IntArray, group: IntArray
) -> bool:
    """Whether ``group``'s retailers stay within ``MAX_SPREAD_GROWTH`` of their spread."""
    inside = np.isin(before, group)

    def spread(a: IntArray) -> float:
        k = p.targets.shape[0]
        c = update_centres(p.xy_m, np.ones(a.size), a, np.zeros((k, 2)))
        return float(((p.xy_m[inside] - c[a[inside]]) ** 2).sum())

    return spread(after) <= MAX_SPREAD_GROWTH * spread(before)
