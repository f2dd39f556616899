"""Typed GeoJSON (RFC 7946) for the maps: geometries, features and feature collections.

A client that selects ``type``, ``coordinates``, ``geometry`` and ``properties`` gets a
document a map library (AMap, Baidu, Leaflet, MapLibre) takes as GeoJSON. Coordinates are
``[lon, lat]`` as GeoJSON orders them — the one place in the API where longitude comes first;
everywhere else positions are objects with named ``lat`` and ``lon``. The datum is the one the
root field was asked for with ``coordinateSystem`` (default WGS84).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import strawberry

from gql.domain import CoordinateSystem
from gql.services.geometry import LatLon, from_wgs84_many

__all__ = [
    "GeoJsonLineString",
    "GeoJsonMultiPolygon",
    "GeoJsonPoint",
    "GeoJsonPolygon",
    "Projector",
    "RouteLegFeature",
    "RouteLegFeatureCollection",
    "RouteLegProperties",
    "RouteMap",
    "RoutePoint",
    "RouteStopFeature",
    "RouteStopFeatureCollection",
    "RouteStopProperties",
    "TerritoryFeature",
    "TerritoryFeatureCollection",
    "TerritoryProperties",
    "VerdictCircleFeature",
    "VerdictCircleFeatureCollection",
    "VerdictCircleProperties",
    "VerdictMap",
    "VerdictPointFeature",
    "VerdictPointFeatureCollection",
    "VerdictPointProperties",
    "route_collection",
]


class Projector:
    """Turns WGS-84 (lat, lon) into GeoJSON ``[lon, lat]`` in the datum asked for."""

    def __init__(self, system: CoordinateSystem) -> None:
        self.system = system

    def positions(self, points: Sequence[LatLon]) -> list[list[float]]:
        """``[[lon, lat], …]`` in the target datum, rounded to 7 decimals (~1 cm)."""
        return [[round(lon, 7), round(lat, 7)] for lat, lon in from_wgs84_many(points, self.system)]

    def point(self, p: LatLon) -> GeoJsonPoint:
        """A GeoJSON Point."""
        return GeoJsonPoint(coordinates=self.positions([p])[0])

    def line(self, points: Sequence[LatLon]) -> GeoJsonLineString:
        """A GeoJSON LineString."""
        return GeoJsonLineString(coordinates=self.positions(points))

    def polygon(self, rings: Sequence[Sequence[LatLon]]) -> GeoJsonPolygon:
        """A GeoJSON Polygon (first ring outer, counter-clockwise)."""
        return GeoJsonPolygon(coordinates=[self.positions(r) for r in rings])

    def multipolygon(self, polygons: Sequence[Sequence[Sequence[LatLon]]]) -> GeoJsonMultiPolygon:
        """A GeoJSON MultiPolygon."""
        return GeoJsonMultiPolygon(
            coordinates=[[self.positions(r) for r in rings] for rings in polygons]
        )


# -- geometries ---------------------------------------------------------------------------------


@strawberry.type(description="GeoJSON Point; `coordinates` is [lon, lat].")
class GeoJsonPoint:
    """RFC 7946 §3.1.2."""

    coordinates: list[float] = strawberry.field(description="[lon, lat], in that order.")

    @strawberry.field(description="Always `Point`.")
    def type(self) -> str:
        """GeoJSON type member."""
        return "Point"


@strawberry.type(description="GeoJSON LineString; each position is [lon, lat].")
class GeoJsonLineString:
    """RFC 7946 §3.1.4."""

    coordinates: list[list[float]] = strawberry.field(description="Positions [lon, lat].")

    @strawberry.field(description="Always `LineString`.")
    def type(self) -> str:
        """GeoJSON type member."""
        return "LineString"


@strawberry.type(description="GeoJSON Polygon: rings of [lon, lat], outer ring first, closed.")
class GeoJsonPolygon:
    """RFC 7946 §3.1.6."""

    coordinates: list[list[list[float]]] = strawberry.field(
        description="Linear rings; each closed (last position repeats the first)."
    )

    @strawberry.field(description="Always `Polygon`.")
    def type(self) -> str:
        """GeoJSON type member."""
        return "Polygon"


@strawberry.type(description="GeoJSON MultiPolygon: polygons of rings of [lon, lat].")
class GeoJsonMultiPolygon:
    """RFC 7946 §3.1.7."""

    coordinates: list[list[list[list[float]]]] = strawberry.field(
        description="Polygons, each a list of closed linear rings."
    )

    @strawberry.field(description="Always `MultiPolygon`.")
    def type(self) -> str:
        """GeoJSON type member."""
        return "MultiPolygon"


def _feature_type() -> str:
    return "Feature"


def _collection_type() -> str:
    return "FeatureCollection"


# -- routes: day plans, audit plans, schedule days ---------------------------------------------


@strawberry.type(description="What a route point is: the start/depot or a retailer to visit.")
class RouteStopProperties:
    """Order, times and the retailer of one point of a route."""

    seq: int = strawberry.field(description="Order in the route: 0 is the start, stops from 1.")
    retailer_id: strawberry.ID | None = strawberry.field(
        default=None, description="The retailer visited; null for the start point."
    )
    plan_stop_id: strawberry.ID | None = strawberry.field(
        default=None, description="The day plan's stop, as `PlanStop.planStopId` (day plans only)."
    )
    label: str | None = strawberry.field(
        default=None, description="Name of the start point; null for stops."
    )
    eta: str | None = strawberry.field(
        default=None, description="Expected arrival HH:MM; null if unknown."
    )
    etd: str | None = strawberry.field(
        default=None, description="Expected departure HH:MM; null if unknown."
    )
    window_opens: str | None = strawberry.field(
        default=None,
        description="Opening of the retailer's window that day, HH:MM; null if none known.",
    )
    window_closes: str | None = strawberry.field(
        default=None, description="Closing of that window, HH:MM; null if none known."
    )


@strawberry.type(description="A GeoJSON Feature: one point of a route.")
class RouteStopFeature:
    """Point feature."""

    geometry: GeoJsonPoint = strawberry.field(description="Where it is, [lon, lat].")
    properties: RouteStopProperties = strawberry.field(description="Order, times, retailer.")
    type: str = strawberry.field(default="Feature", description="Always `Feature`.")


@strawberry.type(description="What a leg is: between which route points, how far, how long.")
class RouteLegProperties:
    """One leg of a route."""

    from_seq: int = strawberry.field(description="`seq` of the point the leg leaves (0: start).")
    to_seq: int = strawberry.field(description="`seq` of the point it reaches (0: back to start).")
    distance_m: int | None = strawberry.field(
        default=None, description="Road-model metres; null if unknown."
    )
    duration_s: int | None = strawberry.field(
        default=None, description="Travel seconds; null if unknown."
    )


@strawberry.type(description="A GeoJSON Feature: one leg of a route (straight line).")
class RouteLegFeature:
    """LineString feature."""

    geometry: GeoJsonLineString = strawberry.field(description="From and to, [lon, lat].")
    properties: RouteLegProperties = strawberry.field(description="Distance and duration.")
    type: str = strawberry.field(default="Feature", description="Always `Feature`.")


@strawberry.type(description="The points of a route (start, stops) as a GeoJSON FeatureCollection.")
class RouteStopFeatureCollection:
    """Points in order: the start (seq 0), then the stops."""

    features: list[RouteStopFeature] = strawberry.field(description="Points in route order.")
    type: str = strawberry.field(default="FeatureCollection", description="Always so.")


@strawberry.type(description="The legs of a route as a GeoJSON FeatureCollection.")
class RouteLegFeatureCollection:
    """Legs in order."""

    features: list[RouteLegFeature] = strawberry.field(description="Legs in route order.")
    type: str = strawberry.field(default="FeatureCollection", description="Always so.")


@strawberry.type(
    description="A route for a map: two GeoJSON FeatureCollections, one per layer (points and "
    "lines), each valid GeoJSON as selected."
)
class RouteMap:
    """One collection per geometry kind, so each selects as plain GeoJSON (no aliases)."""

    stops: RouteStopFeatureCollection = strawberry.field(
        description="The start point and the stops (order, times, retailer)."
    )
    legs: RouteLegFeatureCollection = strawberry.field(
        description="Straight legs between consecutive points."
    )


# -- territories --------------------------------------------------------------------------------


@strawberry.type(description="One manager's territory and its totals.")
class TerritoryProperties:
    """Metrics of a territory outline."""

    manager_id: strawberry.ID = strawberry.field(description="The manager of the territory.")
    retailers: int = strawberry.field(description="Retailers in the territory.")
    workload_min: float | None = strawberry.field(
        default=None, description="4-week workload in minutes."
    )
    order_volume: float | None = strawberry.field(
        default=None, description="Order volume per 4 weeks."
    )


@strawberry.type(
    description="A GeoJSON Feature: a territory outline (concave hull of its retailers, grown "
    "by 60 m so each lies inside)."
)
class TerritoryFeature:
    """MultiPolygon feature."""

    geometry: GeoJsonMultiPolygon = strawberry.field(description="The outline.")
    properties: TerritoryProperties = strawberry.field(description="Manager and totals.")
    type: str = strawberry.field(default="Feature", description="Always `Feature`.")


@strawberry.type(description="Territories as a GeoJSON FeatureCollection, one per manager.")
class TerritoryFeatureCollection:
    """One feature per manager with retailers."""

    features: list[TerritoryFeature] = strawberry.field(description="One per manager.")
    type: str = strawberry.field(default="FeatureCollection", description="Always so.")


# -- verdict geometry ---------------------------------------------------------------------------


@strawberry.type(description="What a verdict point is.")
class VerdictPointProperties:
    """The retailer or one fix."""

    kind: str = strawberry.field(description="`RETAILER` or `FIX`.")
    retailer_id: strawberry.ID | None = strawberry.field(
        default=None, description="For `RETAILER`."
    )
    phase: str | None = strawberry.field(default=None, description="For `FIX`: START or END.")
    source: str | None = strawberry.field(
        default=None, description="For `FIX`: how it was measured."
    )
    accuracy_m: float | None = strawberry.field(
        default=None, description="For `FIX`: stated accuracy, m."
    )


@strawberry.type(description="A GeoJSON Feature: the retailer or a fix, as a point.")
class VerdictPointFeature:
    """Point feature."""

    geometry: GeoJsonPoint = strawberry.field(description="[lon, lat].")
    properties: VerdictPointProperties = strawberry.field(description="What the point is.")
    type: str = strawberry.field(default="Feature", description="Always `Feature`.")


@strawberry.type(description="What a verdict circle is.")
class VerdictCircleProperties:
    """An accuracy circle of a fix or the in-place threshold around the retailer."""

    kind: str = strawberry.field(
        description="`THRESHOLD` (the in-place radius around the retailer) or `ACCURACY` "
        "(a fix's stated accuracy)."
    )
    radius_m: float = strawberry.field(description="Radius in metres.")
    phase: str | None = strawberry.field(default=None, description="For `ACCURACY`: START or END.")


@strawberry.type(description="A GeoJSON Feature: a circle drawn as a 64-gon.")
class VerdictCircleFeature:
    """Polygon feature (GeoJSON has no circles)."""

    geometry: GeoJsonPolygon = strawberry.field(description="The circle as a closed ring.")
    properties: VerdictCircleProperties = strawberry.field(description="Kind and radius.")
    type: str = strawberry.field(default="Feature", description="Always `Feature`.")


@strawberry.type(description="The retailer and the fixes as a GeoJSON FeatureCollection.")
class VerdictPointFeatureCollection:
    """The retailer first, then the fixes in order."""

    features: list[VerdictPointFeature] = strawberry.field(description="Points.")
    type: str = strawberry.field(default="FeatureCollection", description="Always so.")


@strawberry.type(description="Threshold and accuracy circles as a GeoJSON FeatureCollection.")
class VerdictCircleFeatureCollection:
    """The threshold first, then each fix's accuracy circle."""

    features: list[VerdictCircleFeature] = strawberry.field(description="Circles.")
    type: str = strawberry.field(default="FeatureCollection", description="Always so.")


