"""Benchmark: a department's 20 managers' day plans created and published in one go.

Run: ``.venv/bin/python contrib/bench/bench_plans_publish.py [--database-url URL] [--repeats 3]``
(default: a throw-away SQLite demo city; a ``postgresql://`` URL seeds a throw-away schema).

Set-up, through the services: the demo city's department KF01 grows to 20 account managers, a
territory proposal for those 20 is applied, then a 4-week schedule. Measured:
``PlanService.publish_department`` (what ``visitPlansPublish`` and ``visitgis plan day`` run) for
a Monday of the cycle, routing included, as marketing. Peer, same run, same department and
managers: what a client did before, one ``PlanService.create`` (default 1 s solver limit) and one
``PlanLifecycleService.publish`` per manager, in turn, on another Monday of the same week-of-cycle
(same schedule days). Both are checked to publish 20 plans with the same stops.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from contrib.bench._common import throwaway_schema
from gql.domain import Carrier, Role
from gql.services import demo_city
from gql.services.access import Principal
from gql.services.day_plans.lifecycle import PlanLifecycleService
from gql.services.day_plans.service import DepartmentDayRequest, PlanRequest, PlanService
from gql.services.territories.service import (
    ScheduleCommand,
    TerritoryCommand,
    TerritoryService,
)
from gql.store.db import create_engine_for, session_factory, sqlite_url
from gql.store.migrate import upgrade
from gql.store.repositories import DepartmentRepository, ManagerRepository, StaffRepository

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sqlalchemy.orm import Session

MANAGERS = 20
DEPARTMENT = "KF01"


def _marketing(session: Session) -> Principal:
    staff = StaffRepository(session).page(first=500, role=Role.MARKETING).items
    return Principal.from_staff(staff[0][1])


def _grow(session: Session) -> int:
    """Add managers to KF01 until it has 20, starting near its office; return its id."""
    department = DepartmentRepository(session).by_code(DEPARTMENT)
    assert department is not None
    managers = ManagerRepository(session)
    present = managers.by_department(department.id)
    office = present[0]
    staff = StaffRepository(session)
    for n in range(MANAGERS - len(present)):
        person = staff.add(
            staff_no=f"B{n:04d}",
            name=f"经理{n}",
            role=Role.ACCOUNT_MANAGER,
            department_id=department.id,
            joined_on=date(2020, 1, 1),
        )
        managers.add(
            staff_id=person.id,
            msisdn=f"139{n:08d}",
            carrier=Carrier.MOBILE,
            start_lat=office.start_lat + 0.002 * (n % 5),
            start_lon=office.start_lon + 0.002 * (n // 5),
            start_label="办公室",
        )
    session.flush()
    return department.id


def _schedule(session: Session, department_id: int) -> None:
    """Apply a 20-territory proposal and a schedule on it (marketing's two steps)."""
    service = TerritoryService(session, _marketing(session))
    job = service.territory_job(TerritoryCommand(department_id=department_id, managers=MANAGERS))
    proposal = service.store(job, service.compute_now(job))
    service.apply(proposal.id)
    job2 = service.schedule_job(ScheduleCommand(department_id=department_id))
    schedule = service.store(job2, service.compute_now(job2))
    service.apply(schedule.id)


@contextmanager
def _database(url: str | None) -> Iterator[str]:
    if not url:
        with tempfile.TemporaryDirectory() as tmp:
            yield sqlite_url(Path(tmp))
        return
    with throwaway_schema(url) as scoped:
        yield scoped


def _cycle_mondays(today: date) -> tuple[date, date]:
    """Two Mondays four weeks apart (the same week of the cycle), after today."""
    monday = today + timedelta(days=7 - today.weekday())
    return monday, monday + timedelta(weeks=4)


def bulk(session: Session, department_id: int, day: date) -> tuple[float, list[tuple[int, ...]]]:
    service = PlanService(session, _marketing(session))
    started = time.perf_counter()
    done = asyncio.run(service.publish_department(DepartmentDayRequest(department_id, day)))
    elapsed = time.perf_counter() - started
    assert {p.outcome.plan.optimised_against["day_list"] for p in done.plans} == {"schedule"}
    stops = [tuple(sorted(s.retailer_id for s in p.outcome.plan.stops)) for p in done.plans]
    return elapsed, stops


def peer(session: Session, department_id: int, day: date) -> tuple[float, list[tuple[int, ...]]]:
    principal = _marketing(session)
    plans, lifecycle = PlanService(session, principal), PlanLifecycleService(session, principal)
    managers = sorted(
        (m for m in ManagerRepository(session).by_department(department_id) if m.active),
        key=lambda m: m.staff_id,
    )
    started = time.perf_counter()
    stops = []
    for manager in managers:
        outcome = asyncio.run(plans.create(PlanRequest(manager.staff_id, day)))
        lifecycle.publish(outcome.plan.id, "")
        stops.append(tuple(sorted(s.retailer_id for s in outcome.plan.stops)))
    return time.perf_counter() - started, stops


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database-url")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    import geo
    import tsp

    tsp.warm_up()
    geo.warm_up()
    with _database(args.database_url) as url:
        engine = create_engine_for(url)
        upgrade(engine)
        make = session_factory(engine)
        with make() as session:
            demo_city.seed(session, seed=7)
            department_id = _grow(session)
            started = time.perf_counter()
            _schedule(session, department_id)
            print(f"set-up: 20 territories + schedule in {time.perf_counter() - started:.1f} s")
            session.commit()
        ours: list[float] = []
        theirs: list[float] = []
        today = date.today()
        for n in range(args.repeats):
            first, second = _cycle_mondays(today + timedelta(weeks=8 * n))
            with make() as session:
                t_ours, s_ours = bulk(session, department_id, first)
                session.rollback()
            with make() as session:
                t_peer, s_peer = peer(session, department_id, second)
                session.rollback()
            assert len(s_ours) == MANAGERS == len(s_peer)
            assert s_ours == s_peer, "bulk and per-manager plans visit different retailers"
            ours.append(t_ours)
            theirs.append(t_peer)
            stops = sum(len(s) for s in s_ours)
            print(
                f"run {n + 1}: bulk {t_ours:.2f} s, per-manager peer {t_peer:.2f} s, {stops} stops"
            )
        engine.dispose()
    print(
        f"{MANAGERS} managers, {DEPARTMENT}: publish_department median "
        f"{statistics.median(ours):.2f} s (max {max(ours):.2f}); per-manager create+publish "
        f"median {statistics.median(theirs):.2f} s (max {max(theirs):.2f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
