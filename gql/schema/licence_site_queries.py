"""``licenceSiteCheck``: spacing and density at a proposed licence position (R6.3, 合理布局)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gql.context import Context
from gql.domain import CoordinateSystem
from gql.schema.inputs import pk_of
from gql.schema.types.enums import CoordinateSystemEnum
from gql.schema.types.licence_sites import (
    LicenceSiteCheckType,
    LicenceVacanciesType,
    VacantCellType,
)
from gql.services.directory.licence_sites import MAX_VACANCIES

__all__ = ["LicenceSiteInput", "LicenceSiteQuery"]

Info = strawberry.Info[Context, None]


@strawberry.input(name="LicenceSiteInput", description="A proposed licence position.")
class LicenceSiteInput:
    """Where the applicant wants to open, and how wide a neighbourhood to count."""

    lat: float = strawberry.field(description="Latitude in `coordinateSystem`.")
    lon: float = strawberry.field(description="Longitude in `coordinateSystem`.")
    coordinate_system: CoordinateSystemEnum = strawberry.field(
        default=CoordinateSystem.WGS84,
        description="Datum of lat/lon (a point picked on AMap is GCJ02).",
    )
    radius_m: float = strawberry.field(
        default=500.0, description="The neighbourhood whose density is counted, 50..2000 m."
    )


@strawberry.type
class LicenceSiteQuery:
    """Licensing layout."""

    @strawberry.field(
        description="The spacing verdict under the region's minimum, the nearest licensed "
        "retailers, and the neighbourhood's density against the surrounding 5 km (marketing, "
        "admins; docs/reports.md)."
    )
    def licence_site_check(
        self,
        info: Info,
        input: Annotated[LicenceSiteInput, strawberry.argument(description="The position.")],
    ) -> LicenceSiteCheckType:
        """One service call."""
        check = info.context.licence_sites.check(
            input.lat, input.lon, input.coordinate_system.value, input.radius_m
        )
        return LicenceSiteCheckType.from_domain(check)

    @strawberry.field(
        description="Cells of a district's trading area (within `reachM` of its retailers) where "
        "a new licence would respect the region's spacing from every licensed retailer, widest "
        "gap first (marketing, admins; docs/reports.md)."
    )
    def licence_vacancies(
        self,
        info: Info,
        department_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="The district; null: the whole company."),
        ] = None,
        cell_size_m: Annotated[
            float, strawberry.argument(description="Side of a grid cell, 20..2000 m.")
        ] = 100.0,
        reach_m: Annotated[
            float,
            strawberry.argument(description="Trading area around the retailers, up to 5000 m."),
        ] = 500.0,
        first: Annotated[
            int, strawberry.argument(description=f"Cells listed, 1..{MAX_VACANCIES}.")
        ] = 200,
    ) -> LicenceVacanciesType:
        """One service call."""
        department = (
            None if department_id is None else pk_of(department_id, "Department", "departmentId")
        )
        cells, total, spacing = info.context.licence_sites.vacancies(
            department, cell_size_m, reach_m, first
        )
        return LicenceVacanciesType(
            min_spacing_m=spacing,
            cell_size_m=cell_size_m,
            reach_m=reach_m,
            total_cells=total,
            cells=[VacantCellType.from_domain(c) for c in cells],
        )
