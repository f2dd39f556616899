"""Integer cost matrices for the TSP core (metres or seconds), with road conditions (R2.3)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np

from geo._kernels import cost_matrix_kernel
from geo._validate import check_lat_lon_arrays, check_positive, float_array
from geo.distance import radians
from geo.errors import InvalidArgument, ShapeMismatch

if TYPE_CHECKING:
    import numpy.typing as npt

__all__ = ["DEFAULT_SPEED_MPS", "cost_matrix"]

DEFAULT_SPEED_MPS = 25.0 / 3.6
"""Urban two-wheeler/car speed between retailers (25 km/h), used when ``unit="s"``."""


def cost_matrix(
    lat: npt.ArrayLike,
    lon: npt.ArrayLike,
    *,
    unit: Literal["m", "s"] = "m",
    speed_mps: float = DEFAULT_SPEED_MPS,
    road_factor: float | npt.ArrayLike = 1.0,
    road_matrix: npt.ArrayLike | None = None,
) -> npt.NDArray[np.int64]:
    """Build the symmetric-or-not integer cost matrix the TSP solver consumes.

    Without ``road_matrix`` the cost is the great-circle distance times a road factor: a
    scalar for the whole area, or one factor per point (for the leg i→j the mean of the two
    ends is used, so a leg into the old town costs more than one across the ring road).
    With ``road_matrix`` (metres, from a routing engine) the matrix is used as given and
    ``road_factor`` must stay 1.0, because real road distances already contain the detours.

    Parameters
    ----------
    lat, lon
        WGS-84 degrees of the n stops, latitude first.
    unit
        ``"m"`` for metres, ``"s"`` for travel seconds at ``speed_mps``.
    speed_mps
        Travel speed in metres per second, used only when ``unit="s"``.
    road_factor
        Detour factor (> 0), scalar or one per point.
    road_matrix
        Optional n×n non-negative road distances in metres, replacing the great circle.

    Returns
    -------
    ndarray of int64, shape (n, n)
        Costs rounded to the nearest metre or second; zero diagonal.

    Examples
    --------
    >>> cost_matrix([28.0, 28.0], [120.7, 120.71], road_factor=1.3)
    array([[   0, 1276],
           [1276,    0]])
    >>> cost_matrix([28.0, 28.0], [120.7, 120.71], unit="s", speed_mps=10.0)
    array([[ 0, 98],
           [98,  0]])
    """
    if unit not in ("m", "s"):
        raise InvalidArgument(f"unit={unit!r} must be 'm' (metres) or 's' (seconds)")
    lat_a, lon_a = check_lat_lon_arrays(lat, lon)
    n = lat_a.shape[0]
    per_m = 1.0 if unit == "m" else 1.0 / check_positive(speed_mps, "speed_mps")
    factor_a = float_array(road_factor, "road_factor")
    if factor_a.shape not in ((1,), (n,)):
        raise ShapeMismatch(f"road_factor has {factor_a.shape[0]} entries for {n} points")
    factor = np.broadcast_to(factor_a, (n,)) if n else None
    if factor is not None and not (np.all(np.isfinite(factor)) and np.all(factor > 0.0)):
        bad = float(factor[~(np.isfinite(factor) & (factor > 0.0))][0])
        raise InvalidArgument(f"road_factor={bad!r} must be finite and > 0")
    if road_matrix is not None:
        return _from_road_matrix(road_matrix, n, per_m, factor)
    if n == 0:
        return np.zeros((0, 0), dtype=np.int64)
    result: npt.NDArray[np.int64] = cost_matrix_kernel(
        radians(lat_a), radians(lon_a), np.ascontiguousarray(factor), per_m
    )
    return result


def _from_road_matrix(
    road_matrix: npt.ArrayLike,
    n: int,
    per_m: float,
    factor: npt.NDArray[np.float64] | None,
) -> npt.NDArray[np.int64]:
    if factor is not None and np.any(factor != 1.0):
        raise InvalidArgument(
            "road_factor must be 1.0 when road_matrix is given: road distances already "
            "include the detours"
        )
    try:
        matrix = np.asarray(road_matrix, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidArgument("road_matrix is not a numeric matrix") from exc
    if matrix.shape != (n, n):
        raise ShapeMismatch(f"road_matrix has shape {matrix.shape}, expected ({n}, {n})")
    finite = np.isfinite(matrix)
    if not finite.all() or (matrix < 0.0).any():
        i, j = np.argwhere(~finite | (matrix < 0.0))[0]
        raise InvalidArgument(
            f"road_matrix[{i}, {j}]={float(matrix[i, j])!r} must be a finite distance_m >= 0"
        )
    return np.rint(matrix * per_m).astype(np.int64)
