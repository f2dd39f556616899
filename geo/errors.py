"""Typed errors of the geo library.

Every error is a ``ValueError`` (bad input is a value problem) and a :class:`GeoError`, so a
caller can catch the whole family at its boundary and map it to one "bad request" shape while
still branching on the subclass when it matters.
"""

from __future__ import annotations

__all__ = [
    "GeoError",
    "InvalidAccuracy",
    "InvalidArgument",
    "InvalidCoordinate",
    "InvalidRadius",
    "InvalidTimestamp",
    "ShapeMismatch",
    "SwappedCoordinates",
    "UnknownCoordSystem",
    "UnknownRetailer",
]


class GeoError(ValueError):
    """Base class of every error raised by :mod:`geo` for bad input."""


class InvalidCoordinate(GeoError):
    """A latitude or longitude is NaN, infinite or out of range."""


class SwappedCoordinates(InvalidCoordinate):
    """A latitude is out of range but would be valid as a longitude: (lon, lat) was passed."""


class UnknownCoordSystem(GeoError):
    """A coordinate-system name or value is none of WGS84, GCJ02, BD09."""


class InvalidRadius(GeoError):
    """A radius, spacing or distance argument is negative, NaN or infinite."""


class InvalidAccuracy(GeoError):
    """A fix's accuracy radius is not a positive finite number of metres."""


class InvalidTimestamp(GeoError):
    """A timestamp is naive (no time zone) or otherwise unusable."""


class ShapeMismatch(GeoError):
    """Arrays that must be parallel have different shapes, or a matrix is not square."""


class InvalidArgument(GeoError):
    """Any other argument outside its documented domain (k < 1, a speed <= 0, ...)."""


class UnknownRetailer(GeoError, KeyError):
    """A retailer id is not in the index (on delete or move)."""

    def __str__(self) -> str:
        # KeyError quotes its message; keep the plain sentence.
        return str(self.args[0]) if self.args else ""
