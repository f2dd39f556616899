"""``managerCreate`` and ``managerCarrierChange``: account managers and their work phones."""

from __future__ import annotations

import datetime as dt

import strawberry

from gql.context import Context
from gql.schema.errors import UserError
from gql.schema.inputs import pk_of
from gql.schema.types.directory import ManagerType
from gql.schema.types.enums import CarrierEnum, CoordinateSystemEnum
from gql.services.organisation.commands import CarrierChange, ManagerCommand, StartMove

__all__ = [
    "MANAGER_ALIASES",
    "ManagerCarrierChangeInput",
    "ManagerCreateInput",
    "ManagerPayload",
    "ManagerStartMoveInput",
    "manager_carrier_change",
    "manager_create",
    "manager_start_move",
]

MANAGER_ALIASES = {
    "start_lat": ("start", "lat"),
    "start_lon": ("start", "lon"),
    "start_label": ("start", "label"),
}


@strawberry.input(description="Where a manager's day starts, in any supported datum.")
class ManagerStartInput:
    """Start point of the manager's routes (office or home)."""

    lat: float = strawberry.field(description="Latitude in `coordinateSystem`.")
    lon: float = strawberry.field(description="Longitude in `coordinateSystem`.")
    label: str = strawberry.field(description="Name of the place, e.g. 鹿城办公室.")
    coordinate_system: CoordinateSystemEnum = strawberry.field(
        default=CoordinateSystemEnum.WGS84, description="Datum of lat/lon; stored as WGS-84."
    )


@strawberry.input(description="A new account manager (客户经理).")
class ManagerCreateInput:
    """The person, the work phone and the start point."""

    staff_no: str = strawberry.field(description="Staff number; the sign-in subject.")
    name: str = strawberry.field(description="Name.")
    department_id: strawberry.ID = strawberry.field(description="Customer-service department.")
    joined_on: dt.date = strawberry.field(description="First day of employment.")
    msisdn: str = strawberry.field(description="Work phone, 11 digits.")
    carrier: CarrierEnum = strawberry.field(description="Carrier that locates the work phone.")
    start: ManagerStartInput = strawberry.field(description="Where the day's route starts.")


@strawberry.input(description="A work number ported to another carrier, or a new number.")
class ManagerCarrierChangeInput:
    """In force at once: the next check-in asks the new carrier."""

    id: strawberry.ID = strawberry.field(description="Manager ID.")
    carrier: CarrierEnum = strawberry.field(description="The carrier from now on.")
    msisdn: str | None = strawberry.field(
        default=None, description="A new number; omitted: the number stays (a port)."
    )
    reason: str = strawberry.field(default="", description="Why, for the change log.")


@strawberry.type(description="Result of `managerCreate` / `managerCarrierChange`.")
class ManagerPayload:
    """The manager, or why not."""

    manager: ManagerType | None = strawberry.field(default=None, description="The manager.")
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing was saved."
    )


def manager_create(
    info: strawberry.Info[Context, None], input: ManagerCreateInput
) -> ManagerPayload:
    """Add an account manager (administrators, marketing)."""
    manager = info.context.organisation.create_manager(
        ManagerCommand(
            staff_no=input.staff_no,
            name=input.name,
            department_id=pk_of(input.department_id, "Department", ("department_id",)),
            joined_on=input.joined_on,
            msisdn=input.msisdn,
            carrier=input.carrier,
            start_lat=input.start.lat,
            start_lon=input.start.lon,
            start_label=input.start.label,
            coordinate_system=input.start.coordinate_system.value,
        )
    )
    return ManagerPayload(manager=ManagerType.from_domain(manager))


def manager_carrier_change(
    info: strawberry.Info[Context, None], input: ManagerCarrierChangeInput
) -> ManagerPayload:
    """Port a manager's number (administrators, marketing)."""
    manager = info.context.organisation.change_carrier(
        CarrierChange(
            manager_id=pk_of(input.id, "Manager", ("manager_id",)),
            carrier=input.carrier,
            msisdn=input.msisdn,
            reason=input.reason,
        )
    )
    return ManagerPayload(manager=ManagerType.from_domain(manager))


@strawberry.input(description="A manager's routes start somewhere else from now on.")
class ManagerStartMoveInput:
    """The new start point, in any supported datum."""

    id: strawberry.ID = strawberry.field(description="Manager ID.")
    start: ManagerStartInput = strawberry.field(description="The new start point.")
    reason: str = strawberry.field(default="", description="Why, for the change log.")


def manager_start_move(
    info: strawberry.Info[Context, None], input: ManagerStartMoveInput
) -> ManagerPayload:
    """Move a manager's start point (administrators, marketing)."""
    manager = info.context.organisation.move_start(
        StartMove(
            manager_id=pk_of(input.id, "Manager", ("manager_id",)),
            start_lat=input.start.lat,
            start_lon=input.start.lon,
            start_label=input.start.label,
            coordinate_system=input.start.coordinate_system.value,
            reason=input.reason,
        )
    )
    return ManagerPayload(manager=ManagerType.from_domain(manager))
