"""Staff members of every role: by id, staff number, department, or a keyset page."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa

from gql.domain import AccountManager, Role, Staff
from gql.store.models import AccountManagerRow, StaffRow
from gql.store.repositories._paging import Keyset, Page
from gql.store.repositories.managers import manager_of_rows

if TYPE_CHECKING:
    import builtins
    from collections.abc import Sequence
    from datetime import date

    from sqlalchemy.orm import Session

__all__ = ["StaffRepository"]


class StaffRepository:
    """Reads and adds staff; returns :class:`~gql.domain.Staff`."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def get_many(self, ids: Sequence[int]) -> builtins.list[Staff | None]:
        """Return staff in the order of ``ids`` (``None`` where absent), one statement."""
        if not ids:
            return []
        rows = self._session.scalars(sa.select(StaffRow).where(StaffRow.id.in_(set(ids))))
        found = {row.id: _to_domain(row) for row in rows}
        return [found.get(i) for i in ids]

    def get(self, staff_id: int) -> Staff | None:
        """Return the staff member with id ``staff_id``, or ``None``."""
        row = self._session.get(StaffRow, staff_id)
        return None if row is None else _to_domain(row)

    def get_by_staff_no(self, staff_no: str) -> Staff | None:
        """Return the staff member with ``staff_no``, or ``None``."""
        row = self._session.scalar(sa.select(StaffRow).where(StaffRow.staff_no == staff_no))
        return None if row is None else _to_domain(row)

    def get_with_manager_by_staff_no(
        self, staff_no: str
    ) -> tuple[Staff, AccountManager | None] | None:
        """The staff member with ``staff_no`` and, if one, their account-manager record.

        One statement where signing in and then reading the manager took two: a handheld's
        every request names its caller, and most of them act as that manager.
        """
        row = self._session.execute(
            sa.select(StaffRow, AccountManagerRow)
            .outerjoin(AccountManagerRow, AccountManagerRow.staff_id == StaffRow.id)
            .where(StaffRow.staff_no == staff_no)
        ).first()
        if row is None:
            return None
        staff, manager = row
        return _to_domain(staff), None if manager is None else manager_of_rows(staff, manager)

    def by_department(
        self, department_id: int, *, role: Role | None = None
    ) -> builtins.list[Staff]:
        """Return a department's staff (optionally one role), ordered by staff number."""
        statement = (
            sa.select(StaffRow)
            .where(StaffRow.department_id == department_id)
            .order_by(StaffRow.staff_no)
        )
        if role is not None:
            statement = statement.where(StaffRow.role == role)
        return [_to_domain(row) for row in self._session.scalars(statement)]

    def page(
        self,
        *,
        first: int = 50,
        after: int | None = None,
        last: int | None = None,
        before: int | None = None,
        role: Role | None = None,
        department_id: int | None = None,
        ids: frozenset[int] | None = None,
    ) -> Page[Staff]:
        """Return staff with id greater than ``after``, ascending, optionally filtered.

        ``ids`` limits the page to those staff (a caller's scope); ``None`` means no limit.
        ``last``/``before`` take the page backward.
        """
        keys = Keyset.of(first, after, last, before)
        conditions: builtins.list[sa.ColumnElement[bool]] = []
        if role is not None:
            conditions.append(StaffRow.role == role)
        if department_id is not None:
            conditions.append(StaffRow.department_id == department_id)
        if ids is not None:
            conditions.append(StaffRow.id.in_(sorted(ids)))
        total = self._session.scalar(
            sa.select(sa.func.count()).select_from(StaffRow).where(*conditions)
        )
        rows, has_next, has_previous = keys.cut(
            list(
                self._session.scalars(
                    sa.select(StaffRow)
                    .where(*conditions, *keys.conditions(StaffRow.id))
                    .order_by(keys.order(StaffRow.id))
                    .limit(keys.size + 1)
                )
            )
        )
        return Page(
            items=[(row.id, _to_domain(row)) for row in rows],
            has_next=has_next,
            has_previous=has_previous,
            total_count=total or 0,
        )

    def add(
        self,
        *,
        staff_no: str,
        name: str,
        role: Role,
        department_id: int,
        joined_on: date,
        active: bool = True,
    ) -> Staff:
        """Insert a staff member and return them with their id."""
        row = StaffRow(
            staff_no=staff_no,
            name=name,
            role=role,
            department_id=department_id,
            joined_on=joined_on,
            active=active,
        )
        self._session.add(row)
        self._session.flush()
        return _to_domain(row)

    def update(
        self,
        staff_id: int,
        *,
        name: str | None = None,
        role: Role | None = None,
        department_id: int | None = None,
        active: bool | None = None,
    ) -> Staff:
        """Change the given fields of a staff member (``None`` keeps a field) and return them."""
        row = self._session.get(StaffRow, staff_id)
        if row is None:
            raise LookupError(f"staff member {staff_id} does not exist")
        if name is not None:
            row.name = name
        if role is not None:
            row.role = role
        if department_id is not None:
            row.department_id = department_id
        if active is not None:
            row.active = active
        self._session.flush()
        return _to_domain(row)

    def active_holder(self, department_id: int, role: Role) -> Staff | None:
        """The active staff member holding ``role`` (head or deputy) in a department, if any."""
        row = self._session.scalar(
            sa.select(StaffRow).where(
                StaffRow.department_id == department_id,
                StaffRow.role == role,
                StaffRow.active.is_(True),
            )
        )
        return None if row is None else _to_domain(row)


def _to_domain(row: StaffRow) -> Staff:
    return Staff(
        id=row.id,
        staff_no=row.staff_no,
        name=row.name,
        role=row.role,
        department_id=row.department_id,
        active=row.active,
        joined_on=row.joined_on,
    )
