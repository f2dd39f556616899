"""``retailerUpdate``: change a retailer, guarded by its row version."""

from __future__ import annotations

import strawberry

from gql.context import Context
from gql.schema.errors import UserError, user_errors
from gql.schema.inputs import pk_of
from gql.schema.mutations._retailer_inputs import OpeningWindowInput, windows_from
from gql.schema.types.directory import RetailerType
from gql.schema.types.enums import BusinessTypeEnum, CoordinateSystemEnum, RetailerStatusEnum
from gql.services.directory.retailer_admin import RetailerChange

__all__ = ["RetailerUpdateInput", "RetailerUpdatePayload", "retailer_update"]


@strawberry.input(description="Changes to a retailer; omitted fields stay as they are.")
class RetailerUpdateInput:
    """Partial update with optimistic concurrency."""

    id: strawberry.ID = strawberry.field(description="The retailer to change.")
    expected_version: int = strawberry.field(
        description="The `version` you read; a newer version on the server refuses the change."
    )
    name: str | None = strawberry.field(default=None, description="Shop name.")
    address: str | None = strawberry.field(default=None, description="Street address.")
    lat: float | None = strawberry.field(default=None, description="New latitude (with lon).")
    lon: float | None = strawberry.field(default=None, description="New longitude (with lat).")
    coordinate_system: CoordinateSystemEnum = strawberry.field(
        default=CoordinateSystemEnum.WGS84, description="Datum of lat/lon."
    )
    business_type: BusinessTypeEnum | None = strawberry.field(default=None, description="业态.")
    grade: int | None = strawberry.field(default=None, description="档位 1..30.")
    key_customer: bool | None = strawberry.field(default=None, description="重点客户.")
    service_time_s: int | None = strawberry.field(default=None, description="Seconds.")
    order_weekday: int | None = strawberry.field(default=None, description="0 = Monday.")
    status: RetailerStatusEnum | None = strawberry.field(default=None, description="Status.")
    manager_id: strawberry.ID | None = strawberry.field(
        default=None, description="Reassign to this account manager."
    )
    unassign_manager: bool = strawberry.field(
        default=False, description="Remove the assignment (ignored if managerId is given)."
    )
    area_code: str | None = strawberry.field(default=None, description="Area (片区) code.")
    opening_windows: list[OpeningWindowInput] | None = strawberry.field(
        default=None, description="Replaces all opening windows."
    )
    enforce_spacing: bool = strawberry.field(
        default=False, description="Refuse a move that breaks licence spacing."
    )


@strawberry.type(description="Result of `retailerUpdate`.")
class RetailerUpdatePayload:
    """The changed retailer, or why not."""

    retailer: RetailerType | None = strawberry.field(
        default=None, description="The retailer after the change."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing was changed."
    )
    warnings: list[UserError] = strawberry.field(
        default_factory=list, description="Saved, but worth a look."
    )


def retailer_update(
    info: strawberry.Info[Context, None], input: RetailerUpdateInput
) -> RetailerUpdatePayload:
    """Update a retailer (administrators and the marketing department)."""
    change = RetailerChange(
        expected_version=input.expected_version,
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
        manager_id=(
            None
            if input.manager_id is None
            else pk_of(input.manager_id, "Manager", ("manager_id",))
        ),
        unassign_manager=input.unassign_manager,
        area_code=input.area_code,
        opening_windows=(
            None if input.opening_windows is None else windows_from(input.opening_windows)
        ),
        enforce_spacing=input.enforce_spacing,
    )
    saved = info.context.retailer_admin.update(pk_of(input.id, "Retailer", ("id",)), change)
    return RetailerUpdatePayload(
        retailer=RetailerType.from_domain(saved.retailer), warnings=user_errors(saved.warnings)
    )
