"""Exchange moves: a heavy retailer across a shared border for light ones coming back.

With a heavy-tailed secondary criterion (a chain supermarket sells ~50x a corner shop, ~8 % of
a territory's order volume, the biggest 40-75 %) single boundary moves are too coarse: moving
the supermarket alone breaks the workload band, and moving corner shops shifts three times as
much workload as volume. An exchange moves one retailer ``i`` from territory ``a`` to a
neighbour ``b`` and then, greedily, the retailers of ``b`` next to ``a`` near ``i`` (at most
``hops`` steps away inside ``b``) that best restore the balance back to ``a``, while each step
lowers the objective. A heavy retailer inside its territory goes with the few retailers on the
shortest path from it to the border (a corridor of at most ``CORRIDOR`` steps), so that it
arrives connected. The whole group is kept only when it lowers the objective of
:class:`.objective.BalanceCost` (balance, shape and churn) and every step keeps both
territories connected; otherwise it is undone.

Candidates are the retailers whose move alone would improve the secondary criteria (retailer
count, volume, class mix) between two territories of which one is outside a secondary band:
the search spends its time where a single move gives the workload away, the most promising
first, and does not trade workload balance for secondary balance that is already in band.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from .objective import BalanceCost, boundary_by_need, moved_count, stays_connected

if TYPE_CHECKING:
    from .objective import RebalanceProblem

__all__ = ["exchange"]

IntArray = npt.NDArray[np.int64]

MAX_GROUP = 16
"""At most this many retailers come back for the ones that leave."""

MAX_TRIES = 400
"""Exchanges tried per pass, the most promising first: the search is for the few heavy
retailers a single move cannot place, not for every boundary retailer."""

HOPS = 4
"""How far inside the receiving territory (graph steps from the leaver) the ones coming back
may be: a local exchange keeps both borders where they were."""

CORRIDOR = 4
"""Longest path (graph steps) a heavy retailer away from the border takes with it."""

HEAVY_SHARE = 0.03
"""A retailer carrying at least this share of a territory's target in a secondary criterion is
heavy: worth a corridor to the border."""


@dataclass(slots=True)
class _Link:
    """The state the exchange steps share."""

    cost: BalanceCost
    a_list: list[int]
    movable: list[bool]
    indptr: list[int]
    indices: list[int]

    def neighbours(self, i: int) -> list[int]:
        return self.indices[self.indptr[i] : self.indptr[i + 1]]

    def shift(self, i: int, a: int, b: int) -> None:
        self.cost.apply(i, a, b)
        self.a_list[i] = b


def exchange(
    problem: RebalanceProblem,
    assignment: IntArray,
    *,
    max_passes: int = 10,
    max_group: int = MAX_GROUP,
    hops: int = HOPS,
) -> IntArray:
    """Return a copy of ``assignment`` improved by exchanges across shared borders."""
    p = problem
    assignment = assignment.copy()
    if p.loads.shape[1] < 2:
        return assignment  # workload only: single moves are as fine as the loads
    cost = BalanceCost(p, assignment)
    link = _Link(
        cost,
        assignment.tolist(),
        (p.fixed < 0).tolist(),
        p.graph.indptr.tolist(),
        p.graph.indices.tolist(),
    )
    heavy = _heavy(p).tolist()
    cap = p.max_moves
    moved = moved_count(p, assignment)
    secondary = cost.secondary_only()
    for _ in range(max_passes):
        improved = 0
        for path, b in _candidates(p, assignment, link, secondary, heavy):
            a = link.a_list[path[-1]]
            if a == b or any(link.a_list[x] != a for x in path):
                continue  # an earlier exchange of this pass changed the border here
            if not any(link.a_list[j] == b for j in link.neighbours(path[0])):
                continue
            group = _exchange_group(path, a, b, link, max_group, hops)
            if group is None:
                continue
            out, back = group
            step = sum(cost.churn_step(x, a, b) for x in out)
            step += sum(cost.churn_step(j, b, a) for j in back)
            if cap is not None and step > 0 and moved + step > cap:
                _undo(out, back, a, b, link)
                continue
            moved += step
            for x in (*out, *back):
                assignment[x] = link.a_list[x]
            improved += 1
        if improved == 0:
            break
    return assignment


def _heavy(p: RebalanceProblem) -> npt.NDArray[np.bool_]:
    """Retailers carrying at least ``HEAVY_SHARE`` of a territory's target of some criterion."""
    mean_target = np.maximum(p.targets[:, 1:].mean(axis=0), 1e-12)
    return np.asarray((p.loads[:, 1:] / mean_target).max(axis=1) >= HEAVY_SHARE)


