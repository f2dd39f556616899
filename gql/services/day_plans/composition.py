"""Which retailers a manager's day starts from (issue 16 item 4).

Once a 4-week schedule is applied, a day starts from that schedule's day for the manager: the
cycle's week 0 is the week (Monday to Sunday) the schedule was applied in, so week
``((day - that Monday) // 7) mod 4``. Key customers whose order day it is join if the schedule
left them out (they are visited weekly, and their order is taken on the visit). Without an
applied schedule the day starts, as before, from the retailers whose order day it is. The
caller may add and remove retailers; every retailer of the composition keeps its source, and a
retailer not active on the day (suspended, closed; see :mod:`gql.services.directory.lifecycle`)
is left out with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from gql.domain import Retailer, RetailerStatus
from gql.domain.plan_sources import PlanSource, PlanSourceEntry
from gql.services.calendar import local_day, local_midnight
from gql.services.errors import Problems
from gql.store.repositories import MAX_PAGE_SIZE, RetailerFilter, RetailerRepository
from gql.store.repositories.retailer_lifecycle import RetailerStatusRepository
from gql.store.repositories.territories import ProposalRepository

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.orm import Session

    from gql.domain import AccountManager

__all__ = ["CYCLE_WEEKS", "MAX_STOPS_PER_DAY", "Composition", "DayRequest", "compose", "cycle_week"]

MAX_STOPS_PER_DAY = 30
"""A day plan holds at most this many stops; more are deferred, lowest priority first."""
CYCLE_WEEKS = 4


def cycle_week(day: date, applied_on: date) -> int | None:
    """Week 0-3 of the 4-week cycle on ``day`` for a schedule applied on ``applied_on``.

    ``None`` before the week the schedule was applied in.

    Examples
    --------
    >>> cycle_week(date(2026, 12, 7), date(2026, 12, 3))  # applied on a Thursday
    1
    >>> cycle_week(date(2027, 1, 1), date(2026, 12, 3))
    0
    >>> cycle_week(date(2026, 11, 27), date(2026, 12, 3)) is None
    True
    """
    monday = applied_on - timedelta(days=applied_on.weekday())
    if day < monday:
        return None
    return ((day - monday).days // 7) % CYCLE_WEEKS


@dataclass(frozen=True, slots=True)
class DayRequest:
    """What the caller asked for: exact retailers, or the day's list with additions/removals."""

    plan_date: date
    retailer_ids: tuple[int, ...] | None = None
    add_retailer_ids: tuple[int, ...] = ()
    remove_retailer_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Left:
    """A retailer left out of the plan, and why."""

    retailer_id: int
    reason: str
    detail: str


@dataclass(slots=True)
class Composition:
    """The retailers to route, those left out, each one's source, and the schedule used."""

    retailers: list[Retailer]
    left_out: list[Left] = field(default_factory=list)
    sources: list[PlanSourceEntry] = field(default_factory=list)
    basis: dict[str, object] = field(default_factory=dict)


def _priority(retailer: Retailer, added: frozenset[int]) -> tuple[int, int, int, str]:
    return (
        0 if retailer.id in added else 1,
        0 if retailer.key_customer else 1,
        -retailer.grade,
        retailer.licence_no,
    )


def compose(session: Session, manager: AccountManager, request: DayRequest) -> Composition:
    """The day's retailers for ``manager``; raises :class:`InvalidInput` naming every fault."""
    composer = _Composer(session, manager, request.plan_date)
    if request.retailer_ids is not None:
        return composer.requested(request)
    return composer.day_list(request)


