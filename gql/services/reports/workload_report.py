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
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from gql.services.reports import rules
from gql.services.territories.inputs import (
    NO_STAFF,
    RetailerColumns,
    planning_inputs_of_columns,
)
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
) -> list[PlanningRetailer]:
    """Active retailers that ``manager_ids`` had on ``day``, with their volume ``first`` … ``last``.

    The manager on a day comes from the assignment history; a retailer with no period covering
    the day keeps its current manager.
    """
    wanted = set(manager_ids)
    on, owners, unassigned = _owners(session, wanted, day)
    candidates = PlanningInputRepository(session).retailers(
        owners, sales_from=first, sales_to=last, include_unassigned=unassigned
    )
    facts = []
    for f in candidates:
        then = on.get(f.id)  # (manager that day, manager now): copy only if it moved
        held = f if then is None or then[0] == f.manager_id else replace(f, manager_id=then[0])
        if held.manager_id in wanted:
            facts.append(held)
    return facts


def _owners(
    session: Session, wanted: set[int], day: date
) -> tuple[dict[int, tuple[int | None, int | None]], list[int], bool]:
    """The assignment history on ``day``, whose retailers to read, and whether unassigned ones.

    The managers' retailers now, plus those of whoever has the ones they had that day.
    """
    on = ReportFactRepository(session).managers_on(day)
    moved = {now for then, now in on.values() if then in wanted and now not in wanted}
    return on, sorted(wanted | {m for m in moved if m is not None}), None in moved


def workload_inputs(
    session: Session,
    managers: Sequence[AccountManager],
    period: rules.ReportPeriod,
    *,
    monthly_sales: bool = False,
    read: dict[tuple[tuple[int, ...], bool], RetailerColumns] | None = None,
) -> tuple[dict[int, float], dict[int, list[float]]]:
    """Each manager's model hours a week and each of their retailers' volume in ``period``.

    The retailers are those each manager had on the period's last day (as
    :func:`assigned_retailers`), read once, as columns, for both: the model hours are the
    territory planner's estimate with the order volumes of its 28-day sales window ending
    that day; the volumes are per manager, by retailer id. ``monthly_sales``: whole months of
    sales come from the monthly totals. ``read``: retailers already read (as columns) in this
    transaction, by whose they are (an effect report's two periods read them once).
    """
    day = period.last
    wanted = {m.staff_id for m in managers}
    on, owners, unassigned = _owners(session, wanted, day)
    inputs = PlanningInputRepository(session)
    key = (tuple(owners), unassigned)
    base = None if read is None else read.get(key)
    if base is None:
        base = _columns(inputs.retailer_columns(owners, include_unassigned=unassigned))
        if read is not None:
            read[key] = base
    ids = base.id

    def volumes(first: date, last: date) -> npt.NDArray[np.float64]:
        keys, totals = inputs.volume_arrays(
            owners,
            include_unassigned=unassigned,
            first=first,
            last=last,
            monthly_sales=monthly_sales,
        )
        out = np.zeros(len(ids), dtype=np.float64)
        if len(keys) and len(ids):  # each part at its retailer's row (rows are ordered by id)
            at = np.minimum(np.searchsorted(ids, keys), len(ids) - 1)
            here = ids[at] == keys
            summed = np.zeros(len(ids), dtype=np.int64)  # whole cartons, added exactly
            np.add.at(summed, at[here], totals[here])
            out[:] = summed
        return out

    model_window = volumes(day - timedelta(days=SALES_WINDOW_DAYS - 1), day)
    in_period = volumes(period.first, period.last)
    held = base.manager_id.copy()
    if on and len(ids):  # who held each retailer on the day, by the assignment history
        history = np.fromiter(on, dtype=np.int64, count=len(on))
        then = np.array([NO_STAFF if t is None else t for t, _ in on.values()], dtype=np.int64)
        at = np.minimum(np.searchsorted(ids, history), len(ids) - 1)
        found = ids[at] == history
        held[at[found]] = then[found]
    keep = np.isin(held, np.fromiter(wanted, dtype=np.int64))
    columns = replace(base, manager_id=held, volume_cartons=model_window).take(keep)
    period_volume = in_period[keep]
    # each manager's retailers' volumes, in id order (a stable sort by manager keeps it)
    order = np.argsort(columns.manager_id, kind="stable")
    owner = columns.manager_id[order]
    start = np.searchsorted(owner, [m.staff_id for m in managers], side="left")
    end = np.searchsorted(owner, [m.staff_id for m in managers], side="right")
    out = {
        m.staff_id: period_volume[order[a:b]].tolist()
        for m, a, b in zip(managers, start.tolist(), end.tolist(), strict=True)
    }
    return _model_hours(managers, columns), out


def _columns(column: Sequence[tuple[Any, ...]]) -> RetailerColumns:
    """``PlanningInputRepository.retailer_columns`` as arrays: current managers, no volumes."""
    n = len(column[0])
    return RetailerColumns(
        id=np.array(column[0], dtype=np.int64),
        lat=np.array(column[1], dtype=np.float64),
        lon=np.array(column[2], dtype=np.float64),
        grade=np.array(column[3], dtype=np.int64),
        business_type=[str(t) for t in column[4]],
        key_customer=np.array(column[5], dtype=np.bool_),
        service_time_s=np.array(column[6], dtype=np.float64),
        order_weekday=np.array(column[7], dtype=np.int64),
        manager_id=np.array(
            [NO_STAFF if m is None else m for m in column[8]], dtype=np.int64
        ).reshape(n),
        open_s=np.full(n, np.nan),
        close_s=np.full(n, np.nan),
        volume_cartons=np.zeros(n, dtype=np.float64),
        area_code=list(column[9]),
    )


def _model_hours(managers: Sequence[AccountManager], columns: RetailerColumns) -> dict[int, float]:
    """The planner's model hours a week per manager, estimated per department as it does."""
    by_department: dict[int, list[int]] = defaultdict(list)
    for m in managers:
        by_department[m.department_id].append(m.staff_id)
    hours = {m.staff_id: 0.0 for m in managers}
    for ids in by_department.values():
        own = np.isin(columns.manager_id, np.array(ids, dtype=np.int64))
        if not own.any():
            continue
        planned = planning_inputs_of_columns(columns.take(own), ids)
        total_min = estimate_workload(planned.retailers).total_min
        owner = planned.retailers.current_manager
        served = owner != NO_MANAGER
        per_manager = np.bincount(owner[served], weights=total_min[served], minlength=len(ids))
        for j, staff_id in enumerate(planned.manager_ids):
            hours[staff_id] = float(per_manager[j]) / 60.0 / CYCLE_WEEKS
    return hours


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
