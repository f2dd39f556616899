"""Invariant checks shared by the domain dataclasses."""

from __future__ import annotations

import math

__all__ = ["check_lat_lon", "check_seconds_of_day"]

SECONDS_PER_DAY = 86_400


def check_lat_lon(lat: float, lon: float) -> None:
    """Reject coordinates no place on earth has.

    A swapped or unit-less pair (lon in the lat slot, radians, projected metres) must fail
    where it enters the domain, not as a wrong distance three layers later.

    Raises
    ------
    ValueError
        If either value is not finite or lies outside its range.
    """
    if not (math.isfinite(lat) and -90.0 <= lat <= 90.0):
        raise ValueError(f"latitude {lat!r} is outside -90..90 degrees")
    if not (math.isfinite(lon) and -180.0 <= lon <= 180.0):
        raise ValueError(f"longitude {lon!r} is outside -180..180 degrees")


def check_seconds_of_day(open_s: int, close_s: int) -> None:
    """Reject a window that is empty or leaves the day.

    Windows crossing midnight are stored as two windows, so every window is an
    ordinary interval within one day and routing never has to reason about wrap-around.

    Raises
    ------
    ValueError
        Unless ``0 <= open_s < close_s <= 86400``.
    """
    if not 0 <= open_s < close_s <= SECONDS_PER_DAY:
        raise ValueError(
            f"opening window {open_s}..{close_s} s must satisfy 0 <= open < close <= 86400"
        )
