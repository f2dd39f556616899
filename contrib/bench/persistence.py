"""Benchmark: the persistence layer on SQLite and (if configured) PostgreSQL.

Run: ``.venv/bin/python contrib/bench/persistence.py``
(set ``VISITGIS_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test`` to add PostgreSQL;
it runs in a throw-away schema that is dropped afterwards).

1. Demo city seed (3,000 retailers, ~5,000 windows, ~20,700 orders) — target ≤ 10 s.
2. Loading 200 retailers with their opening windows: ``RetailerRepository.get_many``
   (one statement, what a DataLoader batch does) vs. the peer, the N+1 pattern a resolver
   without a DataLoader produces (``session.get`` per retailer + a windows query each).
3. A filtered keyset page (grade 10..20, two types, a bounding box, first=100) with total.
4. CSV import of the 3,000 seeded retailers into an empty database, then the idempotent
   re-import of the same file (every row unchanged).
"""

from __future__ import annotations

import csv
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import sqlalchemy as sa

from contrib.bench._common import throwaway_schema, timings_ms
from gql.domain import BusinessType, OpeningWindow, format_opening_hours
from gql.services import demo_city
from gql.services.directory import importing
from gql.store.db import create_engine_for, session_factory, sqlite_url
from gql.store.migrate import upgrade
from gql.store.models import OpeningWindowRow, RetailerRow, StaffRow
from gql.store.repositories import RetailerFilter, RetailerRepository

if TYPE_CHECKING:
    from collections.abc import Callable

REPEATS = 5


def timed(action: Callable[[], object], repeats: int = REPEATS) -> tuple[float, float]:
    """Median and best wall time in ms."""
    samples = timings_ms(lambda _: action(), repeats)
    return statistics.median(samples), min(samples)


def export_csv(session: sa.orm.Session, path: Path) -> int:
    managers = {sid: no for sid, no in session.execute(sa.select(StaffRow.id, StaffRow.staff_no))}
    windows: dict[int, list[OpeningWindow]] = {}
    for w in session.scalars(sa.select(OpeningWindowRow).order_by(OpeningWindowRow.id)):
        windows.setdefault(w.retailer_id, []).append(OpeningWindow(w.open_s, w.close_s, w.weekday))
    rows = list(session.scalars(sa.select(RetailerRow).order_by(RetailerRow.id)))
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(importing.RETAILER_COLUMNS)
        for r in rows:
            out.writerow([
                r.licence_no, r.name, r.address, repr(r.lat), repr(r.lon), r.business_type.value,
                r.grade, format_opening_hours(windows[r.id]), r.order_weekday, "WGS84",
                "true" if r.key_customer else "false", r.service_time_s, r.status.value,
                managers.get(r.manager_id or -1, ""), r.area_code,
            ])  # fmt: skip
    return len(rows)


def bench(label: str, url: str) -> None:
    print(f"\n== {label}")
    engine = create_engine_for(url)
    upgrade(engine)
    factory = session_factory(engine)
    with factory() as session:
        start = time.perf_counter()
        summary = demo_city.seed(session, seed=7)
        session.commit()
        print(f"seed --seed 7: {time.perf_counter() - start:7.2f} s  ({summary})")

    with factory() as session:
        repo = RetailerRepository(session)
        ids = [rid for rid in range(1, 3001, 15)][:200]

        def batched() -> None:
            session.expunge_all()
            repo.get_many(ids)

        def n_plus_one() -> None:
            session.expunge_all()
            for rid in ids:
                row = session.get(RetailerRow, rid)
                assert row is not None
                list(
                    session.scalars(
                        sa.select(OpeningWindowRow).where(OpeningWindowRow.retailer_id == rid)
                    )
                )

        med, best = timed(batched)
        print(f"200 retailers, get_many (1 statement): median {med:7.1f} ms  best {best:7.1f} ms")
        med, best = timed(n_plus_one)
        print(f"200 retailers, peer N+1 (400 stmts):   median {med:7.1f} ms  best {best:7.1f} ms")
        where = RetailerFilter(
            business_types=[BusinessType.ORDINARY, BusinessType.CONVENIENCE],
            grade_min=10, grade_max=20, bbox=(27.9, 120.6, 28.1, 120.8),
        )  # fmt: skip
        med, best = timed(lambda: repo.page(where, first=100))
        total = repo.page(where, first=100).total_count
        print(f"filtered page first=100 (total {total}): median {med:7.1f} ms  best {best:7.1f} ms")
        csv_path = Path(tempfile.mkdtemp()) / "retailers.csv"
        exported = export_csv(session, csv_path)

    with engine.begin() as connection:  # keep the organisation, drop the retailers
        for table in ("sales_orders", "opening_windows", "retailers"):
            connection.execute(sa.text(f"DELETE FROM {table}"))
    with factory() as session:
        start = time.perf_counter()
        report = importing.import_retailers(session, csv_path)
        session.commit()
        print(f"import {exported} retailers: {time.perf_counter() - start:7.2f} s  ({report})")
        start = time.perf_counter()
        report = importing.import_retailers(session, csv_path)
        session.commit()
        print(f"re-import same file:    {time.perf_counter() - start:7.2f} s  ({report})")
    engine.dispose()


def main() -> None:
    print(f"python {sys.version.split()[0]}, sqlalchemy {sa.__version__}, cpus {os.cpu_count()}")
    bench("sqlite", sqlite_url(Path(tempfile.mkdtemp())))
    pg = os.environ.get("VISITGIS_DATABASE_URL")
    if not pg:
        print("\n(PostgreSQL skipped: VISITGIS_DATABASE_URL is not set)")
        return
    with throwaway_schema(pg) as url:
        bench("postgresql", url)


if __name__ == "__main__":
    main()
