"""Manager-days: what every visit report is made of, from the raw tables or the aggregates.

A manager-day (a manager's plan and visits on one company day) is reduced once, by the same
code whichever way it is read: its discipline counts and dwells (``rules.DisciplineDay``), its
route lengths (``rules.RouteDay``) and its travel time. Discipline, routes, workload and effect
total these; the aggregates store them (``report_manager_days``), so a report over the
aggregates is the same total of the same reductions as one over the raw tables.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from gql.services.calendar import day_bounds
from gql.services.reports import rules
from gql.services.reports.placed import PlacedRow, outside_hours, place, route_day
from gql.services.territories.district_barriers import stored_barriers
from gql.services.territories.rules.barriers import NO_BARRIERS, Barriers
from gql.store.repositories import RetailerRepository
from gql.store.repositories.report_facts import PlanFact, ReportFactRepository

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date, timedelta

    from sqlalchemy.orm import Session

    from gql.domain import AccountManager, Retailer

__all__ = ["ManagerDay", "from_json", "load_raw", "placed_visits", "summarise", "to_json"]


class ManagerDay:
    """One manager-day reduced: discipline, route and travel time between visits.

    Read back from the aggregates, the parts are decoded when first asked for: a report needs
    one or two of them, and a company-year is 50,000 days.
    """

    __slots__ = ("_discipline", "_facts", "_key", "_route", "travel_s")

    def __init__(
        self,
        discipline: rules.DisciplineDay | None,
        route: rules.RouteDay | None,
        travel_s: int,
        *,
        key: tuple[int, date] | None = None,
        facts: list[Any] | None = None,
    ) -> None:
        self._discipline = discipline
        self._route = route
        self.travel_s = travel_s
        self._facts = facts
        if key is None:
            assert discipline is not None
            key = (discipline.manager_id, discipline.day)
        self._key = key

    @property
    def key(self) -> tuple[int, date]:
        """(manager id, day)."""
        return self._key

    @property
    def discipline(self) -> rules.DisciplineDay:
        """The day's discipline counts and dwells."""
        if self._discipline is None:
            f = self._facts
            assert f is not None
            m, day = self._key
            self._discipline = rules.DisciplineDay(
                m, day, f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[11],
                f[12], tuple(f[13]), f[14],
            )  # fmt: skip
        return self._discipline

    @property
    def route(self) -> rules.RouteDay:
        """The day's route lengths."""
        if self._route is None:
            f = self._facts
            assert f is not None
            m, day = self._key
            self._route = rules.RouteDay(
                m, day, f[15], f[16], f[17], f[18], f[19], f[20], f[21], f[22], f[23]
            )
        return self._route

    def effect_unit(self) -> list[Any] | None:
        """The effect unit's values (``manager_months.unit_of_day``) from the stored array.

        Without decoding the discipline and route parts; ``None``: a day not read back.
        """
        f = self._facts
        if f is None:
            return None
        dwells = f[_AT["dwells_s"]]
        return [
            f[_AT["planned"]],
            f[_AT["visited"]],
            f[_AT["visits"]],
            f[_AT["verdicts"]].get("IN_PLACE", 0),
            sum(dwells),
            len(dwells),
            f[_AT["travel_s"]],
            f[_AT["travelled_m"]],
            f[_AT["travelled_points"]],
            f[_AT["own_order_m"]],
            f[_AT["planned_order_m"]],
            f[_AT["plan_m"]],
            f[_AT["baseline_m"]],
        ]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ManagerDay):
            return NotImplemented
        return (self.discipline, self.route, self.travel_s) == (
            other.discipline,
            other.route,
            other.travel_s,
        )

    def __hash__(self) -> int:
        return hash(self._key)

    def __repr__(self) -> str:
        return f"ManagerDay({self.discipline!r}, {self.route!r}, {self.travel_s})"


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
        for v in map(
            place,
            ReportFactRepository(session).visits(ids, since, until + margin, (since, until)),
        )
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


class PlanBarriers:
    """The barriers each plan's legs were priced with, read once per key.

    A day plan records whose barriers priced it (``optimised_against["barriers"]``); the
    manager's own order of that day is priced over the same ones.
    """

    def __init__(self, session: Session) -> None:
        self._session = session
        self._by_key: dict[str, Barriers] = {}

    def of(self, plan: PlanFact | None) -> Barriers:
        """The plan's barriers (none recorded: open country)."""
        key = None if plan is None else plan.optimised_against.get("barriers")
        if not key:
            return NO_BARRIERS
        if key not in self._by_key:
            self._by_key[key] = stored_barriers(self._session, str(key))
        return self._by_key[key]


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
    barriers = PlanBarriers(session)
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
                route=route_day(
                    manager_id, day, start[manager_id], plan, own, retailers, barriers.of(plan)
                ),
                travel_s=rules.day_travel_s([(v.start_s, v.end_s) for v in own]),
            )
        )
    return out


_FIELDS = (
    "planned",
    "visited",
    "verified",
    "skip_reasons",
    "verdicts",
    "visits",
    "unplanned",
    "late_uploads",
    "outside_hours",
    "hours_unknown",
    "first_start_s",
    "last_end_s",
    "dwells_s",
    "flags",
    "plan_m",
    "baseline_m",
    "compared_stops",
    "planned_order_m",
    "own_order_m",
    "travelled_m",
    "travelled_points",
    "tau",
    "in_order",
    "travel_s",
)
"""The stored array's positions (an array: a company-year decodes 50,000 of them)."""
_AT = {name: i + 1 for i, name in enumerate(_FIELDS)}
"""Where each field sits in the stored array (after the version)."""
FACTS_VERSION = 1
"""First element of the stored array; a change of :data:`_FIELDS` needs a full refresh."""


def to_json(day: ManagerDay) -> list[Any]:
    """The stored form of a manager-day (``report_manager_days.facts``): a flat array."""
    d, r = day.discipline, day.route
    return [
        FACTS_VERSION,
        d.planned,
        d.visited,
        d.verified,
        d.skip_reasons,
        d.verdicts,
        d.visits,
        d.unplanned,
        d.late_uploads,
        d.outside_hours,
        d.hours_unknown,
        d.first_start_s,
        d.last_end_s,
        list(d.dwells_s),
        d.flags,
        r.plan_m,
        r.baseline_m,
        r.compared_stops,
        r.planned_order_m,
        r.own_order_m,
        r.travelled_m,
        r.travelled_points,
        r.tau,
        r.in_order,
        day.travel_s,
    ]


def from_json(manager_id: int, day: date, f: list[Any]) -> ManagerDay:
    """A stored manager-day read back (the inverse of :func:`to_json`)."""
    if len(f) != len(_FIELDS) + 1 or f[0] != FACTS_VERSION:
        raise ValueError("stored report facts of another version: run a full refresh")
    return ManagerDay(None, None, f[24], key=(manager_id, day), facts=f)
