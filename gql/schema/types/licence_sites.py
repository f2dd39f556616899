"""The answer of a licence site check."""

from __future__ import annotations

import strawberry

from gql.context import Context
from gql.schema.relay import encode_global_id
from gql.schema.types.directory import RetailerType, load_retailer
from gql.schema.types.geometry import WGS84, CoordinateSystemArg, GeoPoint
from gql.services.directory.licence_sites import DISTRICT_RADIUS_M, SiteCheck, SiteNeighbour
from gql.services.directory.vacancies import VacantCell

__all__ = ["LicenceSiteCheckType", "LicenceVacanciesType", "SiteNeighbourType", "VacantCellType"]

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


@strawberry.type(name="VacantCell", description="A grid cell where a new licence respects spacing.")
class VacantCellType:
    """Its centre, how wide the gap is, how busy the street."""

    centre_wgs84: strawberry.Private[tuple[float, float]]
    nearest_licence_m: float = strawberry.field(
        description="Distance from the centre to the nearest licensed retailer."
    )
    retailers_within_reach: int = strawberry.field(
        description="Licensed retailers within `reachM` of the centre."
    )

    @strawberry.field(description="The cell's centre.")
    def centre(self, coordinate_system: CoordinateSystemArg = WGS84) -> GeoPoint:
        """Converted to the datum asked for."""
        return GeoPoint.of(*self.centre_wgs84, coordinate_system)

    @classmethod
    def from_domain(cls, cell: VacantCell) -> VacantCellType:
        """Map a cell."""
        return cls(
            centre_wgs84=(cell.lat, cell.lon),
            nearest_licence_m=round(cell.nearest_licence_m, 1),
            retailers_within_reach=cell.retailers_within_reach,
        )


@strawberry.type(
    name="LicenceVacancies",
    description="Where a district's trading area still has room for a licence (合理布局).",
)
class LicenceVacanciesType:
    """The cells, widest gap first, and how many qualify."""

    min_spacing_m: float = strawberry.field(description="The region's minimum spacing.")
    cell_size_m: float = strawberry.field(description="Side of a grid cell.")
    reach_m: float = strawberry.field(
        description="A cell counts as trading area within this distance of the district's "
        "retailers; its busy-ness is counted within it too."
    )
    total_cells: int = strawberry.field(description="Cells that qualify in all.")
    cells: list[VacantCellType] = strawberry.field(
        description="The cells with the widest gaps first (at most `first`)."
    )
