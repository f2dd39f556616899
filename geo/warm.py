"""Compile the numba kernels before the first request pays for it (call in the lifespan)."""

from __future__ import annotations

import numpy as np

from geo import _china, _kernels, _radial, _shift

__all__ = ["warm_up"]


def warm_up() -> None:
    """Compile (or load from the on-disk cache) every numba kernel geo uses.

    Examples
    --------
    >>> warm_up()
    """
    one = np.zeros(2, dtype=np.float64)
    _kernels.haversine_pairs_kernel(one, one, one, one)
    _kernels.haversine_many_kernel(0.0, 0.0, one, one)
    _kernels.cost_matrix_kernel(one, one, np.ones(2), 1.0)
    ids, dist = _kernels.gather_distances_kernel(
        np.zeros(1, dtype=np.int64), np.zeros(2, dtype=np.int64), one, one, 0.0, 0.0
    )
    _kernels.k_smallest_kernel(ids, dist, 1)
    _kernels.nearest_k_kernel(
        np.zeros(1, dtype=np.int64), np.zeros(2, dtype=np.int64), one, one, 0.0, 0.0, 1
    )
    for kernel in (_shift.wgs_to_gcj, _shift.gcj_to_wgs, _shift.gcj_to_bd, _shift.bd_to_gcj):
        kernel(one, one)
    _china.in_mainland_china(one, one)
    for outside in (False, True):
        _radial.disc_probability_kernel(one, one + 1.0, one + 1.0, one + 5.0, outside=outside)
