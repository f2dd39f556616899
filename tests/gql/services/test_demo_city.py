from __future__ import annotations

import hashlib
import math
import os
import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from gql.domain import BusinessType, DepartmentKind, RetailerStatus, Role
from gql.services.demo_city import (
    DEMO_FIRST_ORDER_DATE,
    DEMO_WEEKS,
    DatabaseNotEmpty,
    DemoSummary,
    demo_users,
    has_data,
    seed,
)
from gql.store.models import (
    AccountManagerRow,
    DepartmentRow,
    MonthlyTargetRow,
    OpeningWindowRow,
    RetailerRow,
    SalesOrderRow,
    StaffRow,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

M_PER_DEG = 111_320.0


@dataclass(frozen=True)
class Seeded:
    session: Session
    summary: DemoSummary
    first_dump: str
    second_dump: str
    progress: list[tuple[str, int, int]]
    retailers: list[RetailerRow]


def canonical_dump(session: Session) -> str:
    """A hash of every seeded row, keyed by natural keys (surrogate ids differ by backend)."""
    parent = aliased(DepartmentRow)
    manager_staff = aliased(StaffRow)
    parts: list[list[tuple[object, ...]]] = [
        [
            tuple(r)
            for r in session.execute(
                sa.select(
                    DepartmentRow.code, DepartmentRow.name, DepartmentRow.kind, parent.code
                ).outerjoin(parent, parent.id == DepartmentRow.parent_id)
            )
        ],
        [
            tuple(r)
            for r in session.execute(
                sa.select(
                    StaffRow.staff_no,
                    StaffRow.name,
                    StaffRow.role,
                    DepartmentRow.code,
                    StaffRow.active,
                    StaffRow.joined_on,
                ).join(DepartmentRow, DepartmentRow.id == StaffRow.department_id)
            )
        ],
        [
            tuple(r)
            for r in session.execute(
                sa.select(
                    StaffRow.staff_no,
                    AccountManagerRow.msisdn,
                    AccountManagerRow.carrier,
                    AccountManagerRow.start_lat,
                    AccountManagerRow.start_lon,
                    AccountManagerRow.start_label,
                ).join(StaffRow, StaffRow.id == AccountManagerRow.staff_id)
            )
        ],
        [
            tuple(r)
            for r in session.execute(
                sa.select(
                    RetailerRow.licence_no,
                    RetailerRow.name,
                    RetailerRow.address,
                    RetailerRow.lat,
                    RetailerRow.lon,
                    RetailerRow.business_type,
                    RetailerRow.grade,
                    RetailerRow.key_customer,
                    RetailerRow.service_time_s,
                    RetailerRow.order_weekday,
                    RetailerRow.status,
                    manager_staff.staff_no,
                    RetailerRow.area_code,
                    RetailerRow.created_at,
                    RetailerRow.version,
                ).outerjoin(manager_staff, manager_staff.id == RetailerRow.manager_id)
            )
        ],
        [
            tuple(r)
            for r in session.execute(
                sa.select(
                    RetailerRow.licence_no,
                    OpeningWindowRow.weekday,
                    OpeningWindowRow.open_s,
                    OpeningWindowRow.close_s,
                ).join(RetailerRow, RetailerRow.id == OpeningWindowRow.retailer_id)
            )
        ],
        [
            tuple(r)
            for r in session.execute(
                sa.select(
                    RetailerRow.licence_no,
                    SalesOrderRow.order_date,
                    SalesOrderRow.volume_cartons,
                    SalesOrderRow.amount_fen,
                ).join(RetailerRow, RetailerRow.id == SalesOrderRow.retailer_id)
            )
        ],
        [
            tuple(r)
            for r in session.execute(
                sa.select(
                    StaffRow.staff_no,
                    MonthlyTargetRow.month,
                    MonthlyTargetRow.volume_cartons,
                    MonthlyTargetRow.amount_fen,
                ).join(StaffRow, StaffRow.id == MonthlyTargetRow.manager_id)
            )
        ],
    ]
    digest = hashlib.sha256()
    for table in parts:
        assert table, "every seeded table has rows"
        for row in sorted(table, key=repr):
            digest.update(repr(row).encode())
        digest.update(b"|")
    return digest.hexdigest()


@pytest.fixture(scope="module")
def seeded(engine: sa.Engine) -> Iterator[Seeded]:
    """The demo city seeded with seed 7; seeded twice (rolled back in between) to compare."""
    connection = engine.connect()
    outer = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint")
    try:
        nested = session.begin_nested()
        seed(session, seed=7)
        first_dump = canonical_dump(session)
        nested.rollback()
        progress: list[tuple[str, int, int]] = []
        summary = seed(session, seed=7, progress=lambda *step: progress.append(step))
        session.flush()
        retailers = list(session.scalars(sa.select(RetailerRow).order_by(RetailerRow.id)))
        second_dump = canonical_dump(session)
        yield Seeded(session, summary, first_dump, second_dump, progress, retailers)
    finally:
        session.close()
        outer.rollback()
        connection.close()


def test_same_seed_gives_identical_data(seeded: Seeded) -> None:
    """Seeding with seed 7 twice writes identical rows (compared by a canonical hash)."""
    assert seeded.first_dump == seeded.second_dump


def test_seeding_a_non_empty_database_is_refused(seeded: Seeded) -> None:
    """A second seed into a database with retailers raises DatabaseNotEmpty and writes nothing."""
    count = sa.select(sa.func.count()).select_from(RetailerRow)
    before = seeded.session.scalar(count)
    assert has_data(seeded.session)
    with pytest.raises(DatabaseNotEmpty, match="empty database"):
        seed(seeded.session, seed=7)
    assert seeded.session.scalar(count) == before


def test_progress_is_reported_for_the_long_steps(seeded: Seeded) -> None:
    """Progress reaches its total for retailers and orders."""
    finals = {step: (done, total) for step, done, total in seeded.progress}
    assert finals["retailers"] == (seeded.summary.retailers, seeded.summary.retailers)
    assert finals["orders"] == (DEMO_WEEKS, DEMO_WEEKS)


def test_about_three_thousand_retailers_inside_the_district(seeded: Seeded) -> None:
    """~3,000 retailers, all within lat 27.8–28.2 and lon 120.5–121.0, licences unique."""
    rows = seeded.retailers
    assert 2_900 <= len(rows) <= 3_100
    assert len(rows) == seeded.summary.retailers
    assert all(27.8 <= r.lat <= 28.2 and 120.5 <= r.lon <= 121.0 for r in rows)
    assert len({r.licence_no for r in rows}) == len(rows)


def test_retailers_are_clustered_not_uniform(seeded: Seeded) -> None:
    """Nearest neighbours are far closer than for uniform points, and towns are distinct."""
    rows = seeded.retailers
    lat = np.array([r.lat for r in rows])
    lon = np.array([r.lon for r in rows])
    y = lat * M_PER_DEG
    x = lon * M_PER_DEG * math.cos(math.radians(28.0))
    d2 = (y[:, None] - y[None, :]) ** 2 + (x[:, None] - x[None, :]) ** 2
    np.fill_diagonal(d2, np.inf)
    nearest_m = np.sqrt(d2.min(axis=1))
    area_m2 = (0.4 * M_PER_DEG) * (0.5 * M_PER_DEG * math.cos(math.radians(28.0)))
    uniform_mean_m = 0.5 * math.sqrt(area_m2 / len(rows))  # Poisson nearest-neighbour mean
    assert float(np.median(nearest_m)) < uniform_mean_m / 10
    assert len({r.area_code for r in rows}) >= 4


def test_retailers_line_up_along_streets(seeded: Seeded) -> None:
    """Most retailers share their address street with close neighbours on a line."""
    rows = seeded.retailers
    by_street: defaultdict[str, list[RetailerRow]] = defaultdict(list)
    for r in rows:
        street = r.address.split("号")[0].rstrip("0123456789")
        by_street[street].append(r)
    elongated = 0
    for members in by_street.values():
        if len(members) < 20:
            continue
        pts = np.array([[m.lat * M_PER_DEG, m.lon * M_PER_DEG * 0.883] for m in members])
        eig = np.linalg.eigvalsh(np.cov(pts.T))
        if eig[1] > 4 * eig[0]:  # much longer than wide
            elongated += 1
    assert elongated >= 10


def test_business_types_grades_and_key_customers_are_a_realistic_mix(seeded: Seeded) -> None:
    """Ordinary shops dominate, every type occurs, grades span the scale, some key customers."""
    rows = seeded.retailers
    types = Counter(r.business_type for r in rows)
    assert set(types) == set(BusinessType)
    assert types[BusinessType.ORDINARY] > 0.5 * len(rows)
    grades = Counter(r.grade for r in rows)
    assert min(grades) <= 3
    assert max(grades) >= 28
    assert len(grades) >= 25
    key_share = sum(r.key_customer for r in rows) / len(rows)
    assert 0.03 <= key_share <= 0.25
    ordinary_s = min(r.service_time_s for r in rows if not r.key_customer)
    assert all(
        r.service_time_s > ordinary_s
        for r in rows
        if r.key_customer and r.business_type is BusinessType.ORDINARY
    )
    statuses = Counter(r.status for r in rows)
    assert set(statuses) == set(RetailerStatus)
    assert statuses[RetailerStatus.ACTIVE] > 0.9 * len(rows)


def test_opening_hours_include_midday_breaks_and_weekday_specific_hours(seeded: Seeded) -> None:
    """Some shops close at midday, some open around the clock, some differ on Sunday."""
    windows: defaultdict[int, list[OpeningWindowRow]] = defaultdict(list)
    for w in seeded.session.scalars(sa.select(OpeningWindowRow)):
        windows[w.retailer_id].append(w)
    rows = seeded.retailers
    assert all(windows[r.id] for r in rows), "every retailer has opening hours"
    midday_break = sum(
        1
        for ws in windows.values()
        if any(
            a.weekday == b.weekday and 11 * 3600 <= a.close_s < b.open_s <= 15 * 3600
            for a in ws
            for b in ws
        )
    )
    around_the_clock = sum(
        1 for ws in windows.values() if any(w.open_s == 0 and w.close_s == 86_400 for w in ws)
    )
    weekday_specific = sum(1 for ws in windows.values() if any(w.weekday is not None for w in ws))
    assert midday_break >= 0.1 * len(rows)
    assert around_the_clock >= 20
    assert weekday_specific >= 0.05 * len(rows)


def test_organisation_has_fifteen_managers_in_three_departments_with_heads(
    seeded: Seeded,
) -> None:
    """3 customer-service departments with one head, one deputy and 5 managers each."""
    session = seeded.session
    service = list(
        session.scalars(
            sa.select(DepartmentRow).where(DepartmentRow.kind == DepartmentKind.CUSTOMER_SERVICE)
        )
    )
    assert len(service) == 3
    for department in service:
        roles = Counter(
            session.scalars(sa.select(StaffRow.role).where(StaffRow.department_id == department.id))
        )
        assert roles == Counter(
            {Role.ACCOUNT_MANAGER: 5, Role.DEPARTMENT_HEAD: 1, Role.DEPUTY_HEAD: 1}
        )
    roles = Counter(session.scalars(sa.select(StaffRow.role)))
    assert roles[Role.ACCOUNT_MANAGER] == 15
    assert roles[Role.AUDITOR] >= 2
    assert roles[Role.MARKETING] >= 2
    assert roles[Role.ADMIN] >= 1
    carriers = Counter(session.scalars(sa.select(AccountManagerRow.carrier)))
    assert len(carriers) == 2


def test_every_manager_has_a_compact_territory_of_about_two_hundred(seeded: Seeded) -> None:
    """Each manager looks after 100–350 retailers lying in one compact area."""
    by_manager: defaultdict[int, list[RetailerRow]] = defaultdict(list)
    for r in seeded.retailers:
        assert r.manager_id is not None
        by_manager[r.manager_id].append(r)
    assert len(by_manager) == 15
    for members in by_manager.values():
        assert 100 <= len(members) <= 350
        lat0 = sum(m.lat for m in members) / len(members)
        lon0 = sum(m.lon for m in members) / len(members)
        spread_m = sorted(
            math.hypot((m.lat - lat0) * M_PER_DEG, (m.lon - lon0) * M_PER_DEG * 0.883)
            for m in members
        )
        assert spread_m[int(0.9 * len(spread_m))] < 15_000


def test_eight_weeks_of_orders_on_each_retailers_order_day(seeded: Seeded) -> None:
    """Orders span 8 weeks, fall on the retailer's order weekday, only for active retailers."""
    session = seeded.session
    retailers = {r.id: r for r in seeded.retailers}
    orders = list(session.scalars(sa.select(SalesOrderRow)))
    assert len(orders) == seeded.summary.orders
    dates = {o.order_date for o in orders}
    assert min(dates) >= DEMO_FIRST_ORDER_DATE
    assert max(dates) <= DEMO_FIRST_ORDER_DATE + timedelta(weeks=DEMO_WEEKS, days=-1)
    assert (max(dates) - min(dates)).days >= 7 * (DEMO_WEEKS - 1)
    per_retailer = Counter(o.retailer_id for o in orders)
    assert max(per_retailer.values()) <= DEMO_WEEKS
    for order in orders:
        retailer = retailers[order.retailer_id]
        assert retailer.status is RetailerStatus.ACTIVE
        assert order.order_date.weekday() == retailer.order_weekday
        assert order.volume_cartons >= 1
        assert order.amount_fen > 0
    active = sum(1 for r in retailers.values() if r.status is RetailerStatus.ACTIVE)
    assert len(per_retailer) > 0.95 * active


def test_monthly_targets_for_every_manager_near_their_sales(seeded: Seeded) -> None:
    """Each manager has a target for each month touched, close to what their shops order."""
    session = seeded.session
    targets = list(session.scalars(sa.select(MonthlyTargetRow)))
    assert len(targets) == 15 * 3 == seeded.summary.targets
    october = {t.manager_id: t for t in targets if t.month.month == 10}
    volume = Counter[int]()
    statement = (
        sa.select(RetailerRow.manager_id, SalesOrderRow.volume_cartons)
        .join(RetailerRow, RetailerRow.id == SalesOrderRow.retailer_id)
        .where(sa.extract("month", SalesOrderRow.order_date) == 10)
    )
    for manager_id, cartons in session.execute(statement):
        assert manager_id is not None
        volume[manager_id] += cartons
    for manager_id, target in october.items():
        assert 0.7 * volume[manager_id] <= target.volume_cartons <= 1.5 * volume[manager_id]


def test_demo_users_give_one_login_per_role(seeded: Seeded) -> None:
    """demo_users returns one active staff member for each role, with its department name."""
    users = demo_users(seeded.session)
    assert [u.role for u in users] == list(Role)
    assert len({u.staff_no for u in users}) == len(users)
    assert all(u.department for u in users)


_SEED_IN_A_FRESH_PROCESS = """
import pathlib, sys, tempfile
from gql.services import demo_city
from gql.store.db import create_engine_for, session_factory, sqlite_url
from gql.store.migrate import upgrade
from tests.gql.services.test_demo_city import canonical_dump
engine = create_engine_for(sqlite_url(pathlib.Path(sys.argv[1])))
upgrade(engine)
with session_factory(engine)() as session:
    demo_city.seed(session, seed=7)
    print(canonical_dump(session))
"""


def test_seed_is_identical_across_processes_with_different_hash_seeds(tmp_path: Path) -> None:
    """Two fresh processes (different PYTHONHASHSEED) seeding with seed 7 write the same data."""
    root = Path(__file__).resolve().parents[3]
    dumps = []
    for hash_seed in ("1", "2"):
        directory = tmp_path / hash_seed
        directory.mkdir()
        result = subprocess.run(
            [sys.executable, "-c", _SEED_IN_A_FRESH_PROCESS, str(directory)],
            cwd=root,
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        dumps.append(result.stdout.strip())
    assert len(dumps[0]) == 64
    assert dumps[0] == dumps[1]
