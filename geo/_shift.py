"""The published GCJ-02 and BD-09 obfuscation formulas, vectorised over numpy arrays.

GCJ-02 (GB 20263-2006 "Mars coordinates") was never published officially; the formula below
is the one leaked in 2009 and reproduced by every open implementation (eviltransform,
PRCoords, coordtransform). BD-09 is Baidu's further rotation/scaling on top of GCJ-02. The
inverses have no closed form, so :func:`gcj_to_wgs` and :func:`bd_to_gcj` iterate the forward
map to a fixed point (Newton-free, contraction factor about 1e-5 per step).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import numpy.typing as npt

    _F = npt.NDArray[np.float64]

__all__ = ["bd_to_gcj", "gcj_to_bd", "gcj_to_wgs", "wgs_to_gcj"]

_KRASOVSKY_A_M = 6378245.0
_KRASOVSKY_EE = 0.00669342162296594323
_BD_X_PI = np.pi * 3000.0 / 180.0
_BD_DLAT = 0.006
_BD_DLON = 0.0065
# 1e-10 degrees is about 0.01 mm: far below the 0.01 m round-trip target.
_INVERSE_TOL_DEG = 1e-10
_INVERSE_MAX_ITER = 30


def _gcj_delta(lat: _F, lon: _F) -> tuple[_F, _F]:
    """GCJ-02 minus WGS-84 offset (degrees) evaluated at ``(lat, lon)``."""
    x = lon - 105.0
    y = lat - 35.0
    sqrt_abs_x = np.sqrt(np.abs(x))
    common = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    d_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt_abs_x + common
    d_lat += (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    d_lat += (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    d_lon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt_abs_x + common
    d_lon += (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    d_lon += (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    rad_lat = np.radians(lat)
    magic = 1.0 - _KRASOVSKY_EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    d_lat = (d_lat * 180.0) / (
        (_KRASOVSKY_A_M * (1.0 - _KRASOVSKY_EE)) / (magic * sqrt_magic) * np.pi
    )
    d_lon = (d_lon * 180.0) / (_KRASOVSKY_A_M / sqrt_magic * np.cos(rad_lat) * np.pi)
    return d_lat, d_lon


def wgs_to_gcj(lat: _F, lon: _F) -> tuple[_F, _F]:
    """Forward GCJ-02 shift for points already known to be inside China."""
    d_lat, d_lon = _gcj_delta(lat, lon)
    return lat + d_lat, lon + d_lon


def gcj_to_wgs(lat: _F, lon: _F) -> tuple[_F, _F]:
    """Invert :func:`wgs_to_gcj` by fixed-point iteration to 1e-10 degrees."""
    w_lat, w_lon = lat.copy(), lon.copy()
    for _ in range(_INVERSE_MAX_ITER):
        g_lat, g_lon = wgs_to_gcj(w_lat, w_lon)
        e_lat, e_lon = g_lat - lat, g_lon - lon
        w_lat -= e_lat
        w_lon -= e_lon
        if np.all(np.abs(e_lat) < _INVERSE_TOL_DEG) and np.all(np.abs(e_lon) < _INVERSE_TOL_DEG):
            break
    return w_lat, w_lon


def gcj_to_bd(lat: _F, lon: _F) -> tuple[_F, _F]:
    """Baidu's BD-09 rotation/scaling of a GCJ-02 point."""
    z = np.hypot(lon, lat) + 0.00002 * np.sin(lat * _BD_X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _BD_X_PI)
    return z * np.sin(theta) + _BD_DLAT, z * np.cos(theta) + _BD_DLON


def _bd_to_gcj_rough(lat: _F, lon: _F) -> tuple[_F, _F]:
    x = lon - _BD_DLON
    y = lat - _BD_DLAT
    z = np.hypot(x, y) - 0.00002 * np.sin(y * _BD_X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _BD_X_PI)
    return z * np.sin(theta), z * np.cos(theta)


def bd_to_gcj(lat: _F, lon: _F) -> tuple[_F, _F]:
    """Invert :func:`gcj_to_bd`: Baidu's published approximation, refined to 1e-10 degrees."""
    g_lat, g_lon = _bd_to_gcj_rough(lat, lon)
    for _ in range(_INVERSE_MAX_ITER):
        b_lat, b_lon = gcj_to_bd(g_lat, g_lon)
        e_lat, e_lon = b_lat - lat, b_lon - lon
        g_lat -= e_lat
        g_lon -= e_lon
        if np.all(np.abs(e_lat) < _INVERSE_TOL_DEG) and np.all(np.abs(e_lon) < _INVERSE_TOL_DEG):
            break
    return g_lat, g_lon
