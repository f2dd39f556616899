"""Benchmark: a city-year of reports, over the maintained aggregates beside the raw tables.

Run: ``.venv/bin/python contrib/bench/bench_city_year.py [--scale 1.0] [--database-url URL]
[--repeats 5] [--raw-repeats 2]`` (default: a throw-away SQLite file; a ``postgresql://`` URL
loads a throw-away schema that is dropped afterwards). ``--keep`` loads into the database
named (your own, e.g. ``createdb rollup``, or ``sqlite+pysqlite:////tmp/city.sqlite3``) and
leaves the city there; ``--keep --reuse`` times it again without reloading (``--no-refresh``:
nor rebuilding the aggregates; ``--no-raw``: without the peer); ``--load-only`` stops after
loading. A full-scale load takes 10-12 minutes, the full refresh another 10.

Issue 17 item 8. The city at ``--scale 1.0``: 200 managers in 10 districts, 50,000 retailers
(250 each, visited on a two-week cycle of 25 a day), the first 250 working days of 2026; per
manager-day a published 25-stop plan, ~25 visits (most planned stops, two unplanned, some
missed, verdicts, late uploads, flags), two position fixes a visit, and one sales order per
retailer on ~96 % of working days: ~1.25 M visits, ~2.5 M fixes, ~12 M sales rows. ``--scale``
multiplies managers, districts and retailers (the year stays 250 days). Generated from a fixed
seed and bulk-loaded: PostgreSQL ``COPY`` through psycopg, SQLite ``executemany`` in batches.

Printed: load time, the full refresh (every manager-day, manager-month and retailer-month of
sales), then for discipline, routes, workload and effect, the p50/p95 of a department-month
and of a company-year over the aggregates and, as the peer in the same run, the same
``ReportService`` call over the raw tables (``raw=True``); every answer is checked equal both
ways. Finally the
department-month and company-year again with one manager-day per manager marked stale (what
a day of check-ins leaves before the next refresh), and the incremental refresh of those marks.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import numpy as np
import sqlalchemy as sa

from contrib.bench._common import throwaway_schema
from gql.domain import Role
from gql.services.access import Principal
from gql.services.calendar import LOCAL_TZ, is_business_day
from gql.services.reports import rules
from gql.services.reports.aggregates import refresh
from gql.services.reports.effect_report import EffectRequest
from gql.services.reports.service import (
    LATE_UPLOAD_MARGIN,
    GroupBy,
    ReportRequest,
    ReportService,
)
from gql.store.db import create_engine_for, session_factory, sqlite_url
from gql.store.migrate import upgrade
from gql.store.repositories.report_days import ReportDayRepository

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence

    from sqlalchemy.orm import Session

SEED = 17
YEAR_FIRST = date(2026, 1, 1)
WORKING_DAYS = 250
STOPS_PER_DAY = 25
CYCLE_DAYS = 10
"""Each manager's retailers are split into 10 day-groups: a two-week visiting cycle."""
MONTH = (date(2026, 6, 1), date(2026, 6, 30))
BATCH = 20_000


# -- generation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """How big the city is."""

    managers: int
    districts: int
    retailers_per_manager: int

    @classmethod
    def at(cls, scale: float) -> Shape:
        managers = max(2, round(200 * scale))
        return cls(managers, max(1, round(managers / 20)), 250)


def working_days() -> list[date]:
    out, day = [], YEAR_FIRST
    while len(out) < WORKING_DAYS:
        if is_business_day(day):
            out.append(day)
        day += timedelta(days=1)
    return out


def _at(day: date, seconds: float) -> datetime:
    return datetime.combine(day, datetime.min.time(), LOCAL_TZ).astimezone(UTC) + timedelta(
        seconds=float(seconds)
    )


