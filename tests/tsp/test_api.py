from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

import tsp


def test_exported_members_exist_and_are_documented() -> None:
    """Every name in tsp.__all__ exists and public callables carry a docstring."""
    for name in tsp.__all__:
        member = getattr(tsp, name)
        if isinstance(member, type) or hasattr(member, "__code__"):
            assert member.__doc__, name


def test_warm_up_is_idempotent() -> None:
    """warm_up can be called repeatedly (the service calls it at start-up)."""
    tsp.warm_up()
    tsp.warm_up()


def test_concurrent_solves_from_worker_threads_agree(rng: np.random.Generator) -> None:
    """Kernels hold no global state: parallel calls give the same answers as serial ones."""
    problems = []
    for _ in range(6):
        xy = rng.integers(0, 1000, size=(14, 2))
        cost = np.rint(np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1)))
        problems.append(tsp.Problem(cost.astype(np.int64), closed=False))
    serial = [tsp.solve(p).cost for p in problems]
    with ThreadPoolExecutor(max_workers=3) as pool:
        parallel = list(pool.map(lambda p: tsp.solve(p).cost, problems))
    assert parallel == serial
