"""Positions as objects with named ``lat``/``lon``, in the datum the caller asked for.

Stored positions are WGS-84. Every field that returns a position (or GeoJSON) takes
``coordinateSystem`` (default WGS84) and converts on the way out, so a GCJ-02 map (AMap,
Tencent) or a BD-09 map (Baidu) draws the retailer where it is.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON

from gql.domain import CoordinateSystem
from gql.schema.scalars import as_json
from gql.schema.types.enums import CoordinateSystemEnum
from gql.services.geometry import from_wgs84_many

__all__ = ["COORDINATE_SYSTEM_HELP", "WGS84", "CoordinateSystemArg", "GeoPoint", "point_geojson"]

COORDINATE_SYSTEM_HELP = (
    "Datum of the coordinates returned: WGS84 (GPS, international maps), GCJ02 (AMap, "
    "Tencent) or BD09 (Baidu); identical outside mainland China."
)
WGS84 = CoordinateSystemEnum.WGS84
"""The default datum of every position and GeoJSON output."""
CoordinateSystemArg = Annotated[
    CoordinateSystemEnum, strawberry.argument(description=COORDINATE_SYSTEM_HELP)
]


def point_geojson(lat: float, lon: float) -> dict[str, Any]:
    """GeoJSON Point; note GeoJSON's own order is [lon, lat] (RFC 7946)."""
    return {"type": "Point", "coordinates": [lon, lat]}


@strawberry.type(description="A position: latitude and longitude in `coordinateSystem`.")
class GeoPoint:
    """A position in the datum its field was asked for."""

    lat: float = strawberry.field(description="Latitude in degrees, in `coordinateSystem`.")
    lon: float = strawberry.field(description="Longitude in degrees, in `coordinateSystem`.")
    coordinate_system: CoordinateSystemEnum = strawberry.field(
        default=CoordinateSystem.WGS84, description="Datum of lat/lon (as asked for)."
    )

    @strawberry.field(
        description="The position as a GeoJSON Point (coordinates are [lon, lat]).",
        deprecation_reason=(
            "untyped JSON; read `lat`/`lon`, or the typed GeoJSON of the map fields "
            "(e.g. `VisitPlan.map`) — goes in the next release"
        ),
    )
    def geojson(self) -> JSON:
        """GeoJSON form for map libraries."""
        return as_json(point_geojson(self.lat, self.lon))

    @classmethod
    def of(
        cls, lat: float, lon: float, system: CoordinateSystem = CoordinateSystem.WGS84
    ) -> GeoPoint:
        """A stored WGS-84 position expressed in ``system`` (converted: 7 decimals, ~1 cm)."""
        if system is CoordinateSystem.WGS84:
            return cls(lat=lat, lon=lon, coordinate_system=system)
        (c_lat, c_lon) = from_wgs84_many([(lat, lon)], system)[0]
        return cls(lat=round(c_lat, 7), lon=round(c_lon, 7), coordinate_system=system)
