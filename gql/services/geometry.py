"""Map geometry for the API: datum conversion, circles and territory outlines.

Everything is stored and computed in WGS-84; a map that draws in GCJ-02 (AMap, Tencent) or
BD-09 (Baidu) asks for its datum and gets every vertex converted here, last, so measured
quantities (radii, lengths) never depend on the datum asked for. Outside mainland China the
three datums coincide and conversion is the identity (see :mod:`geo.convert`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence  # noqa: TC003 (the LatLon alias is runtime)

import numpy as np
import shapely
from shapely.geometry import MultiPoint, MultiPolygon, Polygon

import geo
from gql.domain import CoordinateSystem
from gql.services.errors import ErrorCode, FieldPath, InvalidInput

__all__ = [
    "EARTH_RADIUS_M",
    "LatLon",
    "circle_ring",
    "from_wgs84_many",
    "territory_outline",
    "to_wgs84",
]

LatLon = tuple[float, float]
EARTH_RADIUS_M = 6_371_008.8
_CIRCLE_VERTICES = 64
_TERRITORY_MARGIN_M = 60.0
"""Outlines are grown by this much so every retailer lies strictly inside, not on an edge."""
_OUTLINE_TOLERANCE_M = 20.0
"""Outline vertices closer than this to their neighbours' line are dropped (< the margin)."""


def to_wgs84(lat: float, lon: float, system: CoordinateSystem, field: FieldPath) -> LatLon:
    """A position given in ``system`` as WGS-84; a bad pair is an error naming ``field``."""
    try:
        point = geo.to_wgs84(geo.point_in(system.value, lat, lon))
    except geo.GeoError as exc:
        raise InvalidInput(str(exc), field=field, code=ErrorCode.INVALID_COORDINATE) from exc
    return point.lat, point.lon


def from_wgs84_many(points: Sequence[LatLon], system: CoordinateSystem) -> list[LatLon]:
    """WGS-84 positions expressed in ``system``, vectorised; order kept."""
    if system is CoordinateSystem.WGS84 or not points:
        return [(float(lat), float(lon)) for lat, lon in points]
    lat_a, lon_a = geo.convert_arrays(
        [p[0] for p in points], [p[1] for p in points], "WGS84", system.value
    )
    return [(float(a), float(b)) for a, b in zip(lat_a, lon_a, strict=True)]


def circle_ring(centre: LatLon, radius_m: float, vertices: int = _CIRCLE_VERTICES) -> list[LatLon]:
    """A closed WGS-84 ring approximating the circle of ``radius_m`` around ``centre``.

    Vertices follow the local tangent plane (exact to well under a metre for radii of a few
    kilometres); the ring runs counter-clockwise and repeats its first vertex (RFC 7946).
    """
    lat0, lon0 = centre
    d_lat = math.degrees(radius_m / EARTH_RADIUS_M)
    d_lon = d_lat / max(math.cos(math.radians(lat0)), 1e-9)
    ring = [
        (lat0 + d_lat * math.sin(t), lon0 + d_lon * math.cos(t))
        for t in (2 * math.pi * k / vertices for k in range(vertices))
    ]
    return [*ring, ring[0]]


def territory_outline(points: Sequence[LatLon]) -> list[list[list[LatLon]]]:
    """Polygons (each a list of rings, WGS-84) covering one territory's retailers.

    A concave hull (shapely ``concave_hull``, ratio 0.3) follows the territory's shape better
    than a convex hull, which swallows neighbours' streets; it is grown by a small margin so
    that every retailer lies inside, also when there are only one or two. Computed in a local
    metric plane around the points' mean so that the margin is in metres.
    """
    if not points:
        return []
    lat0 = float(np.mean([p[0] for p in points]))
    lon0 = float(np.mean([p[1] for p in points]))
    m_per_deg_lat = math.radians(1.0) * EARTH_RADIUS_M
    m_per_deg_lon = m_per_deg_lat * math.cos(math.radians(lat0))
    local = MultiPoint(
        [((lon - lon0) * m_per_deg_lon, (lat - lat0) * m_per_deg_lat) for lat, lon in points]
    )
    hull = shapely.concave_hull(local, ratio=0.3).buffer(_TERRITORY_MARGIN_M, quad_segs=4)
    # drop vertices within a few metres of the line (a map does not see them; a page loads
    # several outlines within the API's cost budget); every retailer stays well inside
    hull = hull.simplify(_OUTLINE_TOLERANCE_M, preserve_topology=True)
    parts = list(hull.geoms) if isinstance(hull, MultiPolygon) else [hull]
    polygons: list[list[list[LatLon]]] = []
    for part in parts:
        if not isinstance(part, Polygon) or part.is_empty:
            continue
        oriented = shapely.geometry.polygon.orient(part, sign=1.0)  # exterior counter-clockwise
        rings = [oriented.exterior, *oriented.interiors]
        polygons.append(
            [
                [(lat0 + y / m_per_deg_lat, lon0 + x / m_per_deg_lon) for x, y in ring.coords]
                for ring in rings
            ]
        )
    return polygons
