"""The ``visitgis`` command: serve, migrate, seed, import, export the schema, mint tokens.

Each subcommand opens what it needs, does one thing, commits once and exits non-zero with one
clear line per problem when it cannot.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from gql.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

__all__ = ["main"]


def _err(message: str) -> None:
    print(f"visitgis: {message}", file=sys.stderr)


def _progress_printer(stream: TextIO) -> Callable[[str, int, int], None]:
    """A one-line progress display for long steps (seeding, imports, planning)."""
    last: dict[str, int] = {}

    def show(stage: str, done: int, total: int) -> None:
        percent = 100 * done // total if total else 100
        if last.get(stage) == percent:
            return
        last[stage] = percent
        end = "\n" if done >= total else "\r"
        print(f"  {stage}: {done}/{total} ({percent}%)", end=end, file=stream, flush=True)

    return show


def _engine(settings: Settings):  # type: ignore[no-untyped-def]  # Engine import is lazy
    from gql.store.db import create_engine_for

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return create_engine_for(settings.effective_database_url, settings.engine_options)


def _cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from gql.app import create_app
    from gql.logs import configure_logging

    configure_logging(settings.log_level, settings.log_format)
    from gql.settings import bind_problem

    host = args.host or settings.host
    port = args.port or settings.port
    problem = bind_problem(host, settings.jwt_secret, settings.mode)
    if problem:
        _err(problem)
        return 1
    workers = args.workers
    if not 1 <= workers <= 64:
        _err(f"--workers must be 1..64, got {workers}")
        return 2
    if workers > 1 and not settings.effective_database_url.startswith("postgres"):
        _err(
            "--workers needs PostgreSQL: SQLite serves one process (its live events and write "
            "turns stay inside it); set VISITGIS_DATABASE_URL=postgresql://…"
        )
        return 2
    if not settings.is_production:
        print(f"GraphiQL: http://{host}:{port}/graphql", flush=True)
    if workers == 1:
        uvicorn.run(create_app(settings), host=host, port=port, log_config=None, access_log=False)
        return 0
    # each worker process builds its app from the same environment (settings file included);
    # their counters and histograms meet in one folder, so /metrics sums every worker's
    import os
    import shutil
    import tempfile

    if settings.api_processes == 1:  # each worker holds its share of the carriers' limits
        os.environ["VISITGIS_API_PROCESSES"] = str(workers)
    made = None
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        made = tempfile.mkdtemp(prefix="visitgis-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = made
    from gql.supervisor import PortUnavailable, serve_workers

    config = uvicorn.Config(
        "gql.app:create_app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        access_log=False,
    )
    try:
        serve_workers(config, balance=settings.balance_connections, pin=settings.pin_workers)
    except PortUnavailable as exc:
        _err(str(exc))
        return 1
    finally:
        if made is not None:
            shutil.rmtree(made, ignore_errors=True)
    return 0


def _cmd_worker(settings: Settings, args: argparse.Namespace) -> int:
    """Claim and run planning jobs; SIGTERM lets the running job finish, then exits."""
    import os
    import signal
    import socket
    import threading

    from gql.context import routing_of
    from gql.logs import configure_logging
    from gql.services.jobs.runner import RunnerSettings, run_one

    configure_logging(settings.log_level, settings.log_format)
    engine = _engine(settings)
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    runner = RunnerSettings(
        worker=f"{socket.gethostname()}:{os.getpid()}",
        lease_s=settings.job_lease_s,
        announce=_job_announcer(engine),
        routing=routing_of(settings),
    )
    print(f"worker {runner.worker} taking jobs", flush=True)
    try:
        while not stopping.is_set():
            ran = run_one(engine, runner)
            if args.once:
                break
            if ran is None:
                stopping.wait(args.poll_s)
    finally:
        engine.dispose()
    return 0


def _job_announcer(engine: Engine) -> Callable[[Session, int], None]:
    """How the worker tells followers of a job's changes.

    On PostgreSQL the changes reach the followers on every API process; a SQLite worker's are
    seen by polling (SQLite serves one process, docs/deployment.md).
    """
    from gql.services.jobs.watch import announce_on_channel
    from gql.store.event_channel import PostgresChannel

    if engine.dialect.name != "postgresql":
        return lambda _session, _job_id: None
    return announce_on_channel(PostgresChannel(engine))


def _cmd_db(settings: Settings, args: argparse.Namespace) -> int:
    from gql.store import migrate

    engine = _engine(settings)
    try:
        if args.db_command == "upgrade":
            migrate.upgrade(engine)
            print(f"database at revision {migrate.current_revision(engine)}")
        else:
            current = migrate.current_revision(engine)
            state = "current" if migrate.is_current(engine) else "behind"
            print(f"revision {current} (head {migrate.head_revision()}): {state}")
    finally:
        engine.dispose()
    return 0


def _timed_progress(stream: TextIO) -> Callable[[str, int, int], None]:
    """One line per finished seeding stage: its count and the seconds since the last one."""
    import time

    last = [time.perf_counter()]

    def show(stage: str, done: int, total: int) -> None:
        if done < total:
            return
        now = time.perf_counter()
        unit = " weeks" if stage == "orders" else ""
        print(f"  {stage}: {total}{unit} ({now - last[0]:.1f} s)", file=stream, flush=True)
        last[0] = now

    return show


def _seed_demo(session, args: argparse.Namespace) -> int:  # type: ignore[no-untyped-def]
    import time

    from gql.services import demo_city
    from gql.services.demo.history import EARLIEST_TODAY, default_today, seed_history

    today = args.today or default_today()
    if not args.no_history and today < EARLIEST_TODAY:
        _err(f"--today must be {EARLIEST_TODAY} or later (the demo city's first months)")
        return 2
    started = time.perf_counter()
    try:
        summary = demo_city.seed(
            session,
            seed=args.seed,
            progress=_timed_progress(sys.stderr),
            retailers=args.retailers,
            today=None if args.no_history else today,
            managers_per_department=args.managers_per_department,
        )
    except demo_city.ManagerCountOutOfRange as exc:
        _err(f"--managers-per-department: {exc}")
        return 2
    except demo_city.DatabaseNotEmpty as exc:
        _err(f"{exc} (use --if-empty to skip seeding when data exists)")
        return 1
    print(f"demo city seeded: {summary}")
    if not args.no_history:
        history = seed_history(
            session,
            today=today,
            seed=args.seed,
            weeks=args.weeks,
            stage=lambda line: print(f"  {line}", file=sys.stderr, flush=True),
        )
        print(f"demo {history}")
    session.commit()
    print(f"seeded in {time.perf_counter() - started:.1f} s")
    return 0


def _cmd_demo(settings: Settings, args: argparse.Namespace) -> int:
    from gql.services import demo_city
    from gql.store.db import session_factory

    if args.demo_command == "tokens" and settings.is_production:
        _err("refusing to mint demo tokens in production mode (use your identity provider)")
        return 1
    engine = _engine(settings)
    try:
        with session_factory(engine)() as session:
            if args.demo_command == "seed":
                if args.if_empty and demo_city.has_data(session):
                    print("demo city: database already has retailers; not seeding")
                    return 0
                return _seed_demo(session, args)
            from gql.auth import mint_token
            from gql.store.repositories import ManagerRepository

            for user in demo_city.demo_users(session):
                token = mint_token(
                    secret=settings.jwt_secret,
                    issuer=settings.jwt_issuer,
                    staff_no=user.staff_no,
                    ttl_s=settings.token_ttl_s,
                )
                print(f"{user.role:<16} {user.staff_no:<8} {user.name}\n  Bearer {token}")
                manager = ManagerRepository(session).get_by_staff_no(user.staff_no)
                if manager is not None:  # the demo phone, for the mock carriers' control API
                    print(f"  phone {manager.msisdn} ({manager.carrier.value})")
    finally:
        engine.dispose()
    return 0


def _cmd_import(settings: Settings, args: argparse.Namespace) -> int:
    from gql.services.directory import importing
    from gql.services.organisation import importing as people
    from gql.store.db import session_factory

    run = {
        "retailers": importing.import_retailers,
        "sales": importing.import_sales,
        "targets": importing.import_targets,
        "departments": people.import_departments,
        "staff": people.import_staff,
        "managers": people.import_managers,
    }[args.kind]
    engine = _engine(settings)
    try:
        with session_factory(engine)() as session:
            try:
                report = run(session, Path(args.file))
            except importing.ImportRejected as exc:
                session.rollback()
                for row in exc.errors:
                    _err(f"{args.file}:{row.line}: {row.field}: {row.reason}")
                _err(
                    f"{exc.bad_lines} bad row(s), {len(exc.errors)} problem(s); "
                    "nothing was imported"
                )
                return 1
            session.commit()
            print(f"imported {args.kind}: {report}")
    finally:
        engine.dispose()
    return 0


def _cmd_plan_day(settings: Settings, args: argparse.Namespace) -> int:
    from gql.services.day_plans.command import DayCommand, DayCommandError, day_lines, run_day
    from gql.store.db import session_factory

    command = DayCommand(
        department_code=args.department,
        plan_date=args.date,
        reason=args.reason,
        staff_no=args.as_staff,
    )
    engine = _engine(settings)
    try:
        with session_factory(engine)() as session:
            try:
                day = run_day(session, command)
            except DayCommandError as exc:
                session.rollback()
                _err(f"{exc}; nothing was written")
                return 1
            lines = day_lines(session, day)
            session.commit()
            print("\n".join(lines))
    finally:
        engine.dispose()
    return 0


def _cmd_plan_files(settings: Settings, args: argparse.Namespace) -> int:
    """``plan export`` and ``plan compare``: read-only, as a marketing staff member."""
    import json

    from gql.services.acting import acting_principal
    from gql.services.errors import ServiceError
    from gql.services.territories.export import assignments_csv, territories_geojson
    from gql.services.territories.service import TerritoryService
    from gql.store.db import session_factory

    engine = _engine(settings)
    try:
        with session_factory(engine)() as session:
            try:
                principal = acting_principal(session, args.as_staff, ServiceError)
                service = TerritoryService(session, principal)
                if args.plan_command == "compare":
                    a, b, found = service.compare(args.a, args.b)
                    print(f"proposals {a.id} and {b.id}: {found.compared_retailers} retailers, "
                          f"{len(found.disagreements)} placed differently")  # fmt: skip
                    for m in found.measures:
                        print(f"  {m.name:<24} {m.a!s:>12} {m.b!s:>12}")
                    return 0
                proposal, rows = service.export_rows(args.proposal)
            except ServiceError as exc:
                _err(str(exc))
                return 1
        if args.format == "csv":
            args.output.write_text(assignments_csv(rows), encoding="utf-8-sig")
        else:
            names = {r.manager_staff_no: r.manager for r in rows}
            text = json.dumps(territories_geojson(rows, names), ensure_ascii=False)
            args.output.write_text(text, encoding="utf-8")
        print(f"proposal {proposal.id}: {len(rows)} retailers written to {args.output}")
    finally:
        engine.dispose()
    return 0


def _cmd_plan_barriers(settings: Settings, args: argparse.Namespace) -> int:
    """``plan barriers``: store (or ``--clear``) a district's barriers from a GeoJSON file."""
    import json

    from gql.services.territories import batch as territory_batch
    from gql.store.db import session_factory

    document = None
    if not args.clear:
        if args.file is None:
            _err("give a GeoJSON file, or --clear")
            return 2
        try:
            document = json.loads(args.file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            _err(f"{args.file}: not a readable JSON file ({exc}); nothing was written")
            return 1
    engine = _engine(settings)
    try:
        with session_factory(engine)() as session:
            try:
                said = territory_batch.set_barriers(
                    session, args.department, args.as_staff, document
                )
            except territory_batch.BatchError as exc:
                session.rollback()
                _err(f"{exc}; nothing was written")
                return 1
            session.commit()
            print(said)
    finally:
        engine.dispose()
    return 0


def _cmd_plan(settings: Settings, args: argparse.Namespace) -> int:
    if args.plan_command == "day":
        return _cmd_plan_day(settings, args)
    if args.plan_command in ("export", "compare"):
        return _cmd_plan_files(settings, args)
    from gql.context import routing_of
    from gql.services.territories import batch as territory_batch
    from gql.store.db import session_factory

    if args.plan_command == "barriers":
        return _cmd_plan_barriers(settings, args)
    if args.plan_command == "apply":
        engine = _engine(settings)
        try:
            with session_factory(engine)() as session:
                try:
                    outcome = territory_batch.apply_proposal(
                        session, args.proposal, args.as_staff, tuple(args.manager or ())
                    )
                except territory_batch.BatchError as exc:
                    session.rollback()
                    _err(f"{exc}; nothing was written")
                    return 1
                session.commit()
                print("\n".join(outcome.lines))
        finally:
            engine.dispose()
        return 0

    request = territory_batch.BatchRequest(
        kind=args.plan_command,
        department_code=args.department,
        managers=getattr(args, "managers", None),
        locked_retailer_ids=tuple(getattr(args, "lock", None) or ()),
        max_moves=getattr(args, "max_moves", None),
        warm_start=not getattr(args, "cold", False),
        locked_licence_nos=tuple(getattr(args, "lock_licence", None) or ()),
        locked_manager_staff_nos=tuple(getattr(args, "lock_manager", None) or ()),
        territory_proposal_id=getattr(args, "proposal", None),
        cap_hours=getattr(args, "cap_hours", 8.0),
        max_order_day_change_share=(
            None
            if getattr(args, "allow_order_day_changes", False)
            else getattr(args, "max_order_day_changes", 0.1)
        ),
        apply=args.apply,
        staff_no=args.as_staff,
    )
    engine = _engine(settings)
    try:
        with session_factory(engine)() as session:
            try:
                outcome = territory_batch.run_batch(
                    session,
                    request,
                    progress=_progress_printer(sys.stderr),
                    routing=routing_of(settings),
                )
            except territory_batch.BatchError as exc:
                session.rollback()
                _err(f"{exc}; nothing was written")
                return 1
            session.commit()
            print("\n".join(outcome.lines))
    finally:
        engine.dispose()
    return 0


def _clock_window(text: str) -> tuple[int, int]:
    """``HH:MM-HH:MM`` as minutes after midnight."""
    try:
        start, end = (
            int(h) * 60 + int(m) for h, m in (part.strip().split(":") for part in text.split("-"))
        )
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected HH:MM-HH:MM, e.g. 09:00-12:00: {text!r}"
        ) from None
    return start, end


