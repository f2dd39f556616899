"""The workload report's facts (R8.4): the planner's model hours and the measured ones.

Model hours are the territory planner's own workload (``estimate_workload``) of the active
retailers each manager had on the period's last day (by the assignment history, so a period
before a territory apply shows the old territories), estimated per department as the planner
does (travel depends on the density of the department's retailers), with order volumes over
the planner's 28-day sales window ending on that day. Measured hours come from the visits.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import TYPE_CHECKING

import numpy as np

from gql.services.reports import rules
from gql.services.territories.inputs import planning_inputs
from gql.services.territories.rules import CYCLE_WEEKS, NO_MANAGER, estimate_workload
from gql.services.territories.service import SALES_WINDOW_DAYS
from gql.store.repositories.planning_inputs import PlanningInputRepository
from gql.store.repositories.report_facts import ReportFactRepository

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date

    from sqlalchemy.orm import Session

    from gql.domain import AccountManager
    from gql.domain.territories import PlanningRetailer
    from gql.services.reports.groups import ReportGroup

__all__ = [
    "PlacedVisit",
    "WorkloadBalanceRow",
    "WorkloadManagerRow",
    "WorkloadReport",
    "assigned_retailers",
    "manager_loads",
    "manager_loads_of_days",
    "model_hours_per_week",
    "retailer_volumes",
    "workload_inputs",
]


@dataclass(frozen=True, slots=True)
class PlacedVisit:
    """A visit on its company day: seconds from that midnight, and its dwell."""

    manager_id: int
    day: date
    start_s: int
    end_s: int | None
    dwell_s: int | None


@dataclass(frozen=True, slots=True)
class WorkloadManagerRow:
    """One manager's workload and their department."""

    manager: ReportGroup
    department: ReportGroup
    load: rules.ManagerLoad


@dataclass(frozen=True, slots=True)
class WorkloadBalanceRow:
    """The balance across one department's managers, or across all the report's (company)."""

    group: ReportGroup
    balance: rules.WorkloadBalance


@dataclass(frozen=True, slots=True)
class WorkloadReport:
    """Per-manager workload over the whole period, then the balance per department and overall."""

    period: rules.ReportPeriod
    managers: list[WorkloadManagerRow]
    balance: list[WorkloadBalanceRow]


def assigned_retailers(
    session: Session,
    manager_ids: Sequence[int],
    day: date,
    first: date,
    last: date,
    *,
    with_hours: bool = True,
    monthly_sales: bool = False,
) -> list[PlanningRetailer]:
    """Active retailers that ``manager_ids`` had on ``day``, with their volume ``first`` … ``last``.

    The manager on a day comes from the assignment history; a retailer with no period covering
    the day keeps its current manager. ``with_hours`` and ``monthly_sales``: as
    :meth:`PlanningInputRepository.retailers`.
    """
    return _assigned(
        session,
        manager_ids,
        day,
        first,
        last,
        with_hours=with_hours,
        monthly_sales=monthly_sales,
        period=None,
    )[0]


def _assigned(
    session: Session,
    manager_ids: Sequence[int],
    day: date,
    first: date,
    last: date,
    *,
    with_hours: bool,
    monthly_sales: bool,
    period: rules.ReportPeriod | None,
) -> tuple[list[PlanningRetailer], dict[int, int]]:
    wanted = set(manager_ids)
    on = ReportFactRepository(session).managers_on(day)
    # read the managers' retailers now, plus those of whoever has the ones they had that day
    moved = {now for then, now in on.values() if then in wanted and now not in wanted}
    owners = sorted(wanted | {m for m in moved if m is not None})
    inputs = PlanningInputRepository(session)
    candidates = inputs.retailers(
        owners,
        sales_from=first,
        sales_to=last,
        include_unassigned=None in moved,
        with_hours=with_hours,
        monthly_sales=monthly_sales,
    )
    facts = []
    for f in candidates:
        then = on.get(f.id)  # (manager that day, manager now): copy only if it moved
        held = f if then is None or then[0] == f.manager_id else replace(f, manager_id=then[0])
        if held.manager_id in wanted:
            facts.append(held)
    volumes = (
        {}
        if period is None
        else inputs.volumes(
            owners,
            include_unassigned=None in moved,
            first=period.first,
            last=period.last,
            monthly_sales=monthly_sales,
        )
    )
    return facts, volumes


def workload_inputs(
    session: Session,
    managers: Sequence[AccountManager],
    period: rules.ReportPeriod,
    *,
    monthly_sales: bool = False,
) -> tuple[dict[int, float], dict[int, list[float]]]:
    """:func:`model_hours_per_week` on the period's last day and :func:`retailer_volumes`.

    One read of the retailers serves both (the same retailers, held on the period's last day).
    """
    day = period.last
    facts, volumes = _assigned(
        session,
        [m.staff_id for m in managers],
        day,
        day - timedelta(days=SALES_WINDOW_DAYS - 1),
        day,
        with_hours=False,
        monthly_sales=monthly_sales,
        period=period,
    )
    out: dict[int, list[float]] = {m.staff_id: [] for m in managers}
    for f in facts:
        if f.manager_id is not None:
            out[f.manager_id].append(float(volumes.get(f.id, 0)))
    return _model_hours(managers, facts), out


