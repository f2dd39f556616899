"""Conversions between WGS-84, GCJ-02 and BD-09, scalar and vectorised.

Rule outside China: GCJ-02 and BD-09 are defined only inside mainland China (see
:mod:`geo._china` for the outline used). Outside it, all three systems coincide and every
conversion returns its input unchanged. Inside/outside is decided on the WGS-84 position in
both directions (for GCJ-02/BD-09 input: on its inverse), so a round trip never changes
its mind half-way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, overload

import numpy as np

from geo import _shift
from geo._china import in_mainland_china, near_mainland_china
from geo._validate import check_lat_lon_arrays
from geo.coords import CoordSystem, Point, Wgs84, point_in

if TYPE_CHECKING:
    import numpy.typing as npt

    _F = npt.NDArray[np.float64]

__all__ = ["convert", "convert_arrays", "from_wgs84", "in_china", "to_wgs84"]


def _to_wgs(lat: _F, lon: _F, src: CoordSystem) -> tuple[_F, _F]:
    if src is CoordSystem.BD09:
        lat, lon = _shift.bd_to_gcj(lat, lon)
    if src is not CoordSystem.WGS84:
        lat, lon = _shift.gcj_to_wgs(lat, lon)
    return lat, lon


def _from_wgs(lat: _F, lon: _F, dst: CoordSystem) -> tuple[_F, _F]:
    if dst is not CoordSystem.WGS84:
        lat, lon = _shift.wgs_to_gcj(lat, lon)
    if dst is CoordSystem.BD09:
        lat, lon = _shift.gcj_to_bd(lat, lon)
    return lat, lon


def convert_arrays(
    lat: npt.ArrayLike,
    lon: npt.ArrayLike,
    src: CoordSystem | str,
    dst: CoordSystem | str,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Convert parallel lat/lon arrays from ``src`` to ``dst``; returns new arrays.

    Parameters
    ----------
    lat, lon
        Degrees, same shape; validated (NaN, range, swapped order raise).
    src, dst
        Coordinate systems or their names.

    Returns
    -------
    tuple of ndarray
        ``(lat, lon)`` in ``dst``. Points outside mainland China are returned unchanged.

    Examples
    --------
    >>> lat, lon = convert_arrays([28.0, 48.85], [120.7, 2.35], "WGS84", "GCJ02")
    >>> bool(lat[0] != 28.0), float(lat[1])
    (True, 48.85)
    """
    src_s = CoordSystem.parse(src)
    dst_s = CoordSystem.parse(dst)
    lat_a, lon_a = check_lat_lon_arrays(lat, lon)
    return _convert_checked(lat_a, lon_a, src_s, dst_s)


def _convert_checked(lat_a: _F, lon_a: _F, src_s: CoordSystem, dst_s: CoordSystem) -> tuple[_F, _F]:
    """Convert arrays already validated (point types validate on construction)."""
    out_lat, out_lon = lat_a.copy(), lon_a.copy()
    if src_s is dst_s or lat_a.size == 0:
        return out_lat, out_lon
    rows = np.flatnonzero(near_mainland_china(lat_a, lon_a))
    if rows.size == 0:
        return out_lat, out_lon
    src_lat, src_lon = lat_a[rows], lon_a[rows]
    w_lat, w_lon = _to_wgs(src_lat, src_lon, src_s)
    # The shift applies where the WGS-84 position lies inside the outline, whichever
    # direction we convert in, so that round trips are exact up to the outline's edge.
    shifted = in_mainland_china(w_lat, w_lon)
    rows = rows[shifted]
    if src_s is CoordSystem.WGS84 or dst_s is CoordSystem.WGS84:
        d_lat, d_lon = _from_wgs(w_lat[shifted], w_lon[shifted], dst_s)
    elif dst_s is CoordSystem.BD09:
        d_lat, d_lon = _shift.gcj_to_bd(src_lat[shifted], src_lon[shifted])
    else:
        d_lat, d_lon = _shift.bd_to_gcj(src_lat[shifted], src_lon[shifted])
    out_lat[rows] = d_lat
    out_lon[rows] = d_lon
    return out_lat, out_lon


def in_china(lat: npt.ArrayLike, lon: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """Return, per point, whether the GCJ-02/BD-09 shift applies there.

    Examples
    --------
    >>> in_china([28.0, 37.57], [120.7, 126.98]).tolist()   # Wenzhou, Seoul
    [True, False]
    """
    lat_a, lon_a = check_lat_lon_arrays(lat, lon)
    return in_mainland_china(lat_a, lon_a)


def _convert_scalar(point: Point, dst: CoordSystem) -> tuple[float, float]:
    if point.system is dst:
        return point.lat, point.lon
    lat, lon = _convert_checked(np.array([point.lat]), np.array([point.lon]), point.system, dst)
    return float(lat[0]), float(lon[0])


def to_wgs84(point: Point) -> Wgs84:
    """Return the WGS-84 position of a point given in any system.

    Examples
    --------
    >>> from geo.coords import Gcj02
    >>> w = to_wgs84(Gcj02(27.99112, 120.70398))
    >>> round(w.lat, 4), round(w.lon, 4)
    (27.9944, 120.6999)
    """
    if isinstance(point, Wgs84):
        return point
    return Wgs84(*_convert_scalar(point, CoordSystem.WGS84))


@overload
def from_wgs84(point: Wgs84, system: CoordSystem) -> Point: ...
@overload
def from_wgs84(point: Wgs84, system: str) -> Point: ...
def from_wgs84(point: Wgs84, system: CoordSystem | str) -> Point:
    """Return ``point`` expressed in ``system`` (for maps that draw in GCJ-02 or BD-09).

    Examples
    --------
    >>> from_wgs84(Wgs84(48.85, 2.35), "BD09")   # outside China: unchanged
    Bd09(lat=48.85, lon=2.35)
    """
    if not isinstance(point, Wgs84):
        raise TypeError(f"from_wgs84 needs a Wgs84 point, got {type(point).__name__}")
    dst = CoordSystem.parse(system)
    return point_in(dst, *_convert_scalar(point, dst))


def convert(point: Point, system: CoordSystem | str) -> Point:
    """Return ``point`` expressed in ``system``, whatever system it is in now.

    Examples
    --------
    >>> from geo.coords import Bd09
    >>> p = convert(Bd09(28.0, 120.7), "GCJ02")
    >>> type(p).__name__
    'Gcj02'
    """
    dst = CoordSystem.parse(system)
    return point_in(dst, *_convert_scalar(point, dst))