def _period_arg(text: str) -> tuple[date, date]:
    """``YYYY-MM-DD..YYYY-MM-DD`` (both days included)."""
    first, sep, last = text.partition("..")
    if not sep:
        raise argparse.ArgumentTypeError(
            f"expected FIRST..LAST, e.g. 2026-11-01..2026-11-30: {text!r}"
        )
    try:
        return date.fromisoformat(first), date.fromisoformat(last)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r}: {exc}") from None


def _cmd_report_refresh(settings: Settings, args: argparse.Namespace) -> int:
    from gql.services.reports.aggregates import refresh
    from gql.services.reports.service import LATE_UPLOAD_MARGIN
    from gql.store.db import session_factory

    engine = _engine(settings)
    try:
        with session_factory(engine)() as session:
            done = refresh(session, full=args.full, margin=LATE_UPLOAD_MARGIN)
            session.commit()
    finally:
        engine.dispose()
    what = "rebuilt" if done.full else "refreshed"
    print(
        f"report aggregates {what}: {done.days_written} manager-days written, "
        f"{done.marks} stale marks folded in, {done.seconds:.1f} s"
    )
    return 0


def _cmd_report(settings: Settings, args: argparse.Namespace) -> int:
    if args.report_command == "refresh":
        return _cmd_report_refresh(settings, args)
    from gql.services.reports.command import (
        AreasCommand,
        DeliveryCommand,
        EffectCommand,
        ReportCommand,
        ReportCommandError,
        run_report,
        write_report,
    )
    from gql.store.db import session_factory

    command: ReportCommand | EffectCommand | DeliveryCommand | AreasCommand
    if args.report_command == "delivery":
        command = DeliveryCommand(
            window_min=args.window,
            min_overlap_min=args.min_overlap,
            department_code=args.department,
            manager_staff_no=args.manager,
            staff_no=args.as_staff,
        )
    elif args.report_command == "areas":
        command = AreasCommand(
            first=args.first,
            last=args.last,
            area_kind=args.area_kind,
            cell_m=args.cell_size_m,
            alpha=args.alpha,
            department_code=args.department,
            manager_staff_no=args.manager,
            staff_no=args.as_staff,
        )
    elif args.report_command == "effect":
        command = EffectCommand(
            before=args.before,
            after=args.after,
            department_code=args.department,
            manager_staff_no=args.manager,
            compare_department_code=args.compare_department,
            compare_manager_staff_no=args.compare_manager,
            resamples=args.resamples,
            seed=args.seed,
            staff_no=args.as_staff,
            summary=args.summary,
        )
    else:
        command = ReportCommand(
            kind=args.report_command,
            first=args.first,
            last=args.last,
            grain=args.grain,
            by=args.by,
            department_code=args.department,
            manager_staff_no=args.manager,
            staff_no=args.as_staff,
        )
    engine = _engine(settings)
    try:
        with session_factory(engine)() as session:
            try:
                if args.output is None:
                    run_report(session, command, sys.stdout)
                else:
                    rows = write_report(session, command, Path(args.output))
                    print(f"wrote {rows} rows to {args.output}")
            except ReportCommandError as exc:
                _err(str(exc))
                return 1
            finally:
                session.rollback()
    finally:
        engine.dispose()
    return 0


