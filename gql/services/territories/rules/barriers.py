"""Natural and built barriers (rivers, motorways, rail, coasts) and their declared crossings.

A territory should not reach across a river except by a bridge. Barriers are lines; crossings
(bridges, tunnels, ferries) are lines from one side to the other. In the contiguity graph
(:func:`.contiguity.contiguity_graph`) an edge that cuts a barrier is kept only where it cuts
it within :data:`CROSSING_REACH_M` of a declared crossing, and every crossing also joins the
retailers nearest its two ends, however far apart (a ferry route).

Plain tuples of degrees keep these hashable, so they can sit in the frozen
:class:`~.territories.PartitionSettings`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely

from .errors import InvalidRetailersError

__all__ = ["CROSSING_REACH_M", "NO_BARRIERS", "Barrier", "Barriers", "Crossing", "barrier_cuts"]

CROSSING_REACH_M = 300.0
"""An edge that cuts a barrier this close to a declared crossing goes over that crossing."""

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Barrier:
    """A line territories must not reach across (``kind``: river, motorway, rail, coast…)."""

    name: str
    kind: str
    lat_deg: tuple[float, ...]
    lon_deg: tuple[float, ...]

    def __post_init__(self) -> None:
        _check_line(self.name, self.lat_deg, self.lon_deg)


@dataclass(frozen=True, slots=True)
class Crossing:
    """A declared way over barriers (``kind``: bridge, tunnel, ferry…), drawn end to end."""

    name: str
    kind: str
    lat_deg: tuple[float, ...]
    lon_deg: tuple[float, ...]

    def __post_init__(self) -> None:
        _check_line(self.name, self.lat_deg, self.lon_deg)


@dataclass(frozen=True, slots=True)
class Barriers:
    """A district's barriers and crossings; empty means open country everywhere."""

    barriers: tuple[Barrier, ...] = ()
    crossings: tuple[Crossing, ...] = ()


NO_BARRIERS = Barriers()
"""Open country: no barrier cuts any edge."""


def _check_line(name: str, lat: tuple[float, ...], lon: tuple[float, ...]) -> None:
    if len(lat) < 2 or len(lat) != len(lon):
        raise InvalidRetailersError(f"{name!r}: a line needs at least two (lat, lon) points")
    if not all(np.isfinite(lat)) or not all(np.isfinite(lon)):
        raise InvalidRetailersError(f"{name!r}: coordinates must be finite numbers")
    if max(abs(v) for v in lat) > 90 or max(abs(v) for v in lon) > 180:
        raise InvalidRetailersError(f"{name!r}: latitude must be within ±90, longitude ±180")


def barrier_cuts(
    u_xy_m: FloatArray,
    v_xy_m: FloatArray,
    barriers: tuple[FloatArray, ...],
    crossings: tuple[FloatArray, ...],
) -> tuple[BoolArray, IntArray]:
    """Which segments ``u → v`` cut a barrier away from every crossing, and which crossing.

    Parameters
    ----------
    u_xy_m, v_xy_m
        ``(m, 2)`` segment ends in local metres (north, east).
    barriers, crossings
        Polylines as ``(p, 2)`` arrays in the same frame.

    Returns
    -------
    blocked
        ``(m,)`` True where the segment cuts a barrier farther than :data:`CROSSING_REACH_M`
        from every crossing.
    via
        ``(m,)`` index of the crossing a segment that cuts a barrier goes over, else -1.
    """
    m = u_xy_m.shape[0]
    blocked = np.zeros(m, dtype=bool)
    via = np.full(m, -1, dtype=np.int64)
    if not barriers or m == 0:
        return blocked, via
    # shapely works in (x, y) = (east, north)
    segments = shapely.linestrings(
        np.stack([u_xy_m[:, ::-1], v_xy_m[:, ::-1]], axis=1).reshape(m, 2, 2)
    )
    # one geometry per line: lines of different lengths cannot share one array call
    walls = np.array([shapely.LineString(b[:, ::-1]) for b in barriers], dtype=object)
    tree = shapely.STRtree(walls)
    seg_idx, wall_idx = tree.query(segments, predicate="intersects")
    if seg_idx.size == 0:
        return blocked, via
    points = shapely.intersection(segments[seg_idx], walls[wall_idx])
    if crossings:
        ways = np.array([shapely.LineString(c[:, ::-1]) for c in crossings], dtype=object)
        way_tree = shapely.STRtree(ways)
        hit_idx, way_idx = way_tree.query(points, predicate="dwithin", distance=CROSSING_REACH_M)
        over = np.full(points.size, -1, dtype=np.int64)
        over[hit_idx] = way_idx
    else:
        over = np.full(points.size, -1, dtype=np.int64)
    blocked[seg_idx[over < 0]] = True
    ok = seg_idx[over >= 0]
    via[ok] = over[over >= 0]
    via[blocked] = -1
    return blocked, via
