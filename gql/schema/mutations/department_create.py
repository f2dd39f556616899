"""``departmentCreate`` and ``departmentUpdate``: the company tree (administrators)."""

from __future__ import annotations

import strawberry

from gql.context import Context
from gql.schema.errors import UserError
from gql.schema.inputs import pk_of
from gql.schema.types.directory import DepartmentType
from gql.schema.types.enums import DepartmentKindEnum
from gql.services.organisation.commands import DepartmentChange, DepartmentCommand

__all__ = [
    "DepartmentCreateInput",
    "DepartmentPayload",
    "DepartmentUpdateInput",
    "department_create",
    "department_update",
]


@strawberry.input(description="A new department.")
class DepartmentCreateInput:
    """Code, name, kind and the department above."""

    code: str = strawberry.field(description="Short unique code, e.g. `LC`.")
    name: str = strawberry.field(description="Name.")
    kind: DepartmentKindEnum = strawberry.field(description="What the department does.")
    parent_id: strawberry.ID | None = strawberry.field(
        default=None, description="The department above; null only for the company."
    )


@strawberry.input(description="Rename or move a department; omitted fields stay.")
class DepartmentUpdateInput:
    """Partial change of a department."""

    id: strawberry.ID = strawberry.field(description="Department ID.")
    name: str | None = strawberry.field(default=None, description="New name.")
    parent_id: strawberry.ID | None = strawberry.field(
        default=None, description="New department above (never the department itself or below)."
    )


@strawberry.type(description="Result of `departmentCreate` / `departmentUpdate`.")
class DepartmentPayload:
    """The department, or why not."""

    department: DepartmentType | None = strawberry.field(
        default=None, description="The saved department."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing was saved."
    )


def _parent(parent_id: strawberry.ID | None) -> int | None:
    return None if parent_id is None else pk_of(parent_id, "Department", ("parent_id",))


def department_create(
    info: strawberry.Info[Context, None], input: DepartmentCreateInput
) -> DepartmentPayload:
    """Add a department (administrators)."""
    department = info.context.organisation.create_department(
        DepartmentCommand(
            code=input.code, name=input.name, kind=input.kind, parent_id=_parent(input.parent_id)
        )
    )
    return DepartmentPayload(department=DepartmentType.from_domain(department))


def department_update(
    info: strawberry.Info[Context, None], input: DepartmentUpdateInput
) -> DepartmentPayload:
    """Rename or move a department (administrators)."""
    department = info.context.organisation.change_department(
        DepartmentChange(
            department_id=pk_of(input.id, "Department", ("department_id",)),
            name=input.name,
            parent_id=_parent(input.parent_id),
        )
    )
    return DepartmentPayload(department=DepartmentType.from_domain(department))
