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
    lat0 = np.radians(float(np.mean(lat_deg)))
    lon0 = float(np.mean(lon_deg))
    north_m = np.radians(lat_deg - float(np.mean(lat_deg))) * EARTH_RADIUS_M
    east_m = np.radians(lon_deg - lon0) * EARTH_RADIUS_M * np.cos(lat0)
    return np.column_stack([north_m, east_m]).astype(np.float64)
