"""Licence spacing (合理布局, R6.3): which licensed retailers are too close to a new one."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from geo._validate import check_lat_lon, check_non_negative_m
from geo.errors import InvalidArgument
from geo.index import RetailerIndex

if TYPE_CHECKING:
    from collections.abc import Mapping

    import numpy.typing as npt

__all__ = ["SpacingConflict", "SpacingRule", "spacing_conflicts"]


@dataclass(frozen=True, slots=True)
class SpacingConflict:
    """A licensed retailer closer to the proposed position than the minimum spacing."""

    retailer_id: int
    distance_m: float
    shortfall_m: float


@dataclass(frozen=True, slots=True)
class SpacingRule:
    """Minimum spacing in metres, by area and business type (local licensing rules vary).

    Examples
    --------
    >>> SpacingRule(50.0, by_area={"lucheng": 100.0}).min_spacing_m(area="lucheng")
    100.0
    """

    default_m: float
    by_area: Mapping[str, float] = field(default_factory=dict)
    by_business_type: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_non_negative_m(self.default_m, "default_m")
        for key, value in {**self.by_area, **self.by_business_type}.items():
            check_non_negative_m(value, f"spacing[{key!r}]")

    def min_spacing_m(self, *, area: str | None = None, business_type: str | None = None) -> float:
        """Return the spacing for a business type in an area (type, else area, else default)."""
        if business_type is not None and business_type in self.by_business_type:
            return float(self.by_business_type[business_type])
        if area is not None and area in self.by_area:
            return float(self.by_area[area])
        return float(self.default_m)


def spacing_conflicts(
    retailers: RetailerIndex | tuple[npt.ArrayLike, npt.ArrayLike, npt.ArrayLike],
    lat: float,
    lon: float,
    min_spacing_m: float,
    *,
    exclude_id: int | None = None,
) -> list[SpacingConflict]:
    """Licensed retailers strictly closer than ``min_spacing_m`` to a proposed position.

    Parameters
    ----------
    retailers
        A :class:`RetailerIndex`, or ``(ids, lat, lon)`` arrays of licensed retailers.
    lat, lon
        The proposed shop, WGS-84 degrees.
    min_spacing_m
        The minimum distance required between tobacco retailers.
    exclude_id
        The applicant's own id when re-checking an existing licence.

    Returns
    -------
    list of SpacingConflict
        Nearest first (ties by id).

    Examples
    --------
    >>> idx = RetailerIndex.from_arrays([1, 2], [28.0, 28.01], [120.7, 120.7])
    >>> [(c.retailer_id, round(c.distance_m)) for c in spacing_conflicts(idx, 28.0003, 120.7, 50.0)]
    [(1, 33)]
    """
    lat, lon = check_lat_lon(lat, lon)
    spacing = check_non_negative_m(min_spacing_m, "min_spacing_m")
    if isinstance(retailers, RetailerIndex):
        index = retailers
    elif isinstance(retailers, tuple) and len(retailers) == 3:
        index = RetailerIndex.from_arrays(*retailers)
    else:
        raise InvalidArgument("retailers must be a RetailerIndex or an (ids, lat, lon) tuple")
    ids, dist = index.within_with_distance(lat, lon, spacing)
    keep = dist < spacing
    if exclude_id is not None:
        keep &= ids != exclude_id
    return [
        SpacingConflict(retailer_id=int(i), distance_m=float(d), shortfall_m=spacing - float(d))
        for i, d in zip(ids[keep].tolist(), dist[keep].tolist(), strict=True)
    ]
