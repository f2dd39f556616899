"""Who works where: the staff list and the organisation's change log."""

from __future__ import annotations

from typing import Annotated

import strawberry

from gql.context import Context
from gql.schema.inputs import global_id_of, pk_of
from gql.schema.paging import AfterArg, BeforeArg, FirstArg, LastArg, page_request
from gql.schema.relay import Connection, to_connection
from gql.schema.types.directory import StaffType
from gql.schema.types.enums import RoleEnum
from gql.schema.types.organisation import OrgChangeType
from gql.services.errors import InvalidInput

__all__ = ["OrganisationQuery"]

Info = strawberry.Info[Context, None]
_SUBJECTS = {"Department": "DEPARTMENT", "Staff": "STAFF", "Manager": "MANAGER"}


@strawberry.type
class OrganisationQuery:
    """Staff and the change log."""

    @strawberry.field(
        description="Staff you may see (marketing and admins: everyone; heads and deputies: "
        "their department; others: themselves), in ID order; e.g. to fill `auditorIds`."
    )
    def staff(
        self,
        info: Info,
        role: Annotated[RoleEnum | None, strawberry.argument(description="Only this role.")] = None,
        department_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only this department.")
        ] = None,
        first: FirstArg = None,
        after: AfterArg = None,
        last: LastArg = None,
        before: BeforeArg = None,
    ) -> Connection[StaffType]:
        """Staff list."""
        department = (
            None if department_id is None else pk_of(department_id, "Department", "departmentId")
        )
        page = info.context.organisation.staff(
            role=role, department_id=department, page=page_request(first, after, last, before)
        )
        return to_connection(page, StaffType.from_domain)

    @strawberry.field(
        description="Who changed departments, staff and managers, when and how "
        "(marketing and admins), oldest first."
    )
    def org_changes(
        self,
        info: Info,
        subject_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only changes of this Department, Staff or Manager."),
        ] = None,
        first: FirstArg = None,
        after: AfterArg = None,
        last: LastArg = None,
        before: BeforeArg = None,
    ) -> Connection[OrgChangeType]:
        """Change log."""
        subject: str | None = None
        pk: int | None = None
        if subject_id is not None:
            type_name, pk = global_id_of(subject_id, "subjectId")
            if type_name not in _SUBJECTS:
                raise InvalidInput("give a Department, Staff or Manager ID", field=("subjectId",))
            subject = _SUBJECTS[type_name]
        page = info.context.organisation.changes(
            subject=subject, subject_id=pk, page=page_request(first, after, last, before)
        )
        return to_connection(page, OrgChangeType.from_domain)
