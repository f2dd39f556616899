"""Benchmark: the reports over the demo city's history, beside naive peers.

Run: ``.venv/bin/python contrib/bench/bench_reports.py [--database-url URL] [--existing URL]
[--repeats 5]`` (default: a throw-away SQLite demo city with 8 weeks of history, as
``visitgis demo seed --today 2026-12-04`` builds it; a ``postgresql://`` URL seeds a throw-away
schema; ``--existing`` reads an already seeded history database and writes nothing).

Measured: ``ReportService.discipline`` / ``routes`` as marketing, for one department-month and
for the company over the whole history (weekly rows per manager). Peer, same run, same numbers:
the straightforward way with the existing repositories, one ``PlanRepository.current_for`` and
one ``VisitRepository.page`` per manager-day, then coverage, the verdict mix and the dwell median
in plain Python. The peer's figures are checked equal to the report's before timing.

Also measured: the audit report over the whole history beside its peer (``AuditService.
cross_check`` plan by plan, the way the audit screens read it, its verdicts and discrepancies
checked equal to the report's), the workload report (department-month and company), and the
effect report (a department's last four weeks against the four before, 1000 resamples, with and
without a comparison department).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from collections import Counter
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from contrib.bench._common import throwaway_schema, timings_ms
from gql.domain import Role
from gql.services import demo_city
from gql.services.access import Principal
from gql.services.audits.service import AuditService
from gql.services.calendar import day_bounds
from gql.services.demo.history import seed_history
from gql.services.paging import PageRequest
from gql.services.reports import rules
from gql.services.reports.effect_report import EffectRequest
from gql.services.reports.service import GroupBy, ReportRequest, ReportService
from gql.store.db import create_engine_for, session_factory, sqlite_url
from gql.store.migrate import upgrade
from gql.store.repositories import ManagerRepository, StaffRepository
from gql.store.repositories.plans import PlanRepository
from gql.store.repositories.visits import VisitFilter, VisitRepository

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sqlalchemy.orm import Session

    from gql.domain import AccountManager

TODAY = date(2026, 12, 4)
HISTORY_FIRST = date(2026, 10, 1)


def _seed(url: str) -> None:
    engine = create_engine_for(url)
    upgrade(engine)
    with session_factory(engine)() as session:
        demo_city.seed(session, seed=7, today=TODAY)
        seed_history(session, today=TODAY, seed=7)
        session.commit()
    engine.dispose()


@contextmanager
def _database(url: str | None, existing: str | None) -> Iterator[str]:
    if existing:
        yield existing
        return
    if not url:
        with tempfile.TemporaryDirectory() as tmp:
            target = sqlite_url(Path(tmp))
            _seed(target)
            yield target
        return
    with throwaway_schema(url) as scoped:
        _seed(scoped)
        yield scoped


def naive(session: Session, manager_ids: list[int], first: date, last: date) -> dict[str, object]:
    """The peer: per manager-day reads through the existing repositories, then plain Python."""
    plans, visits = PlanRepository(session), VisitRepository(session)
    planned = visited = 0
    verdicts: Counter[str] = Counter()
    dwells: list[int] = []
    day = first
    while day <= last:
        since, until = day_bounds(day, day)
        for manager_id in manager_ids:
            plan = plans.current_for(manager_id, day)
            page = visits.page(
                VisitFilter(manager_ids=[manager_id], started_from=since, started_before=until),
                first=500,
            )
            day_visits = [v for _, v in page.items]
            named = {v.plan_stop_id for v in day_visits}
            if plan is not None:
                planned += len(plan.stops)
                visited += sum(1 for s in plan.stops if s.id in named)
            verdicts.update(v.verdict.value for v in day_visits)
            dwells.extend(v.dwell_s for v in day_visits if v.dwell_s is not None)
        day += timedelta(days=1)
    return {
        "planned": planned,
        "visited": visited,
        "verdicts": dict(verdicts),
        "dwell_median_s": statistics.median(dwells) if dwells else None,
    }


def _summary(report_total: rules.DisciplineMeasures) -> dict[str, object]:
    return {
        "planned": report_total.planned_stops,
        "visited": report_total.visited_stops,
        "verdicts": {k: n for k, n in report_total.verdict_counts.items() if n},
        "dwell_median_s": report_total.dwell_median_s,
    }


def naive_audits(session: Session, principal: Principal) -> dict[str, Counter[str]]:
    """The audit peer: every plan's cross-check through the audit service, then counted."""
    audits = AuditService(session, principal)
    verdicts: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    for _, plan in audits.plans(PageRequest(first=500)).items:
        result = audits.cross_check(plan.id)
        verdicts.update(c.verdict.value.upper() for c in result.checks)
        kinds.update(d.kind.value.upper() for d in result.discrepancies)
    return {"verdicts": verdicts, "discrepancies": kinds}


