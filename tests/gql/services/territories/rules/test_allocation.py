from __future__ import annotations

import numpy as np
import pytest

from gql.services.territories.rules import PlanningError
from gql.services.territories.rules.allocation import AllocationProblem, allocate, bisection_centres


def _problem(
    n: int, k: int, seed: int, fixed: np.ndarray | None = None, tol: float = 0.02
) -> AllocationProblem:
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 10_000, (n, 2))
    w = rng.uniform(10, 60, n)
    free = np.full(n, -1, dtype=np.int64)
    return AllocationProblem(
        xy_m=xy,
        loads=w[:, None],
        targets=np.full((k, 1), w.sum() / k),
        tolerances=np.array([tol]),
        weights=np.array([1.0]),
        fixed=free if fixed is None else fixed,
        current=free,
        candidates=4,
    )


@pytest.mark.parametrize("seed", range(4))
def test_transportation_step_keeps_every_territory_near_its_target(seed: int) -> None:
    """After rounding, each territory's load is within band plus one retailer's load."""
    p = _problem(600, 7, seed)
    a = allocate(p, bisection_centres(p.xy_m, p.loads[:, 0], 7))
    load = np.bincount(a, weights=p.loads[:, 0], minlength=7)
    target = p.loads[:, 0].sum() / 7
    assert np.abs(load - target).max() <= 0.02 * target + 2 * p.loads[:, 0].max()


def test_bisection_centres_are_distinct_and_inside_the_points() -> None:
    """Recursive bisection gives k distinct centres within the points' bounding box."""
    p = _problem(300, 9, 1)
    c = bisection_centres(p.xy_m, p.loads[:, 0], 9)
    assert np.unique(c, axis=0).shape[0] == 9
    assert (c >= p.xy_m.min(axis=0)).all()
    assert (c <= p.xy_m.max(axis=0)).all()


def test_fixed_retailers_stay_put() -> None:
    """Fixed retailers keep their territory whatever the geometry says."""
    fixed = np.full(200, -1, dtype=np.int64)
    fixed[:5] = 2
    p = _problem(200, 3, 2, fixed=fixed)
    a = allocate(p, bisection_centres(p.xy_m, p.loads[:, 0], 3))
    assert (a[:5] == 2).all()


def test_locked_overload_is_reported_not_ignored() -> None:
    """When locked retailers alone exceed a territory's band, allocation raises PlanningError."""
    fixed = np.full(200, -1, dtype=np.int64)
    fixed[:150] = 0
    p = _problem(200, 3, 3, fixed=fixed)
    with pytest.raises(PlanningError, match="locked"):
        allocate(p, bisection_centres(p.xy_m, p.loads[:, 0], 3))
