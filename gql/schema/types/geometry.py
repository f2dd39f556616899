"""Positions as plain numbers and as GeoJSON, always WGS-84, lat before lon."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.scalars import JSON

from gql.schema.scalars import as_json

__all__ = ["GeoPoint", "point_geojson"]


def point_geojson(lat: float, lon: float) -> dict[str, Any]:
    """GeoJSON Point; note GeoJSON's own order is [lon, lat] (RFC 7946)."""
    return {"type": "Point", "coordinates": [lon, lat]}


@strawberry.type(description="A WGS-84 position.")
class GeoPoint:
    """A WGS-84 position."""

    lat: float = strawberry.field(description="Latitude in degrees, WGS-84.")
    lon: float = strawberry.field(description="Longitude in degrees, WGS-84.")

    @strawberry.field(description="The position as a GeoJSON Point (coordinates are [lon, lat]).")
    def geojson(self) -> JSON:
        """GeoJSON form for map libraries."""
        return as_json(point_geojson(self.lat, self.lon))
