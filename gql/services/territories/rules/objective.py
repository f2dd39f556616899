"""The boundary searches' objective, and what :mod:`.rebalance` and :mod:`.exchange` share.

sum over territories and criteria of
    weight_r * (dev^2 + 100 * max(0, |dev| - band_r)^2),
    where dev = load / target - 1
+ weight_0 * primary_slope * max(0, |dev_0| - band_0)
+ weight_0 * 100 * primary_band_price * max(0, |dev_0| - primary_limit)^2
+ compactness * (squared distance to the new centre - to the old, in mean-distance units)
+ move_cost * (leaving the current territory - returning to it)
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

if TYPE_CHECKING:
    from .contiguity import NeighbourGraph

__all__ = [
    "BalanceCost",
    "RebalanceProblem",
    "boundary_by_need",
    "moved_count",
    "stays_connected",
]

OUT_OF_BAND = 100.0
"""Extra price of a squared deviation beyond a criterion's band: bands are met first."""

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True, eq=False)
class RebalanceProblem:
    """Inputs of the boundary searches: :func:`.rebalance.rebalance`, :func:`.exchange.exchange`."""

    graph: NeighbourGraph
    xy_m: FloatArray
    loads: FloatArray
    targets: FloatArray
    weights: FloatArray
    fixed: IntArray
    current: IntArray
    centres_m: FloatArray
    bands: FloatArray
    compactness: float = 1e-4
    move_cost: float = 0.0
    max_passes: int = 200
    max_moves: int | None = None
    """Cap on retailers away from their current manager; ``None`` leaves it open."""
    primary_band_price: float = 0.0
    primary_limit: float = 1.0
    primary_slope: float = 0.0
    """Beyond ``primary_limit`` the first criterion (workload) pays ``primary_band_price``
    times the out-of-band price on top: a hard outer band that no secondary criterion can
    buy its own balance through. Beyond its band the first criterion also pays
    ``primary_slope`` per unit of deviation (times its weight): a linear price, so that a hair
    outside the band is not nearly free."""
    limits: FloatArray | None = None
    limit_price: float = 0.0
    """``limits``: ``(R,)`` outer limit of each secondary criterion (the first entry is
    ignored; ``None``: none). Beyond it a criterion pays ``limit_price`` times the out-of-band
    price on top, as workload does beyond ``primary_limit``, so the worst territory of a
    heavy-tailed criterion is pulled in before the many slightly outside their band."""

    def territory_loads(self, assignment: IntArray) -> FloatArray:
        """Each territory's summed loads (rows: territories; columns: criteria)."""
        per = np.zeros_like(self.targets)
        np.add.at(per, assignment, self.loads)
        return per

    def balance_costs(self, load: FloatArray, t: IntArray) -> FloatArray:
        """The balance part of the objective for territories ``t`` holding ``load`` (rows).

        The terms of :meth:`BalanceCost.dev_cost`, vectorised: a re-split prices every cut of a
        pair at once (:mod:`.resplit`), where the searches price one move at a time.
        """
        rel = load / np.maximum(self.targets[t], 1e-12) - 1.0
        dev = np.abs(rel)
        over = np.maximum(dev - self.bands[None, :], 0.0)
        total = (self.weights[None, :] * (rel * rel + OUT_OF_BAND * over * over)).sum(axis=1)
        if self.limits is not None:
            limits = np.r_[np.inf, self.limits[1:]]
            beyond = np.maximum(dev - limits[None, :], 0.0)
            price = OUT_OF_BAND * self.limit_price
            total += (self.weights[None, :] * price * beyond * beyond).sum(axis=1)
        w0 = self.weights[0]
        total += w0 * self.primary_slope * over[:, 0]
        beyond0 = np.maximum(dev[:, 0] - self.primary_limit, 0.0)
        total += OUT_OF_BAND * self.primary_band_price * w0 * beyond0 * beyond0
        return np.asarray(total, dtype=np.float64)


