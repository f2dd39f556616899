"""``visitgis plan day``: create and publish a department's day plans from the command line.

Acts as ``--as`` (default: the first active marketing staff member), with that person's scope
and rights, through the same service as ``visitPlansPublish``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gql.services.acting import acting_principal
from gql.services.day_plans.service import DepartmentDay, DepartmentDayRequest, PlanService
from gql.services.errors import ServiceError
from gql.store.repositories import DepartmentRepository, ManagerRepository

if TYPE_CHECKING:
    from datetime import date

    from sqlalchemy.orm import Session

__all__ = ["DayCommand", "DayCommandError", "day_lines", "run_day"]


class DayCommandError(Exception):
    """A problem the operator must fix; nothing was written."""


@dataclass(frozen=True, slots=True)
class DayCommand:
    """What the command line asked for (codes and staff numbers, not database ids)."""

    department_code: str
    plan_date: date
    reason: str = ""
    staff_no: str | None = None
    start_time_s: int = 8 * 3600 + 30 * 60


def run_day(session: Session, command: DayCommand) -> DepartmentDay:
    """Create and publish every active manager's plan of the department for the day.

    Raises
    ------
    DayCommandError
        Unknown staff or department, or the service refused (every fault, in one line).
    """
    principal = acting_principal(session, command.staff_no, DayCommandError)
    department = DepartmentRepository(session).by_code(command.department_code)
    if department is None:
        raise DayCommandError(f"no department with code {command.department_code!r}")
    service = PlanService(session, principal)
    request = DepartmentDayRequest(
        department_id=department.id,
        plan_date=command.plan_date,
        reason=command.reason,
        start_time_s=command.start_time_s,
    )
    try:
        return asyncio.run(service.publish_department(request))
    except ServiceError as exc:
        raise DayCommandError("; ".join(p.message for p in exc.problems)) from exc


def day_lines(session: Session, day: DepartmentDay) -> list[str]:
    """One line per manager's plan, then the total."""
    managers = ManagerRepository(session).get_many([p.outcome.plan.manager_id for p in day.plans])
    lines = []
    for published, manager in zip(day.plans, managers, strict=True):
        plan = published.outcome.plan
        who = plan.manager_id if manager is None else manager.staff_no
        lines.append(
            f"{who}: plan {plan.id} v{published.version}, {len(plan.stops)} stops, "
            f"{plan.length_m / 1000:.1f} km, {len(published.outcome.skipped)} left out"
        )
    lines.append(f"published {len(day.plans)} plan(s) for {day.plan_date} in {day.elapsed_s:.2f} s")
    return lines
