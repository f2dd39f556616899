"""Territories side by side on a jittered grid, for the boundary searches' unit tests."""

from __future__ import annotations

import numpy as np

from gql.services.territories.rules.allocation import update_centres
from gql.services.territories.rules.contiguity import neighbour_graph
from gql.services.territories.rules.objective import RebalanceProblem

__all__ = ["column_territories", "deviation", "two_territories"]


def two_territories(
    rows: int,
    cols_a: int,
    cols_b: int,
    heavy_cells: tuple[tuple[int, int], ...],
    *,
    heavy_workload: float,
    heavy_volume: float,
    seed: int,
) -> tuple[RebalanceProblem, np.ndarray, np.ndarray]:
    """Territory 0 (the first ``cols_a`` columns, 100 m apart) beside territory 1; light
    retailers cost 1 of workload and sell 1, the ``heavy_cells`` (row, column) as given.

    Targets are the two territories' mean; bands ±2.5 % workload, ±10 % volume. Returns the
    problem, the assignment and which retailers are heavy.
    """
    return column_territories(
        rows,
        (cols_a, cols_b),
        heavy_cells,
        heavy_workload=heavy_workload,
        heavy_volume=heavy_volume,
        seed=seed,
    )


def column_territories(
    rows: int,
    cols: tuple[int, ...],
    heavy_cells: tuple[tuple[int, int], ...],
    *,
    heavy_workload: float,
    heavy_volume: float,
    seed: int,
) -> tuple[RebalanceProblem, np.ndarray, np.ndarray]:
    """As :func:`two_territories`, with territory ``i`` the next ``cols[i]`` columns."""
    rng = np.random.default_rng(seed)
    cells = [(r, c) for c in range(sum(cols)) for r in range(rows)]
    xy = np.array([(100.0 * r, 100.0 * c) for r, c in cells]) + rng.normal(0, 3, (len(cells), 2))
    edges = np.cumsum(cols)
    assignment = np.array([int(np.searchsorted(edges, c, side="right")) for _, c in cells])
    heavy = np.array([(r, c) in heavy_cells for r, c in cells])
    loads = np.c_[np.where(heavy, heavy_workload, 1.0), np.where(heavy, heavy_volume, 1.0)]
    k = len(cols)
    per = np.zeros((k, 2))
    np.add.at(per, assignment, loads)
    free = np.full(len(cells), -1, dtype=np.int64)
    problem = RebalanceProblem(
        graph=neighbour_graph(xy),
        xy_m=xy,
        loads=loads,
        targets=np.tile(per.mean(axis=0), (k, 1)),
        weights=np.array([10.0, 5.0]),
        fixed=free,
        current=free,
        centres_m=update_centres(xy, loads[:, 0], assignment, np.zeros((k, 2))),
        bands=np.array([0.025, 0.10]),
        primary_band_price=100.0,
        primary_limit=0.045,
        primary_slope=10.0,
    )
    return problem, assignment.astype(np.int64), heavy


def deviation(problem: RebalanceProblem, assignment: np.ndarray) -> np.ndarray:
    """Each criterion's worst relative deviation from its target."""
    per = problem.territory_loads(assignment)
    return np.asarray(np.abs(per / problem.targets - 1.0).max(axis=0))
