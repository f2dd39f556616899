"""``retailerDensity``: retailers counted on a square grid (the console's offline basemap)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gql.context import Context
from gql.schema.inputs import pk_of
from gql.schema.types.geometry import WGS84, CoordinateSystemArg
from gql.services.directory.density import MAX_CELLS
from gql.services.geometry import from_wgs84_many

__all__ = ["DensityCellType", "DensityQuery"]

Info = strawberry.Info[Context, None]


@strawberry.type(name="DensityCell", description="One occupied grid cell.")
class DensityCellType:
    """The cell's centre in the datum asked for and the retailers in it."""

    lat: float = strawberry.field(description="Latitude of the cell's centre.")
    lon: float = strawberry.field(description="Longitude of the cell's centre.")
    retailers: int = strawberry.field(description="Retailers in the cell.")


@strawberry.type
class DensityQuery:
    """Density of the retailers the caller may see."""

    @strawberry.field(
        description="Retailers you may see counted on a square grid of `cellSizeM` (50..20000 m; "
        f"at most {MAX_CELLS} occupied cells), densest first: a basemap that needs no tile "
        "server, and the density of licensing layout (docs/reports.md)."
    )
    def retailer_density(
        self,
        info: Info,
        cell_size_m: Annotated[
            float, strawberry.argument(description="Side of a grid cell in metres.")
        ] = 500.0,
        department_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only this department's.")
        ] = None,
        manager_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only this manager's.")
        ] = None,
        coordinate_system: CoordinateSystemArg = WGS84,
    ) -> list[DensityCellType]:
        """One service call; centres converted to the datum asked for."""
        department = (
            None if department_id is None else pk_of(department_id, "Department", "departmentId")
        )
        manager = None if manager_id is None else pk_of(manager_id, "Manager", "managerId")
        cells = info.context.directory.density(cell_size_m, department, manager)
        centres = from_wgs84_many([(c.lat, c.lon) for c in cells], coordinate_system)
        return [
            DensityCellType(lat=round(lat, 7), lon=round(lon, 7), retailers=c.retailers)
            for c, (lat, lon) in zip(cells, centres, strict=True)
        ]
