"""numba kernels: plain loops over contiguous float64/int64 arrays, no Python objects.

All angles here are radians; the public wrappers in :mod:`geo.distance` and :mod:`geo.cost`
convert degrees once and validate. ``cache=True`` keeps compiled code between processes;
:func:`geo.warm_up` compiles every kernel at service start.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar, cast

import numba
import numpy as np

__all__ = [
    "EARTH_RADIUS_M",
    "cost_matrix_kernel",
    "haversine_many_kernel",
    "haversine_pairs_kernel",
    "jit",
]

EARTH_RADIUS_M = 6_371_008.8
"""Mean Earth radius (IUGG R1) in metres; the sphere every distance in geo is measured on."""

_Fn = TypeVar("_Fn", bound=Callable[..., Any])


def jit(func: _Fn) -> _Fn:
    """``numba.njit(cache=True, nogil=True)`` with the function's own type kept for mypy."""
    return cast("_Fn", numba.njit(cache=True, nogil=True)(func))


@jit
def _haversine_rad(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    s_lat = math.sin(0.5 * (lat2 - lat1))
    s_lon = math.sin(0.5 * (lon2 - lon1))
    h = s_lat * s_lat + math.cos(lat1) * math.cos(lat2) * s_lon * s_lon
    h = min(1.0, h)
    return 2.0 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


@jit
def haversine_pairs_kernel(
    lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray
) -> np.ndarray:
    """Element-wise great-circle distance (m) between two parallel point arrays (radians)."""
    n = lat1.shape[0]
    out = np.empty(n, dtype=np.float64)
    for i in range(n):
        out[i] = _haversine_rad(lat1[i], lon1[i], lat2[i], lon2[i])
    return out


@jit
def haversine_many_kernel(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Great-circle distance (m) from one point to many (radians)."""
    n = lats.shape[0]
    out = np.empty(n, dtype=np.float64)
    for i in range(n):
        out[i] = _haversine_rad(lat, lon, lats[i], lons[i])
    return out


@jit
def cost_matrix_kernel(
    lat: np.ndarray, lon: np.ndarray, factor: np.ndarray, per_m: float
) -> np.ndarray:
    """Integer costs round(distance_m * (f_i + f_j) / 2 * per_m); symmetric, zero diagonal."""
    n = lat.shape[0]
    out = np.zeros((n, n), dtype=np.int64)
    cos_lat = np.cos(lat)
    for i in range(n):
        for j in range(i + 1, n):
            s_lat = math.sin(0.5 * (lat[j] - lat[i]))
            s_lon = math.sin(0.5 * (lon[j] - lon[i]))
            h = min(1.0, s_lat * s_lat + cos_lat[i] * cos_lat[j] * s_lon * s_lon)
            d = 2.0 * EARTH_RADIUS_M * math.asin(math.sqrt(h))
            c = np.int64(round(d * 0.5 * (factor[i] + factor[j]) * per_m))
            out[i, j] = c
            out[j, i] = c
    return out


@jit
def gather_distances_kernel(
    slots: np.ndarray,
    ids: np.ndarray,
    lat_rad: np.ndarray,
    lon_rad: np.ndarray,
    lat: float,
    lon: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Ids and distances (m) from (lat, lon) of the given index slots, in slot order."""
    n = slots.shape[0]
    out_ids = np.empty(n, dtype=np.int64)
    out_d = np.empty(n, dtype=np.float64)
    for i in range(n):
        s = slots[i]
        out_ids[i] = ids[s]
        out_d[i] = _haversine_rad(lat, lon, lat_rad[s], lon_rad[s])
    return out_ids, out_d


@jit
def k_smallest_kernel(ids: np.ndarray, dist: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k smallest (dist, id) pairs, ascending; partial selection, k small."""
    n = ids.shape[0]
    k = min(k, n)
    chosen = np.empty(k, dtype=np.int64)
    taken = np.zeros(n, dtype=np.bool_)
    for r in range(k):
        best = -1
        for i in range(n):
            if taken[i]:
                continue
            if best < 0 or dist[i] < dist[best] or (dist[i] == dist[best] and ids[i] < ids[best]):
                best = i
        taken[best] = True
        chosen[r] = best
    return chosen


@jit
def nearest_k_kernel(
    slots: np.ndarray,
    ids: np.ndarray,
    lat_rad: np.ndarray,
    lon_rad: np.ndarray,
    lat: float,
    lon: float,
    k: int,
) -> tuple[np.ndarray, np.ndarray]:
    """The k nearest of the given slots by (distance, id): ids and distances, ascending."""
    cand_ids, dist = gather_distances_kernel(slots, ids, lat_rad, lon_rad, lat, lon)
    order = k_smallest_kernel(cand_ids, dist, k)
    return cand_ids[order], dist[order]
