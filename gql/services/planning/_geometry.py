"""Great-circle distances and a local planar projection, in metres.

Private stand-in for ``geo`` while that package is being written; degrees become radians only
here. The planar projection is used for clustering geometry (centres, triangulation) over one
city district, where an equirectangular projection about the district centre distorts lengths
by far less than the balance tolerances.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

EARTH_RADIUS_M = 6_371_008.8

FloatArray = npt.NDArray[np.float64]


def haversine_m(
    lat1_deg: FloatArray, lon1_deg: FloatArray, lat2_deg: FloatArray, lon2_deg: FloatArray
) -> FloatArray:
    """Return great-circle distances in metres between broadcast point arrays.

    Examples
    --------
    >>> d = haversine_m(np.array([0.0]), np.array([0.0]), np.array([0.0]), np.array([1.0]))
    >>> round(float(d[0]), 1)
    111195.1
    """
    lat1, lon1, lat2, lon2 = (np.radians(v) for v in (lat1_deg, lon1_deg, lat2_deg, lon2_deg))
    h = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return np.asarray(
        2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0))), dtype=np.float64
    )


def project_local_m(lat_deg: FloatArray, lon_deg: FloatArray) -> FloatArray:
    """Project WGS-84 points to an ``(n, 2)`` array of north/east metres about their centre.

    The order of the columns follows the house rule, latitude (north) first.
    """
    lat0 = np.radians(float(np.mean(lat_deg)))
    lon0 = float(np.mean(lon_deg))
    north_m = np.radians(lat_deg - float(np.mean(lat_deg))) * EARTH_RADIUS_M
    east_m = np.radians(lon_deg - lon0) * EARTH_RADIUS_M * np.cos(lat0)
    return np.column_stack([north_m, east_m]).astype(np.float64)