class BalanceCost:
    """The search objective over territory loads, in plain Python floats.

    The searches make millions of tiny evaluations, so loads live in lists, not arrays.
    :func:`rebalance` and :func:`.exchange.exchange` price moves with it and keep it in step
    with their assignment through :meth:`apply`.
    """

    __slots__ = (
        "band",
        "centres",
        "compactness",
        "current",
        "hard_limit",
        "hard_price",
        "inv_t",
        "limit",
        "limit_price",
        "load",
        "loads",
        "move_cost",
        "ref",
        "resources",
        "size",
        "slope",
        "w",
        "xy",
        "zero",
    )

    def __init__(self, p: RebalanceProblem, assignment: IntArray) -> None:
        k, n_res = p.targets.shape
        self.load: list[list[float]] = p.territory_loads(assignment).tolist()
        self.inv_t: list[list[float]] = (1.0 / np.maximum(p.targets, 1e-12)).tolist()
        self.w: list[float] = p.weights.tolist()
        self.band: list[float] = p.bands.tolist()
        self.hard_price = OUT_OF_BAND * p.primary_band_price * self.w[0]
        self.hard_limit = p.primary_limit
        self.limit_price = OUT_OF_BAND * p.limit_price
        self.slope = self.w[0] * p.primary_slope
        limits = np.full(n_res, np.inf) if p.limits is None else p.limits.astype(np.float64)
        self.limit: list[float] = [np.inf, *limits[1:].tolist()]
        self.loads: list[list[float]] = p.loads.tolist()
        self.xy: list[list[float]] = p.xy_m.tolist()
        self.centres: list[list[float]] = p.centres_m.tolist()
        self.ref = _mean_sq_nearest(p.xy_m, p.centres_m)
        self.current: list[int] = p.current.tolist()
        self.compactness = p.compactness
        self.move_cost = p.move_cost
        self.size: list[int] = np.bincount(assignment, minlength=k).tolist()
        self.resources = range(n_res)
        self.zero = [0.0] * n_res

    def secondary_only(self) -> BalanceCost:
        """A view sharing these loads that prices the secondary criteria only (no workload)."""
        view = BalanceCost.__new__(BalanceCost)
        for name in BalanceCost.__slots__:
            setattr(view, name, getattr(self, name))
        view.w = [0.0, *self.w[1:]]
        view.hard_price = view.slope = 0.0
        return view

    def dev_cost(self, t: int, li: list[float], sign: float) -> float:
        """Balance cost of territory ``t`` with ``sign * li`` added to its load."""
        row, inv, w, band, limit = self.load[t], self.inv_t[t], self.w, self.band, self.limit
        total = 0.0
        for r in self.resources:
            rel = (row[r] + sign * li[r]) * inv[r] - 1.0
            over = abs(rel) - band[r]
            total += w[r] * (rel * rel + (OUT_OF_BAND * over * over if over > 0 else 0.0))
            beyond = abs(rel) - limit[r]
            if beyond > 0:
                total += w[r] * self.limit_price * beyond * beyond
        rel = (row[0] + sign * li[0]) * inv[0] - 1.0
        over = abs(rel) - band[0]
        if over > 0:
            total += self.slope * over
        beyond = abs(rel) - self.hard_limit
        return total + (self.hard_price * beyond * beyond if beyond > 0 else 0.0)

    def sq_dist(self, i: int, t: int) -> float:
        """Squared distance from retailer ``i`` to centre ``t``, in mean-distance units."""
        dy = self.xy[i][0] - self.centres[t][0]
        dx = self.xy[i][1] - self.centres[t][1]
        return (dy * dy + dx * dx) / self.ref

    def leave(self, i: int, a: int) -> float:
        """The part of moving ``i`` out of ``a`` that does not depend on where it goes."""
        li = self.loads[i]
        return self.dev_cost(a, li, -1.0) - self.dev_cost(a, self.zero, 0.0)

    def join(self, i: int, a: int, b: int) -> float:
        """The rest of moving ``i`` from ``a`` to ``b``: balance of ``b``, shape, churn."""
        li = self.loads[i]
        delta = self.dev_cost(b, li, 1.0) - self.dev_cost(b, self.zero, 0.0)
        delta += self.compactness * (self.sq_dist(i, b) - self.sq_dist(i, a))
        cur = self.current[i]
        if self.move_cost and cur >= 0:
            delta += self.move_cost * (int(b != cur) - int(a != cur))
        return delta

    def move(self, i: int, a: int, b: int) -> float:
        """Change of the objective if retailer ``i`` moves from ``a`` to ``b``."""
        return self.leave(i, a) + self.join(i, a, b)

    def apply(self, i: int, a: int, b: int) -> None:
        """Book retailer ``i``'s move from ``a`` to ``b``."""
        li, la, lb = self.loads[i], self.load[a], self.load[b]
        for r in self.resources:
            la[r] -= li[r]
            lb[r] += li[r]
        self.size[a] -= 1
        self.size[b] += 1

    def churn_step(self, i: int, a: int, b: int) -> int:
        """How the number of retailers away from their current manager changes."""
        cur = self.current[i]
        return int(cur >= 0) * (int(b != cur) - int(a != cur))


def moved_count(problem: RebalanceProblem, assignment: IntArray) -> int:
    """Retailers with a current manager that ``assignment`` gives to another one."""
    return int(np.sum((problem.current >= 0) & (assignment != problem.current)))


def boundary_by_need(
    problem: RebalanceProblem, assignment: IntArray, cost: BalanceCost
) -> IntArray:
    """Movable retailers with a neighbour in another territory, worst territories first."""
    u, v = problem.graph.edge_u, problem.graph.edge_v
    cut = assignment[u] != assignment[v]
    boundary = np.unique(np.r_[u[cut], v[cut]])
    boundary = boundary[problem.fixed[boundary] < 0]
    inv = 1.0 / np.maximum(problem.targets, 1e-12)
    worst = np.abs(np.asarray(cost.load) * inv - 1.0) @ problem.weights
    order = np.argsort(-worst[assignment[boundary]], kind="stable")
    return np.asarray(boundary[order], dtype=np.int64)


def _mean_sq_nearest(xy_m: FloatArray, centres_m: FloatArray) -> float:
    """Mean squared distance to the nearest centre: the unit of the compactness term."""
    d2, _ = cKDTree(centres_m).query(xy_m)
    return max(float(np.mean(np.asarray(d2) ** 2)), 1.0)


def stays_connected(
    i: int, a: int, a_list: list[int], indptr: list[int], indices: list[int]
) -> bool:
    """Whether territory ``a`` stays connected once retailer ``i`` leaves it."""
    same = [j for j in indices[indptr[i] : indptr[i + 1]] if a_list[j] == a]
    if len(same) <= 1:
        return True
    goal = set(same)
    seen = {i, same[0]}
    goal.discard(same[0])
    queue = deque([same[0]])
    while queue and goal:
        x = queue.popleft()
        for y in indices[indptr[x] : indptr[x + 1]]:
            if y not in seen and a_list[y] == a:
                seen.add(y)
                goal.discard(y)
                queue.append(y)
    return not goal
