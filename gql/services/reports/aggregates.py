"""Report aggregates kept fresh: stored manager-days, stale marks, and the refresh.

Freshness: every write that changes a manager-day's plan, stops, skips or visits marks that
day stale in its own transaction (``gql.services.reports.stale``). A report over
the aggregates recomputes the marked days of its range from the raw tables before it totals, so
it is never staler than the last commit it can read. ``visitgis report refresh`` folds the marks
into the stored facts (``--full`` rebuilds everything), which keeps that recomputation small.
Whole calendar months are also kept totalled per manager (``manager_months``): a refresh
rebuilds the months of the days it rewrote, and a report reads a month as its days while one
of them is stale; their work sums are columns too, which the workload reads alone. Sales are
totalled per retailer-month, and day by day within it, on every sales write (and rebuilt by a
full refresh), so a sales sum over any dates reads no orders. Edits that change no plan or
visit but do change a reduction (a retailer moved or re-timed, a manager's start point) reach
the aggregates at the next full refresh.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from gql.services.calendar import local_day, month_end
from gql.services.reports import rules
from gql.services.reports.manager_days import ManagerDay, from_json, summarise, to_json
from gql.services.reports.manager_months import (
    ManagerMonth,
    full_months,
    months_of,
    unit_bytes,
    units_of_bytes,
    units_to_bytes,
)
from gql.services.reports.manager_months import from_json as month_from_json
from gql.services.reports.manager_months import to_json as month_to_json
from gql.store.repositories import ManagerRepository
from gql.store.repositories.report_days import ReportDayRepository
from gql.store.repositories.report_facts import ReportFactRepository
from gql.store.repositories.sales_rollup import SalesRollupRepository

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.orm import Session

    from gql.domain import AccountManager
    from gql.services.reports.manager_months import FloatArray

__all__ = [
    "Aggregated",
    "RefreshSummary",
    "aggregated",
    "aggregated_days",
    "refresh",
]


@dataclass(frozen=True, slots=True)
class Aggregated:
    """A period's manager-days: whole months rolled up, the rest (and stale months) as days."""

    days: list[ManagerDay]
    months: list[ManagerMonth]
    work: list[tuple[int, int, int, int, int]] = field(default_factory=list)
    """With ``work_only``: the whole months' work sums (as ``ManagerMonth.work``), not months."""
    units: list[tuple[int, date, FloatArray]] = field(default_factory=list)
    """With ``units_only``: the whole months' effect units (manager, month, the
    ``manager_months.units_of_bytes`` array), not months."""
    day_units: list[tuple[int, date, bytes]] = field(default_factory=list)
    """With ``units_only``: the stored days' effect units (manager, day, packed as
    ``manager_months.unit_bytes``), not days (``days`` then holds the recomputed ones only)."""


def aggregated(
    session: Session,
    managers: Sequence[AccountManager],
    period: rules.ReportPeriod,
    margin: timedelta,
    *,
    use_months: bool,
    work_only: bool = False,
    units_only: bool = False,
) -> Aggregated | None:
    """Stored manager-days and months, stale days recomputed; ``None``: never built.

    ``use_months``: the calendar months wholly inside the period are read as their stored
    roll-up, unless one of the manager's days in it is stale (then as its days).
    ``work_only``: the months' work sums only (``Aggregated.work``), read from their columns;
    ``units_only``: the effect units only (``Aggregated.units``, ``Aggregated.day_units``),
    read from their bytes, of the stored months and days alike.
    """
    store = ReportDayRepository(session)
    if not store.built():
        return None
    ids = [m.staff_id for m in managers]
    stale = {(m, d) for _, m, d in store.stale(ids, period.first, period.last)}
    whole = full_months(period) if use_months else []
    read_days = store.day_units if units_only else store.facts
    rows: list[tuple[int, date, Any]] = []
    months: list[ManagerMonth] = []
    work: list[tuple[int, int, int, int, int]] = []
    units: list[tuple[int, date, FloatArray]] = []
    if whole:
        stale_months = {(m, d.replace(day=1)) for m, d in stale}
        if work_only:
            work = [
                (m, days, visits, dwell_s, travel_s)
                for m, month, days, visits, dwell_s, travel_s in store.month_work(
                    ids, whole[0], whole[-1]
                )
                if (m, month) not in stale_months
            ]
        elif units_only:
            units = [
                (m, month, units_of_bytes(data))
                for m, month, data in store.month_units(ids, whole[0], whole[-1])
                if (m, month) not in stale_months
            ]
        else:
            months = [
                month_from_json(m, month, f)
                for m, month, f in store.months(ids, whole[0], whole[-1])
                if (m, month) not in stale_months
            ]
        first, last = whole[0], month_end(whole[-1])
        if period.first < first:
            rows += read_days(ids, period.first, first - timedelta(days=1))
        if last < period.last:
            rows += read_days(ids, last + timedelta(days=1), period.last)
        rows += store.facts_of_months(
            (k for k in stale_months if first <= k[1] <= last),
            last_of=month_end,
            units=units_only,
        )
    else:
        rows = read_days(ids, period.first, period.last)
    fresh = _recompute(session, managers, stale, margin)
    month_order = sorted(units, key=lambda u: (u[0], u[1]))
    if units_only:
        stored = sorted((m, d, u) for m, d, u in rows if (m, d) not in fresh.stale)
        days = sorted(fresh.days, key=lambda d: d.key)
        return Aggregated(days, [], [], month_order, stored)
    out = {(m, d): from_json(m, d, f) for m, d, f in rows if (m, d) not in fresh.stale}
    out.update({d.key: d for d in fresh.days})
    return Aggregated(
        [out[k] for k in sorted(out)],
        sorted(months, key=lambda m: m.key),
        sorted(work),
        month_order,
    )


