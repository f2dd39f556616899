"""Input checks shared by every public function: one place decides what a valid coordinate is."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from geo._kernels import EARTH_RADIUS_M
from geo.errors import (
    InvalidAccuracy,
    InvalidArgument,
    InvalidCoordinate,
    InvalidRadius,
    ShapeMismatch,
    SwappedCoordinates,
)

if TYPE_CHECKING:
    import numpy.typing as npt

__all__ = [
    "MAX_DISTANCE_M",
    "MIN_ACCURACY_M",
    "check_accuracy_m",
    "check_lat_lon",
    "check_lat_lon_arrays",
    "check_non_negative_m",
    "check_positive",
    "check_probability",
    "check_radius_m",
    "float_array",
]

MAX_DISTANCE_M = math.pi * EARTH_RADIUS_M
"""Half the Earth's circumference (20,015 km): no two points are further apart, so no
radius or accuracy circle needs to be larger."""
MIN_ACCURACY_M = 0.01
"""Smallest accuracy radius a fix may state (1 cm; survey receivers, never phones)."""


def check_lat_lon(lat: float, lon: float) -> tuple[float, float]:
    """Return ``(lat, lon)`` as floats, or raise naming the bad value and the likely cause."""
    # Fast path for the common case; NaN fails the comparisons and takes the slow path.
    if (
        type(lat) is float
        and type(lon) is float
        and -90.0 <= lat <= 90.0
        and -180.0 <= lon <= 180.0
    ):
        return lat, lon
    try:
        lat_f = float(lat)
        lon_f = float(lon)
    except (TypeError, ValueError) as exc:
        raise InvalidCoordinate(f"lat={lat!r}, lon={lon!r} are not numbers") from exc
    if not (math.isfinite(lat_f) and math.isfinite(lon_f)):
        raise InvalidCoordinate(f"lat={lat_f!r}, lon={lon_f!r}: coordinates must be finite")
    if not -90.0 <= lat_f <= 90.0:
        if -180.0 <= lat_f <= 180.0 and -90.0 <= lon_f <= 90.0:
            raise SwappedCoordinates(
                f"lat={lat_f!r} is outside [-90, 90] but lon={lon_f!r} would be a valid "
                "latitude: the arguments look swapped (the order is lat, lon)"
            )
        raise InvalidCoordinate(f"lat={lat_f!r} is outside [-90, 90]")
    if not -180.0 <= lon_f <= 180.0:
        raise InvalidCoordinate(f"lon={lon_f!r} is outside [-180, 180]")
    return lat_f, lon_f


def float_array(values: npt.ArrayLike, name: str) -> npt.NDArray[np.float64]:
    """Return ``values`` as a 1-D contiguous float64 array, or raise naming ``name``."""
    try:
        arr = np.ascontiguousarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidArgument(f"{name} is not an array of numbers") from exc
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise ShapeMismatch(f"{name} must be one-dimensional, got shape {arr.shape}")
    return arr


def check_lat_lon_arrays(
    lat: npt.ArrayLike, lon: npt.ArrayLike
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Validate parallel lat/lon arrays; the error names the first bad row."""
    lat_a = float_array(lat, "lat")
    lon_a = float_array(lon, "lon")
    if lat_a.shape != lon_a.shape:
        raise ShapeMismatch(f"lat has shape {lat_a.shape} but lon has shape {lon_a.shape}")
    bad = ~(np.isfinite(lat_a) & np.isfinite(lon_a) & (np.abs(lat_a) <= 90.0))
    bad |= ~(np.abs(lon_a) <= 180.0)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        try:
            check_lat_lon(float(lat_a[row]), float(lon_a[row]))
        except InvalidCoordinate as exc:
            raise type(exc)(f"row {row}: {exc}") from None
    return lat_a, lon_a


def check_non_negative_m(value: float, name: str) -> float:
    """Return ``value`` (metres) if finite, >= 0 and at most half the Earth's circumference."""
    try:
        v = float(value)
    except (TypeError, ValueError) as exc:
        raise InvalidRadius(f"{name}={value!r} is not a number") from exc
    if not math.isfinite(v) or v < 0.0:
        raise InvalidRadius(f"{name}={v!r} must be a finite number of metres >= 0")
    if v > MAX_DISTANCE_M:
        raise InvalidRadius(
            f"{name}={v!r} exceeds half the Earth's circumference ({MAX_DISTANCE_M:.0f} m)"
        )
    return v


def check_radius_m(value: float, name: str) -> float:
    """Return a radius (metres) if finite, > 0 and at most half the Earth's circumference."""
    v = check_non_negative_m(value, name)
    if v == 0.0:
        raise InvalidRadius(f"{name}={v!r} must be a finite number of metres > 0")
    return v


def check_accuracy_m(value: float, name: str = "accuracy_m") -> float:
    """Return an accuracy radius (metres) within [1 cm, half the Earth's circumference].

    A larger circle says nothing about where the phone is; a smaller one no phone can
    measure. Either is a malformed report (:class:`InvalidAccuracy`), not a position.
    """
    try:
        v = float(value)
    except (TypeError, ValueError) as exc:
        raise InvalidAccuracy(f"{name}={value!r} is not a number") from exc
    if not math.isfinite(v) or v <= 0.0:
        raise InvalidAccuracy(f"{name}={v!r} must be a finite number of metres > 0")
    if v < MIN_ACCURACY_M:
        raise InvalidAccuracy(f"{name}={v!r} is below {MIN_ACCURACY_M} m: no phone measures that")
    if v > MAX_DISTANCE_M:
        raise InvalidAccuracy(
            f"{name}={v!r} exceeds half the Earth's circumference ({MAX_DISTANCE_M:.0f} m)"
        )
    return v


def check_positive(value: float, name: str) -> float:
    """Return ``value`` if finite and > 0, else raise :class:`InvalidArgument`."""
    try:
        v = float(value)
    except (TypeError, ValueError) as exc:
        raise InvalidArgument(f"{name}={value!r} is not a number") from exc
    if not math.isfinite(v) or v <= 0.0:
        raise InvalidArgument(f"{name}={v!r} must be a finite number > 0")
    return v


def check_probability(value: float, name: str) -> float:
    """Return ``value`` if strictly between 0 and 1, else raise :class:`InvalidArgument`."""
    try:
        v = float(value)
    except (TypeError, ValueError) as exc:
        raise InvalidArgument(f"{name}={value!r} is not a number") from exc
    if not 0.0 < v < 1.0:
        raise InvalidArgument(f"{name}={v!r} must lie strictly between 0 and 1")
    return v
