"""How travel between stops is priced when no road-distance matrix is supplied (R2.3).

One setting for the whole service: day plans, audit routes, territory partitions and schedules
price a kilometre alike, so a territory balanced on paper is balanced on the road.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from gql.services.errors import InvalidInput
from gql.services.territories.rules import PlanningError
from gql.services.territories.rules.legs import priced_legs
from gql.services.workers import offload

if TYPE_CHECKING:
    from collections.abc import Sequence

    from gql.domain import Retailer
    from gql.services.errors import FieldPath
    from gql.services.territories.rules.barriers import Barriers

__all__ = ["RoutingSettings", "day_legs"]

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class RoutingSettings:
    """How travel is modelled when no road-distance matrix is supplied (R2.3).

    A leg costs its great-circle length times a detour factor: the mean of its two ends'
    area factors (``area_road_factors`` by 片区 code: an old town of one-way lanes, a river
    crossed by few bridges), ``road_factor`` for an area not listed and for the start point.
    """

    speed_mps: float = 6.0
    road_factor: float = 1.35
    time_limit_s: float = 1.0
    deadline_s: float = 10.0
    area_road_factors: tuple[tuple[str, float], ...] = ()

    def point_factors(self, area_codes: Sequence[str | None]) -> npt.NDArray[np.float64]:
        """Each point's detour factor by its area (``None``: the default).

        :func:`geo.cost_matrix` prices a leg at the mean of its two ends' factors.
        """
        areas = dict(self.area_road_factors)
        return np.array(
            [self.road_factor if a is None else areas.get(a, self.road_factor) for a in area_codes],
            dtype=np.float64,
        )


async def day_legs(
    routing: RoutingSettings,
    start_lat: float,
    start_lon: float,
    stops: Sequence[Retailer],
    barriers: Barriers,
    *,
    field: FieldPath = (),
) -> tuple[IntArray, IntArray]:
    """Metres and seconds between a day's start (index 0) and its stops, as every day is priced.

    Off the event loop: with barriers it runs shapely and a shortest path. Positions the
    pricing rejects are :class:`InvalidInput` at ``field``.
    """
    lat = np.array([start_lat, *(r.lat for r in stops)], dtype=np.float64)
    lon = np.array([start_lon, *(r.lon for r in stops)], dtype=np.float64)
    detour = routing.point_factors([None, *(r.area_code for r in stops)])
    try:
        return await offload(
            priced_legs,
            lat,
            lon,
            road_factor=detour,
            speed_mps=routing.speed_mps,
            barriers=barriers,
        )
    except PlanningError as exc:
        raise InvalidInput(str(exc), field=field) from exc