def aggregated_days(
    session: Session,
    managers: Sequence[AccountManager],
    period: rules.ReportPeriod,
    margin: timedelta,
) -> list[ManagerDay] | None:
    """Stored manager-days, with the stale ones recomputed; ``None``: never built."""
    found = aggregated(session, managers, period, margin, use_months=False)
    return None if found is None else found.days


@dataclass(frozen=True, slots=True)
class _Fresh:
    stale: set[tuple[int, date]]
    days: list[ManagerDay]


def _recompute(
    session: Session,
    managers: Sequence[AccountManager],
    stale: set[tuple[int, date]],
    margin: timedelta,
) -> _Fresh:
    """Recompute the ``stale`` manager-days from the raw tables, one query set per day."""
    by_day: dict[date, set[int]] = defaultdict(set)
    for manager_id, day in stale:
        by_day[day].add(manager_id)
    out: list[ManagerDay] = []
    for day, ids in sorted(by_day.items()):
        who = [m for m in managers if m.staff_id in ids]
        out.extend(summarise(session, who, rules.ReportPeriod(day, day), margin))
    return _Fresh(stale, out)


@dataclass(frozen=True, slots=True)
class RefreshSummary:
    """What a refresh did."""

    full: bool
    marks: int
    days_written: int
    seconds: float


def refresh(
    session: Session, *, full: bool, margin: timedelta, now: datetime | None = None
) -> RefreshSummary:
    """Fold the stale marks into the stored facts; ``full``: rebuild every manager-day.

    Runs in the caller's transaction (the caller commits). Marks are deleted by id, so one
    added while this runs is kept for the next refresh.
    """
    started = time.perf_counter()
    now = now or datetime.now(UTC)
    store = ReportDayRepository(session)
    managers = ManagerRepository(session).all()
    marks = store.stale(None, None, None)
    if full or not store.built():
        store.clear_all()
        written = 0
        for period in _months(session):
            days = summarise(session, managers, period, margin)
            store.replace([], [(*d.key, to_json(d), unit_bytes(d)) for d in days], now=now)
            store.replace_months([], [_stored(m) for m in months_of(days)], now=now)
            written += len(days)
        SalesRollupRepository(session).rebuild()
        full = True
    else:
        known = {m.staff_id: m for m in managers}
        stale = {(m, d) for _, m, d in marks if m in known}
        fresh = _recompute(session, managers, stale, margin)
        store.replace(
            sorted(stale), [(*d.key, to_json(d), unit_bytes(d)) for d in fresh.days], now=now
        )
        _rebuild_months(store, {(m, d.replace(day=1)) for m, d in stale}, now=now)
        written = len(fresh.days)
    store.clear_marks(mark_id for mark_id, _, _ in marks)
    store.set_refreshed(now=now, full=full)
    return RefreshSummary(full, len(marks), written, time.perf_counter() - started)


def _rebuild_months(
    store: ReportDayRepository, manager_months: set[tuple[int, date]], *, now: datetime
) -> None:
    """Recompute the roll-up of each manager-month from its stored days."""
    days = [
        from_json(m, d, f)
        for m, d, f in store.facts_of_months(manager_months, last_of=month_end, units=False)
    ]
    store.replace_months(sorted(manager_months), [_stored(m) for m in months_of(days)], now=now)


def _stored(month: ManagerMonth) -> tuple[int, date, list[Any], tuple[int, ...], bytes]:
    """A month as the store keeps it: its facts, its work sums and its effect units apart."""
    return (*month.key, month_to_json(month), month.work[1:], units_to_bytes(month.unit_rows))


def _months(session: Session) -> list[rules.ReportPeriod]:
    """Calendar months from the first to the last day any plan or visit is on."""
    first_at, last_at, first_plan, last_plan = ReportFactRepository(session).span()
    days = [d for d in (first_plan, last_plan) if d is not None] + [
        local_day(at) for at in (first_at, last_at) if at is not None
    ]
    if not days:
        return []
    month, last = min(days).replace(day=1), max(days)
    out = []
    while month <= last:
        following = (month + timedelta(days=32)).replace(day=1)
        out.append(rules.ReportPeriod(month, following - timedelta(days=1)))
        month = following
    return out
