"""Input types for filters; they turn into service commands with :meth:`to_domain`."""

from __future__ import annotations

import strawberry

from gql.schema.errors import ClientError
from gql.schema.relay import InvalidGlobalId, decode_global_id
from gql.schema.types.enums import BusinessTypeEnum, RetailerStatusEnum
from gql.services.directory.service import BoundingBox, NearQuery, RetailerQuery

__all__ = ["BoundingBoxInput", "NearInput", "RetailerFilter", "pk_of"]


def pk_of(global_id: strawberry.ID, expected_type: str, field: str = "id") -> int:
    """Primary key of an ID that must name ``expected_type``; a clear error otherwise."""
    try:
        type_name, pk = decode_global_id(str(global_id))
    except InvalidGlobalId as exc:
        raise ClientError(f"{field}: {exc}") from exc
    if type_name != expected_type:
        raise ClientError(f"{field}: expected a {expected_type} ID, got a {type_name} ID")
    return pk


@strawberry.input(description="A WGS-84 rectangle: south-west and north-east corners.")
class BoundingBoxInput:
    """Map viewport."""

    south: float = strawberry.field(description="Minimum latitude.")
    west: float = strawberry.field(description="Minimum longitude.")
    north: float = strawberry.field(description="Maximum latitude.")
    east: float = strawberry.field(description="Maximum longitude.")


@strawberry.input(description="Everything within radiusM metres of a WGS-84 point.")
class NearInput:
    """Proximity search through the R-tree."""

    lat: float = strawberry.field(description="Latitude, WGS-84.")
    lon: float = strawberry.field(description="Longitude, WGS-84.")
    radius_m: float = strawberry.field(description="Radius in metres (0 < r ≤ 50,000).")


@strawberry.input(description="Filters for retailers; all given filters must hold.")
class RetailerFilter:
    """Retailer search."""

    manager_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Only retailers assigned to these managers."
    )
    business_types: list[BusinessTypeEnum] | None = strawberry.field(
        default=None, description="Only these kinds of shop."
    )
    grade_min: int | None = strawberry.field(default=None, description="Lowest grade, 1..30.")
    grade_max: int | None = strawberry.field(default=None, description="Highest grade, 1..30.")
    statuses: list[RetailerStatusEnum] | None = strawberry.field(
        default=None, description="Only these licence statuses."
    )
    key_customer: bool | None = strawberry.field(default=None, description="Key customers only.")
    bbox: BoundingBoxInput | None = strawberry.field(
        default=None, description="Inside this rectangle."
    )
    near: NearInput | None = strawberry.field(default=None, description="Within a radius.")
    search: str | None = strawberry.field(
        default=None, description="Text in the name or licence number (at least 2 characters)."
    )

    def to_domain(self) -> RetailerQuery:
        """Validate IDs here; ranges are checked by the service."""
        return RetailerQuery(
            manager_ids=(
                None
                if self.manager_ids is None
                else frozenset(pk_of(i, "Manager", "filter.managerIds") for i in self.manager_ids)
            ),
            business_types=None if self.business_types is None else frozenset(self.business_types),
            grade_min=self.grade_min,
            grade_max=self.grade_max,
            statuses=None if self.statuses is None else frozenset(self.statuses),
            key_customer=self.key_customer,
            bbox=(
                None
                if self.bbox is None
                else BoundingBox(self.bbox.south, self.bbox.west, self.bbox.north, self.bbox.east)
            ),
            near=(
                None
                if self.near is None
                else NearQuery(self.near.lat, self.near.lon, self.near.radius_m)
            ),
            search=self.search,
        )
