"""Where the GCJ-02 shift applies: a coarse outline of mainland China (plus Hainan).

Chinese map providers shift positions only inside China; outside they serve WGS-84. The
common shortcut, a latitude/longitude rectangle, also shifts Seoul, Hanoi, Ulaanbaatar and
Taipei. We use a hand-drawn outline instead: about 120 vertices, borders good to a few tens of
kilometres, Hong Kong and Macau inside (AMap shifts them), Taiwan outside. A point within a few
tens of kilometres of a land border may be classified wrongly; no retailer of ours is there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from geo._kernels import jit

if TYPE_CHECKING:
    import numpy.typing as npt

__all__ = ["in_mainland_china", "near_mainland_china"]

# (lat, lon) rings, degrees. Traversal: Mohe, west along the Argun and the Mongolian and
# Central-Asian borders, the Himalaya, the south-east Asian borders, the coast north to the
# Yalu, the Korean and Russian borders, the Amur back to Mohe.
_MAINLAND: tuple[tuple[float, float], ...] = (
    (53.56, 123.3), (53.3, 121.4), (52.6, 120.7), (51.4, 119.5), (50.3, 119.2),
    (49.9, 117.8), (49.6, 117.4), (49.9, 116.7), (48.0, 115.6), (47.7, 115.9),
    (46.7, 119.9), (46.3, 116.6), (45.4, 114.5), (44.8, 113.0), (43.65, 111.98),
    (42.6, 110.4), (42.4, 107.0), (41.6, 105.0), (42.5, 101.8), (42.6, 100.0),
    (42.7, 96.4), (44.3, 95.4), (45.0, 93.5), (45.3, 90.7), (46.0, 91.0),
    (47.8, 90.4), (48.5, 88.0), (49.2, 87.3), (47.2, 85.5), (47.0, 83.0),
    (45.3, 82.5), (45.0, 80.4), (43.0, 80.0), (42.2, 80.2), (41.5, 78.5),
    (40.9, 77.0), (40.6, 75.6), (39.5, 73.5), (37.4, 74.5), (37.0, 75.0),
    (36.0, 76.0), (35.5, 77.8), (34.6, 78.3), (33.0, 79.5), (32.5, 78.8),
    (31.0, 79.0), (30.2, 81.0), (28.8, 84.0), (27.9, 86.0), (28.0, 88.0),
    (27.5, 88.9), (27.8, 92.0), (29.0, 96.0), (28.2, 97.3), (27.5, 98.6),
    (25.9, 98.7), (24.8, 97.5), (24.0, 97.8), (22.9, 99.5), (22.1, 99.2),
    (21.5, 100.1), (21.15, 101.15), (22.45, 101.7), (22.5, 102.4), (22.5, 103.95),
    (23.3, 105.3), (23.0, 105.8), (22.9, 106.5), (22.1, 106.7), (21.54, 107.97),
    (21.4, 109.1), (21.0, 109.7), (20.2, 110.2), (21.0, 110.5), (21.5, 111.8),
    (22.0, 113.5), (22.15, 114.4), (23.3, 116.8), (24.4, 118.2), (26.0, 119.95),
    (27.0, 120.5), (27.9, 121.2), (28.6, 121.9), (30.0, 122.9), (30.9, 122.0),
    (31.8, 121.95), (33.0, 120.9), (34.7, 119.5), (36.0, 120.5), (37.2, 122.7),
    (37.8, 120.8), (37.8, 119.0), (38.3, 117.8), (39.0, 117.8), (39.9, 119.6),
    (40.8, 121.1), (40.7, 122.2), (38.7, 121.1), (38.9, 121.75), (39.4, 122.6), (39.85, 124.3),
    (40.5, 125.0), (41.0, 126.0), (41.7, 127.0), (42.0, 128.1), (42.4, 129.5),
    (42.97, 129.8), (42.9, 130.2), (42.4, 130.6), (42.9, 131.3), (44.4, 131.2),
    (44.9, 131.0), (45.0, 132.5), (45.8, 133.0), (46.5, 133.9), (48.3, 134.7),
    (47.7, 132.5), (48.9, 130.4), (50.25, 127.5), (53.1, 125.5),
)  # fmt: skip

_HAINAN: tuple[tuple[float, float], ...] = (
    (20.2, 109.6), (20.2, 110.9), (19.5, 111.1), (18.6, 110.5), (18.1, 109.5),
    (18.5, 108.6), (19.4, 108.6),
)  # fmt: skip

_RING_LAT = np.array([p[0] for ring in (_MAINLAND, _HAINAN) for p in ring])
_RING_LON = np.array([p[1] for ring in (_MAINLAND, _HAINAN) for p in ring])
_RING_STARTS = np.array([0, len(_MAINLAND), len(_MAINLAND) + len(_HAINAN)], dtype=np.int64)


@jit
def _in_rings_kernel(
    lat: np.ndarray,
    lon: np.ndarray,
    ring_lat: np.ndarray,
    ring_lon: np.ndarray,
    starts: np.ndarray,
) -> np.ndarray:
    """Even-odd ray casting along each point's parallel, over every ring."""
    n = lat.shape[0]
    out = np.zeros(n, dtype=np.bool_)
    for i in range(n):
        y, x = lat[i], lon[i]
        if not (17.9 < y < 53.7 and 73.3 < x < 135.2):
            continue
        inside = False
        for r in range(starts.shape[0] - 1):
            first, last = starts[r], starts[r + 1]
            j = last - 1
            for k in range(first, last):
                ya, yb = ring_lat[j], ring_lat[k]
                if (ya > y) != (yb > y):
                    crossing = ring_lon[j] + (y - ya) * (ring_lon[k] - ring_lon[j]) / (yb - ya)
                    if x < crossing:
                        inside = not inside
                j = k
        out[i] = inside
    return out


def in_mainland_china(
    lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]
) -> npt.NDArray[np.bool_]:
    """Return, per point, whether the GCJ-02 shift applies there (see the module docstring)."""
    result: npt.NDArray[np.bool_] = _in_rings_kernel(lat, lon, _RING_LAT, _RING_LON, _RING_STARTS)
    return result


def near_mainland_china(
    lat: npt.NDArray[np.float64], lon: npt.NDArray[np.float64]
) -> npt.NDArray[np.bool_]:
    """Cheap prefilter: the outline's bounding box widened by about 10 km."""
    return (lat > 17.9) & (lat < 53.7) & (lon > 73.3) & (lon < 135.2)
