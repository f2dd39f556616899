"""Coordinate systems and one named point type per system.

Chinese web maps publish positions in GCJ-02 (AMap/Tencent, the "Mars" datum) or BD-09
(Baidu), both deliberately shifted from WGS-84 by hundreds of metres. Giving each system its
own frozen type lets mypy stop a GCJ-02 point from being stored where WGS-84 is expected; the
only way across is :func:`geo.to_wgs84` / :func:`geo.from_wgs84`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import ClassVar

from geo._validate import check_lat_lon
from geo.errors import UnknownCoordSystem

__all__ = ["Bd09", "CoordSystem", "Gcj02", "Point", "Wgs84", "point_in"]


class CoordSystem(enum.Enum):
    """The three coordinate systems positions arrive in (R1.3)."""

    WGS84 = "WGS84"
    GCJ02 = "GCJ02"
    BD09 = "BD09"

    @classmethod
    def parse(cls, value: CoordSystem | str) -> CoordSystem:
        """Return the system named by ``value`` (case, dashes and ``EPSG:4326`` tolerated).

        Examples
        --------
        >>> CoordSystem.parse("gcj-02")
        <CoordSystem.GCJ02: 'GCJ02'>
        """
        if isinstance(value, CoordSystem):
            return value
        if isinstance(value, str):
            key = value.strip().upper().replace("-", "").replace("_", "")
            if key in ("EPSG:4326", "WGS", "GPS"):
                key = "WGS84"
            for system in cls:
                if system.value == key:
                    return system
        raise UnknownCoordSystem(
            f"unknown coordinate system {value!r}; expected one of WGS84, GCJ02, BD09"
        )


@dataclass(frozen=True, slots=True)
class Wgs84:
    """A WGS-84 position in degrees: the system everything is stored and measured in.

    Examples
    --------
    >>> Wgs84(27.9938, 120.6994)
    Wgs84(lat=27.9938, lon=120.6994)
    """

    lat: float
    lon: float
    system: ClassVar[CoordSystem] = CoordSystem.WGS84

    def __post_init__(self) -> None:
        lat, lon = check_lat_lon(self.lat, self.lon)
        object.__setattr__(self, "lat", lat)
        object.__setattr__(self, "lon", lon)


@dataclass(frozen=True, slots=True)
class Gcj02:
    """A GCJ-02 position in degrees, as given by AMap, Tencent and China Mobile.

    Examples
    --------
    >>> Gcj02(27.9911, 120.7040).system
    <CoordSystem.GCJ02: 'GCJ02'>
    """

    lat: float
    lon: float
    system: ClassVar[CoordSystem] = CoordSystem.GCJ02

    def __post_init__(self) -> None:
        lat, lon = check_lat_lon(self.lat, self.lon)
        object.__setattr__(self, "lat", lat)
        object.__setattr__(self, "lon", lon)


@dataclass(frozen=True, slots=True)
class Bd09:
    """A BD-09 position in degrees, as given by Baidu Maps.

    Examples
    --------
    >>> Bd09(27.9970, 120.7105).system
    <CoordSystem.BD09: 'BD09'>
    """

    lat: float
    lon: float
    system: ClassVar[CoordSystem] = CoordSystem.BD09

    def __post_init__(self) -> None:
        lat, lon = check_lat_lon(self.lat, self.lon)
        object.__setattr__(self, "lat", lat)
        object.__setattr__(self, "lon", lon)


Point = Wgs84 | Gcj02 | Bd09
"""Any named point; functions that accept several systems take this union."""

_TYPES: dict[CoordSystem, type[Wgs84] | type[Gcj02] | type[Bd09]] = {
    CoordSystem.WGS84: Wgs84,
    CoordSystem.GCJ02: Gcj02,
    CoordSystem.BD09: Bd09,
}


def point_in(system: CoordSystem | str, lat: float, lon: float) -> Point:
    """Build the point type of ``system``: the one place a system name becomes a type.

    Parameters
    ----------
    system
        A :class:`CoordSystem` or its name (``"GCJ02"``, ``"gcj-02"``, ...).
    lat, lon
        Degrees, latitude first.

    Raises
    ------
    UnknownCoordSystem
        If ``system`` names no known system.
    InvalidCoordinate
        If ``lat``/``lon`` are NaN, out of range or swapped.

    Examples
    --------
    >>> point_in("BD09", 28.0, 120.7)
    Bd09(lat=28.0, lon=120.7)
    """
    return _TYPES[CoordSystem.parse(system)](lat, lon)