def _aware(text: str) -> datetime:
    """An ISO instant with its UTC offset (``--now``): a naive one would be a guess."""
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} needs a UTC offset, e.g. {text}+00:00")
    return value


def _cmd_privacy(settings: Settings, args: argparse.Namespace) -> int:
    if args.privacy_command == "export":
        return _cmd_privacy_export(settings, args)
    from gql.services.errors import InvalidInput
    from gql.services.privacy.retention import reduce_evidence
    from gql.store.db import session_factory

    now = args.now or datetime.now(UTC)
    days = settings.evidence_retention_days if args.days is None else args.days
    engine = _engine(settings)
    try:
        with session_factory(engine)() as session:
            try:
                report = reduce_evidence(session, now=now, retention_days=days)
            except InvalidInput as exc:
                session.rollback()
                _err(f"{exc}; nothing was written")
                return 1
            session.commit()
            print(report)
    finally:
        engine.dispose()
    return 0


def _cmd_privacy_export(settings: Settings, args: argparse.Namespace) -> int:
    import json

    from gql.services.calendar import local_day
    from gql.services.errors import ServiceError
    from gql.services.privacy.export import MAX_EXPORT_DAYS, export_personal_data
    from gql.store.db import session_factory

    last = args.last or local_day(datetime.now(UTC))
    first = args.first or last - timedelta(days=MAX_EXPORT_DAYS - 1)
    engine = _engine(settings)
    try:
        with session_factory(engine)() as session:
            try:
                data = export_personal_data(session, args.staff_no, first, last)
            except ServiceError as exc:
                _err(str(exc))
                return 1
            finally:
                session.rollback()
        Path(args.output).write_text(
            json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        print(f"wrote {args.staff_no}'s file ({len(data['visits'])} visits) to {args.output}")
    finally:
        engine.dispose()
    return 0


def _cmd_export_schema(settings: Settings, args: argparse.Namespace) -> int:
    from gql.schema import build_schema, schema_drift

    sdl = build_schema(settings).as_str() + "\n"
    if args.diff:
        previous = Path(args.diff).read_text(encoding="utf-8")
        for line in schema_drift(previous, sdl):
            print(line)
        return 0
    if args.check:
        path = Path(args.check)
        previous = path.read_text(encoding="utf-8") if path.exists() else ""
        if previous == sdl:
            print(f"{path}: up to date")
            return 0
        _err(f"{path} differs from the code; run `make schema` and commit it")
        for line in schema_drift(previous, sdl):
            _err(line)
        return 1
    if args.output:
        Path(args.output).write_text(sdl, encoding="utf-8")
        print(f"wrote {args.output}")
    else:
        sys.stdout.write(sdl)
    return 0


def _cmd_token(settings: Settings, args: argparse.Namespace) -> int:
    from gql.auth import mint_token
    from gql.store.db import session_factory
    from gql.store.repositories import StaffRepository

    if settings.is_production:
        _err("refusing to mint tokens in production mode (use your identity provider)")
        return 1
    engine = _engine(settings)
    try:
        with session_factory(engine)() as session:
            staff = StaffRepository(session).get_by_staff_no(args.staff_no)
    finally:
        engine.dispose()
    if staff is None:
        _err(f"no staff member with staff number {args.staff_no!r}")
        return 1
    ttl_s = args.ttl or settings.token_ttl_s
    print(
        mint_token(
            secret=settings.jwt_secret,
            issuer=settings.jwt_issuer,
            staff_no=args.staff_no,
            ttl_s=ttl_s,
        )
    )
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="visitgis", description="Marketing GIS for account managers' retailer visits."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve GraphQL (GraphiQL in development mode)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="API processes on the one port (PostgreSQL only; each reads the settings itself)",
    )

    worker = sub.add_parser("worker", help="run planning jobs until SIGTERM (docs/deployment.md)")
    worker.add_argument("--poll-s", type=float, default=1.0, help="wait between empty polls")
    worker.add_argument("--once", action="store_true", help="run at most one job, then exit")

    db = sub.add_parser("db", help="database migrations")
    db.add_argument("db_command", choices=["upgrade", "current"])

    demo = sub.add_parser("demo", help="the demo city")
    demo_sub = demo.add_subparsers(dest="demo_command", required=True)
    seed = demo_sub.add_parser("seed", help="build the deterministic demo district")
    seed.add_argument("--seed", type=int, default=7)
    seed.add_argument("--if-empty", action="store_true", help="do nothing if data exists")
    seed.add_argument(
        "--today",
        type=date.fromisoformat,
        help="reference day the history ends on (default: today in the company's time zone)",
    )
    seed.add_argument("--retailers", type=int, default=3_000, help="size of the city")
    seed.add_argument(
        "--managers-per-department",
        type=int,
        default=5,
        help="account managers in each of the 3 service departments (a load test's city: "
        "one handheld per manager)",
    )
    seed.add_argument("--weeks", type=int, default=8, help="weeks of day plans and visits")
    seed.add_argument(
        "--no-history", action="store_true", help="the city and its fixed 8 weeks of sales only"
    )
    demo_sub.add_parser("tokens", help="print a development token for each demo user")

    imp = sub.add_parser("import", help="import a CSV file (all rows or nothing)")
    imp.add_argument(
        "kind",
        choices=["retailers", "sales", "targets", "departments", "staff", "managers"],
    )
    imp.add_argument("file")

    plan = sub.add_parser("plan", help="territory and schedule proposals; a department's day plans")
    plan_sub = plan.add_subparsers(dest="plan_command", required=True)
    for name, text in (
        ("territories", "partition a district's retailers among its managers"),
        ("schedule", "weekday zones and routed 4-week calendars"),
    ):
        one = plan_sub.add_parser(name, help=text)
        one.add_argument("--department", help="department code (default: the whole company)")
        one.add_argument("--apply", action="store_true", help="apply the proposal at once")
        one.add_argument("--as", dest="as_staff", help="marketing staff number to act as")
        if name == "territories":
            one.add_argument("--managers", type=int, help="number of territories")
            one.add_argument("--lock", type=int, nargs="*", help="retailer ids that stay put")
            one.add_argument(
                "--lock-licence", nargs="*", help="licence numbers of retailers that stay put"
            )
            one.add_argument(
                "--lock-manager",
                nargs="*",
                help="staff numbers of managers whose whole territory stays as it is",
            )
            one.add_argument(
                "--max-moves", type=int, help="cap on retailers a re-plan may move for balance"
            )
            one.add_argument(
                "--cold",
                action="store_true",
                help="re-partition from scratch instead of repairing today's plan locally",
            )
        else:
            one.add_argument("--proposal", type=int, help="territory proposal id to schedule")
            one.add_argument("--cap-hours", type=float, default=8.0, help="daily cap (hours)")
            one.add_argument(
                "--max-order-day-changes",
                type=float,
                default=0.1,
                metavar="SHARE",
                help="at most this share of ordering retailers get a new order day (0.1)",
            )
            one.add_argument(
                "--allow-order-day-changes",
                action="store_true",
                help="draw weekday zones afresh (compact routes), whatever order days change",
            )

    export = plan_sub.add_parser(
        "export", help="a proposal's assignments as CSV or its territories as GeoJSON"
    )
    export.add_argument("proposal", type=int, help="proposal id")
    export.add_argument("--format", choices=["csv", "geojson"], default="csv")
    export.add_argument("--output", type=Path, required=True, help="file to write")
    export.add_argument("--as", dest="as_staff", help="marketing staff number to act as")
    barriers = plan_sub.add_parser(
        "barriers", help="a district's rivers, motorways, rail lines and their crossings"
    )
    barriers.add_argument("file", type=Path, nargs="?", help="GeoJSON FeatureCollection")
    barriers.add_argument("--department", help="department code; default: the whole company")
    barriers.add_argument("--clear", action="store_true", help="remove the district's barriers")
    barriers.add_argument("--as", dest="as_staff", help="marketing staff number to act as")
    applying = plan_sub.add_parser(
        "apply", help="apply a stored proposal, or only some managers' territories of it"
    )
    applying.add_argument("proposal", type=int, help="proposal id")
    applying.add_argument(
        "--manager", nargs="*", help="staff numbers: apply only these managers' territories"
    )
    applying.add_argument("--as", dest="as_staff", help="marketing staff number to act as")
    compare = plan_sub.add_parser(
        "compare", help="two territory proposals: retailers placed differently, measures"
    )
    compare.add_argument("a", type=int, help="proposal id")
    compare.add_argument("b", type=int, help="proposal id")
    compare.add_argument("--as", dest="as_staff", help="marketing staff number to act as")

    day = plan_sub.add_parser(
        "day", help="create and publish every manager's day plan of a department"
    )
    day.add_argument("--department", required=True, help="department code, e.g. KF01")
    day.add_argument("--date", type=date.fromisoformat, required=True, help="business day")
    day.add_argument("--reason", default="", help="why, when re-planning published days")
    day.add_argument("--as", dest="as_staff", help="staff number to act as (a head, marketing)")

    report = sub.add_parser(
        "report", help="decision-analysis reports as CSV or XLSX (docs/reports.md)"
    )
    report_sub = report.add_subparsers(dest="report_command", required=True)
    for name, text in (
        ("discipline", "coverage, verdicts, skips, late uploads, hours, dwell, flags"),
        ("routes", "plan km, own-order km, saving, travelled km, Kendall tau"),
        ("audits", "audit coverage, finding rates, discrepancies, Cohen's kappa"),
        ("workload", "model and measured hours per manager, CV per department"),
    ):
        one = report_sub.add_parser(name, help=text)
        one.add_argument("--from", dest="first", type=date.fromisoformat, required=True)
        one.add_argument("--to", dest="last", type=date.fromisoformat, required=True)
        one.add_argument("--grain", choices=["day", "week", "month"], default="month")
        one.add_argument("--by", choices=["manager", "department", "company"], default="manager")
        one.add_argument("--department", help="only this department (code)")
        one.add_argument("--manager", help="only this manager (staff number)")
        one.add_argument("--as", dest="as_staff", help="staff number whose scope applies")
        one.add_argument(
            "--output", help="write here: .xlsx for a workbook, else CSV (default: stdout CSV)"
        )
    areas = report_sub.add_parser(
        "areas", help="customer types by district, territory, area code or grid; mix test"
    )
    areas.add_argument("--from", dest="first", type=date.fromisoformat, required=True)
    areas.add_argument("--to", dest="last", type=date.fromisoformat, required=True)
    areas.add_argument(
        "--area",
        dest="area_kind",
        choices=["district", "territory", "area_code", "grid"],
        default="district",
        help="how to cut retailers into areas",
    )
    areas.add_argument("--cell-size-m", type=float, default=1000.0, help="grid cell side (m)")
    areas.add_argument("--alpha", type=float, default=0.05, help="significance of the mix test")
    areas.add_argument("--department", help="only this department (code)")
    areas.add_argument("--manager", help="only this manager (staff number)")
    areas.add_argument("--as", dest="as_staff", help="staff number whose scope applies")
    areas.add_argument(
        "--output", help="write here: .xlsx for a workbook, else CSV (default: stdout CSV)"
    )
    effect = report_sub.add_parser(
        "effect", help="two periods compared: differences, bootstrap 95% CIs, DiD"
    )
    effect.add_argument("--before", type=_period_arg, required=True, help="FIRST..LAST")
    effect.add_argument("--after", type=_period_arg, required=True, help="FIRST..LAST")
    effect.add_argument("--department", help="the group: this department (code)")
    effect.add_argument("--manager", help="the group: this manager (staff number)")
    effect.add_argument("--compare-department", help="comparison group that did not change")
    effect.add_argument("--compare-manager", help="comparison group: one manager")
    effect.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples")
    effect.add_argument("--seed", type=int, default=17, help="bootstrap seed")
    effect.add_argument("--as", dest="as_staff", help="staff number whose scope applies")
    effect.add_argument(
        "--summary",
        action="store_true",
        help='a one-page "what changed" summary per department (Markdown) instead of rows',
    )
    effect.add_argument(
        "--output", help="write here: .xlsx for a workbook, else CSV (default: stdout CSV)"
    )

    delivery = report_sub.add_parser(
        "delivery", help="shops a delivery window misses; zones that need their own window"
    )
    delivery.add_argument(
        "--window", type=_clock_window, default=(9 * 60, 12 * 60), help="HH:MM-HH:MM (09:00-12:00)"
    )
    delivery.add_argument(
        "--min-overlap", type=int, default=30, help="minutes the shop must be open in it (30)"
    )
    delivery.add_argument("--department", help="only this department (code)")
    delivery.add_argument("--manager", help="only this manager (staff number)")
    delivery.add_argument("--as", dest="as_staff", help="staff number whose scope applies")
    delivery.add_argument(
        "--output", help="write here: .xlsx for a workbook, else CSV (default: stdout CSV)"
    )

    refresh = report_sub.add_parser(
        "refresh",
        help="fold the manager-days writes marked stale into the report aggregates",
    )
    refresh.add_argument(
        "--full", action="store_true", help="rebuild every manager-day (the first time: always)"
    )

    privacy = sub.add_parser("privacy", help="personal data: evidence retention, exports")
    privacy_sub = privacy.add_subparsers(dest="privacy_command", required=True)
    reduce = privacy_sub.add_parser(
        "reduce", help="strip raw positions and carrier text from visits past retention"
    )
    reduce.add_argument("--now", type=_aware, help="the job's clock (ISO, with offset)")
    reduce.add_argument("--days", type=int, help="retention (default: evidence_retention_days)")
    mine = privacy_sub.add_parser(
        "export", help="one person's personal data as JSON (for the data-protection officer)"
    )
    mine.add_argument("staff_no")
    mine.add_argument("--output", required=True, help="write the JSON here")
    mine.add_argument("--from", dest="first", type=date.fromisoformat, help="first visit day")
    mine.add_argument("--to", dest="last", type=date.fromisoformat, help="last visit day")

    export = sub.add_parser("export-schema", help="print or write the GraphQL SDL")
    group = export.add_mutually_exclusive_group()
    group.add_argument("--output", help="write the SDL to this file")
    group.add_argument("--check", help="fail if this file differs; list breaking changes")
    group.add_argument("--diff", help="list breaking/dangerous changes since this older SDL")

    token = sub.add_parser("token", help="mint a development bearer token")
    token.add_argument("staff_no")
    token.add_argument("--ttl", type=int, help="seconds (default: token_ttl_s)")
    return parser


_COMMANDS: dict[str, Callable[[Settings, argparse.Namespace], int]] = {
    "serve": _cmd_serve,
    "worker": _cmd_worker,
    "db": _cmd_db,
    "demo": _cmd_demo,
    "import": _cmd_import,
    "plan": _cmd_plan,
    "report": _cmd_report,
    "privacy": _cmd_privacy,
    "export-schema": _cmd_export_schema,
    "token": _cmd_token,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``visitgis`` console script."""
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
    except SettingsError as exc:
        for problem in exc.problems:
            _err(f"setting {problem}")
        return 2
    from gql.store.db import DatabaseUnavailable

    try:
        return _COMMANDS[args.command](settings, args)
    except DatabaseUnavailable as exc:
        _err(str(exc))
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