class Loader:
    """Bulk insert into one database: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self.postgres = engine.dialect.name == "postgresql"
        self.rows = 0

    def ts(self, value: datetime | None) -> Any:
        if value is None or self.postgres:
            return value
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")

    def day(self, value: date) -> Any:
        return value if self.postgres else value.isoformat()

    def load(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            if self.postgres:
                cursor.execute("SET statement_timeout = 0")  # the service's limit is for requests
                with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        self.rows += 1
            else:
                cursor.execute("BEGIN")  # the engine's driver autocommits: one transaction
                marks = ", ".join("?" for _ in columns)
                statement = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
                batch: list[Sequence[Any]] = []
                for row in rows:
                    batch.append(row)
                    if len(batch) >= BATCH:
                        cursor.executemany(statement, batch)
                        self.rows += len(batch)
                        batch = []
                if batch:
                    cursor.executemany(statement, batch)
                    self.rows += len(batch)
            raw.commit()
        finally:
            raw.close()


def _tour_m(lat: np.ndarray, lon: np.ndarray) -> int:
    """Closed tour length through the points in order (great-circle, × road factor 1.35)."""
    la, lo = np.radians(lat), np.radians(lon)
    dla, dlo = np.diff(la, append=la[:1]), np.diff(lo, append=lo[:1])
    a = np.sin(dla / 2) ** 2 + np.cos(la) * np.cos(np.roll(la, -1)) * np.sin(dlo / 2) ** 2
    return int(1.35 * 2 * 6_371_000 * np.arcsin(np.sqrt(a)).sum())


def build_city(loader: Loader, shape: Shape, rng: np.random.Generator) -> dict[str, int]:
    """Generate and load the whole city-year; returns row counts."""
    now = datetime(2026, 1, 1, tzinfo=UTC)
    ts, day = loader.ts, loader.day
    # organisation: the company, a marketing department, the districts
    departments = [(1, "CO", "公司", "COMPANY", None), (2, "MKT", "营销中心", "MARKETING", 1)]
    departments += [
        (10 + d, f"D{d:02d}", f"区域{d:02d}", "CUSTOMER_SERVICE", 2) for d in range(shape.districts)
    ]
    loader.load("departments", ["id", "code", "name", "kind", "parent_id"], departments)
    staff = [(1, "A0001", "管理员", "ADMIN", 1, True, day(YEAR_FIRST))]
    managers = []
    centre_lat, centre_lon = 28.0, 120.65
    for m in range(shape.managers):
        staff_id = 100 + m
        district = 10 + m % shape.districts
        staff.append(
            (
                staff_id,
                f"M{m:04d}",
                f"经理{m:04d}",
                "ACCOUNT_MANAGER",
                district,
                True,
                day(YEAR_FIRST),
            )
        )
        ring, angle = 0.02 + 0.15 * rng.random(), 2 * math.pi * rng.random()
        managers.append(
            (
                staff_id,
                f"189{m:08d}",
                "TELECOM",
                centre_lat + ring * math.sin(angle),
                centre_lon + ring * math.cos(angle),
                "办公室",
            )
        )
    loader.load(
        "staff", ["id", "staff_no", "name", "role", "department_id", "active", "joined_on"], staff
    )
    loader.load(
        "account_managers",
        ["staff_id", "msisdn", "carrier", "start_lat", "start_lon", "start_label"],
        managers,
    )
    # retailers: around each manager's start, in day-groups ordered by angle (a good tour)
    per = shape.retailers_per_manager
    lat_of: dict[int, np.ndarray] = {}
    lon_of: dict[int, np.ndarray] = {}
    retailer_rows = []
    windows = []
    next_id = 1
    for staff_id, _, _, lat0, lon0, _ in managers:
        lat = lat0 + rng.normal(0, 0.012, per)
        lon = lon0 + rng.normal(0, 0.014, per)
        order = np.argsort(np.arctan2(lat - lat0, lon - lon0))
        group = np.arange(per) % CYCLE_DAYS  # interleaved: each group spans the area
        ids = np.arange(next_id, next_id + per)
        lat_of[staff_id], lon_of[staff_id] = lat[order], lon[order]
        for k, rid in enumerate(ids):
            retailer_rows.append(
                (
                    int(rid),
                    f"L{rid:09d}",
                    f"零售户{rid}",
                    "地址",
                    float(lat[order][k]),
                    float(lon[order][k]),
                    "ORDINARY",
                    int(1 + rid % 30),
                    False,
                    600,
                    int(group[k] % 5),
                    "ACTIVE",
                    staff_id,
                    f"A{staff_id % 97:03d}",
                    ts(now),
                    ts(now),
                    1,
                )
            )
            windows.append((int(rid), int(rid), None, 8 * 3600, 20 * 3600))
        next_id += per
    loader.load(
        "retailers",
        [
            "id",
            "licence_no",
            "name",
            "address",
            "lat",
            "lon",
            "business_type",
            "grade",
            "key_customer",
            "service_time_s",
            "order_weekday",
            "status",
            "manager_id",
            "area_code",
            "created_at",
            "updated_at",
            "version",
        ],
        retailer_rows,
    )
    loader.load("opening_windows", ["id", "retailer_id", "weekday", "open_s", "close_s"], windows)
    counts = {"managers": shape.managers, "retailers": len(retailer_rows)}
    counts |= _fieldwork(loader, managers, lat_of, lon_of, rng)
    counts["sales_orders"] = _sales(loader, len(retailer_rows), rng)
    return counts


def _fieldwork(
    loader: Loader,
    managers: list[tuple[Any, ...]],
    lat_of: dict[int, np.ndarray],
    lon_of: dict[int, np.ndarray],
    rng: np.random.Generator,
) -> dict[str, int]:
    ts, day = loader.ts, loader.day
    per = len(next(iter(lat_of.values())))
    first_id = {m[0]: 1 + i * per for i, m in enumerate(managers)}
    plans: list[tuple[Any, ...]] = []
    stops: list[tuple[Any, ...]] = []
    visits: list[tuple[Any, ...]] = []
    fixes: list[tuple[Any, ...]] = []
    plan_id = stop_id = visit_id = fix_id = 0
    verdicts = np.array(["IN_PLACE", "INCONCLUSIVE", "NOT_IN_PLACE", "PENDING"])
    against = json.dumps({"road_factor": 1.35, "return_to_start": True})
    totals = {"plans": 0, "plan_stops": 0, "visits": 0, "position_fixes": 0}

    def flush() -> None:
        loader.load(
            "visit_plans",
            [
                "id",
                "manager_id",
                "plan_date",
                "status",
                "method",
                "proven_optimal",
                "gap",
                "length_m",
                "duration_s",
                "baseline_length_m",
                "optimised_against",
                "created_by",
                "created_at",
            ],
            plans,
        )
        loader.load(
            "plan_stops",
            [
                "id",
                "plan_id",
                "seq",
                "retailer_id",
                "eta_s",
                "etd_s",
                "leg_distance_m",
                "leg_duration_s",
            ],
            stops,
        )
        loader.load(
            "visits",
            [
                "id",
                "manager_id",
                "retailer_id",
                "plan_stop_id",
                "idempotency_key",
                "started_at",
                "ended_at",
                "device_started_at",
                "device_ended_at",
                "late_upload",
                "verdict",
                "distance_m",
                "probability",
                "reasons",
                "flags",
                "dwell_s",
            ],
            visits,
        )
        loader.load(
            "position_fixes",
            [
                "id",
                "visit_id",
                "phase",
                "source",
                "lat",
                "lon",
                "coordinate_system",
                "accuracy_m",
                "captured_at",
                "stale",
            ],
            fixes,
        )
        for name, rows in (
            ("plans", plans),
            ("plan_stops", stops),
            ("visits", visits),
            ("position_fixes", fixes),
        ):
            totals[name] += len(rows)
            rows.clear()

    for n, today in enumerate(working_days()):
        for staff_id, *_ in managers:
            lat, lon = lat_of[staff_id], lon_of[staff_id]
            group = np.arange(n % CYCLE_DAYS, len(lat), CYCLE_DAYS)[:STOPS_PER_DAY]
            plan_id += 1
            plan_m = _tour_m(lat[group], lon[group])
            plans.append(
                (
                    plan_id,
                    staff_id,
                    day(today),
                    "PUBLISHED",
                    "bench",
                    False,
                    None,
                    plan_m,
                    8 * 3600,
                    int(plan_m * 1.25),
                    against,
                    None,
                    ts(_at(today, 7 * 3600)),
                )
            )
            stop_ids = []
            for seq, k in enumerate(group, start=1):
                stop_id += 1
                stop_ids.append(stop_id)
                stops.append(
                    (
                        stop_id,
                        plan_id,
                        seq,
                        first_id[staff_id] + int(k),
                        8 * 3600 + seq * 1200,
                        8 * 3600 + seq * 1200 + 600,
                        900,
                        180,
                    )
                )
            # the day's visits: planned stops mostly in order (a few swapped, two missed),
            # then two unplanned shops
            order = list(range(len(group)))
            for _ in range(3):
                i = int(rng.integers(0, len(order) - 1))
                order[i], order[i + 1] = order[i + 1], order[i]
            missed = set(rng.choice(len(order), size=2, replace=False).tolist())
            chosen: list[tuple[int | None, int]] = [
                (stop_ids[i], int(group[i])) for i in order if i not in missed
            ]
            extra = rng.choice(len(lat), size=2, replace=False)
            chosen += [(None, int(k)) for k in extra]
            late = rng.random() < 0.02
            clock_s = 8 * 3600 + 30 * 60 + float(rng.integers(0, 1800))
            for stop, k in chosen:
                visit_id += 1
                dwell = int(rng.integers(240, 1500))
                verdict = str(verdicts[rng.choice(4, p=[0.85, 0.10, 0.04, 0.01])])
                device_start = _at(today, clock_s)
                device_end = (
                    None if verdict == "PENDING" else device_start + timedelta(seconds=dwell)
                )
                received = device_start + (timedelta(days=1) if late else timedelta(seconds=2))
                est = [float(lat[k] + rng.normal(0, 0.0002)), float(lon[k] + rng.normal(0, 0.0002))]
                spoof = rng.random() < 0.01
                flags = {
                    "check_in": {"flags": ["POSSIBLE_SPOOFING"] if spoof else [], "estimate": est},
                    "check_out": {"flags": []},
                    "record_flags": [],
                    "late_upload": late,
                }
                visits.append(
                    (
                        visit_id,
                        staff_id,
                        first_id[staff_id] + k,
                        stop,
                        f"v{visit_id}",
                        ts(received),
                        ts(None if device_end is None else received + timedelta(seconds=dwell)),
                        ts(device_start),
                        ts(device_end),
                        late,
                        verdict,
                        12.0,
                        0.9,
                        "[]",
                        json.dumps(flags),
                        None if device_end is None else dwell,
                    )
                )
                for phase, at in (("START", device_start), ("END", device_end)):
                    if at is None:
                        continue
                    fix_id += 1
                    fixes.append(
                        (
                            fix_id,
                            visit_id,
                            phase,
                            "DEVICE_GPS",
                            est[0],
                            est[1],
                            "WGS84",
                            15.0,
                            ts(at),
                            bool(rng.random() < 0.005),
                        )
                    )
                clock_s += dwell + float(rng.integers(300, 1200))
        if len(visits) > 100_000:
            flush()
    flush()
    return totals


def _sales(loader: Loader, retailers: int, rng: np.random.Generator) -> int:
    day = loader.day
    total = 0

    def rows() -> Iterator[tuple[Any, ...]]:
        nonlocal total
        for today in working_days():
            ordering = np.flatnonzero(rng.random(retailers) < 0.96) + 1
            volume = rng.integers(1, 12, ordering.size)
            stamp = day(today)
            for rid, cartons in zip(ordering.tolist(), volume.tolist(), strict=True):
                total += 1
                yield (total, rid, stamp, cartons, cartons * 25_000)

    loader.load(
        "sales_orders", ["id", "retailer_id", "order_date", "volume_cartons", "amount_fen"], rows()
    )
    return total


# -- timing -------------------------------------------------------------------------------


def _p(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]


def timed(action: Callable[[], object], repeats: int) -> tuple[float, float, object]:
    return timed_each([action] * repeats)


def timed_each(actions: list[Callable[[], object]]) -> tuple[float, float, object]:
    """Each action timed once (different departments: not one query's cache, repeated)."""
    samples, result = [], None
    for action in actions:
        started = time.perf_counter()
        result = action()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), _p(samples, 0.95), result


