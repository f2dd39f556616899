"""CSV import of departments, staff and account managers: every row checked, all or nothing.

Same contract as the retailer import (``docs/csv-import.md``): one bad row rejects the file
with every problem listed by line and column, nothing is written, and importing the same file
again changes nothing (rows are upserted by natural key: department code, staff number).
Each inserted or changed row is appended to the change log with action ``IMPORTED``, naming
the file, with the uploader as actor (none from the command line).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy.exc import IntegrityError

from gql.domain import Carrier, DepartmentKind, Role
from gql.services.calendar import local_day
from gql.services.directory.importing import (
    CsvSource,
    ImportRejected,
    ImportReport,
    RowError,
    read_csv,
)
from gql.services.errors import Problems
from gql.services.organisation import rules
from gql.store.repositories import (
    DepartmentRepository,
    ManagerRepository,
    OrgChangeRepository,
    StaffRepository,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.orm import Session

__all__ = [
    "DEPARTMENT_COLUMNS",
    "MANAGER_COLUMNS",
    "STAFF_COLUMNS",
    "import_departments",
    "import_managers",
    "import_staff",
]

DEPARTMENT_COLUMNS = ("code", "name", "kind", "parent_code")
STAFF_REQUIRED = ("staff_no", "name", "role", "department_code", "joined_on")
STAFF_COLUMNS = (*STAFF_REQUIRED, "active")
MANAGER_REQUIRED = (
    "staff_no", "name", "department_code", "joined_on", "msisdn", "carrier",
    "start_lat", "start_lon", "start_label",
)  # fmt: skip
MANAGER_COLUMNS = (*MANAGER_REQUIRED, "coord_system", "active")
_E = TypeVar("_E", Carrier, DepartmentKind, Role)
_TRUE = {"true", "1", "yes", "y", "是", ""}
_FALSE = {"false", "0", "no", "n", "否"}


class _Row:
    """One CSV row's problems, by column."""

    def __init__(self, line: int, raw: dict[str, str]) -> None:
        self.line = line
        self.raw = raw
        self.errors: list[RowError] = []

    def text(self, column: str) -> str:
        return self.raw.get(column, "").strip()

    def fail(self, column: str, reason: str) -> None:
        self.errors.append(RowError(self.line, column, reason))

    def problems(self, found: Problems, columns: dict[str, str]) -> None:
        """Take the rules' faults, naming the column each command field came from."""
        for problem in found:
            name = str(problem.field[0]) if problem.field else "row"
            self.fail(columns.get(name, name), problem.message)

    def choice(self, column: str, enum: type[_E]) -> _E | None:
        value = self.text(column).upper()
        try:
            return enum(value)
        except ValueError:
            self.fail(column, f"{self.text(column)!r} is not one of {', '.join(enum)}")
            return None

    def day(self, column: str) -> date | None:
        try:
            return date.fromisoformat(self.text(column))
        except ValueError:
            self.fail(column, f"{self.text(column)!r} is not a date YYYY-MM-DD")
            return None

    def number(self, column: str) -> float | None:
        try:
            return float(self.text(column))
        except ValueError:
            self.fail(column, f"{self.text(column)!r} is not a decimal number")
            return None

    def active(self) -> bool | None:
        value = self.text("active").lower()
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        self.fail("active", f"{value!r} is not true/false")
        return None


@dataclass(slots=True)
class _Log:
    """Collects the change-log rows of one import."""

    session: Session
    source: str
    at: datetime
    actor_id: int | None = None
    entries: int = 0

    def add(self, subject: str, subject_id: int, detail: dict[str, Any]) -> None:
        OrgChangeRepository(self.session).add(
            at=self.at,
            actor_id=self.actor_id,
            subject=subject,
            subject_id=subject_id,
            action="IMPORTED",
            effective_on=local_day(self.at),
            detail={"file": self.source, **detail},
        )
        self.entries += 1


def _unique(rows: list[_Row], column: str) -> None:
    seen: dict[str, int] = {}
    for row in rows:
        key = row.text(column)
        if key in seen:
            row.fail(column, f"{key} already on line {seen[key]}")
        elif key:
            seen[key] = row.line


def _reject_if_any(rows: list[_Row]) -> None:
    errors = [e for row in rows for e in row.errors]
    if errors:
        raise ImportRejected(errors)


def _write(action: Callable[[], ImportReport]) -> ImportReport:
    try:
        return action()
    except IntegrityError as exc:  # another writer took a key meanwhile
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else "constraint violated"
        raise ImportRejected(
            [RowError(0, "file", f"the database refused the rows: {reason}")]
        ) from exc


