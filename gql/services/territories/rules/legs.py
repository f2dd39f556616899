"""Priced legs between stops: great-circle length, road factors by area, barrier detours.

Every routed day — a schedule's, a day plan's — prices its legs here, so partition, schedule
and day plans agree on what a kilometre costs (R2.3). A leg costs its great-circle length times
the mean of its two ends' road factors. Where a district has barriers (a river crossed only by
bridges, :mod:`.barriers`), a leg that cuts a barrier away from every crossing is priced as the
shortest way over the crossings instead: a graph of the stops and the crossings' two ends, whose
edges are the legs that cut no barrier (priced as above) and the crossings themselves (their
drawn length). A leg across a barrier that no crossing reaches keeps its straight price: there is
no known way round, and a plan must still be made.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.sparse.csgraph import csgraph_from_dense, shortest_path

import geo

from ._geometry import project_about_m
from .barriers import NO_BARRIERS, Barriers, barrier_cuts
from .errors import InvalidRetailersError

__all__ = ["priced_legs", "priced_metres"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def priced_legs(
    lat_deg: npt.ArrayLike,
    lon_deg: npt.ArrayLike,
    *,
    road_factor: float | npt.ArrayLike,
    speed_mps: float,
    barriers: Barriers = NO_BARRIERS,
) -> tuple[IntArray, IntArray]:
    """Return the ``(n, n)`` integer metres and travel seconds between every pair of stops.

    ``road_factor`` is one factor for all stops or one per stop. Without barriers this is
    exactly :func:`geo.cost_matrix` in metres and in seconds.

    Raises
    ------
    InvalidRetailersError
        Positions :mod:`geo` rejects.
    """
    lat = np.asarray(lat_deg, dtype=np.float64)
    lon = np.asarray(lon_deg, dtype=np.float64)
    try:
        if not barriers.barriers:
            return (
                geo.cost_matrix(lat, lon, unit="m", road_factor=road_factor),
                geo.cost_matrix(lat, lon, unit="s", speed_mps=speed_mps, road_factor=road_factor),
            )
        factor = np.broadcast_to(np.asarray(road_factor, dtype=np.float64), lat.shape)
        distance_m = _around_barriers(lat, lon, factor, barriers)
    except geo.GeoError as exc:
        raise InvalidRetailersError(f"cannot price the legs: {exc}") from exc
    return distance_m, np.rint(distance_m / speed_mps).astype(np.int64)


def priced_metres(
    lat_deg: npt.ArrayLike,
    lon_deg: npt.ArrayLike,
    *,
    road_factor: float | npt.ArrayLike,
    barriers: Barriers = NO_BARRIERS,
) -> IntArray:
    """The metres of :func:`priced_legs` alone (a report re-pricing orders needs no seconds)."""
    lat = np.asarray(lat_deg, dtype=np.float64)
    lon = np.asarray(lon_deg, dtype=np.float64)
    try:
        if not barriers.barriers:
            return geo.cost_matrix(lat, lon, unit="m", road_factor=road_factor)
        factor = np.broadcast_to(np.asarray(road_factor, dtype=np.float64), lat.shape)
        return _around_barriers(lat, lon, factor, barriers)
    except geo.GeoError as exc:
        raise InvalidRetailersError(f"cannot price the legs: {exc}") from exc


def _around_barriers(
    lat: FloatArray, lon: FloatArray, factor: FloatArray, barriers: Barriers
) -> IntArray:
    n = lat.size
    ends_lat = [c.lat_deg[e] for c in barriers.crossings for e in (0, -1)]
    ends_lon = [c.lon_deg[e] for c in barriers.crossings for e in (0, -1)]
    all_lat = np.r_[lat, ends_lat]
    all_lon = np.r_[lon, ends_lon]
    # a crossing's ends are priced as the stops around them: the mean factor of the stops
    all_factor = np.r_[factor, np.full(len(ends_lat), float(factor.mean()) if n else 1.0)]
    direct = geo.cost_matrix(all_lat, all_lon, unit="m", road_factor=all_factor)
    lat0, lon0 = float(np.mean(all_lat)), float(np.mean(all_lon))
    xy = project_about_m(all_lat, all_lon, lat0, lon0)
    walls = tuple(project_about_m(b.lat_deg, b.lon_deg, lat0, lon0) for b in barriers.barriers)
    ways = tuple(project_about_m(c.lat_deg, c.lon_deg, lat0, lon0) for c in barriers.crossings)
    iu, ju = np.triu_indices(all_lat.size, 1)
    blocked, _ = barrier_cuts(xy[iu], xy[ju], walls, ways)
    if not blocked.any():
        return np.ascontiguousarray(direct[:n, :n])
    graph = direct.astype(np.float64)
    graph[iu[blocked], ju[blocked]] = np.inf
    graph[ju[blocked], iu[blocked]] = np.inf
    for c, crossing in enumerate(barriers.crossings):
        a, b = n + 2 * c, n + 2 * c + 1
        graph[a, b] = graph[b, a] = _drawn_length_m(crossing.lat_deg, crossing.lon_deg)
    np.fill_diagonal(graph, np.inf)
    shortest = shortest_path(
        csgraph_from_dense(graph, null_value=np.inf), directed=False, indices=np.arange(n)
    )[:, :n]
    out = direct[:n, :n].copy()
    cut = np.zeros((n, n), dtype=bool)
    inside = (iu < n) & (ju < n) & blocked
    cut[iu[inside], ju[inside]] = True
    cut |= cut.T
    around = cut & np.isfinite(shortest)
    out[around] = np.rint(shortest[around]).astype(np.int64)
    return out


def _drawn_length_m(lat_deg: tuple[float, ...], lon_deg: tuple[float, ...]) -> float:
    """A crossing's length along its drawn line (a bridge or a ferry route), in metres."""
    return float(
        sum(
            geo.haversine_m(lat_deg[i], lon_deg[i], lat_deg[i + 1], lon_deg[i + 1])
            for i in range(len(lat_deg) - 1)
        )
    )