def _line(name: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"  {name:<44} p50 {statistics.median(samples):8.1f} ms   p95 {p95:8.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="postgresql:// URL (throw-away schema)")
    parser.add_argument("--existing", help="an already seeded history database (read only)")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with _database(args.database_url, args.existing) as url:
        engine = create_engine_for(url)
        with session_factory(engine)() as session:
            staff = [s for _, s in StaffRepository(session).page(first=500).items]
            marketing = next(s for s in staff if s.role is Role.MARKETING)
            service = ReportService(session, Principal.from_staff(marketing))
            managers = ManagerRepository(session).all()
            department = managers[0].department_id
            in_department = [m.staff_id for m in managers if m.department_id == department]
            everyone = [m.staff_id for m in managers]
            cases = [
                (
                    "department-month (Nov 2026)",
                    ReportRequest(date(2026, 11, 1), date(2026, 11, 30), department_id=department),
                    in_department,
                ),
                (
                    f"company {HISTORY_FIRST}..{TODAY}, weekly per manager",
                    ReportRequest(HISTORY_FIRST, TODAY, rules.Grain.WEEK, GroupBy.MANAGER),
                    everyone,
                ),
            ]
            print(f"{engine.dialect.name}: {len(everyone)} managers")
            for name, request, ids in cases:
                company = ReportRequest(
                    request.first,
                    request.last,
                    request.grain,
                    GroupBy.COMPANY,
                    department_id=request.department_id,
                )
                total = service.discipline(company).totals[0].measures
                service.routes(request)  # warm: the cost-matrix kernel compiles on first use
                peer = naive(session, ids, request.first, request.last)
                assert _summary(total) == peer, (_summary(total), peer)
                print(f"{name}: {total.visits} visits, {total.planned_stops} planned stops")
                print(
                    _line(
                        "discipline report",
                        timings_ms(lambda _i, r=request: service.discipline(r), args.repeats),
                    )
                )
                print(
                    _line(
                        "route report",
                        timings_ms(lambda _i, r=request: service.routes(r), args.repeats),
                    )
                )
                print(
                    _line(
                        "peer: per manager-day repository reads",
                        timings_ms(
                            lambda _i, i=ids, r=request: naive(session, i, r.first, r.last),
                            args.repeats,
                        ),
                    )
                )
            principal = Principal.from_staff(marketing)
            _analysis(service, session, principal, department, managers, args.repeats)
        engine.dispose()
    return 0


def _analysis(
    service: ReportService,
    session: Session,
    principal: Principal,
    department: int,
    managers: list[AccountManager],
    repeats: int,
) -> None:
    """Audits beside their peer; workload and effect on their own."""
    history = ReportRequest(HISTORY_FIRST, TODAY, by=GroupBy.COMPANY)
    total = service.audits(history).totals[0].measures
    peer = naive_audits(session, principal)
    mine = {
        "verdicts": Counter({k: n for k, n in total.verdict_counts.items() if n}),
        "discrepancies": Counter({k: n for k, n in total.discrepancy_counts.items() if n}),
    }
    assert mine == peer, (mine, peer)
    print(f"audits {HISTORY_FIRST}..{TODAY}: {total.audits} records, kappa {total.agreement}")
    print(_line("audit report", timings_ms(lambda _i: service.audits(history), repeats)))
    print(
        _line(
            "peer: AuditService.cross_check per plan",
            timings_ms(lambda _i: naive_audits(session, principal), repeats),
        )
    )
    month = ReportRequest(date(2026, 11, 1), date(2026, 11, 30), department_id=department)
    print(
        _line(
            "workload report, department-month",
            timings_ms(lambda _i: service.workload(month), repeats),
        )
    )
    print(
        _line(
            "workload report, company history",
            timings_ms(lambda _i: service.workload(history), repeats),
        )
    )
    others = sorted({m.department_id for m in managers} - {department})
    four = timedelta(days=27)
    after_last = TODAY - timedelta(days=1)
    effect = EffectRequest(
        after_last - four - timedelta(days=28),
        after_last - timedelta(days=28),
        after_last - four,
        after_last,
        department_id=department,
    )
    with_comparison = EffectRequest(
        effect.before_first,
        effect.before_last,
        effect.after_first,
        effect.after_last,
        department_id=department,
        compare_department_id=others[0],
    )
    print(
        _line(
            "effect report, department, 4 weeks vs 4",
            timings_ms(lambda _i: service.effect(effect), repeats),
        )
    )
    print(
        _line(
            "effect report, with a comparison department",
            timings_ms(lambda _i: service.effect(with_comparison), repeats),
        )
    )


if __name__ == "__main__":
    sys.exit(main())