def model_hours_per_week(
    session: Session, managers: Sequence[AccountManager], day: date
) -> dict[int, float]:
    """The planning model's hours a week of the retailers each manager had on ``day``."""
    facts = assigned_retailers(
        session,
        [m.staff_id for m in managers],
        day,
        day - timedelta(days=SALES_WINDOW_DAYS - 1),
        day,
        with_hours=False,
    )
    return _model_hours(managers, facts)


def _model_hours(
    managers: Sequence[AccountManager], facts: Sequence[PlanningRetailer]
) -> dict[int, float]:
    by_department: dict[int, list[int]] = defaultdict(list)
    for m in managers:
        by_department[m.department_id].append(m.staff_id)
    hours = {m.staff_id: 0.0 for m in managers}
    of: dict[int | None, list[PlanningRetailer]] = defaultdict(list)
    for f in facts:
        of[f.manager_id].append(f)
    for ids in by_department.values():
        own = sorted((f for i in ids for f in of.get(i, [])), key=lambda f: f.id)
        if not own:
            continue
        planned = planning_inputs(own, ids, with_windows=False)
        total_min = estimate_workload(planned.retailers).total_min
        owner = planned.retailers.current_manager
        served = owner != NO_MANAGER
        per_manager = np.bincount(owner[served], weights=total_min[served], minlength=len(ids))
        for j, staff_id in enumerate(planned.manager_ids):
            hours[staff_id] = float(per_manager[j]) / 60.0 / CYCLE_WEEKS
    return hours


def retailer_volumes(
    session: Session, manager_ids: Sequence[int], period: rules.ReportPeriod
) -> dict[int, list[float]]:
    """Per manager, the period's order volume of each retailer they had on its last day."""
    out: dict[int, list[float]] = {m: [] for m in manager_ids}
    for f in assigned_retailers(session, manager_ids, period.last, period.first, period.last):
        if f.manager_id is not None:
            out[f.manager_id].append(f.volume_cartons)
    return out


def manager_loads(
    managers: Sequence[AccountManager],
    visits: Sequence[PlacedVisit],
    model_hours: dict[int, float],
    volumes: dict[int, list[float]],
) -> list[rules.ManagerLoad]:
    """Each manager's load: model hours, retailers, volume, and the visits' dwell and travel."""
    days: dict[tuple[int, date], list[PlacedVisit]] = defaultdict(list)
    for v in visits:
        days[(v.manager_id, v.day)].append(v)
    out = []
    for m in managers:
        own = [vs for (manager_id, _), vs in days.items() if manager_id == m.staff_id]
        travel_s = sum(rules.day_travel_s([(v.start_s, v.end_s) for v in vs]) for vs in own)
        dwell_s = sum(v.dwell_s or 0 for vs in own for v in vs)
        out.append(
            rules.ManagerLoad(
                manager_id=m.staff_id,
                retailers=len(volumes.get(m.staff_id, [])),
                volume_cartons=float(sum(volumes.get(m.staff_id, []))),
                model_hours_per_week=model_hours.get(m.staff_id, 0.0),
                worked_days=len(own),
                visits=sum(len(vs) for vs in own),
                dwell_hours=dwell_s / 3600.0,
                travel_hours=travel_s / 3600.0,
            )
        )
    return out


def manager_loads_of_days(
    managers: Sequence[AccountManager],
    parts: Sequence[tuple[int, int, int, int, int]],
    model_hours: dict[int, float],
    volumes: dict[int, list[float]],
) -> list[rules.ManagerLoad]:
    """:func:`manager_loads` from manager-days or months totalled.

    Each part: (manager id, worked days, visits, dwell s, travel s); a worked day is a day with
    a visit, as there (a day with a plan and no visit is not): see
    ``manager_months.work_of_day``.
    """
    worked: dict[int, int] = defaultdict(int)
    visits: dict[int, int] = defaultdict(int)
    dwell_s: dict[int, int] = defaultdict(int)
    travel_s: dict[int, int] = defaultdict(int)
    for manager_id, days, n, dwell, travel in parts:
        worked[manager_id] += days
        visits[manager_id] += n
        dwell_s[manager_id] += dwell
        travel_s[manager_id] += travel
    return [
        rules.ManagerLoad(
            manager_id=m.staff_id,
            retailers=len(volumes.get(m.staff_id, [])),
            volume_cartons=float(sum(volumes.get(m.staff_id, []))),
            model_hours_per_week=model_hours.get(m.staff_id, 0.0),
            worked_days=worked[m.staff_id],
            visits=visits[m.staff_id],
            dwell_hours=dwell_s[m.staff_id] / 3600.0,
            travel_hours=travel_s[m.staff_id] / 3600.0,
        )
        for m in managers
    ]
