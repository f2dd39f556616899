"""The audit team's days in the demo: drawn, routed plans, their records and findings.

One plan per department and audit day; the cross-check's findings are recorded, and some
discrepancies are planted for a person to look into.

A retailer answers truthfully (it was visited in place in the last 30 days, or not) except
on every sixth stop, where the answer is flipped: the cross-check then shows a retailer who
denies a verified visit or confirms one the system could not verify.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from gql.domain import Verdict
from gql.domain.audits import RetailerAnswer
from gql.services.audits.service import (
    AuditDesign,
    AuditPlanCreate,
    AuditRecordSubmit,
    AuditService,
)
from gql.services.demo.clock import DemoClock, at_local
from gql.services.demo.world import ROUTING
from gql.services.visits.device_fixes import DeviceFix
from gql.store.repositories import ActivityRepository

if TYPE_CHECKING:
    from datetime import date

    from gql.services.demo.world import DemoWorld

__all__ = ["AUDIT_SIZE", "AuditCounts", "audit_day"]

AUDIT_SIZE = 8
"""Retailers drawn per department and audit day."""
_OFFICE = (28.0150, 120.6530, "考核组（五马）")
_PLANTED_EVERY = 6


@dataclass
class AuditCounts:
    """What the audit days produced."""

    plans: int = 0
    records: int = 0
    planted: int = 0
    findings: int = 0

    def add(self, other: AuditCounts) -> None:
        """Add another day's counts."""
        self.plans += other.plans
        self.records += other.records
        self.planted += other.planted
        self.findings += other.findings


async def audit_day(world: DemoWorld, day: date, *, leave_open: bool = False) -> AuditCounts:
    """One plan per customer-service department, audited that day; findings recorded.

    ``leave_open``: the last stop of each plan is not audited yet (an open plan to finish).
    """
    counts = AuditCounts()
    rng = world.rng
    for index, department_id in enumerate(sorted(world.heads)):
        auditor = world.auditors[index % len(world.auditors)]
        clock = DemoClock(at_local(day, 8 * 3600))
        service = AuditService(
            world.session,
            auditor,
            routing=ROUTING,
            clock=clock,
            new_seed=lambda: rng.getrandbits(63),
        )
        plan = await service.create(
            AuditPlanCreate(
                plan_date=day,
                design=AuditDesign(size=AUDIT_SIZE, weighted=True),
                start_lat=_OFFICE[0],
                start_lon=_OFFICE[1],
                start_label=_OFFICE[2],
                department_id=department_id,
                auditor_ids=(auditor.staff_id,),
                seed=rng.getrandbits(31),
            )
        )
        counts.plans += 1
        stops = plan.stops[:-1] if leave_open and len(plan.stops) > 1 else plan.stops
        retailers = {r.id: r for rs in world.retailers.values() for r in rs}
        activity = ActivityRepository(world.session)
        for stop in stops:
            retailer = retailers[stop.retailer_id]
            eta_s = 9 * 3600 + 1_800 * stop.seq if stop.eta_s is None else stop.eta_s
            at = at_local(day, eta_s + rng.randrange(0, 600))
            visits = activity.visits([stop.manager_id], at - timedelta(days=30), at)
            verified = any(
                v.retailer_id == retailer.id and v.verdict is Verdict.IN_PLACE for v in visits
            )
            planted = stop.seq % _PLANTED_EVERY == 2
            says_yes = verified != planted
            answer = RetailerAnswer.YES if says_yes else RetailerAnswer.NO
            if not planted and rng.random() < 0.05:
                answer = RetailerAnswer.NOT_SURE
            bearing, distance_m = rng.uniform(0, 2 * math.pi), abs(rng.gauss(0, 6))
            lat = retailer.lat + distance_m * math.cos(bearing) / 111_320
            lon = retailer.lon + distance_m * math.sin(bearing) / (
                111_320 * math.cos(math.radians(retailer.lat))
            )
            clock.set(at + timedelta(seconds=rng.randint(5, 90)))
            service.submit(
                AuditRecordSubmit(
                    plan_id=plan.id,
                    retailer_id=retailer.id,
                    price_tags_shown=rng.random() < 0.9,
                    policy_promoted=rng.random() < 0.85,
                    satisfaction=rng.choices((2, 3, 4, 5), (1, 3, 6, 4))[0],
                    manager_visited=answer,
                    notes="" if not planted else "零售户所述与系统到位记录不一致",
                    fix=DeviceFix(round(lat, 7), round(lon, 7), "WGS84", 8.0, at),
                    device_time=at,
                )
            )
            counts.records += 1
            counts.planted += int(planted)
        clock.set(at_local(day, 18 * 3600))
        counts.findings += len(service.record_findings(plan.id))
    return counts
