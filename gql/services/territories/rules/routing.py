"""Route one working day: the single seam between planning and a routing engine.

A day starts and ends at the manager's depot (office or home). Leg costs come from
:func:`.legs.priced_legs` (great-circle metres times the area's road factor, over a crossing
where a barrier is in the way, and seconds at the policy speed); stops have service times and
opening hours. The route itself comes from this package's numba kernel (:mod:`._route_kernels`):
``tsp.solve`` finds slightly shorter windowed routes but is about ten times slower per day, too
slow for 3,000 days inside the 2-minute target; swapping it in is a change to this function only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ._route_kernels import improve_route, route_cost, visit_start
from .barriers import NO_BARRIERS, Barriers
from .errors import InvalidRetailersError
from .legs import priced_legs

__all__ = ["DayRoute", "route_day", "warm_up"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_DAY_S = 24 * 3600


@dataclass(frozen=True, slots=True, eq=False)
class DayRoute:
    """A routed day.

    Attributes
    ----------
    order
        Positions into the day's stop arrays, in visiting order.
    travel_m
        Road metres driven, depot to depot.
    hours
        Working hours from leaving the depot to returning (travel, waiting, service).
    late_stops
        Stops whose visit fits no opening window that day (0 when opening hours are respected).
    """

    order: IntArray
    travel_m: float
    hours: float
    late_stops: int


def route_day(
    depot_lat_deg: float,
    depot_lon_deg: float,
    lat_deg: FloatArray,
    lon_deg: FloatArray,
    service_min: FloatArray,
    open_min: FloatArray,
    close_min: FloatArray,
    *,
    start_min: float = 8.5 * 60,
    speed_mps: float,
    road_factor: float | FloatArray,
    window_open_s: IntArray | None = None,
    window_close_s: IntArray | None = None,
    barriers: Barriers = NO_BARRIERS,
) -> DayRoute:
    """Return a short depot-to-depot route through the given stops that respects opening hours.

    ``window_open_s``/``window_close_s`` (``(stops, W)`` seconds, sorted, padded with -1) are
    the day's opening windows and take precedence over the single ``open_min``-``close_min``
    window; each visit must start and finish inside one window. ``road_factor`` is one factor,
    or one per point with the depot first; legs across ``barriers`` go over their crossings
    (:func:`.legs.priced_legs`).
    """
    lat = np.r_[depot_lat_deg, lat_deg]
    lon = np.r_[depot_lon_deg, lon_deg]
    dist_m, travel_s = priced_legs(
        lat, lon, road_factor=road_factor, speed_mps=speed_mps, barriers=barriers
    )
    service_s = np.rint(np.r_[0.0, service_min] * 60).astype(np.int64)
    if window_open_s is None or window_close_s is None:
        w_open = np.rint(np.asarray(open_min, dtype=np.float64) * 60).astype(np.int64)[:, None]
        w_close = np.rint(np.asarray(close_min, dtype=np.float64) * 60).astype(np.int64)[:, None]
    else:
        w_open = np.asarray(window_open_s, dtype=np.int64)
        w_close = np.asarray(window_close_s, dtype=np.int64)
        if w_open.shape != w_close.shape or w_open.ndim != 2 or w_open.shape[0] != lat_deg.size:
            raise InvalidRetailersError("day windows must be (stops, W) arrays of equal shape")
    depot = np.full((1, w_open.shape[1]), -1, dtype=np.int64)
    depot[0, 0] = 0
    open_s = np.ascontiguousarray(np.vstack((depot, w_open)))
    depot[0, 0] = _DAY_S
    close_s = np.ascontiguousarray(np.vstack((depot, w_close)))
    start_s = round(start_min * 60)
    order = improve_route(travel_s, service_s, open_s, close_s, start_s)
    travel, _, finish = route_cost(order, travel_s, service_s, open_s, close_s, start_s)
    t = start_s
    prev = 0
    late = 0
    for stop in order.tolist():
        t += int(travel_s[prev, stop])
        start = int(visit_start(t, service_s[stop], open_s[stop], close_s[stop]))
        late += int(start < 0)
        t = max(t, start) + int(service_s[stop])
        prev = stop
    legs_m = int(dist_m[np.r_[0, order], np.r_[order, 0]].sum()) if order.size else 0
    del travel
    return DayRoute(
        order=np.asarray(order, dtype=np.int64) - 1,
        travel_m=float(legs_m),
        hours=(int(finish) - start_s) / 3600.0,
        late_stops=late,
    )


def warm_up() -> None:
    """Compile the routing kernels now (call once in the app lifespan, not per request)."""
    stops = np.array([30.0, 30.001, 30.002])
    route_day(
        30.0,
        120.0,
        stops,
        np.full(3, 120.0),
        np.full(3, 5.0),
        np.zeros(3),
        np.full(3, 1440.0),
        speed_mps=7.0,
        road_factor=1.3,
    )
    route_day(
        30.0,
        120.0,
        stops,
        np.full(3, 120.0),
        np.full(3, 5.0),
        np.zeros(3),
        np.full(3, 1440.0),
        speed_mps=7.0,
        road_factor=1.3,
        window_open_s=np.array([[0, 50_400]] * 3),
        window_close_s=np.array([[7_200, 86_400]] * 3),
    )
