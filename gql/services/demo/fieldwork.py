"""A manager's working day in the demo: the routed day plan, then its visits.

Each check-in and check-out goes through :class:`VisitService` on the manager's own clock,
with the handheld's fix and a recorded carrier answer (:mod:`.evidence`); an offline day's
events are synced in the evening, so they are judged as late uploads. The service decides
every verdict, exactly as for a real handheld.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from gql.services.day_plans.service import PlanRequest, PlanService
from gql.services.demo.clock import DemoClock, at_local
from gql.services.demo.evidence import (
    RecordedLocator,
    Scenario,
    carrier_answer,
    device_fix,
    pick_scenario,
)
from gql.services.demo.world import ROUTING
from gql.services.visits.service import CheckIn, CheckOut, SyncItem, VisitService

if TYPE_CHECKING:
    from gql.domain import AccountManager, Retailer, VisitPlan
    from gql.services.demo.world import DemoWorld

__all__ = ["MAX_VISITS_PER_DAY", "FieldCounts", "work_day"]

MAX_VISITS_PER_DAY = 8
"""A demo manager visits at most this many retailers a day (the rest of the day is orders)."""


@dataclass
class FieldCounts:
    """What a stretch of field work produced."""

    plans: int = 0
    visits: int = 0
    verdicts: Counter[str] = field(default_factory=Counter)
    scenarios: Counter[str] = field(default_factory=Counter)
    late_uploads: int = 0

    def add(self, other: FieldCounts) -> None:
        """Add another stretch's counts."""
        self.plans += other.plans
        self.visits += other.visits
        self.verdicts.update(other.verdicts)
        self.scenarios.update(other.scenarios)
        self.late_uploads += other.late_uploads


def due_today(retailers: list[Retailer], day: date) -> list[Retailer]:
    """Who is visited: retailers ordering that weekday, key customers weekly, others fortnightly."""
    week = day.isocalendar().week
    due = [
        r
        for r in retailers
        if r.order_weekday == day.weekday() and (r.key_customer or (r.id + week) % 2 == 0)
    ]
    due.sort(key=lambda r: (not r.key_customer, -r.grade, r.id))
    return due[:MAX_VISITS_PER_DAY]


async def work_day(world: DemoWorld, manager: AccountManager, day: date) -> FieldCounts:
    """Plan the manager's day and, for a day already over, visit its stops."""
    counts = FieldCounts()
    due = due_today(world.retailers[manager.staff_id], day)
    if not due:
        return counts
    rng = world.rng
    caller = world.callers[manager.staff_id]
    planned_at = at_local(day - timedelta(days=1), 17 * 3600 + rng.randrange(0, 3 * 3600))
    plans = PlanService(world.session, caller, routing=ROUTING, now=planned_at)
    start_s = 8 * 3600 + rng.choice((0, 900, 1800, 2700))
    outcome = await plans.create(
        PlanRequest(manager.staff_id, day, tuple(r.id for r in due), start_time_s=start_s)
    )
    counts.plans = 1
    if day >= world.today:
        return counts  # today's plan is on the handheld; the visits are still to come
    await _visit(world, manager, outcome.plan, {r.id: r for r in due}, counts)
    return counts


async def _visit(
    world: DemoWorld,
    manager: AccountManager,
    plan: VisitPlan,
    retailers: dict[int, Retailer],
    counts: FieldCounts,
) -> None:
    rng = world.rng
    clock = DemoClock(at_local(plan.plan_date, 0))
    locator = RecordedLocator()
    service = VisitService(
        world.session,
        world.callers[manager.staff_id],
        spatial=world.spatial,
        locator=locator,
        clock=clock,
    )
    offline: list[SyncItem] = []
    left = at_local(plan.plan_date, 0)  # when the manager left the previous shop
    for stop in plan.stops:
        retailer = retailers[stop.retailer_id]
        scenario = pick_scenario(rng)
        counts.scenarios[scenario.value] += 1
        planned = at_local(plan.plan_date, stop.eta_s + rng.randrange(-300, 600))
        pressed = max(planned, left + timedelta(seconds=stop.leg_duration_s + 60))
        dwell = timedelta(seconds=rng.randrange(240, 1_200))
        left = pressed + dwell + timedelta(seconds=5)
        key = f"demo-{manager.staff_id}-{plan.plan_date:%Y%m%d}-{stop.seq:02d}"
        start_fix = device_fix(rng, retailer, pressed, scenario)
        end_fix = device_fix(rng, retailer, pressed + dwell, scenario)
        check_in = CheckIn(retailer.id, key, start_fix, device_time=pressed, plan_stop_id=stop.id)
        if scenario is Scenario.LATE_UPLOAD:
            offline.append(SyncItem(check_in, ended_at=pressed + dwell, end_fix=end_fix))
            continue
        clock.set(pressed + timedelta(seconds=rng.randint(1, 4)))
        locator.prime(carrier_answer(rng, manager, retailer, clock(), scenario, start_fix))
        started = await service.start(check_in)
        clock.set(pressed + dwell + timedelta(seconds=rng.randint(1, 4)))
        locator.prime(carrier_answer(rng, manager, retailer, clock(), scenario, end_fix))
        ended = await service.end(CheckOut(started.visit.id, end_fix, device_time=pressed + dwell))
        counts.visits += 1
        counts.verdicts[ended.visit.verdict.value] += 1
    if offline:  # the handheld finds a network in the evening
        clock.set(at_local(plan.plan_date, 20 * 3600 + rng.randrange(0, 7_200)))
        for result in await service.sync(offline):
            if result.visit is None:
                raise RuntimeError(f"demo sync refused: {result.problems}")
            counts.visits += 1
            counts.late_uploads += int(result.visit.late_upload)
            counts.verdicts[result.visit.verdict.value] += 1
