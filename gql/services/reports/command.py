"""``visitgis report …``: one report, as a named staff member, written as CSV.

The command obeys the same scope as the API: it acts as ``--as`` (default: the first active
marketing staff member), so a head's export holds their department only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from gql.services.acting import acting_principal
from gql.services.errors import ServiceError
from gql.services.reports import rules
from gql.services.reports.export import discipline_records, route_records, write_csv
from gql.services.reports.service import GroupBy, ReportRequest, ReportService
from gql.store.repositories import DepartmentRepository, ManagerRepository

if TYPE_CHECKING:
    from datetime import date
    from typing import TextIO

    from sqlalchemy.orm import Session

__all__ = ["KINDS", "ReportCommand", "ReportCommandError", "run_report"]

KINDS = ("discipline", "routes")


class ReportCommandError(Exception):
    """A problem the operator must fix; nothing was written."""


@dataclass(frozen=True, slots=True)
class ReportCommand:
    """What the command line asked for (codes and staff numbers, not database ids)."""

    kind: str
    first: date
    last: date
    grain: str = "MONTH"
    by: str = "MANAGER"
    department_code: str | None = None
    manager_staff_no: str | None = None
    staff_no: str | None = None


def _request(session: Session, command: ReportCommand) -> ReportRequest:
    department_id = manager_id = None
    if command.department_code is not None:
        department = DepartmentRepository(session).by_code(command.department_code)
        if department is None:
            raise ReportCommandError(f"no department with code {command.department_code!r}")
        department_id = department.id
    if command.manager_staff_no is not None:
        manager = ManagerRepository(session).get_by_staff_no(command.manager_staff_no)
        if manager is None:
            raise ReportCommandError(f"no manager with staff number {command.manager_staff_no!r}")
        manager_id = manager.staff_id
    return ReportRequest(
        first=command.first,
        last=command.last,
        grain=rules.Grain(command.grain.upper()),
        by=GroupBy(command.by.upper()),
        manager_id=manager_id,
        department_id=department_id,
    )


def run_report(session: Session, command: ReportCommand, out: TextIO) -> int:
    """Compute the report and write it to ``out`` as CSV; returns the rows written.

    Raises
    ------
    ReportCommandError
        Unknown staff, department or manager, a bad period, or a subject outside the scope
        of the staff member acted as (reported like a missing one).
    """
    if command.kind not in KINDS:
        raise ReportCommandError(f"unknown report {command.kind!r}; choose one of {KINDS}")
    service = ReportService(
        session, acting_principal(session, command.staff_no, ReportCommandError)
    )
    request = _request(session, command)
    try:
        if command.kind == "discipline":
            records = discipline_records(service.discipline(request))
        else:
            records = route_records(service.routes(request))
    except ServiceError as exc:
        raise ReportCommandError(str(exc)) from exc
    return write_csv(records, out)
