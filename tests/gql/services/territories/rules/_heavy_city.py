"""A heavy-tailed city cut into contiguous territories, posed as the re-splits' problem."""

from __future__ import annotations

import numpy as np

from gql.services.territories.rules import (
    PartitionSettings,
    RetailerSet,
    estimate_workload,
    partition_territories,
    synthetic_city,
)
from gql.services.territories.rules._geometry import project_local_m
from gql.services.territories.rules.allocation import update_centres
from gql.services.territories.rules.contiguity import count_fragmented, neighbour_graph
from gql.services.territories.rules.objective import RebalanceProblem

from ._two_grid import deviation
from .conftest import with_columns

__all__ = ["assert_improved_and_whole", "heavy_tailed_city", "heavy_tailed_problem", "objective"]


def heavy_tailed_city() -> RetailerSet:
    """1,200 retailers, 1 in 40 a chain store selling ~50x a corner shop (log-normal volumes)."""
    base = synthetic_city(1200, seed=7)
    rng = np.random.default_rng(8)
    volume = rng.lognormal(3.0, 0.6, base.n)
    volume[rng.choice(base.n, size=base.n // 40, replace=False)] *= 50.0
    return with_columns(base, order_volume=volume)


def heavy_tailed_problem(seed: int, k: int = 12) -> tuple[RebalanceProblem, np.ndarray]:
    """900 retailers, one in 30 selling 50x a lognormal corner shop, partitioned into ``k``
    territories by the boundary searches alone (no re-splits, compactness pass or outer limit,
    the settle rounds at the old move price); returns their problem and that plan."""
    base = synthetic_city(900, seed=seed)
    rng = np.random.default_rng(seed)
    volume = rng.lognormal(3.0, 0.6, base.n)
    volume[rng.choice(base.n, size=base.n // 30, replace=False)] *= 50.0
    city = with_columns(base, order_volume=volume)
    boundary_searches_only = PartitionSettings(
        warm_start=False,
        resplit_rounds=0,
        compact_rounds=0,
        secondary_limit=None,
        repair_move_cost=0.02,
    )
    plain = partition_territories(city, k, settings=boundary_searches_only)
    xy = project_local_m(city.lat_deg, city.lon_deg)
    workload = estimate_workload(city).total_min
    loads = np.c_[workload, np.ones(city.n), volume]
    free = np.full(city.n, -1, dtype=np.int64)
    assignment = np.asarray(plain.territory, dtype=np.int64)
    problem = RebalanceProblem(
        graph=neighbour_graph(xy),
        xy_m=xy,
        loads=loads,
        targets=np.tile(loads.sum(axis=0) / k, (k, 1)),
        weights=np.array([10.0, 5.0, 5.0]),
        fixed=free,
        current=free,
        centres_m=update_centres(xy, workload, assignment, np.zeros((k, 2))),
        bands=np.array([0.025, 0.03, 0.10]),
        primary_band_price=100.0,
        primary_limit=0.045,
        primary_slope=10.0,
    )
    return problem, assignment


def objective(problem: RebalanceProblem, assignment: np.ndarray) -> float:
    """The problem's balance terms summed over its territories."""
    per = problem.territory_loads(assignment)
    return float(problem.balance_costs(per, np.arange(problem.targets.shape[0])).sum())


def assert_improved_and_whole(
    problem: RebalanceProblem, before: np.ndarray, after: np.ndarray
) -> None:
    """What every re-split pass promises on the heavy-tailed city: it changed something (so the
    checks bite), left no territory in pieces, kept workload within its outer limit (or no
    worse than it was) and lowered the balance objective."""
    k = problem.targets.shape[0]
    assert (after != before).any()
    assert count_fragmented(problem.graph, after, k) == 0
    assert deviation(problem, after)[0] <= max(problem.primary_limit, deviation(problem, before)[0])
    assert objective(problem, after) < objective(problem, before)