def import_departments(
    session: Session, path: CsvSource, *, now: datetime | None = None, actor_id: int | None = None
) -> ImportReport:
    """Upsert departments by code; a parent is an existing department or one on an earlier line.

    Raises
    ------
    ImportRejected
        If the file or any row is invalid; nothing is written then.
    """
    rows = [
        _Row(line, raw) for line, raw in read_csv(path, DEPARTMENT_COLUMNS[:3], ("parent_code",))
    ]
    repository = DepartmentRepository(session)
    existing = {d.code: d for d in repository.all()}
    _unique(rows, "code")
    defined = set(existing)
    for row in rows:
        found = Problems()
        code = row.text("code")
        rules.check_code(found, code, ("code",))
        rules.check_name(found, row.text("name"), ("name",), limit=80)
        row.problems(found, {})
        kind = row.choice("kind", DepartmentKind)
        parent = row.text("parent_code")
        if kind is DepartmentKind.COMPANY and parent:
            row.fail("parent_code", "the company is the root and has no parent")
        elif kind is not None and kind is not DepartmentKind.COMPANY and not parent:
            row.fail("parent_code", "every department but the company needs a parent")
        elif parent and parent not in defined:
            row.fail("parent_code", f"no department {parent} here or on an earlier line")
        elif parent == code:
            row.fail("parent_code", "a department cannot be its own parent")
        if code in existing and kind is not None and existing[code].kind is not kind:
            row.fail("kind", f"{code} is a {existing[code].kind.value}; kinds do not change")
        defined.add(code)
    _reject_if_any(rows)

    def write() -> ImportReport:
        log = _Log(session, path.name, now or datetime.now(UTC), actor_id)
        ids = {code: d.id for code, d in existing.items()}
        inserted = updated = 0
        for row in rows:
            code, name, parent = row.text("code"), row.text("name"), row.text("parent_code")
            parent_id = ids[parent] if parent else None
            current = existing.get(code)
            if current is None:
                made = repository.add(
                    code=code,
                    name=name,
                    kind=DepartmentKind(row.text("kind").upper()),
                    parent_id=parent_id,
                )
                ids[code] = made.id
                inserted += 1
                log.add("DEPARTMENT", made.id, {"code": code, "name": name, "parent": parent})
            elif (current.name, current.parent_id) != (name, parent_id):
                repository.update(current.id, name=name, parent_id=parent_id)
                updated += 1
                log.add("DEPARTMENT", current.id, {"code": code, "name": name, "parent": parent})
        return ImportReport(
            "department", len(rows), inserted, updated, len(rows) - inserted - updated
        )

    return _write(write)


def _department_ids(session: Session, rows: list[_Row]) -> dict[str, tuple[int, DepartmentKind]]:
    known = {d.code: (d.id, d.kind) for d in DepartmentRepository(session).all()}
    for row in rows:
        if row.text("department_code") not in known:
            row.fail("department_code", f"no department {row.text('department_code')!r}")
    return known


def _holders(session: Session, rows: list[_Row], roles: list[Role | None]) -> None:
    """At most one active head and one deputy per department, counting the file and the store."""
    staff = StaffRepository(session)
    departments = {d.code: d.id for d in DepartmentRepository(session).all()}
    taken: dict[tuple[str, Role], str] = {}
    for row, role in zip(rows, roles, strict=True):
        if role not in (Role.DEPARTMENT_HEAD, Role.DEPUTY_HEAD) or row.active() is False:
            continue
        code = row.text("department_code")
        key = (code, role)
        if key in taken:
            row.fail("role", f"{code} has a {role.value} on this file already ({taken[key]})")
            continue
        taken[key] = row.text("staff_no")
        holder = staff.active_holder(departments[code], role) if code in departments else None
        if holder is not None and holder.staff_no != row.text("staff_no"):
            row.fail("role", f"{code} has an active {role.value} already ({holder.staff_no})")


def import_staff(
    session: Session, path: CsvSource, *, now: datetime | None = None, actor_id: int | None = None
) -> ImportReport:
    """Upsert staff other than account managers by staff number (name, role, department, active).

    Raises
    ------
    ImportRejected
        If the file or any row is invalid; nothing is written then.
    """
    rows = [_Row(line, raw) for line, raw in read_csv(path, STAFF_REQUIRED, ("active",))]
    _unique(rows, "staff_no")
    departments = _department_ids(session, rows)
    repository = StaffRepository(session)
    roles: list[Role | None] = []
    for row in rows:
        found = Problems()
        rules.check_staff_no(found, row.text("staff_no"), ("staff_no",))
        rules.check_name(found, row.text("name"), ("name",))
        role = row.choice("role", Role)
        roles.append(role)
        if role is Role.ACCOUNT_MANAGER:
            row.fail("role", "account managers go in the managers file (phone, start point)")
        elif role is not None and row.text("department_code") in departments:
            rules.check_role_fits(
                found, role, departments[row.text("department_code")][1], ("role",)
            )
        row.problems(found, {})
        row.day("joined_on")
        row.active()
        current = repository.get_by_staff_no(row.text("staff_no"))
        if current is not None and current.role is Role.ACCOUNT_MANAGER:
            row.fail("staff_no", "is an account manager; change them in the managers file")
    _reject_if_any(rows)
    _holders(session, rows, roles)
    _reject_if_any(rows)

    def write() -> ImportReport:
        log = _Log(session, path.name, now or datetime.now(UTC), actor_id)
        inserted = updated = 0
        for row, role in zip(rows, roles, strict=True):
            assert role is not None
            staff_no, name = row.text("staff_no"), row.text("name")
            department_id = departments[row.text("department_code")][0]
            active = row.active()
            joined = row.day("joined_on")
            assert active is not None
            assert joined is not None
            current = repository.get_by_staff_no(staff_no)
            wanted = (name, role, department_id, active)
            if current is None:
                made = repository.add(
                    staff_no=staff_no, name=name, role=role, department_id=department_id,
                    joined_on=joined, active=active,
                )  # fmt: skip
                inserted += 1
                log.add("STAFF", made.id, {"staff_no": staff_no, "role": role.value})
            elif (current.name, current.role, current.department_id, current.active) != wanted:
                repository.update(
                    current.id, name=name, role=role, department_id=department_id, active=active
                )
                updated += 1
                log.add("STAFF", current.id, {"staff_no": staff_no, "role": role.value,
                                              "active": active})  # fmt: skip
        return ImportReport("staff", len(rows), inserted, updated, len(rows) - inserted - updated)

    return _write(write)


