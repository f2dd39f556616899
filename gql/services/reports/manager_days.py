"""Manager-days: what every visit report is made of, from the raw tables or the aggregates.

A manager-day (a manager's plan and visits on one company day) is reduced once, by the same
code whichever way it is read: its discipline counts and dwells (``rules.DisciplineDay``), its
route lengths (``rules.RouteDay``) and its travel time. Discipline, routes, workload and effect
total these; the aggregates store them (``report_manager_days``), so a report over the
aggregates is the same total of the same reductions as one over the raw tables.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gql.services.calendar import day_bounds
from gql.services.reports import rules
from gql.services.reports.placed import PlacedRow, outside_hours, place, route_day
from gql.store.repositories import RetailerRepository
from gql.store.repositories.report_facts import PlanFact, ReportFactRepository

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date, timedelta

    from sqlalchemy.orm import Session

    from gql.domain import AccountManager, Retailer

__all__ = ["ManagerDay", "from_json", "load_raw", "placed_visits", "summarise", "to_json"]


@dataclass(frozen=True, slots=True)
class ManagerDay:
    """One manager-day reduced: discipline, route and travel time between visits."""

    discipline: rules.DisciplineDay
    route: rules.RouteDay
    travel_s: int

    @property
    def key(self) -> tuple[int, date]:
        """(manager id, day)."""
        return self.discipline.manager_id, self.discipline.day


def placed_visits(
    session: Session,
    managers: Sequence[AccountManager],
    period: rules.ReportPeriod,
    margin: timedelta,
) -> list[PlacedRow]:
    """Visits placed on a day of ``period``, received by ``margin`` after it ends."""
    since, until = day_bounds(period.first, period.last)
    ids = [m.staff_id for m in managers]
    return [
        v
        for v in map(place, ReportFactRepository(session).visits(ids, since, until + margin))
        if v.day in period
    ]


def load_raw(
    session: Session,
    managers: Sequence[AccountManager],
    period: rules.ReportPeriod,
    margin: timedelta,
) -> tuple[list[PlanFact], list[PlacedRow], dict[int, Retailer]]:
    """The period's plans, placed visits and the retailers either names."""
    ids = [m.staff_id for m in managers]
    plans = ReportFactRepository(session).plans(ids, period.first, period.last)
    visits = placed_visits(session, managers, period, margin)
    wanted = {s.retailer_id for p in plans for s in p.stops} | {v.row.retailer_id for v in visits}
    retailers = {
        r.id: r for r in RetailerRepository(session).get_many(sorted(wanted)) if r is not None
    }
    return plans, visits, retailers


def summarise(
    session: Session,
    managers: Sequence[AccountManager],
    period: rules.ReportPeriod,
    margin: timedelta,
) -> list[ManagerDay]:
    """Every manager-day of ``managers`` in ``period`` with a plan or a visit, by key.

    A stop counts as visited (verified) when a visit of the period names it (and was judged
    IN_PLACE); visits count on their company day when received by ``margin`` after the period.
    """
    plans, visits, retailers = load_raw(session, managers, period, margin)
    skipped = ReportFactRepository(session).skip_reasons([s.id for p in plans for s in p.stops])
    visited: set[int] = set()
    verified: set[int] = set()
    for v in visits:
        if v.row.plan_stop_id is not None:
            visited.add(v.row.plan_stop_id)
            if v.row.verdict.value == "IN_PLACE":
                verified.add(v.row.plan_stop_id)
    start = {m.staff_id: (m.start_lat, m.start_lon) for m in managers}
    plan_of = {(p.manager_id, p.plan_date): p for p in plans}
    visits_of: dict[tuple[int, date], list[PlacedRow]] = defaultdict(list)
    for v in visits:
        visits_of[(v.row.manager_id, v.day)].append(v)
    out = []
    for key in sorted(set(plan_of) | set(visits_of)):
        manager_id, day = key
        plan = plan_of.get(key)
        own = sorted(visits_of.get(key, []), key=lambda v: (v.start_s, v.row.id))
        stops = [
            rules.PlannedStopFact(
                manager_id, day, s.id, s.id in visited, s.id in verified, skipped.get(s.id)
            )
            for s in (plan.stops if plan is not None else ())
        ]
        facts = [
            rules.VisitFact(
                manager_id=manager_id,
                day=day,
                planned=v.row.plan_stop_id is not None,
                verdict=v.row.verdict.value,
                late_upload=v.row.late_upload,
                start_s=v.start_s,
                end_s=v.end_s,
                dwell_s=v.row.dwell_s,
                outside_hours=outside_hours(retailers.get(v.row.retailer_id), v),
                flags=v.flags,
            )
            for v in own
        ]
        out.append(
            ManagerDay(
                discipline=rules.discipline_day(manager_id, day, stops, facts),
                route=route_day(manager_id, day, start[manager_id], plan, own, retailers),
                travel_s=rules.day_travel_s([(v.start_s, v.end_s) for v in own]),
            )
        )
    return out


def to_json(day: ManagerDay) -> dict[str, Any]:
    """The stored form of a manager-day (``report_manager_days.facts``)."""
    d, r = day.discipline, day.route
    return {
        "planned": d.planned,
        "visited": d.visited,
        "verified": d.verified,
        "skip_reasons": d.skip_reasons,
        "verdicts": d.verdicts,
        "visits": d.visits,
        "unplanned": d.unplanned,
        "late_uploads": d.late_uploads,
        "outside_hours": d.outside_hours,
        "hours_unknown": d.hours_unknown,
        "first_start_s": d.first_start_s,
        "last_end_s": d.last_end_s,
        "dwells_s": list(d.dwells_s),
        "flags": d.flags,
        "plan_m": r.plan_m,
        "baseline_m": r.baseline_m,
        "compared_stops": r.compared_stops,
        "planned_order_m": r.planned_order_m,
        "own_order_m": r.own_order_m,
        "travelled_m": r.travelled_m,
        "travelled_points": r.travelled_points,
        "tau": r.tau,
        "in_order": r.in_order,
        "travel_s": day.travel_s,
    }


def from_json(manager_id: int, day: date, f: dict[str, Any]) -> ManagerDay:
    """A stored manager-day read back (the inverse of :func:`to_json`)."""
    return ManagerDay(
        discipline=rules.DisciplineDay(
            manager_id=manager_id,
            day=day,
            planned=f["planned"],
            visited=f["visited"],
            verified=f["verified"],
            skip_reasons=f["skip_reasons"],
            verdicts=f["verdicts"],
            visits=f["visits"],
            unplanned=f["unplanned"],
            late_uploads=f["late_uploads"],
            outside_hours=f["outside_hours"],
            hours_unknown=f["hours_unknown"],
            first_start_s=f["first_start_s"],
            last_end_s=f["last_end_s"],
            dwells_s=tuple(f["dwells_s"]),
            flags=f["flags"],
        ),
        route=rules.RouteDay(
            manager_id=manager_id,
            day=day,
            plan_m=f["plan_m"],
            baseline_m=f["baseline_m"],
            compared_stops=f["compared_stops"],
            planned_order_m=f["planned_order_m"],
            own_order_m=f["own_order_m"],
            travelled_m=f["travelled_m"],
            travelled_points=f["travelled_points"],
            tau=f["tau"],
            in_order=f["in_order"],
        ),
        travel_s=f["travel_s"],
    )
