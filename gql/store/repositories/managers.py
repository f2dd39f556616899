"""Account managers: a staff row joined with its manager row, read as one domain object."""

from __future__ import annotations

import builtins
from typing import TYPE_CHECKING

import sqlalchemy as sa

from gql.domain import AccountManager, Carrier
from gql.store.models import AccountManagerRow, StaffRow
from gql.store.repositories._paging import Keyset, Page

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from sqlalchemy.orm import Session

__all__ = ["ManagerRepository"]

_SELECT = sa.select(StaffRow, AccountManagerRow).join(
    AccountManagerRow, AccountManagerRow.staff_id == StaffRow.id
)


class ManagerRepository:
    """Reads and adds account managers; returns :class:`~gql.domain.AccountManager`."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def get_many(self, ids: Sequence[int]) -> builtins.list[AccountManager | None]:
        """Return managers (by staff id) in the order of ``ids``, ``None`` where absent."""
        if not ids:
            return []
        statement = _SELECT.where(StaffRow.id.in_(set(ids)))
        found = {m.staff_id: m for m in self._run(statement)}
        return [found.get(i) for i in ids]

    def get_by_staff_no(self, staff_no: str) -> AccountManager | None:
        """Return the manager with ``staff_no``, or ``None`` (also for non-managers)."""
        found = self._run(_SELECT.where(StaffRow.staff_no == staff_no))
        return found[0] if found else None

    def ids_by_staff_no(
        self, staff_nos: Iterable[str], *, active_only: bool = False
    ) -> dict[str, int]:
        """Map each known manager staff number to the manager id; others are left out.

        With ``active_only`` managers who left (inactive staff) are left out too, so
        nothing new gets assigned to them.
        """
        wanted = sorted(set(staff_nos))
        if not wanted:
            return {}
        statement = (
            sa.select(StaffRow.staff_no, StaffRow.id)
            .join(AccountManagerRow, AccountManagerRow.staff_id == StaffRow.id)
            .where(StaffRow.staff_no.in_(wanted))
        )
        if active_only:
            statement = statement.where(StaffRow.active.is_(True))
        return {staff_no: sid for staff_no, sid in self._session.execute(statement)}

    def by_department(self, department_id: int) -> builtins.list[AccountManager]:
        """Return a department's managers, ordered by staff number."""
        return self._run(
            _SELECT.where(StaffRow.department_id == department_id).order_by(StaffRow.staff_no)
        )

    def all(self) -> builtins.list[AccountManager]:
        """Return every manager of the company, ordered by staff id (one statement)."""
        return self._run(_SELECT.order_by(StaffRow.id))

    def ids_in_department(self, department_id: int) -> builtins.list[int]:
        """Return the staff ids of a department's managers, ascending."""
        statement = (
            sa.select(StaffRow.id)
            .join(AccountManagerRow, AccountManagerRow.staff_id == StaffRow.id)
            .where(StaffRow.department_id == department_id)
            .order_by(StaffRow.id)
        )
        return builtins.list(self._session.scalars(statement))

    def page(
        self,
        *,
        first: int = 50,
        after: int | None = None,
        last: int | None = None,
        before: int | None = None,
        department_id: int | None = None,
    ) -> Page[AccountManager]:
        """Return managers with staff id greater than ``after``, ascending (or backward)."""
        keys = Keyset.of(first, after, last, before)
        conditions: builtins.list[sa.ColumnElement[bool]] = []
        if department_id is not None:
            conditions.append(StaffRow.department_id == department_id)
        total = self._session.scalar(
            sa.select(sa.func.count())
            .select_from(StaffRow)
            .join(AccountManagerRow, AccountManagerRow.staff_id == StaffRow.id)
            .where(*conditions)
        )
        found, has_next, has_previous = keys.cut(
            self._run(
                _SELECT.where(*conditions, *keys.conditions(StaffRow.id))
                .order_by(keys.order(StaffRow.id))
                .limit(keys.size + 1)
            )
        )
        return Page(
            items=[(m.staff_id, m) for m in found],
            has_next=has_next,
            has_previous=has_previous,
            total_count=total or 0,
        )

    def add(
        self,
        *,
        staff_id: int,
        msisdn: str,
        carrier: Carrier,
        start_lat: float,
        start_lon: float,
        start_label: str,
    ) -> AccountManager:
        """Make staff member ``staff_id`` an account manager and return the manager."""
        self._session.add(
            AccountManagerRow(
                staff_id=staff_id,
                msisdn=msisdn,
                carrier=carrier,
                start_lat=start_lat,
                start_lon=start_lon,
                start_label=start_label,
            )
        )
        self._session.flush()
        found = self.get_many([staff_id])[0]
        if found is None:  # pragma: no cover - the flush above would have failed
            raise LookupError(f"staff member {staff_id} does not exist")
        return found

    def holder_of_msisdn(self, msisdn: str) -> int | None:
        """The staff id of the manager whose work phone is ``msisdn``, if any."""
        return self._session.scalar(
            sa.select(AccountManagerRow.staff_id).where(AccountManagerRow.msisdn == msisdn)
        )

    def change_phone(self, staff_id: int, *, carrier: Carrier, msisdn: str) -> AccountManager:
        """Set a manager's carrier and number (a port); the next check-in asks the new carrier."""
        row = self._session.get(AccountManagerRow, staff_id)
        if row is None:
            raise LookupError(f"manager {staff_id} does not exist")
        row.carrier = carrier
        row.msisdn = msisdn
        self._session.flush()
        found = self.get_many([staff_id])[0]
        assert found is not None
        return found

    def move_start(self, staff_id: int, *, lat: float, lon: float, label: str) -> None:
        """Set where a manager's routes start (WGS-84)."""
        row = self._session.get(AccountManagerRow, staff_id)
        if row is None:
            raise LookupError(f"manager {staff_id} does not exist")
        row.start_lat, row.start_lon, row.start_label = lat, lon, label
        self._session.flush()

    def _run(
        self, statement: sa.Select[StaffRow, AccountManagerRow]
    ) -> builtins.list[AccountManager]:
        return [manager_of_rows(s, m) for s, m in self._session.execute(statement)]


def manager_of_rows(staff: StaffRow, manager: AccountManagerRow) -> AccountManager:
    """The domain manager of a staff row and its manager row (one join, any repository)."""
    return AccountManager(
        staff_id=staff.id,
        staff_no=staff.staff_no,
        name=staff.name,
        department_id=staff.department_id,
        active=staff.active,
        msisdn=manager.msisdn,
        carrier=manager.carrier,
        start_lat=manager.start_lat,
        start_lon=manager.start_lon,
        start_label=manager.start_label,
    )
