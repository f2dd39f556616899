"""Who a command-line run acts as: a named staff member, or the first active marketing one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gql.domain import Role
from gql.services.access import Principal
from gql.store.repositories import StaffRepository

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

__all__ = ["acting_principal"]


def acting_principal(
    session: Session, staff_no: str | None, error: type[Exception] = ValueError
) -> Principal:
    """The ``--as`` staff member, else the first active marketing staff member.

    Raises
    ------
    error
        No such active staff member, or no marketing staff member to act as.
    """
    staff_repo = StaffRepository(session)
    if staff_no is not None:
        staff = staff_repo.get_by_staff_no(staff_no)
        if staff is None or not staff.active:
            raise error(f"no active staff member with staff number {staff_no!r}")
        return Principal.from_staff(staff)
    marketing = [s for _, s in staff_repo.page(first=500, role=Role.MARKETING).items if s.active]
    if not marketing:
        raise error("no active marketing staff member to act as; pass --as STAFF_NO")
    return Principal.from_staff(marketing[0])
