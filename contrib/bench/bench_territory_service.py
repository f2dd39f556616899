"""End-to-end cost of territory and schedule proposals through the service (issue 8 wiring).

Seeds the demo city (seed 7) into a temporary SQLite file, then times, as marketing:

* ``territory_job``  — reading the district from the database into a ``RetailerSet``;
* ``compute_now``    — partition + evaluation of the current plan (the planning core);
* ``store``          — writing the proposal and one assignment row per retailer;
* ``apply``          — the bulk reassignment;

and the same for a schedule proposal. The peer is the bare planning core
(``partition_territories`` / ``plan_schedule``) on the very same ``RetailerSet`` in the same
process, so the difference is the service's own overhead.

Run: ``.venv/bin/python contrib/bench/bench_territory_service.py``
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from contrib.bench._common import seeded_demo
from gql.domain import Role
from gql.services.access import Principal
from gql.services.territories.rules import partition_territories, plan_schedule, warm_up
from gql.services.territories.service import ScheduleCommand, TerritoryCommand, TerritoryService
from gql.store.db import create_engine_for, session_factory
from gql.store.repositories import StaffRepository


def _timed(label: str, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = fn(*args, **kwargs)
    print(f"  {label:<34} {time.perf_counter() - started:8.3f} s")
    return result


def main() -> None:
    """Seed, then time each phase of both proposal kinds and the bare core."""
    warm_up()
    with seeded_demo(None) as url:
        engine = create_engine_for(url)
        sessions = session_factory(engine)
        with sessions() as session:
            marketing = next(
                s
                for _, s in StaffRepository(session).page(first=500).items
                if s.role is Role.MARKETING
            )
            service = TerritoryService(session, Principal.from_staff(marketing))
            print("territories, whole company (demo city):")
            job = _timed("read district (territory_job)", service.territory_job, TerritoryCommand())
            print(f"    {job.inputs.retailers.n} retailers, {len(job.inputs.manager_ids)} managers")
            computed = _timed("partition + current (compute_now)", service.compute_now, job)
            proposal = _timed("store proposal", service.store, job, computed)
            _timed(
                "peer: bare partition_territories",
                partition_territories,
                job.inputs.retailers,
                len(job.inputs.manager_ids),
            )
            started = time.perf_counter()
            asyncio.run(service.create_territories(TerritoryCommand()))
            print(f"  {'API path (create_territories)':<34} {time.perf_counter() - started:8.3f} s")
            _, moved = _timed("apply (bulk reassignment)", service.apply, proposal.id)
            print(f"    moved {moved} retailers")
            m = proposal.metrics
            print(
                f"    workload cv {m['proposal']['workload']['cv']:.4f} (current "
                f"{m['current']['workload']['cv']:.4f}), worst "
                f"{m['proposal']['workload']['worstDeviation']:.4f}"
            )
            print("schedule, whole company, on the applied territories:")
            sjob = _timed("read district (schedule_job)", service.schedule_job, ScheduleCommand())
            scomputed = _timed("weekdays + routes + zones", service.compute_now, sjob)
            sproposal = _timed("store proposal (+300 days)", service.store, sjob, scomputed)
            retailers = sjob.inputs.retailers
            _timed(
                "peer: bare plan_schedule",
                plan_schedule,
                retailers,
                retailers.current_manager,
                len(sjob.inputs.manager_ids),
            )
            s = sproposal.metrics["schedule"]
            print(
                f"    {s['days']} days, {s['totalTravelM'] / 1000:.0f} km, max day "
                f"{s['maxDayHours']:.2f} h, over cap {s['daysOverCap']}"
            )
            session.rollback()
        engine.dispose()


if __name__ == "__main__":
    main()