@strawberry.type(
    description="A visit's verdict for a map: points (retailer, fixes) and circles (in-place "
    "threshold around the retailer, each fix's accuracy), each a GeoJSON FeatureCollection."
)
class VerdictMap:
    """One collection per geometry kind."""

    points: VerdictPointFeatureCollection = strawberry.field(description="Retailer and fixes.")
    circles: VerdictCircleFeatureCollection = strawberry.field(
        description="Threshold and accuracy circles (64-gons)."
    )


@dataclass(frozen=True, slots=True)
class RoutePoint:
    """One point of a route as the builders below take it (WGS-84)."""

    seq: int
    at: LatLon
    retailer_id: strawberry.ID | None = None
    plan_stop_id: strawberry.ID | None = None
    label: str | None = None
    eta: str | None = None
    etd: str | None = None
    window: tuple[str, str] | None = None
    leg_distance_m: int | None = None
    """Of the leg that arrives here."""
    leg_duration_s: int | None = None


def route_collection(
    points: Sequence[RoutePoint], system: CoordinateSystem, *, back_to: RoutePoint | None = None
) -> RouteMap:
    """Points in order and the straight legs between them (and back to ``back_to``)."""
    projector = Projector(system)
    path = [*points, back_to] if back_to is not None else list(points)
    coords = projector.positions([p.at for p in path])
    stops = [
        RouteStopFeature(
            geometry=GeoJsonPoint(coordinates=c),
            properties=RouteStopProperties(
                seq=p.seq,
                retailer_id=p.retailer_id,
                plan_stop_id=p.plan_stop_id,
                label=p.label,
                eta=p.eta,
                etd=p.etd,
                window_opens=None if p.window is None else p.window[0],
                window_closes=None if p.window is None else p.window[1],
            ),
        )
        for p, c in zip(points, coords, strict=False)
    ]
    legs: list[RouteLegFeature] = []
    for n in range(1, len(path)):
        arriving = path[n]
        closing = back_to is not None and n == len(path) - 1
        legs.append(
            RouteLegFeature(
                geometry=GeoJsonLineString(coordinates=[coords[n - 1], coords[n]]),
                properties=RouteLegProperties(
                    from_seq=path[n - 1].seq,
                    to_seq=arriving.seq,
                    distance_m=None if closing else arriving.leg_distance_m,
                    duration_s=None if closing else arriving.leg_duration_s,
                ),
            )
        )
    return RouteMap(
        stops=RouteStopFeatureCollection(features=stops),
        legs=RouteLegFeatureCollection(features=legs),
    )
