"""``staffCreate`` and ``staffUpdate``: people other than account managers, and transfers."""

from __future__ import annotations

import datetime as dt

import strawberry

from gql.context import Context
from gql.schema.errors import UserError
from gql.schema.inputs import pk_of
from gql.schema.types.directory import StaffType
from gql.schema.types.enums import RoleEnum
from gql.services.organisation.commands import StaffChange, StaffCommand

__all__ = [
    "StaffCreateInput",
    "StaffPayload",
    "StaffUpdateInput",
    "staff_create",
    "staff_update",
]


@strawberry.input(description="A new staff member (account managers: `managerCreate`).")
class StaffCreateInput:
    """Who, in which role and department, since when."""

    staff_no: str = strawberry.field(description="Staff number; the sign-in subject.")
    name: str = strawberry.field(description="Name.")
    role: RoleEnum = strawberry.field(description="Role (not ACCOUNT_MANAGER).")
    department_id: strawberry.ID = strawberry.field(description="Department.")
    joined_on: dt.date = strawberry.field(description="First day of employment.")


@strawberry.input(description="Change a staff member; omitted fields stay.")
class StaffUpdateInput:
    """Names and employment: administrators; role and department: administrators, marketing."""

    id: strawberry.ID = strawberry.field(description="Staff ID.")
    name: str | None = strawberry.field(default=None, description="New name.")
    role: RoleEnum | None = strawberry.field(default=None, description="New role.")
    department_id: strawberry.ID | None = strawberry.field(
        default=None, description="Transfer to this department."
    )
    active: bool | None = strawberry.field(
        default=None,
        description="false: deactivate (history kept, sign-in refused); true: reactivate.",
    )
    effective_on: dt.date | None = strawberry.field(
        default=None, description="Business day the change takes effect; default today."
    )
    reason: str = strawberry.field(default="", description="Why, for the change log.")


@strawberry.type(description="Result of `staffCreate` / `staffUpdate`.")
class StaffPayload:
    """The staff member, or why not."""

    staff: StaffType | None = strawberry.field(default=None, description="The saved person.")
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing was saved."
    )


def staff_create(info: strawberry.Info[Context, None], input: StaffCreateInput) -> StaffPayload:
    """Add a staff member (administrators)."""
    staff = info.context.organisation.create_staff(
        StaffCommand(
            staff_no=input.staff_no,
            name=input.name,
            role=input.role,
            department_id=pk_of(input.department_id, "Department", ("department_id",)),
            joined_on=input.joined_on,
        )
    )
    return StaffPayload(staff=StaffType.from_domain(staff))


def staff_update(info: strawberry.Info[Context, None], input: StaffUpdateInput) -> StaffPayload:
    """Change a staff member (see the input for who may change what)."""
    staff = info.context.organisation.change_staff(
        StaffChange(
            staff_id=pk_of(input.id, "Staff", ("staff_id",)),
            name=input.name,
            role=input.role,
            department_id=None
            if input.department_id is None
            else pk_of(input.department_id, "Department", ("department_id",)),
            active=input.active,
            effective_on=input.effective_on,
            reason=input.reason,
        )
    )
    return StaffPayload(staff=StaffType.from_domain(staff))