def _candidates(
    p: RebalanceProblem,
    assignment: IntArray,
    link: _Link,
    secondary: BalanceCost,
    heavy: list[bool],
) -> list[tuple[list[int], int]]:
    """Moves ``(path, b)`` that would help the secondary criteria, biggest help first.

    ``path`` runs from a retailer next to territory ``b`` to the one that matters (its last):
    a single boundary retailer, or a heavy one with the corridor to its border.
    """
    a_list = link.a_list
    found: list[tuple[float, list[int], int]] = []
    dev = np.abs(np.asarray(link.cost.load) / p.targets - 1.0)[:, 1:]
    off = [bool(x) for x in np.any(dev > p.bands[None, 1:], axis=1)]

    def gain(i: int, a: int, b: int) -> float:
        li = secondary.loads[i]
        return -(
            secondary.leave(i, a)
            + secondary.dev_cost(b, li, 1.0)
            - secondary.dev_cost(b, secondary.zero, 0.0)
        )

    for i in boundary_by_need(p, assignment, link.cost).tolist():
        a = a_list[i]
        for b in {a_list[j] for j in link.neighbours(i)} - {a}:
            if not (off[a] or off[b]):
                continue
            g = gain(i, a, b)
            if g > 1e-9:
                found.append((g, [i], b))
    for i in np.flatnonzero(heavy).tolist():
        a = a_list[i]
        if not link.movable[i]:
            continue
        for b, path in _corridors(i, a, link).items():
            if not (off[a] or off[b]):
                continue
            g = gain(i, a, b)
            if g > 1e-9:
                found.append((g, path, b))
    found.sort(key=lambda x: -x[0])
    return [(path, b) for _, path, b in found[:MAX_TRIES]]


def _corridors(i: int, a: int, link: _Link) -> dict[int, list[int]]:
    """Shortest paths inside ``a`` from interior retailer ``i`` to each nearby territory.

    Each path starts at a retailer next to that territory and ends at ``i``; retailers next to
    ``i`` itself are left to the single boundary candidates.
    """
    parent = {i: -1}
    frontier = [i]
    paths: dict[int, list[int]] = {}
    for depth in range(CORRIDOR + 1):
        nxt: list[int] = []
        for x in frontier:
            if depth > 0:
                for z in link.neighbours(x):
                    b = link.a_list[z]
                    if b != a and b not in paths:
                        path, y = [], x
                        while y >= 0:
                            path.append(y)
                            y = parent[y]
                        paths[b] = path
            for y in link.neighbours(x):
                if y not in parent and link.a_list[y] == a and link.movable[y]:
                    parent[y] = x
                    nxt.append(y)
        frontier = nxt
    return paths


def _exchange_group(
    path: list[int], a: int, b: int, link: _Link, max_group: int, hops: int
) -> tuple[list[int], list[int]] | None:
    """Move ``path`` to ``b`` and the best of ``b``'s retailers back; ``None`` if no gain.

    A group that does not lower the objective is undone before returning.
    """
    cost = link.cost
    total = 0.0
    out: list[int] = []
    for x in path:  # from the border inwards, so each arrives next to ``b``
        if cost.size[a] <= 1 or not stays_connected(x, a, link.a_list, link.indptr, link.indices):
            _undo(out, [], a, b, link)
            return None
        total += cost.move(x, a, b)
        link.shift(x, a, b)
        out.append(x)
    back: list[int] = []
    tried = set(path)
    while len(back) < max_group:
        best_delta, best_j = 0.0, -1
        for j in _near_border(path[-1], a, b, link, hops):
            if j in tried:
                continue
            delta = cost.move(j, b, a)
            if delta < best_delta:
                best_delta, best_j = delta, j
        if best_j < 0:
            break
        tried.add(best_j)
        if cost.size[b] <= 1 or not stays_connected(
            best_j, b, link.a_list, link.indptr, link.indices
        ):
            continue
        link.shift(best_j, b, a)
        total += best_delta
        back.append(best_j)
    if total < -1e-9 and back:
        return out, back
    _undo(out, back, a, b, link)
    return None


def _undo(out: list[int], back: list[int], a: int, b: int, link: _Link) -> None:
    """Put every retailer of an exchange back where it was."""
    for j in reversed(back):
        link.shift(j, a, b)
    for x in reversed(out):
        link.shift(x, b, a)


def _near_border(i: int, a: int, b: int, link: _Link, hops: int) -> list[int]:
    """Movable retailers of ``b`` within ``hops`` steps of ``i`` (inside ``b``) that touch ``a``."""
    a_list = link.a_list
    seen = {i}
    frontier = [i]
    found: list[int] = []
    for _ in range(hops):
        nxt: list[int] = []
        for x in frontier:
            for y in link.neighbours(x):
                if y in seen or a_list[y] != b:
                    continue
                seen.add(y)
                nxt.append(y)
                if link.movable[y] and any(a_list[z] == a for z in link.neighbours(y)):
                    found.append(y)
        frontier = nxt
    return found
