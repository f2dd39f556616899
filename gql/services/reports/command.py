"""``visitgis report …``: one report, as a named staff member, as CSV or XLSX.

The command obeys the same scope as the API: it acts as ``--as`` (default: the first active
marketing staff member), so a head's export holds their department only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gql.services.acting import acting_principal
from gql.services.errors import ServiceError
from gql.services.reports import rules
from gql.services.reports.area_report import AreaKind, AreaRequest
from gql.services.reports.effect_report import EffectRequest
from gql.services.reports.export import (
    BRAND_ROWS,
    area_records,
    audit_records,
    delivery_records,
    discipline_records,
    effect_records,
    effect_summary,
    route_records,
    workload_records,
    write_csv,
    write_xlsx,
    write_xlsx_sheets,
)
from gql.services.reports.service import GroupBy, ReportRequest, ReportService
from gql.store.repositories import DepartmentRepository, ManagerRepository

if TYPE_CHECKING:
    from datetime import date
    from pathlib import Path
    from typing import TextIO

    from sqlalchemy.orm import Session

__all__ = [
    "KINDS",
    "AreasCommand",
    "DeliveryCommand",
    "EffectCommand",
    "ReportCommand",
    "ReportCommandError",
    "effect_pages",
    "report_records",
    "run_report",
    "write_report",
]

KINDS = ("discipline", "routes", "audits", "workload", "effect", "delivery", "areas")


@dataclass(frozen=True, slots=True)
class DeliveryCommand:
    """``visitgis report delivery``: a delivery window against the ordering retailers' hours."""

    window_min: tuple[int, int] = (9 * 60, 12 * 60)
    min_overlap_min: int = 30
    department_code: str | None = None
    manager_staff_no: str | None = None
    staff_no: str | None = None
    kind: str = "delivery"


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


@dataclass(frozen=True, slots=True)
class EffectCommand:
    """``visitgis report effect``: a group, two periods, an optional comparison group."""

    before: tuple[date, date]
    after: tuple[date, date]
    department_code: str | None = None
    manager_staff_no: str | None = None
    compare_department_code: str | None = None
    compare_manager_staff_no: str | None = None
    resamples: int = rules.DEFAULT_RESAMPLES
    seed: int = rules.DEFAULT_SEED
    staff_no: str | None = None
    summary: bool = False
    """Write the one-page "what changed" summary per department (Markdown) instead of rows."""
    kind: str = "effect"


@dataclass(frozen=True, slots=True)
class AreasCommand:
    """``visitgis report areas``: customer types by district, territory, area code or grid."""

    first: date
    last: date
    area_kind: str = "DISTRICT"
    cell_m: float = 1000.0
    alpha: float = rules.DEFAULT_ALPHA
    department_code: str | None = None
    manager_staff_no: str | None = None
    staff_no: str | None = None
    kind: str = "areas"


def _department_id(session: Session, code: str | None) -> int | None:
    if code is None:
        return None
    department = DepartmentRepository(session).by_code(code)
    if department is None:
        raise ReportCommandError(f"no department with code {code!r}")
    return department.id


def _manager_id(session: Session, staff_no: str | None) -> int | None:
    if staff_no is None:
        return None
    manager = ManagerRepository(session).get_by_staff_no(staff_no)
    if manager is None:
        raise ReportCommandError(f"no manager with staff number {staff_no!r}")
    return manager.staff_id


def _request(session: Session, command: ReportCommand) -> ReportRequest:
    return ReportRequest(
        first=command.first,
        last=command.last,
        grain=rules.Grain(command.grain.upper()),
        by=GroupBy(command.by.upper()),
        manager_id=_manager_id(session, command.manager_staff_no),
        department_id=_department_id(session, command.department_code),
    )


def _effect_request(session: Session, command: EffectCommand) -> EffectRequest:
    return EffectRequest(
        before_first=command.before[0],
        before_last=command.before[1],
        after_first=command.after[0],
        after_last=command.after[1],
        manager_id=_manager_id(session, command.manager_staff_no),
        department_id=_department_id(session, command.department_code),
        compare_manager_id=_manager_id(session, command.compare_manager_staff_no),
        compare_department_id=_department_id(session, command.compare_department_code),
        resamples=command.resamples,
        seed=command.seed,
    )


