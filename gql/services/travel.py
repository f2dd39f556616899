"""How travel between stops is priced when no road-distance matrix is supplied (R2.3).

One setting for the whole service: day plans, audit routes, territory partitions and schedules
price a kilometre alike, so a territory balanced on paper is balanced on the road.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["RoutingSettings"]


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
