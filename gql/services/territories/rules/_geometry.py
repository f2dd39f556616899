"""A local planar projection, in metres (distances on the sphere come from ``geo``).

The planar projection is used for clustering geometry (centres, triangulation) over one
city district, where an equirectangular projection about the district centre distorts lengths
by far less than the balance tolerances.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from geo import EARTH_RADIUS_M

FloatArray = npt.NDArray[np.float64]


def project_local_m(lat_deg: FloatArray, lon_deg: FloatArray) -> FloatArray:
    """Project WGS-84 points to an ``(n, 2)`` array of north/east metres about their centre.

    The order of the columns follows the house rule, latitude (north) first.
    """
    return project_about_m(lat_deg, lon_deg, float(np.mean(lat_deg)), float(np.mean(lon_deg)))


def project_about_m(
    lat_deg: npt.ArrayLike, lon_deg: npt.ArrayLike, lat0_deg: float, lon0_deg: float
) -> FloatArray:
    """Project points to north/east metres about a given origin (to share retailers' frame)."""
    lat = np.asarray(lat_deg, dtype=np.float64)
    lon = np.asarray(lon_deg, dtype=np.float64)
    north_m = np.radians(lat - lat0_deg) * EARTH_RADIUS_M
    east_m = np.radians(lon - lon0_deg) * EARTH_RADIUS_M * np.cos(np.radians(lat0_deg))
    return np.column_stack([north_m, east_m]).astype(np.float64)