def report_records(
    session: Session, command: ReportCommand | EffectCommand | DeliveryCommand | AreasCommand
) -> list[dict[str, Any]]:
    """Compute the report as flat records (the columns of docs/reports.md).

    Raises
    ------
    ReportCommandError
        Unknown kind, staff, department or manager, a bad period or group, or a subject
        outside the scope of the staff member acted as (reported like a missing one).
    """
    if command.kind not in KINDS:
        raise ReportCommandError(f"unknown report {command.kind!r}; choose one of {KINDS}")
    service = ReportService(
        session, acting_principal(session, command.staff_no, ReportCommandError)
    )
    try:
        if isinstance(command, EffectCommand):
            return effect_records(service.effect(_effect_request(session, command)))
        if isinstance(command, DeliveryCommand):
            start, end = command.window_min
            return delivery_records(
                service.delivery(
                    _department_id(session, command.department_code),
                    _manager_id(session, command.manager_staff_no),
                    (start * 60, end * 60),
                    command.min_overlap_min * 60,
                )
            )
        if isinstance(command, AreasCommand):
            kinds = [k.value for k in AreaKind]
            if command.area_kind.upper() not in kinds:
                raise ReportCommandError(
                    f"unknown area kind {command.area_kind!r}; choose one of {kinds}"
                )
            areas = AreaRequest(
                first=command.first,
                last=command.last,
                kind=AreaKind(command.area_kind.upper()),
                cell_m=command.cell_m,
                alpha=command.alpha,
                manager_id=_manager_id(session, command.manager_staff_no),
                department_id=_department_id(session, command.department_code),
            )
            return area_records(service.areas(areas))
        request = _request(session, command)
        if command.kind == "discipline":
            return discipline_records(service.discipline(request))
        if command.kind == "routes":
            return route_records(service.routes(request))
        if command.kind == "audits":
            return audit_records(service.audits(request))
        return workload_records(service.workload(request))
    except ServiceError as exc:
        raise ReportCommandError(str(exc)) from exc


def effect_pages(session: Session, command: EffectCommand) -> tuple[str, int]:
    """The "what changed" pages, one per department of the group (Markdown), and their rows."""
    service = ReportService(
        session, acting_principal(session, command.staff_no, ReportCommandError)
    )
    try:
        reports = service.effect_by_department(_effect_request(session, command))
        return effect_summary(reports), sum(len(r.measures) for r in reports)
    except ServiceError as exc:
        raise ReportCommandError(str(exc)) from exc


def run_report(
    session: Session,
    command: ReportCommand | EffectCommand | DeliveryCommand | AreasCommand,
    out: TextIO,
) -> int:
    """Compute the report and write it to ``out`` as CSV (or the summary); returns rows written."""
    if isinstance(command, EffectCommand) and command.summary:
        text, rows = effect_pages(session, command)
        out.write(text)
        return rows
    return write_csv(report_records(session, command), out)


def write_report(
    session: Session,
    command: ReportCommand | EffectCommand | DeliveryCommand | AreasCommand,
    path: Path,
) -> int:
    """Compute the report and write it to ``path``: XLSX for ``.xlsx``, else CSV.

    The areas report's XLSX has two sheets, ``areas`` and ``brand_mix``; its CSV has the
    brand-mix records after the area records.

    The effect summary is Markdown, whatever the suffix.
    """
    if isinstance(command, EffectCommand) and command.summary:
        with path.open("w", encoding="utf-8") as out:
            return run_report(session, command, out)
    records = report_records(session, command)
    if path.suffix.lower() == ".xlsx" and isinstance(command, AreasCommand):
        brands = [r for r in records if r["row"] in BRAND_ROWS]
        areas = [r for r in records if r["row"] not in BRAND_ROWS]
        return write_xlsx_sheets({"areas": areas, "brand_mix": brands}, path)
    if path.suffix.lower() == ".xlsx":
        return write_xlsx(records, path, sheet=command.kind)
    with path.open("w", encoding="utf-8", newline="") as out:
        return write_csv(records, out)
