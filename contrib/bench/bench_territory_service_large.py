"""The service path at the issue-8 scale: 25,000 retailers, 150 managers, in a database.

Writes a synthetic city (``gql.services.territories.rules.synthetic_city``) into a temporary SQLite
database — 150 managers whose current territories are the Voronoi cells of 150 random
retailers (unbalanced on purpose), one month of sales per retailer — then, as marketing,
times reading the district, the partition (peer: the bare core on the same ``RetailerSet``),
storing 25,000 assignments, applying, and a full 4-week schedule with routes.

Run: ``.venv/bin/python contrib/bench/bench_territory_service_large.py [N_RETAILERS N_MANAGERS]``
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import numpy as np

from gql.domain import (
    BusinessType,
    Carrier,
    DepartmentKind,
    OpeningWindow,
    RetailerDraft,
    RetailerStatus,
    Role,
    SalesOrderDraft,
)
from gql.services.access import Principal
from gql.services.territories.rules import partition_territories, synthetic_city, warm_up
from gql.services.territories.service import ScheduleCommand, TerritoryCommand, TerritoryService
from gql.store.db import create_engine_for, session_factory, sqlite_url
from gql.store.migrate import upgrade
from gql.store.repositories import (
    DepartmentRepository,
    ManagerRepository,
    RetailerRepository,
    SalesRepository,
    StaffRepository,
)

STORE_GRADE = {1: 28, 2: 22, 3: 16, 4: 10, 5: 4}
STORE_TYPE = [
    BusinessType.ORDINARY,
    BusinessType.CHAIN_SUPERMARKET,
    BusinessType.HOTEL_ENTERTAINMENT,
    BusinessType.OTHER,
]


def _seed(session, n: int, k: int) -> Principal:  # type: ignore[no-untyped-def]
    city = synthetic_city(n, seed=3)
    departments = DepartmentRepository(session)
    company = departments.add(code="C", name="Company", kind=DepartmentKind.COMPANY, parent_id=None)
    marketing_dept = departments.add(
        code="M", name="Marketing", kind=DepartmentKind.MARKETING, parent_id=company.id
    )
    service_dept = departments.add(
        code="S", name="Service", kind=DepartmentKind.CUSTOMER_SERVICE, parent_id=company.id
    )
    staff = StaffRepository(session)
    joined = date(2020, 1, 1)
    marketing = staff.add(
        staff_no="M0001",
        name="Marketing",
        role=Role.MARKETING,
        department_id=marketing_dept.id,
        joined_on=joined,
    )
    rng = np.random.default_rng(5)
    centres = rng.choice(n, size=k, replace=False)
    manager_ids = []
    for j, c in enumerate(centres):
        person = staff.add(
            staff_no=f"A{j:04d}",
            name=f"Manager {j}",
            role=Role.ACCOUNT_MANAGER,
            department_id=service_dept.id,
            joined_on=joined,
        )
        ManagerRepository(session).add(
            staff_id=person.id,
            msisdn=f"1380000{j:04d}",
            carrier=Carrier.MOBILE,
            start_lat=float(city.lat_deg[c]),
            start_lon=float(city.lon_deg[c]),
            start_label="office",
        )
        manager_ids.append(person.id)
    d2 = (city.lat_deg[:, None] - city.lat_deg[centres][None, :]) ** 2 + (
        (city.lon_deg[:, None] - city.lon_deg[centres][None, :]) * np.cos(np.radians(30.27))
    ) ** 2
    nearest = np.argmin(d2, axis=1)
    drafts = [
        RetailerDraft(
            licence_no=f"BENCH{i:08d}",
            name=f"Shop {i}",
            address=f"Street {i}",
            lat=float(city.lat_deg[i]),
            lon=float(city.lon_deg[i]),
            business_type=STORE_TYPE[int(city.business_type[i])],
            grade=STORE_GRADE[int(city.grade[i])],
            key_customer=bool(city.is_key[i]),
            service_time_s=720,
            order_weekday=int(city.order_weekday[i]) if city.order_weekday[i] >= 0 else 6,
            status=RetailerStatus.ACTIVE,
            manager_id=manager_ids[int(nearest[i])],
            area_code="BENCH",
            opening_windows=(
                OpeningWindow(int(city.open_min[i] * 60), int(city.close_min[i] * 60)),
            ),
        )
        for i in range(n)
    ]
    ids = RetailerRepository(session).add_many(drafts, now=datetime.now(UTC))
    SalesRepository(session).add_orders(
        [
            SalesOrderDraft(
                retailer_id=rid,
                order_date=date(2026, 11, 2),
                volume_cartons=round(float(v)),
                amount_yuan=Decimal(round(float(v)) * 200),
            )
            for rid, v in zip(ids, city.order_volume.tolist(), strict=True)
        ]
    )
    return Principal.from_staff(marketing)


def _step(label: str, started: float) -> float:
    now = time.perf_counter()
    print(f"  {label:<40} {now - started:8.2f} s", flush=True)
    return now


def main(n: int, k: int) -> None:
    """Seed, then time the service's steps against the bare core."""
    warm_up()
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine_for(sqlite_url(Path(tmp)))
        upgrade(engine)
        sessions = session_factory(engine)
        t = time.perf_counter()
        with sessions() as session:
            principal = _seed(session, n, k)
            session.commit()
        _step(f"seed {n} retailers, {k} managers", t)
        with sessions() as session:
            service = TerritoryService(session, principal)
            t = time.perf_counter()
            job = service.territory_job(TerritoryCommand())
            t = _step("read district (territory_job)", t)
            computed = service.compute_now(job)
            t = _step("partition + current (compute_now)", t)
            proposal = service.store(job, computed)
            t = _step(f"store proposal + {n} assignments", t)
            partition_territories(job.inputs.retailers, k)
            t = _step("peer: bare partition_territories", t)
            _, moved = service.apply(proposal.id)
            session.commit()
            t = _step(f"apply ({moved} retailers reassigned) + commit", t)
            m = proposal.metrics
            p, c = m["proposal"], m["current"]
            print(
                f"    workload cv {p['workload']['cv']:.4f} worst "
                f"{p['workload']['worstDeviation']:.4f} (current cv {c['workload']['cv']:.4f}); "
                f"count worst {p['retailerCount']['worstDeviation']:.4f}; volume worst "
                f"{p['orderVolume']['worstDeviation']:.4f}; fragmented "
                f"{p['fragmentedTerritories']}"
            )
            job2 = service.territory_job(TerritoryCommand())
            again = service.store(job2, service.compute_now(job2))
            t = _step("re-plan right after applying", t)
            print(f"    moves {again.metrics['movedRetailers']} of {n}")
            sjob = service.schedule_job(ScheduleCommand())
            t = _step("read district (schedule_job)", t)
            scomputed = service.compute_now(sjob)
            t = _step("weekday zones + routed days + zones", t)
            sproposal = service.store(sjob, scomputed)
            t = _step("store schedule proposal", t)
            s, z = sproposal.metrics["schedule"], sproposal.metrics["districtZones"]
            print(
                f"    {s['days']} days, {s['totalTravelM'] / 1000:.0f} km, max day "
                f"{s['maxDayHours']:.2f} h, over cap {s['daysOverCap']}, weekday orders cv "
                f"{z['ordersBalance']['cv']:.4f}"
            )
        engine.dispose()


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    main(*(args or [25_000, 150]))
