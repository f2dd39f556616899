"""Changing and reading the organisation: departments, staff, account managers (R1.1, R1.2).

Administrators keep the reference data (departments, people, employment); administrators and
the marketing department make assignments (roles, transfers, managers and their phones).
Every change is validated in full before anything is written and is appended to the change
log (who, when, what, effective from when). Nobody is deleted: deactivating a person keeps
their plans, visits and scores on file.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from gql.domain import AccountManager, Department, DepartmentKind, Role, Staff
from gql.services.access import (
    ASSIGNMENT_EDITORS,
    REFERENCE_EDITORS,
    Principal,
    require_role,
    signed_in,
    staff_scope,
)
from gql.services.calendar import local_day
from gql.services.errors import ErrorCode, NotFound, Problems
from gql.services.organisation import rules
from gql.services.paging import Page, PageRequest, empty_page
from gql.store.repositories import (
    DepartmentRepository,
    ManagerRepository,
    OrgChange,
    OrgChangeRepository,
    StaffRepository,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.orm import Session

    from gql.services.organisation.commands import (
        CarrierChange,
        DepartmentChange,
        DepartmentCommand,
        ManagerCommand,
        StaffChange,
        StaffCommand,
        StartMove,
    )

__all__ = ["OrganisationService"]

_HOLDER_ROLES = (Role.DEPARTMENT_HEAD, Role.DEPUTY_HEAD)


class OrganisationService:
    """The organisation as the caller may change and read it."""

    def __init__(
        self,
        session: Session,
        principal: Principal | None,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._principal = principal
        self._departments = DepartmentRepository(session)
        self._staff = StaffRepository(session)
        self._managers = ManagerRepository(session)
        self._changes = OrgChangeRepository(session)
        self._clock = clock

    # -- access -------------------------------------------------------------------------

    def _editor(self, allowed: frozenset[Role], action: str) -> Principal:
        principal = signed_in(self._principal)
        require_role(principal, allowed, action)
        return principal

    def _record(
        self,
        actor: Principal,
        subject: str,
        subject_id: int,
        action: str,
        detail: dict[str, Any],
        effective_on: date | None = None,
    ) -> None:
        now = self._clock()
        self._changes.add(
            at=now,
            actor_id=actor.staff_id,
            subject=subject,
            subject_id=subject_id,
            action=action,
            effective_on=effective_on or local_day(now),
            detail=detail,
        )

    # -- departments --------------------------------------------------------------------

    def create_department(self, command: DepartmentCommand) -> Department:
        """Add a department below an existing one (only the company has no parent)."""
        actor = self._editor(REFERENCE_EDITORS, "change departments")
        found = Problems()
        code, name = command.code.strip(), command.name.strip()
        rules.check_code(found, code, ("code",))
        rules.check_name(found, name, ("name",), limit=80)
        if code and self._departments.by_code(code) is not None:
            found.add(("code",), "department code already exists", ErrorCode.DUPLICATE)
        self._check_parent(found, command.kind, command.parent_id, None)
        found.raise_if_any()
        department = self._departments.add(
            code=code, name=name, kind=command.kind, parent_id=command.parent_id
        )
        self._record(
            actor,
            "DEPARTMENT",
            department.id,
            "CREATED",
            {
                "code": code,
                "name": name,
                "kind": command.kind.value,
                "parent_id": command.parent_id,
            },
        )
        return department

    def change_department(self, change: DepartmentChange) -> Department:
        """Rename or move a department (never below itself)."""
        actor = self._editor(REFERENCE_EDITORS, "change departments")
        current = self._department(change.department_id, ("department_id",))
        found = Problems()
        name = None if change.name is None else change.name.strip()
        if name is not None:
            rules.check_name(found, name, ("name",), limit=80)
        if change.parent_id is not None:
            self._check_parent(found, current.kind, change.parent_id, current.id)
        found.raise_if_any()
        department = self._departments.update(current.id, name=name, parent_id=change.parent_id)
        detail: dict[str, Any] = {}
        if name is not None and name != current.name:
            detail["name"] = [current.name, name]
        if change.parent_id is not None and change.parent_id != current.parent_id:
            detail["parent_id"] = [current.parent_id, change.parent_id]
        self._record(actor, "DEPARTMENT", current.id, "CHANGED", detail)
        return department

    def _department(self, department_id: int, where: tuple[str, ...]) -> Department:
        department = self._departments.get_many([department_id])[0]
        if department is None:
            raise NotFound("department", field=where)
        return department

    def _check_parent(
        self, found: Problems, kind: DepartmentKind, parent_id: int | None, moving: int | None
    ) -> None:
        if parent_id is None:
            if kind is not DepartmentKind.COMPANY:
                found.add(("parent_id",), "every department but the company needs a parent")
            return
        if kind is DepartmentKind.COMPANY:
            found.add(("parent_id",), "the company is the root and has no parent")
            return
        seen: set[int] = set()
        cursor: int | None = parent_id
        while cursor is not None and cursor not in seen:
            if cursor == moving:
                found.add(("parent_id",), "a department cannot move below itself")
                return
            seen.add(cursor)
            parent = self._departments.get_many([cursor])[0]
            if parent is None:
                found.add(("parent_id",), "no department with this ID", ErrorCode.NOT_FOUND)
                return
            cursor = parent.parent_id

    # -- staff --------------------------------------------------------------------------

    def create_staff(self, command: StaffCommand) -> Staff:
        """Add a staff member; account managers are added by :meth:`create_manager`."""
        actor = self._editor(REFERENCE_EDITORS, "add staff")
        found = Problems()
        if command.role is Role.ACCOUNT_MANAGER:
            found.add(("role",), "add account managers with their phone and start point")
        self._check_new_person(found, command.staff_no, command.name, command.department_id)
        department = self._departments.get_many([command.department_id])[0]
        rules.check_role_fits(
            found, command.role, None if department is None else department.kind, ("role",)
        )
        self._check_holder(found, command.role, command.department_id, None)
        found.raise_if_any()
        staff = self._staff.add(
            staff_no=command.staff_no.strip(),
            name=command.name.strip(),
            role=command.role,
            department_id=command.department_id,
            joined_on=command.joined_on,
        )
        self._record(
            actor, "STAFF", staff.id, "CREATED", _staff_detail(staff), effective_on=staff.joined_on
        )
        return staff

    def change_staff(self, change: StaffChange) -> Staff:
        """Transfer, re-role, rename, deactivate or reactivate a staff member.

        Names and employment (``active``) are reference data (administrators); roles and
        departments are assignments (administrators and marketing). A manager stays a manager:
        the role ACCOUNT_MANAGER is neither given nor taken here.
        """
        reference = change.name is not None or change.active is not None
        actor = self._editor(
            REFERENCE_EDITORS if reference else ASSIGNMENT_EDITORS,
            "change names or employment" if reference else "assign staff",
        )
        current = self._staff.get(change.staff_id)
        if current is None:
            raise NotFound("staff member", field=("staff_id",))
        found = Problems()
        name = None if change.name is None else change.name.strip()
        if name is not None:
            rules.check_name(found, name, ("name",))
        role = change.role or current.role
        department_id = change.department_id or current.department_id
        active = current.active if change.active is None else change.active
        if (role is Role.ACCOUNT_MANAGER) != (current.role is Role.ACCOUNT_MANAGER):
            found.add(("role",), "the role ACCOUNT_MANAGER is neither given nor taken by a change")
        department = self._departments.get_many([department_id])[0]
        if department is None:
            found.add(("department_id",), "no department with this ID", ErrorCode.NOT_FOUND)
        else:
            rules.check_role_fits(found, role, department.kind, ("role",))
        if active:
            self._check_holder(found, role, department_id, current.id)
        if change.active is False and current.id == actor.staff_id:
            found.add(("active",), "you cannot deactivate yourself", ErrorCode.CONFLICT)
        if len(change.reason) > 400:
            found.add(("reason",), "reason must be at most 400 characters")
        found.raise_if_any()
        staff = self._staff.update(
            current.id,
            name=name,
            role=change.role,
            department_id=change.department_id,
            active=change.active,
        )
        detail = _diff(_staff_detail(current), _staff_detail(staff))
        if change.reason:
            detail["reason"] = change.reason
        action = "CHANGED"
        if current.active and not staff.active:
            action = "DEACTIVATED"
        elif staff.active and not current.active:
            action = "REACTIVATED"
        self._record(actor, "STAFF", staff.id, action, detail, effective_on=change.effective_on)
        return staff

    def _check_new_person(
        self, found: Problems, staff_no: str, name: str, department_id: int
    ) -> None:
        rules.check_staff_no(found, staff_no.strip(), ("staff_no",))
        rules.check_name(found, name, ("name",))
        if staff_no.strip() and self._staff.get_by_staff_no(staff_no.strip()) is not None:
            found.add(("staff_no",), "staff number already exists", ErrorCode.DUPLICATE)
        if self._departments.get_many([department_id])[0] is None:
            found.add(("department_id",), "no department with this ID", ErrorCode.NOT_FOUND)

    def _check_holder(
        self, found: Problems, role: Role, department_id: int, staff_id: int | None
    ) -> None:
        if role not in _HOLDER_ROLES:
            return
        holder = self._staff.active_holder(department_id, role)
        if holder is not None and holder.id != staff_id:
            found.add(
                ("role",),
                f"the department has an active {role.value} already ({holder.staff_no}); "
                "deactivate or move them first",
                ErrorCode.CONFLICT,
            )

    # -- account managers ---------------------------------------------------------------

    def create_manager(self, command: ManagerCommand) -> AccountManager:
        """Add an account manager: the staff member, the work phone, the route's start."""
        actor = self._editor(ASSIGNMENT_EDITORS, "add account managers")
        found = Problems()
        self._check_new_person(found, command.staff_no, command.name, command.department_id)
        department = self._departments.get_many([command.department_id])[0]
        rules.check_role_fits(
            found,
            Role.ACCOUNT_MANAGER,
            None if department is None else department.kind,
            ("department_id",),
        )
        rules.check_msisdn(found, command.msisdn, ("msisdn",))
        if self._managers.holder_of_msisdn(command.msisdn) is not None:
            found.add(("msisdn",), "another manager has this number", ErrorCode.DUPLICATE)
        rules.check_name(
            found, command.start_label, ("start_label",), limit=rules.MAX_START_LABEL_CHARS
        )
        lat, lon = rules.start_in_wgs84(
            found, command.start_lat, command.start_lon, command.coordinate_system, ("start_lat",)
        )
        found.raise_if_any()
        staff = self._staff.add(
            staff_no=command.staff_no.strip(),
            name=command.name.strip(),
            role=Role.ACCOUNT_MANAGER,
            department_id=command.department_id,
            joined_on=command.joined_on,
        )
        manager = self._managers.add(
            staff_id=staff.id,
            msisdn=command.msisdn,
            carrier=command.carrier,
            start_lat=lat,
            start_lon=lon,
            start_label=command.start_label.strip(),
        )
        detail = _staff_detail(staff) | {
            "carrier": manager.carrier.value,
            "msisdn": _masked(manager.msisdn),
            "start": [round(lat, 6), round(lon, 6), manager.start_label],
        }
        self._record(actor, "MANAGER", staff.id, "CREATED", detail, effective_on=staff.joined_on)
        return manager

    def change_carrier(self, change: CarrierChange) -> AccountManager:
        """Port a manager's number to another carrier (or give a new number), in force at once.

        The next check-in asks the new carrier: the visit service reads the manager's carrier
        when it locates, never a copy.
        """
        actor = self._editor(ASSIGNMENT_EDITORS, "change managers' phones")
        current = self._managers.get_many([change.manager_id])[0]
        if current is None:
            raise NotFound("manager", field=("manager_id",))
        found = Problems()
        msisdn = change.msisdn if change.msisdn is not None else current.msisdn
        if change.msisdn is not None:
            rules.check_msisdn(found, msisdn, ("msisdn",))
            holder = self._managers.holder_of_msisdn(msisdn)
            if holder is not None and holder != current.staff_id:
                found.add(("msisdn",), "another manager has this number", ErrorCode.DUPLICATE)
        if change.carrier is current.carrier and msisdn == current.msisdn:
            found.add(("carrier",), "the manager's phone is like this already", ErrorCode.CONFLICT)
        if len(change.reason) > 400:
            found.add(("reason",), "reason must be at most 400 characters")
        found.raise_if_any()
        manager = self._managers.change_phone(
            current.staff_id, carrier=change.carrier, msisdn=msisdn
        )
        detail: dict[str, Any] = {"carrier": [current.carrier.value, manager.carrier.value]}
        if msisdn != current.msisdn:
            detail["msisdn"] = [_masked(current.msisdn), _masked(msisdn)]
        if change.reason:
            detail["reason"] = change.reason
        self._record(actor, "MANAGER", current.staff_id, "PHONE_CHANGED", detail)
        return manager

    def move_start(self, move: StartMove) -> AccountManager:
        """Set where a manager's routes start; the next plan starts there."""
        actor = self._editor(ASSIGNMENT_EDITORS, "change managers' start points")
        current = self._managers.get_many([move.manager_id])[0]
        if current is None:
            raise NotFound("manager", field=("manager_id",))
        found = Problems()
        rules.check_name(
            found, move.start_label, ("start_label",), limit=rules.MAX_START_LABEL_CHARS
        )
        lat, lon = rules.start_in_wgs84(
            found, move.start_lat, move.start_lon, move.coordinate_system, ("start_lat",)
        )
        if len(move.reason) > 400:
            found.add(("reason",), "reason must be at most 400 characters")
        found.raise_if_any()
        label = move.start_label.strip()
        self._managers.move_start(current.staff_id, lat=lat, lon=lon, label=label)
        detail: dict[str, Any] = {
            "start": [
                f"{current.start_lat:.6f},{current.start_lon:.6f} {current.start_label}",
                f"{lat:.6f},{lon:.6f} {label}",
            ]
        }
        if move.reason:
            detail["reason"] = move.reason
        self._record(actor, "MANAGER", current.staff_id, "START_MOVED", detail)
        manager = self._managers.get_many([current.staff_id])[0]
        assert manager is not None
        return manager

    # -- reading ------------------------------------------------------------------------

    def staff(
        self, *, role: Role | None, department_id: int | None, page: PageRequest
    ) -> Page[Staff]:
        """Staff the caller may see, optionally of one role and/or department, in id order."""
        principal = signed_in(self._principal)
        everything, own_department = staff_scope(principal)
        if everything:
            return self._staff.page(**page.keys, role=role, department_id=department_id)
        if own_department is not None:
            if department_id not in (None, own_department):
                return empty_page(page)  # type: ignore[return-value]
            return self._staff.page(**page.keys, role=role, department_id=own_department)
        return self._staff.page(
            **page.keys,
            role=role,
            department_id=department_id,
            ids=frozenset({principal.staff_id}),
        )

    def staff_member(self, staff_id: int) -> Staff | None:
        """One staff member, ``None`` when missing or outside the caller's staff scope."""
        principal = signed_in(self._principal)
        everything, own_department = staff_scope(principal)
        staff = self._staff.get(staff_id)
        if staff is None:
            return None
        if everything or staff.id == principal.staff_id or staff.department_id == own_department:
            return staff
        return None

    def people_of(self, department_id: int, role: Role | None = None) -> list[Staff]:
        """A department's people the caller may see (heads and deputies: anyone signed in)."""
        principal = signed_in(self._principal)
        everything, own_department = staff_scope(principal)
        people = self._staff.by_department(department_id, role=role)
        if everything or own_department == department_id:
            return people
        return [
            s
            for s in people
            if s.id == principal.staff_id or (s.role in _HOLDER_ROLES and s.active)
        ]

    def holder(self, department_id: int, role: Role) -> Staff | None:
        """The department's active head or deputy; who leads a department is no secret."""
        signed_in(self._principal)
        return self._staff.active_holder(department_id, role)

    def changes(
        self, *, subject: str | None, subject_id: int | None, page: PageRequest
    ) -> Page[OrgChange]:
        """The change log (administrators and marketing)."""
        self._editor(ASSIGNMENT_EDITORS, "read the organisation's change log")
        return self._changes.page(**page.keys, subject=subject, subject_id=subject_id)


def _staff_detail(staff: Staff) -> dict[str, Any]:
    return {
        "staff_no": staff.staff_no,
        "name": staff.name,
        "role": staff.role.value,
        "department_id": staff.department_id,
        "active": staff.active,
    }


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {k: [before[k], after[k]] for k in after if before.get(k) != after[k]}


def _masked(msisdn: str) -> str:
    return msisdn[:3] + "****" + msisdn[-4:]