def _departments(session: Session) -> list[int]:
    """The departments that have account managers, in id order."""
    found = session.scalars(
        sa.text(
            "SELECT DISTINCT s.department_id FROM staff s "
            "JOIN account_managers a ON a.staff_id = s.id ORDER BY 1"
        )
    )
    return [int(d) for d in found]


def _admin(session: Session) -> Principal:
    return Principal(1, "A0001", "管理员", Role.ADMIN, 1)


def _reports(department_id: int) -> dict[str, Callable[[ReportService], object]]:
    year = working_days()
    first, last = year[0].replace(day=1), year[-1]
    half = first + (last - first) / 2
    month = ReportRequest(
        *MONTH, grain=rules.Grain.WEEK, by=GroupBy.MANAGER, department_id=department_id
    )
    company = ReportRequest(first, last, grain=rules.Grain.MONTH, by=GroupBy.DEPARTMENT)
    may = (date(2026, 5, 1), date(2026, 5, 31))
    return {
        "discipline dept-month": lambda s: s.discipline(month),
        "discipline company-year": lambda s: s.discipline(company),
        "routes dept-month": lambda s: s.routes(month),
        "routes company-year": lambda s: s.routes(company),
        "workload dept-month": lambda s: s.workload(month),
        "workload company-year": lambda s: s.workload(company),
        "effect dept-month": lambda s: s.effect(
            EffectRequest(*may, *MONTH, department_id=department_id)
        ),
        "effect company-year": lambda s: s.effect(
            EffectRequest(first, half, half + timedelta(days=1), last, resamples=200)
        ),
    }


