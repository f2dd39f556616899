"""Great-circle distances in metres on the mean-radius sphere (scalar and vectorised).

The spherical model is within 0.5 % of the ellipsoid everywhere, which is far inside the
error of any position fix; what matters is that every module measures the same way.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from geo._kernels import EARTH_RADIUS_M, haversine_many_kernel, haversine_pairs_kernel
from geo._validate import check_lat_lon, check_lat_lon_arrays
from geo.errors import ShapeMismatch

if TYPE_CHECKING:
    import numpy.typing as npt

    from geo.coords import Wgs84

__all__ = [
    "EARTH_RADIUS_M",
    "distance_m",
    "haversine_m",
    "haversine_m_array",
    "haversine_m_to_many",
    "local_offsets_m",
    "offset_point",
    "radians",
]


def radians(degrees: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Degrees to radians: the one place in geo where this conversion happens."""
    return np.ascontiguousarray(degrees * (math.pi / 180.0))


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two WGS-84 points given in degrees.

    Examples
    --------
    >>> round(haversine_m(28.0, 120.7, 28.0, 120.71))
    982
    """
    lat1, lon1 = check_lat_lon(lat1, lon1)
    lat2, lon2 = check_lat_lon(lat2, lon2)
    k = math.pi / 180.0
    s_lat = math.sin(0.5 * (lat2 - lat1) * k)
    s_lon = math.sin(0.5 * (lon2 - lon1) * k)
    h = s_lat * s_lat + math.cos(lat1 * k) * math.cos(lat2 * k) * s_lon * s_lon
    return 2.0 * EARTH_RADIUS_M * math.asin(math.sqrt(min(1.0, h)))


def distance_m(a: Wgs84, b: Wgs84) -> float:
    """Great-circle distance in metres between two WGS-84 points.

    Examples
    --------
    >>> from geo.coords import Wgs84
    >>> round(distance_m(Wgs84(28.0, 120.7), Wgs84(28.001, 120.7)))
    111
    """
    return haversine_m(a.lat, a.lon, b.lat, b.lon)


def haversine_m_array(
    lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """Element-wise great-circle distance in metres between two parallel arrays of points.

    Examples
    --------
    >>> haversine_m_array([28.0, 0.0], [120.7, 0.0], [28.0, 0.0], [120.7, 1.0]).round()
    array([     0., 111195.])
    """
    la1, lo1 = check_lat_lon_arrays(lat1, lon1)
    la2, lo2 = check_lat_lon_arrays(lat2, lon2)
    if la1.shape != la2.shape:
        raise ShapeMismatch(f"first points have shape {la1.shape}, second {la2.shape}")
    result: npt.NDArray[np.float64] = haversine_pairs_kernel(
        radians(la1), radians(lo1), radians(la2), radians(lo2)
    )
    return result


def haversine_m_to_many(
    lat: float, lon: float, lats: npt.ArrayLike, lons: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """Great-circle distance in metres from one point to each of many.

    Examples
    --------
    >>> haversine_m_to_many(0.0, 0.0, [0.0, 1.0], [1.0, 0.0]).round()
    array([111195., 111195.])
    """
    lat, lon = check_lat_lon(lat, lon)
    la, lo = check_lat_lon_arrays(lats, lons)
    k = math.pi / 180.0
    result: npt.NDArray[np.float64] = haversine_many_kernel(
        lat * k, lon * k, radians(la), radians(lo)
    )
    return result


def local_offsets_m(
    lat0: float, lon0: float, lats: npt.NDArray[np.float64], lons: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """North and east offsets (m) of points from ``(lat0, lon0)`` on the local tangent plane.

    Good to well under a metre within a few kilometres, which is all fix fusion needs.

    Examples
    --------
    >>> north, east = local_offsets_m(0.0, 0.0, np.array([0.001]), np.array([0.0]))
    >>> round(float(north[0]), 1), round(float(east[0]), 1)
    (111.2, 0.0)
    """
    k = math.pi / 180.0
    north = (lats - lat0) * k * EARTH_RADIUS_M
    east = (lons - lon0) * k * EARTH_RADIUS_M * math.cos(lat0 * k)
    return north, east


def offset_point(lat0: float, lon0: float, north_m: float, east_m: float) -> tuple[float, float]:
    """Inverse of :func:`local_offsets_m`: the ``(lat, lon)`` at an offset from a point.

    Examples
    --------
    >>> lat, lon = offset_point(0.0, 0.0, 111.2, 0.0)
    >>> round(lat, 4), lon
    (0.001, 0.0)
    """
    k = math.pi / 180.0
    lat = lat0 + north_m / EARTH_RADIUS_M / k
    lon = lon0 + east_m / (EARTH_RADIUS_M * math.cos(lat0 * k)) / k
    return lat, lon
