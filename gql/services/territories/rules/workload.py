"""Workload model: minutes of a manager's 4-week cycle that each retailer costs.

Workload is what balancing must equalise (R6.2), so it counts more than geography and retailer
count: a retailer costs ``visits_per_cycle × (service_min + travel_min_per_visit)``.

* **Visits per cycle** come from a policy table: the class grade sets the base frequency
  (weekly = 4, fortnightly = 2, monthly = 1 visit per 4 weeks), the business type sets a floor
  (chain supermarkets and hotels need at least fortnightly visits) and key customers are visited
  weekly.
* **Service time** is the retailer's own ``service_min`` when given; otherwise a default per
  business type, plus an extra for key customers and for large stores (order volume above a
  threshold).
* **Travel time** per visit is estimated from the local retailer density: the great-circle
  distance to the ``k``-th nearest neighbouring retailer, times the area's road factor, at the
  policy's travel speed. In a good route the leg into a stop scales like the local spacing
  (Beardwood–Halton–Hammersley), so sparse suburbs cost more per visit than the dense centre —
  without knowing the territories yet. With barriers, neighbours across a river (away from its
  crossings) do not count: a shop on the bank is as sparse as its own bank makes it. The
  schedule later measures real routed legs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from ._geometry import project_about_m, project_local_m
from .barriers import NO_BARRIERS, Barriers, barrier_cuts
from .errors import InvalidRetailersError

if TYPE_CHECKING:
    from .retailers import RetailerSet

__all__ = ["CYCLE_WEEKS", "Workload", "WorkloadPolicy", "estimate_workload"]

CYCLE_WEEKS = 4
"""The planning cycle: all frequencies and schedules cover four weeks."""

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class WorkloadPolicy:
    """How often, and for how long, each kind of retailer is visited (the workload model).

    Not to be confused with ``geo.VisitPolicy``, the rules a single visit is verified by.

    Parameters
    ----------
    visits_by_grade
        Visits per 4-week cycle for grades 1..5 (4 = weekly, 2 = fortnightly, 1 = monthly).
    min_visits_by_type
        Floor on visits per cycle for each :class:`~.retailers.WorkloadClass` code.
    key_visits
        Visits per cycle of a key customer.
    service_min_by_type
        Default service minutes per visit for each business type.
    key_extra_service_min
        Extra minutes per visit for a key customer.
    large_store_volume
        Order volume per cycle above which a store counts as large.
    large_store_extra_min
        Extra minutes per visit for a large store.
    speed_mps
        Travel speed between retailers in metres per second.
    road_factor
        Ratio of road to great-circle distance where the retailers carry no factor of their
        own (:attr:`.RetailerSet.road_factor`), and for legs from a manager's start point.
    neighbour_k
        Which nearest neighbour's distance stands for one routed leg.
    """

    visits_by_grade: tuple[int, int, int, int, int] = (4, 4, 2, 2, 1)
    min_visits_by_type: tuple[int, int, int, int] = (1, 2, 2, 1)
    key_visits: int = 4
    service_min_by_type: tuple[float, float, float, float] = (12.0, 25.0, 18.0, 12.0)
    key_extra_service_min: float = 10.0
    large_store_volume: float = 400.0
    large_store_extra_min: float = 6.0
    speed_mps: float = 25 / 3.6
    road_factor: float = 1.3
    neighbour_k: int = 6

    def __post_init__(self) -> None:
        allowed = {1, 2, 4}
        visits = (*self.visits_by_grade, *self.min_visits_by_type, self.key_visits)
        if not set(visits) <= allowed:
            raise InvalidRetailersError(
                f"visit frequencies must be 4 (weekly), 2 (fortnightly) or 1 (monthly) per "
                f"cycle; got {sorted(set(visits) - allowed)}"
            )
        if min(self.service_min_by_type) <= 0 or self.key_extra_service_min < 0:
            raise InvalidRetailersError("service minutes must be positive")
        if not (self.speed_mps > 0 and self.road_factor >= 1 and self.neighbour_k >= 1):
            raise InvalidRetailersError("need speed_mps > 0, road_factor >= 1 and neighbour_k >= 1")


@dataclass(frozen=True, slots=True, eq=False)
class Workload:
    """Per-retailer workload components; ``total_min`` is what territories balance."""

    visits_per_cycle: IntArray
    service_min: FloatArray
    travel_min_per_visit: FloatArray
    total_min: FloatArray


def estimate_workload(
    retailers: RetailerSet,
    policy: WorkloadPolicy | None = None,
    barriers: Barriers = NO_BARRIERS,
) -> Workload:
    """Return each retailer's share of a manager's 4-week workload, in minutes.

    Parameters
    ----------
    retailers
        The district's retailers.
    policy
        Visit policy; the defaults describe a typical city company.
    barriers
        The district's barriers: a neighbour across one (away from a crossing) is no neighbour.

    Examples
    --------
    >>> from gql.services.territories.rules import RetailerSet
    >>> rs = RetailerSet.build(retailer_id=[1, 2, 3], lat_deg=[30.0, 30.001, 30.002],
    ...                        lon_deg=[120.0, 120.0, 120.0], grade=[1, 3, 5])
    >>> estimate_workload(rs).visits_per_cycle.tolist()
    [4, 2, 1]
    """
    policy = policy or WorkloadPolicy()
    grade_visits = np.asarray(policy.visits_by_grade, dtype=np.int64)[retailers.grade - 1]
    type_floor = np.asarray(policy.min_visits_by_type, dtype=np.int64)[retailers.business_type]
    visits = np.maximum(grade_visits, type_floor)
    visits = np.where(retailers.is_key, np.maximum(visits, policy.key_visits), visits)

    default_service = np.asarray(policy.service_min_by_type)[retailers.business_type]
    default_service = default_service + policy.key_extra_service_min * retailers.is_key
    default_service = default_service + policy.large_store_extra_min * (
        retailers.order_volume > policy.large_store_volume
    )
    service = np.where(np.isfinite(retailers.service_min), retailers.service_min, default_service)

    travel = _travel_min_per_visit(retailers, policy, barriers)
    total = visits * (service + travel)
    return Workload(
        visits_per_cycle=visits.astype(np.int64),
        service_min=service.astype(np.float64),
        travel_min_per_visit=travel,
        total_min=total.astype(np.float64),
    )


def _travel_min_per_visit(
    retailers: RetailerSet, policy: WorkloadPolicy, barriers: Barriers
) -> FloatArray:
    if retailers.n == 1:
        return np.zeros(1)
    k = min(policy.neighbour_k, retailers.n - 1)
    xy_m = project_local_m(retailers.lat_deg, retailers.lon_deg)
    tree = cKDTree(xy_m)
    if not barriers.barriers:
        dist_m, near = tree.query(xy_m, k=k + 1)
        leg_m, to = dist_m[:, k], near[:, k]
    else:
        leg_m, to = _kth_on_this_side(retailers, xy_m, tree, k, barriers)
    if retailers.road_factor is None:
        factor = np.full(retailers.n, policy.road_factor)
    else:  # the leg to that neighbour, priced at the mean of its two ends' areas
        factor = 0.5 * (retailers.road_factor + retailers.road_factor[to])
    leg_m = np.asarray(leg_m, dtype=np.float64) * factor
    return np.asarray(leg_m / policy.speed_mps / 60.0, dtype=np.float64)


_SPARE_NEIGHBOURS = 10
"""Candidates beyond ``k`` looked at when some neighbours are across a barrier."""


def _kth_on_this_side(
    retailers: RetailerSet,
    xy_m: FloatArray,
    tree: cKDTree,
    k: int,
    barriers: Barriers,
) -> tuple[FloatArray, IntArray]:
    """Distance to, and index of, each retailer's k-th nearest reachable neighbour.

    Reachable: the straight leg cuts no barrier away from a crossing. A retailer with fewer
    than ``k`` reachable among its candidates takes the farthest candidate.
    """
    n = retailers.n
    m = min(n - 1, k + _SPARE_NEIGHBOURS)
    dist_m, near = tree.query(xy_m, k=m + 1)
    lat0, lon0 = float(np.mean(retailers.lat_deg)), float(np.mean(retailers.lon_deg))
    walls = tuple(project_about_m(b.lat_deg, b.lon_deg, lat0, lon0) for b in barriers.barriers)
    ways = tuple(project_about_m(c.lat_deg, c.lon_deg, lat0, lon0) for c in barriers.crossings)
    u = np.repeat(np.arange(n), m)
    blocked, _ = barrier_cuts(xy_m[u], xy_m[near[:, 1:].ravel()], walls, ways)
    reachable = np.cumsum(~blocked.reshape(n, m), axis=1)
    pos = np.where(reachable[:, -1] >= k, np.argmax(reachable >= k, axis=1), m - 1) + 1
    rows = np.arange(n)
    return dist_m[rows, pos], near[rows, pos]
