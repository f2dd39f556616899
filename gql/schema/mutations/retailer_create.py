"""``retailerCreate``: register a licensed retailer."""

from __future__ import annotations

import strawberry

from gql.context import Context
from gql.schema.errors import UserError, user_errors
from gql.schema.inputs import pk_of
from gql.schema.mutations._retailer_inputs import OpeningWindowInput, windows_from
from gql.schema.types.directory import RetailerType
from gql.schema.types.enums import BusinessTypeEnum, CoordinateSystemEnum, RetailerStatusEnum
from gql.services.directory.retailer_admin import RetailerCommand

__all__ = ["RetailerCreateInput", "RetailerCreatePayload", "retailer_create"]


@strawberry.input(description="A new licensed retailer.")
class RetailerCreateInput:
    """Everything a retailer needs; coordinates in any supported system."""

    licence_no: str = strawberry.field(description="专卖许可证号; unique.")
    name: str = strawberry.field(description="Shop name.")
    address: str = strawberry.field(description="Street address.")
    lat: float = strawberry.field(description="Latitude in `coordinateSystem`.")
    lon: float = strawberry.field(description="Longitude in `coordinateSystem`.")
    coordinate_system: CoordinateSystemEnum = strawberry.field(
        default=CoordinateSystemEnum.WGS84, description="Datum of lat/lon; stored as WGS-84."
    )
    business_type: BusinessTypeEnum = strawberry.field(description="业态.")
    grade: int = strawberry.field(description="档位 1..30.")
    key_customer: bool = strawberry.field(default=False, description="重点客户.")
    service_time_s: int = strawberry.field(default=600, description="Visit duration, seconds.")
    order_weekday: int = strawberry.field(description="Ordering weekday, 0 = Monday.")
    status: RetailerStatusEnum = strawberry.field(
        default=RetailerStatusEnum.ACTIVE, description="Licence status."
    )
    manager_id: strawberry.ID | None = strawberry.field(
        default=None, description="Assigned account manager."
    )
    area_code: str = strawberry.field(default="", description="Area (片区) code.")
    opening_windows: list[OpeningWindowInput] = strawberry.field(
        description="Opening hours; several windows per day allowed."
    )
    enforce_spacing: bool = strawberry.field(
        default=False,
        description="Refuse (instead of warn) when another licensed retailer is too close.",
    )


@strawberry.type(description="Result of `retailerCreate`.")
class RetailerCreatePayload:
    """The new retailer, or why not."""

    retailer: RetailerType | None = strawberry.field(
        default=None, description="The created retailer."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing was created."
    )
    warnings: list[UserError] = strawberry.field(
        default_factory=list,
        description="Saved, but worth a look (e.g. licence spacing, 合理布局).",
    )


def retailer_create(
    info: strawberry.Info[Context, None], input: RetailerCreateInput
) -> RetailerCreatePayload:
    """Create a retailer (administrators and the marketing department)."""
    command = RetailerCommand(
        licence_no=input.licence_no,
        name=input.name,
        address=input.address,
        lat=input.lat,
        lon=input.lon,
        coordinate_system=input.coordinate_system.value,
        business_type=input.business_type,
        grade=input.grade,
        key_customer=input.key_customer,
        service_time_s=input.service_time_s,
        order_weekday=input.order_weekday,
        status=input.status,
        manager_id=None
        if input.manager_id is None
        else pk_of(input.manager_id, "Manager", ("manager_id",)),
        area_code=input.area_code,
        opening_windows=windows_from(input.opening_windows),
        enforce_spacing=input.enforce_spacing,
    )
    saved = info.context.retailer_admin.create(command)
    return RetailerCreatePayload(
        retailer=RetailerType.from_domain(saved.retailer), warnings=user_errors(saved.warnings)
    )
