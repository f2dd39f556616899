"""The answer of a licence site check."""

from __future__ import annotations

import strawberry

from gql.context import Context
from gql.schema.relay import encode_global_id
from gql.schema.types.directory import RetailerType, load_retailer
from gql.schema.types.geometry import WGS84, CoordinateSystemArg, GeoPoint
from gql.services.directory.licence_sites import DISTRICT_RADIUS_M, SiteCheck, SiteNeighbour

__all__ = ["LicenceSiteCheckType", "SiteNeighbourType"]

Info = strawberry.Info[Context, None]


@strawberry.type(name="SiteNeighbour", description="A licensed retailer near the position.")
class SiteNeighbourType:
    """A neighbour and how far it is."""

    retailer_pk: strawberry.Private[int]
    retailer_id: strawberry.ID = strawberry.field(description="The retailer (Retailer ID).")
    distance_m: float = strawberry.field(description="Great-circle distance in metres.")

    @strawberry.field(description="The retailer (null when outside the caller's scope).")
    async def retailer(self, info: Info) -> RetailerType | None:
        """Batched through the retailer loader."""
        return await load_retailer(info, self.retailer_pk)

    @classmethod
    def from_domain(cls, neighbour: SiteNeighbour) -> SiteNeighbourType:
        """Map a neighbour."""
        return cls(
            retailer_pk=neighbour.retailer_id,
            retailer_id=strawberry.ID(encode_global_id("Retailer", neighbour.retailer_id)),
            distance_m=round(neighbour.distance_m, 1),
        )


@strawberry.type(
    name="LicenceSiteCheck", description="Spacing and density at a proposed licence position."
)
class LicenceSiteCheckType:
    """The verdict and the figures behind it."""

    position_wgs84: strawberry.Private[tuple[float, float]]
    respects_spacing: bool = strawberry.field(
        description="No licensed retailer is closer than `minSpacingM`."
    )
    min_spacing_m: float = strawberry.field(description="The region's minimum spacing.")
    conflicts: list[SiteNeighbourType] = strawberry.field(
        description="Licensed retailers within the minimum spacing, nearest first."
    )
    nearest: list[SiteNeighbourType] = strawberry.field(
        description="The five nearest licensed retailers, nearest first."
    )
    radius_m: float = strawberry.field(description="The neighbourhood counted.")
    local_count: int = strawberry.field(description="Retailers within `radiusM`.")
    local_per_km2: float = strawberry.field(description="Their density per km².")
    district_radius_m: float = strawberry.field(description="The surrounding district (5 km).")
    district_count: int = strawberry.field(description="Retailers within `districtRadiusM`.")
    district_per_km2: float = strawberry.field(description="The district's density per km².")
    density_ratio: float | None = strawberry.field(
        description="Local over district density: above 1 the neighbourhood is more crowded "
        "than its district (null when the district is empty)."
    )

    @strawberry.field(description="The position checked (stored and compared in WGS-84).")
    def position(self, coordinate_system: CoordinateSystemArg = WGS84) -> GeoPoint:
        """Converted to the datum asked for."""
        return GeoPoint.of(*self.position_wgs84, coordinate_system)

    @classmethod
    def from_domain(cls, check: SiteCheck) -> LicenceSiteCheckType:
        """Map a check."""
        ratio = check.density_ratio
        return cls(
            position_wgs84=(check.lat, check.lon),
            respects_spacing=check.respects_spacing,
            min_spacing_m=check.min_spacing_m,
            conflicts=[SiteNeighbourType.from_domain(n) for n in check.conflicts],
            nearest=[SiteNeighbourType.from_domain(n) for n in check.nearest],
            radius_m=check.radius_m,
            local_count=check.local_count,
            local_per_km2=round(check.local_per_km2, 2),
            district_radius_m=DISTRICT_RADIUS_M,
            district_count=check.district_count,
            district_per_km2=round(check.district_per_km2, 2),
            density_ratio=None if ratio is None else round(ratio, 3),
        )