def _loaded(engine: sa.Engine) -> int:
    """Account managers already in the database (a city loaded by an earlier ``--keep`` run)."""
    with engine.connect() as connection:
        return int(connection.scalar(sa.text("SELECT count(*) FROM account_managers")) or 0)


def run(
    url: str,
    scale: float,
    repeats: int,
    raw_repeats: int,
    *,
    reuse: bool,
    load_only: bool,
    refresh_first: bool = True,
    with_raw: bool = True,
) -> None:
    engine = create_engine_for(url)
    upgrade(engine)
    shape = Shape.at(scale)
    print(
        f"{engine.dialect.name}, scale {scale}: {shape}; load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} (2 cores shared)"
    )
    if reuse and _loaded(engine):
        if _loaded(engine) != shape.managers:
            raise SystemExit(f"the kept city has {_loaded(engine)} managers, not {shape.managers}")
        print("reusing the city loaded by an earlier --keep run")
    else:
        started = time.perf_counter()
        loader = Loader(engine)
        counts = build_city(loader, shape, np.random.default_rng(SEED))
        if loader.postgres:
            with engine.begin() as connection:
                connection.execute(sa.text("ANALYZE"))
        print(
            f"generated and loaded {loader.rows:,} rows in {time.perf_counter() - started:.1f} s: "
            + ", ".join(f"{k} {v:,}" for k, v in counts.items()),
            flush=True,
        )
    if load_only:
        engine.dispose()
        return
    make = session_factory(engine)
    if refresh_first:
        with make() as session:
            done = refresh(session, full=True, margin=LATE_UPLOAD_MARGIN)
            session.commit()
        print(
            f"full refresh: {done.days_written:,} manager-days (and their months, and the "
            f"retailer-month sales) in {done.seconds:.1f} s; load average "
            f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}",
            flush=True,
        )
    with make() as session:
        departments = _departments(session)
    reports = _reports(departments[0])
    print(
        f"{'report':28} {'aggregates p50/p95 ms':>24}   (after one untimed call of each; a "
        f"department-month {repeats} times in each of the {len(departments)} departments)"
    )
    answers: dict[str, object] = {}
    with make() as session:
        for name, call in reports.items():
            agg = ReportService(session, _admin(session))
            # a serving process's first report of a kind compiles its statements: not timed,
            # and its answer (the first department's) is the one the raw peer must equal
            answers[name] = call(agg)
            if "dept-month" in name:
                spread = [_reports(d)[name] for d in departments] * repeats
                a50, a95, _ = timed_each([lambda c=c, s=agg: c(s) for c in spread])
                n = len(spread)
            else:
                a50, a95, _ = timed(lambda c=call, s=agg: c(s), repeats)
                n = repeats
            print(f"{name:28} {a50:>11.0f} /{a95:>10.0f}   (n={n})", flush=True)
        session.rollback()
    # a day of check-ins before the next refresh: one manager-day per manager marked stale
    with make() as session:
        marked = working_days()[len(working_days()) // 2]
        ids = [int(i) for i in session.scalars(sa.text("SELECT staff_id FROM account_managers"))]
        ReportDayRepository(session).mark_stale([(m, marked) for m in ids])
        session.commit()
        for name in ("discipline dept-month", "discipline company-year"):
            agg = ReportService(session, _admin(session))
            a50, a95, _ = timed(lambda c=reports[name], s=agg: c(s), repeats)
            print(
                f"{name + ' +stale':28} {a50:>11.0f} /{a95:>10.0f}   ({len(ids)} manager-days "
                f"stale on {marked})",
                flush=True,
            )
        done = refresh(session, full=False, margin=LATE_UPLOAD_MARGIN)
        session.commit()
    print(
        f"incremental refresh: {done.marks} marks, {done.days_written} manager-days in "
        f"{done.seconds:.2f} s; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    if not with_raw:
        print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        engine.dispose()
        return
    # the peer: the same calls over the raw tables (department-months first: they are quick)
    print(f"{'report':28} {'raw tables p50/p95 ms':>24}  equal to the aggregates' answer")
    order = sorted(reports, key=lambda name: "company" in name)
    with make() as session:
        for name in order:
            raw = ReportService(session, _admin(session), raw=True)
            n = raw_repeats if "company" in name else max(raw_repeats, 3)
            r50, r95, answer = timed(lambda c=reports[name], s=raw: c(s), n)
            same = "yes" if answer == answers[name] else "NO"
            print(f"{name:28} {r50:>11.0f} /{r95:>10.0f}  {same}   (n={n})", flush=True)
        session.rollback()
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    engine.dispose()


@contextmanager
def _database(url: str | None, *, keep: bool) -> Iterator[str]:
    if keep:
        if not url:
            raise SystemExit("--keep needs --database-url (a database or SQLite file of your own)")
        yield url
        return
    if url and url.startswith("postgresql"):
        with throwaway_schema(url) as scoped:
            yield scoped
        return
    with tempfile.TemporaryDirectory() as tmp:
        yield sqlite_url(Path(tmp))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0: the issue's city-year")
    parser.add_argument("--database-url", help="postgresql://… (default: a temporary SQLite)")
    parser.add_argument("--repeats", type=int, default=5, help="runs per aggregate report")
    parser.add_argument("--raw-repeats", type=int, default=2, help="runs per raw company-year")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="load into --database-url itself (a database or sqlite:///FILE of your own) and "
        "leave the city there, instead of a throw-away schema or file",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="with --keep: skip generating a city already loaded"
    )
    parser.add_argument("--load-only", action="store_true", help="generate and load, then stop")
    parser.add_argument(
        "--no-refresh",
        action="store_true",
        help="with --reuse: time the aggregates an earlier run built (no full refresh)",
    )
    parser.add_argument("--no-raw", action="store_true", help="skip the raw-table peer")
    args = parser.parse_args()
    if args.reuse and not args.keep:
        parser.error("--reuse needs --keep")
    if args.no_refresh and not args.reuse:
        parser.error("--no-refresh needs --reuse")
    with _database(args.database_url, keep=args.keep) as url:
        run(
            url,
            args.scale,
            args.repeats,
            args.raw_repeats,
            reuse=args.reuse,
            load_only=args.load_only,
            refresh_first=not args.no_refresh,
            with_raw=not args.no_raw,
        )


if __name__ == "__main__":
    main()