def import_managers(
    session: Session, path: CsvSource, *, now: datetime | None = None, actor_id: int | None = None
) -> ImportReport:
    """Upsert account managers by staff number: person, work phone, carrier and start point.

    Start points may be in WGS84, GCJ02 or BD09 (``coord_system``, default WGS84).

    Raises
    ------
    ImportRejected
        If the file or any row is invalid; nothing is written then.
    """
    rows = [
        _Row(line, raw)
        for line, raw in read_csv(path, MANAGER_REQUIRED, ("coord_system", "active"))
    ]
    _unique(rows, "staff_no")
    _unique(rows, "msisdn")
    departments = _department_ids(session, rows)
    staff = StaffRepository(session)
    managers = ManagerRepository(session)
    starts: list[tuple[float, float]] = []
    for row in rows:
        found = Problems()
        rules.check_staff_no(found, row.text("staff_no"), ("staff_no",))
        rules.check_name(found, row.text("name"), ("name",))
        rules.check_msisdn(found, row.text("msisdn"), ("msisdn",))
        rules.check_name(found, row.text("start_label"), ("start_label",), limit=80)
        if row.text("department_code") in departments:
            kind = departments[row.text("department_code")][1]
            rules.check_role_fits(found, Role.ACCOUNT_MANAGER, kind, ("department_code",))
        row.choice("carrier", Carrier)
        row.day("joined_on")
        row.active()
        lat, lon = row.number("start_lat"), row.number("start_lon")
        start = (0.0, 0.0)
        if lat is not None and lon is not None:
            system = row.text("coord_system").upper() or "WGS84"
            start = rules.start_in_wgs84(found, lat, lon, system, ("start_lat",))
        starts.append(start)
        row.problems(found, {})
        current = staff.get_by_staff_no(row.text("staff_no"))
        if current is not None and current.role is not Role.ACCOUNT_MANAGER:
            row.fail("staff_no", f"belongs to a {current.role.value}, not an account manager")
        holder = managers.holder_of_msisdn(row.text("msisdn"))
        if holder is not None and (current is None or holder != current.id):
            row.fail("msisdn", "another manager has this number")
    _reject_if_any(rows)

    def write() -> ImportReport:
        log = _Log(session, path.name, now or datetime.now(UTC), actor_id)
        inserted = updated = 0
        for row, (lat, lon) in zip(rows, starts, strict=True):
            staff_no, name = row.text("staff_no"), row.text("name")
            department_id = departments[row.text("department_code")][0]
            carrier = Carrier(row.text("carrier").upper())
            msisdn, label = row.text("msisdn"), row.text("start_label")
            active, joined = row.active(), row.day("joined_on")
            assert active is not None
            assert joined is not None
            current = managers.get_by_staff_no(staff_no)
            if current is None:
                person = staff.add(
                    staff_no=staff_no, name=name, role=Role.ACCOUNT_MANAGER,
                    department_id=department_id, joined_on=joined, active=active,
                )  # fmt: skip
                managers.add(
                    staff_id=person.id, msisdn=msisdn, carrier=carrier,
                    start_lat=lat, start_lon=lon, start_label=label,
                )  # fmt: skip
                inserted += 1
                log.add("MANAGER", person.id, {"staff_no": staff_no, "carrier": carrier.value})
                continue
            before = (current.name, current.department_id, current.active, current.carrier,
                      current.msisdn, round(current.start_lat, 6), round(current.start_lon, 6),
                      current.start_label)  # fmt: skip
            after = (name, department_id, active, carrier, msisdn, round(lat, 6), round(lon, 6),
                     label)  # fmt: skip
            if before == after:
                continue
            staff.update(current.staff_id, name=name, department_id=department_id, active=active)
            managers.change_phone(current.staff_id, carrier=carrier, msisdn=msisdn)
            managers.move_start(current.staff_id, lat=lat, lon=lon, label=label)
            updated += 1
            log.add("MANAGER", current.staff_id, {"staff_no": staff_no, "carrier": carrier.value})
        return ImportReport("manager", len(rows), inserted, updated, len(rows) - inserted - updated)

    return _write(write)