class _Composer:
    def __init__(self, session: Session, manager: AccountManager, day: date) -> None:
        self._session = session
        self._manager = manager
        self._day = day
        self._retailers = RetailerRepository(session)
        self._statuses = RetailerStatusRepository(session)
        self._proposals = ProposalRepository(session)

    def _fetch(self, ids: Sequence[int], where: str, found: Problems) -> dict[int, Retailer]:
        """The manager's retailers among ``ids``; a fault at ``(where, index)`` for the rest."""
        wanted = list(dict.fromkeys(ids))
        first_at = {pk: n for n, pk in reversed(list(enumerate(ids)))}
        mine: dict[int, Retailer] = {}
        for pk, retailer in zip(wanted, self._retailers.get_many(wanted), strict=True):
            if retailer is None or retailer.manager_id != self._manager.staff_id:
                found.add((where, first_at[pk]), "this retailer is not assigned to this manager")
            else:
                mine[pk] = retailer
        return mine

    def requested(self, request: DayRequest) -> Composition:
        assert request.retailer_ids is not None
        found = Problems()
        if request.add_retailer_ids or request.remove_retailer_ids:
            found.add(
                ("add_retailer_ids",),
                "add or remove retailers only when planning the day's list, not with exact "
                "retailers",
            )
        wanted = list(dict.fromkeys(request.retailer_ids))
        if not wanted:
            found.add(
                ("retailer_ids",),
                "give at least one retailer (or none at all to plan the day's list)",
            )
        elif len(wanted) > MAX_STOPS_PER_DAY:
            found.add(("retailer_ids",), f"a day plan holds at most {MAX_STOPS_PER_DAY} retailers")
        found.raise_if_any()
        mine = self._fetch(request.retailer_ids, "retailer_ids", found)
        found.raise_if_any()
        chosen = [mine[pk] for pk in wanted]
        out = Composition([], basis={"day_list": "requested"})
        out.sources = [PlanSourceEntry(r.id, PlanSource.REQUESTED) for r in chosen]
        out.retailers = self._active(chosen, out)
        return out

    def day_list(self, request: DayRequest) -> Composition:
        base, sources, basis = self._base()
        found = Problems()
        removing = set(request.remove_retailer_ids)
        for index, pk in enumerate(request.remove_retailer_ids):
            if pk not in sources:
                found.add(("remove_retailer_ids", index), "this retailer is not on the day's list")
        for index, pk in enumerate(request.add_retailer_ids):
            if pk in removing:
                found.add(("add_retailer_ids", index), "added and removed at once")
            elif pk in sources:
                found.add(("add_retailer_ids", index), "this retailer is on the day's list already")
        added = self._fetch(request.add_retailer_ids, "add_retailer_ids", found)
        found.raise_if_any()
        out = Composition([], basis=basis)
        for r in base:
            out.sources.append(
                PlanSourceEntry(r.id, PlanSource.REMOVED if r.id in removing else sources[r.id])
            )
        out.sources.extend(PlanSourceEntry(pk, PlanSource.ADDED) for pk in added)
        out.sources.sort(key=lambda e: e.retailer_id)
        chosen = [r for r in base if r.id not in removing] + list(added.values())
        active = self._active(chosen, out)
        ranked = sorted(active, key=lambda r: _priority(r, frozenset(added)))
        for retailer in ranked[MAX_STOPS_PER_DAY:]:
            out.left_out.append(
                Left(retailer.id, "DEFERRED", "more retailers due than one day holds")
            )
        out.retailers = ranked[:MAX_STOPS_PER_DAY]
        return out

    def _active(self, chosen: list[Retailer], out: Composition) -> list[Retailer]:
        """Those active on the plan's day; the rest are left out with their status."""
        statuses = self._statuses.statuses_on({r.id: r.status for r in chosen}, self._day)
        kept = []
        for r in chosen:
            status = statuses[r.id]
            if status is RetailerStatus.ACTIVE:
                kept.append(r)
            else:
                out.left_out.append(
                    Left(r.id, "NOT_ACTIVE", f"licence {status.value} on {self._day}")
                )
        return kept

    def _mine(self) -> list[Retailer]:
        where = RetailerFilter(manager_ids=(self._manager.staff_id,))
        found: list[Retailer] = []
        after: int | None = None
        while True:
            page = self._retailers.page(where, first=MAX_PAGE_SIZE, after=after)
            found.extend(r for _, r in page.items)
            if not page.has_next or not page.items:
                return found
            after = page.items[-1][0]

    def _base(self) -> tuple[list[Retailer], dict[int, PlanSource], dict[str, object]]:
        """The day's list before the caller's changes, each retailer with its source."""
        weekday = self._day.weekday()
        mine = self._mine()
        on_day = self._statuses.statuses_on({r.id: r.status for r in mine}, self._day)
        ordering = [  # whose order day it is and active that day (the others are no news)
            r for r in mine if r.order_weekday == weekday and on_day[r.id] is RetailerStatus.ACTIVE
        ]
        until = local_midnight(self._day + timedelta(days=1))
        schedule = self._proposals.applied_schedule_by(self._manager.staff_id, until)
        week = None
        if schedule is not None and schedule.applied_at is not None:
            week = cycle_week(self._day, local_day(schedule.applied_at))
        if schedule is None or week is None:
            return (
                ordering,
                dict.fromkeys((r.id for r in ordering), PlanSource.ORDER_DAY),
                {"day_list": "order_day"},
            )
        days = self._proposals.days(schedule.id, manager_id=self._manager.staff_id, week=week)
        scheduled = next((d.retailer_ids for d in days if d.weekday == weekday), ())
        by_id = {r.id: r for r in mine}
        base = [by_id[pk] for pk in dict.fromkeys(scheduled) if pk in by_id]  # still theirs
        sources = dict.fromkeys((r.id for r in base), PlanSource.SCHEDULED)
        for r in ordering:
            if r.key_customer and r.id not in sources:
                base.append(r)
                sources[r.id] = PlanSource.KEY_CUSTOMER
        return (
            base,
            sources,
            {
                "day_list": "schedule",
                "schedule_proposal_id": schedule.id,
                "cycle_week": week,
                "scheduled_elsewhere": len(scheduled) - sum(1 for pk in scheduled if pk in by_id),
            },
        )
