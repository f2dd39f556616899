"""Two territories side by side on a jittered grid, for the boundary searches' unit tests."""

from __future__ import annotations

import numpy as np

from gql.services.territories.rules.allocation import update_centres
from gql.services.territories.rules.contiguity import neighbour_graph
from gql.services.territories.rules.objective import RebalanceProblem

__all__ = ["deviation", "two_territories"]


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
    rng = np.random.default_rng(seed)
    cells = [(r, c) for c in range(cols_a + cols_b) for r in range(rows)]
    xy = np.array([(100.0 * r, 100.0 * c) for r, c in cells]) + rng.normal(0, 3, (len(cells), 2))
    assignment = np.array([0 if c < cols_a else 1 for _, c in cells], dtype=np.int64)
    heavy = np.array([(r, c) in heavy_cells for r, c in cells])
    loads = np.c_[np.where(heavy, heavy_workload, 1.0), np.where(heavy, heavy_volume, 1.0)]
    per = np.zeros((2, 2))
    np.add.at(per, assignment, loads)
    free = np.full(len(cells), -1, dtype=np.int64)
    problem = RebalanceProblem(
        graph=neighbour_graph(xy),
        xy_m=xy,
        loads=loads,
        targets=np.tile(per.mean(axis=0), (2, 1)),
        weights=np.array([10.0, 5.0]),
        fixed=free,
        current=free,
        centres_m=update_centres(xy, loads[:, 0], assignment, np.zeros((2, 2))),
        bands=np.array([0.025, 0.10]),
        primary_band_price=100.0,
        primary_limit=0.045,
        primary_slope=10.0,
    )
    return problem, assignment, heavy


def deviation(problem: RebalanceProblem, assignment: np.ndarray) -> np.ndarray:
    """Each criterion's worst relative deviation from its target."""
    per = np.zeros_like(problem.targets)
    np.add.at(per, assignment, problem.loads)
    return np.asarray(np.abs(per / problem.targets - 1.0).max(axis=0))
