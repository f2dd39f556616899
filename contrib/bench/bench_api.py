"""Benchmark: the GraphQL API — server time per operation, check-in latency, slow-carrier isolation.

Run: ``.venv/bin/python contrib/bench/bench_api.py [--quick] [--database-url URL]``
(default: a throw-away SQLite demo city; a ``postgresql://`` URL runs in a throw-away schema).

Targets (issue 6):

1. server time per trivial query ≤ 1 ms, per 50-row retailer page ≤ 6 ms;
2. ``visitStart`` p50 ≤ 15 ms with a zero-latency mock carrier;
3. with both carriers taking 5 s, other queries' p99 ≤ 50 ms while 50 check-ins are in flight.

"Server time" is measured inside the ASGI app (from the call to the end of the response body)
with httpx's in-process ``ASGITransport``, so no socket or client cost is counted. Peers run in
the same process and run: the same operations through strawberry's bare ``schema.execute``
(no HTTP, same context and extensions), the page on strawberry's stock executor (what
``gql.schema.execution.LeanExecutor`` saves) and a bare starlette JSON endpoint (the HTTP
floor, which also tells how fast the machine is). Part 2 spreads the check-ins over all the
managers, a dozen or so each, as a day does. Part 3 runs the app under a real uvicorn on
loopback with an httpx async client. The mock carriers run in a child process, as in
production they are another host: in this process they would take the GIL from the server.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import httpx
import sqlalchemy as sa
import strawberry
import uvicorn
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from contrib.bench._common import seeded_demo
from gql.app import create_app
from gql.auth import mint_token
from gql.context import AppState, Context
from gql.schema import build_schema
from gql.schema.execution import LeanExecutor
from gql.schema.root import Mutation, Query, Subscription
from gql.schema.scalars import SCALAR_MAP
from gql.schema.types.directory import DepartmentType, ManagerType, RetailerType, StaffType
from gql.settings import Settings
from gql.store.db import create_engine_for

if TYPE_CHECKING:
    from collections.abc import Callable

PASSWORD = "bench-carrier-pw"
SECRET = "bench-secret-" + "z" * 32
TEMPLATE = Path(__file__).resolve().parents[1] / "mock_carriers" / "demo_region.toml"

TRIVIAL = "{ __typename }"
VIEWER = "{ viewer { role } }"
PAGE50 = """{ retailers(first: 50) { totalCount pageInfo { hasNextPage endCursor }
  nodes { id name licenceNo grade businessType status position { lat lon } manager { name } } } }"""
START = """mutation($i: VisitStartInput!) { visitStart(input: $i) {
  replayed userErrors { code message } visit { id verdict details } } }"""
MY_SHOPS = "{ viewer { manager { retailers(first: 40) { nodes { id position { lat lon } } } } } }"


# -- measuring ----------------------------------------------------------------------------------


class ServerTimer:
    """ASGI wrapper: wall time from the call to the last body chunk, per HTTP request."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.samples: list[float] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        await self.app(scope, receive, send)
        self.samples.append((time.perf_counter() - started) * 1000)


def pct(samples: list[float], q: float) -> float:
    """The q-quantile (0..1) by nearest rank."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def line(label: str, samples: list[float], target: str = "") -> str:
    """One result row: p50 / p90 / p99 / mean in ms."""
    return (
        f"  {label:<48} n={len(samples):4d}  p50 {pct(samples, 0.5):7.3f}  "
        f"p90 {pct(samples, 0.9):7.3f}  p99 {pct(samples, 0.99):7.3f}  "
        f"mean {statistics.fmean(samples):7.3f} ms  {target}"
    )


# -- fixtures --------------------------------------------------------------------------------------


def staff_by_role(url: str) -> dict[str, list[str]]:
    """Active staff numbers per role."""
    engine = create_engine_for(url)
    with engine.connect() as connection:
        rows = connection.execute(
            sa.text("SELECT staff_no, role FROM staff WHERE active ORDER BY id")
        ).all()
    engine.dispose()
    out: dict[str, list[str]] = {}
    for staff_no, role in rows:
        out.setdefault(str(role), []).append(staff_no)
    return out


class CarrierProcess:
    """Both mock carriers in a child process, as in production they are another host.

    In the bench's own process they would take the GIL from the server being measured.
    Their behaviour (latency) is switched over their ``/_mock/behaviour`` control route.
    """

    def __init__(self) -> None:
        self.telecom_url, self.mobile_url = (f"http://127.0.0.1:{_free_port()}" for _ in "tm")
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> CarrierProcess:
        command = [
            sys.executable,
            "-m",
            "contrib.mock_carriers",
            "--telecom-port",
            self.telecom_url.rsplit(":", 1)[1],
            "--mobile-port",
            self.mobile_url.rsplit(":", 1)[1],
            "--password",
            PASSWORD,
        ]
        root = Path(__file__).resolve().parents[2]
        self._process = subprocess.Popen(
            command, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 60
        while not all(self._answers(url) for url in (self.telecom_url, self.mobile_url)):
            if time.monotonic() > deadline or self._process.poll() is not None:
                self.__exit__()
                raise RuntimeError("the mock carriers did not start")
            time.sleep(0.1)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=10)

    def behave(self, latency_s: float) -> None:
        """Both carriers answer after ``latency_s`` seconds from now on."""
        for url in (self.telecom_url, self.mobile_url):
            response = httpx.post(
                f"{url}/_mock/behaviour", json={"latency_s": latency_s}, timeout=5
            )
            response.raise_for_status()

    @staticmethod
    def _answers(url: str) -> bool:
        try:
            return httpx.get(f"{url}/_mock/behaviour", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def region_file(directory: Path, carriers: CarrierProcess) -> Path:
    """The demo region, pointed at the mocks; the location cache off so every press asks."""
    text = TEMPLATE.read_text(encoding="utf-8")
    text = text.replace("http://127.0.0.1:8701", carriers.telecom_url)
    text = text.replace("http://127.0.0.1:8702", carriers.mobile_url)
    text = text.replace("enabled = true", "enabled = false")
    path = directory / "region.toml"
    path.write_text(text, encoding="utf-8")
    return path


def bearer(staff_no: str) -> dict[str, str]:
    """Authorization header for a staff member."""
    token = mint_token(secret=SECRET, issuer="visitgis", staff_no=staff_no, ttl_s=7200)
    return {"Authorization": f"Bearer {token}"}


def fix(lat: float, lon: float) -> dict[str, Any]:
    """A sharp device fix."""
    return {"lat": lat, "lon": lon, "accuracyM": 6.0, "capturedAt": datetime.now(UTC).isoformat()}


async def wait_ready(client: httpx.AsyncClient) -> None:
    """Kernels warm in the background; /readyz says when /graphql serves."""
    deadline = time.monotonic() + 180
    while (await client.get("/readyz")).status_code != 200:
        if time.monotonic() > deadline:
            raise RuntimeError("the app never became ready")
        await asyncio.sleep(0.1)


# -- part 1 and 2: in-process server time -------------------------------------------------


async def in_process(settings: Settings, people: dict[str, list[str]], n: int) -> None:
    app = create_app(settings)
    timer = ServerTimer(app)
    floor_timer = ServerTimer(Starlette(routes=[Route("/json", lambda _: JSONResponse({"ok": 1}))]))
    manager, marketing = people["ACCOUNT_MANAGER"][0], people["MARKETING"][0]
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=timer)
        floor = httpx.ASGITransport(app=floor_timer)
        async with (
            httpx.AsyncClient(transport=transport, base_url="http://bench") as client,
            httpx.AsyncClient(transport=floor, base_url="http://bench") as floor_client,
        ):
            await wait_ready(client)
            state: AppState = app.routes[2].app.state  # type: ignore[attr-defined]

            async def over_http(query: str, who: str | None, variables: Any = None) -> Any:
                headers = {} if who is None else bearer(who)
                response = await client.post(
                    "/graphql", json={"query": query, "variables": variables}, headers=headers
                )
                body = response.json()
                if body.get("errors"):
                    raise RuntimeError(body["errors"])
                return body["data"]

            async def bare(query: str, who: str | None, variables: Any = None) -> list[float]:
                token = None if who is None else bearer(who)["Authorization"].split()[1]
                samples = []
                for _ in range(n):
                    context = Context(state=state, token=token)
                    started = time.perf_counter()
                    result = await state.schema.execute(
                        query, variable_values=variables, context_value=context
                    )
                    samples.append((time.perf_counter() - started) * 1000)
                    if result.errors:
                        raise RuntimeError(result.errors)
                return samples

            # what-if peer: the same types and resolvers without any extension (no limits,
            # no masking, no unit of work): shows what the per-request extensions cost
            plain = strawberry.Schema(
                query=Query,
                mutation=Mutation,
                subscription=Subscription,
                types=[RetailerType, ManagerType, DepartmentType, StaffType],
                execution_context_class=LeanExecutor,
                config=StrawberryConfig(scalar_map=SCALAR_MAP),
            )
            # peer: the app's schema on strawberry's stock executor (no leaf shortcut)
            stock = build_schema(settings)
            stock.execution_context_class = StrawberryGraphQLCoreExecutionContext

            async def bare_plain(
                query: str, who: str | None, schema: strawberry.Schema = plain
            ) -> list[float]:
                token = None if who is None else bearer(who)["Authorization"].split()[1]
                samples = []
                for _ in range(n):
                    context = Context(state=state, token=token)
                    started = time.perf_counter()
                    result = await schema.execute(query, context_value=context)
                    context.end_unit_of_work(commit=False)
                    samples.append((time.perf_counter() - started) * 1000)
                    if result.errors:
                        raise RuntimeError(result.errors)
                return samples

            async def served(query: str, who: str | None, count: int) -> list[float]:
                for _ in range(20):  # warm-up
                    await over_http(query, who)
                timer.samples.clear()
                for _ in range(count):
                    await over_http(query, who)
                return list(timer.samples)

            for _ in range(50):
                await floor_client.get("/json")
            floor_timer.samples.clear()
            for _ in range(n):
                await floor_client.get("/json")
            print("\n== 1. server time per query (in-process ASGI, no sockets)")
            print(line("peer: bare starlette JSON endpoint", floor_timer.samples))
            print(line("`{ __typename }` anonymous, app", await served(TRIVIAL, None, n), "≤ 1 ms"))
            print(line("  peer: bare schema.execute", await bare(TRIVIAL, None)))
            print(line("  what-if: schema.execute, no extensions", await bare_plain(TRIVIAL, None)))
            print(line("`{ viewer { role } }` signed in, app", await served(VIEWER, manager, n)))
            print(line("  peer: bare schema.execute", await bare(VIEWER, manager)))
            print(
                line("  what-if: schema.execute, no extensions", await bare_plain(VIEWER, manager))
            )
            page_n = max(50, n // 3)
            print(
                line(
                    "50-row retailer page (marketing), app",
                    await served(PAGE50, marketing, page_n),
                    "≤ 6 ms",
                )
            )
            print(line("  peer: bare schema.execute", (await bare(PAGE50, marketing))[:page_n]))
            stock_page = (await bare_plain(PAGE50, marketing, stock))[:page_n]
            print(line("  peer: schema.execute, strawberry's stock executor", stock_page))
            what_if = (await bare_plain(PAGE50, marketing))[:page_n]
            print(line("  what-if: schema.execute, no extensions", what_if))

            print("\n== 2. visitStart with a zero-latency mock carrier (device fix + carrier fix)")
            # a day's check-ins come from all the managers, a dozen or so each (one manager
            # pressing "start" hundreds of times would grow their own history check instead)
            stops: list[tuple[str, dict[str, Any]]] = []
            for who in people["ACCOUNT_MANAGER"]:
                mine = (await over_http(MY_SHOPS, who))["viewer"]["manager"]["retailers"]
                stops.extend((who, shop) for shop in mine["nodes"][:15])
            outcomes: Counter[str] = Counter()

            def check_in(k: int) -> tuple[str, dict[str, Any]]:
                who, shop = stops[k % len(stops)]
                position = shop["position"]
                return who, {
                    "i": {
                        "retailerId": shop["id"],
                        "idempotencyKey": str(uuid.uuid4()),
                        "deviceFix": fix(position["lat"], position["lon"]),
                    }
                }

            for k in range(10):  # warm-up
                await over_http(START, *check_in(k))
            timer.samples.clear()
            starts = max(60, n // 4)
            for k in range(starts):
                data = await over_http(START, *check_in(k))
                outcomes[data["visitStart"]["visit"]["details"]["carrier"]["outcome"]] += 1
            print(line("visitStart, app", list(timer.samples), "p50 ≤ 15 ms"))
            print(f"  carrier outcomes: {dict(outcomes)}")
            print(line("  peer: bare schema.execute", await bare_starts(state, check_in, starts)))


async def bare_starts(
    state: AppState, check_in: Callable[[int], tuple[str, dict[str, Any]]], count: int
) -> list[float]:
    """The same check-ins through schema.execute (commit included, as the app does)."""
    samples = []
    for k in range(count):
        who, variables = check_in(count + k)
        context = Context(state=state, token=bearer(who)["Authorization"].split()[1])
        started = time.perf_counter()
        result = await state.schema.execute(START, variable_values=variables, context_value=context)
        samples.append((time.perf_counter() - started) * 1000)
        if result.errors:
            raise RuntimeError(result.errors)
    return samples


# -- part 3: real uvicorn, slow carriers, 50 check-ins in flight -----------------------------------


class Served:
    """The app under uvicorn on an ephemeral loopback port, in a daemon thread."""

    def __init__(self, app: Starlette) -> None:
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=lambda: asyncio.run(self.server.serve()), daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)


async def under_load(
    settings: Settings,
    people: dict[str, list[str]],
    carriers: CarrierProcess,
    in_flight: int,
    latency_s: float,
) -> None:
    managers = people["ACCOUNT_MANAGER"]
    marketing = people["MARKETING"][0]
    with Served(create_app(settings)) as base_url:
        limits = httpx.Limits(
            max_connections=in_flight + 10, max_keepalive_connections=in_flight + 10
        )
        async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=60) as client:
            await wait_ready(client)

            async def post(query: str, who: str, variables: Any = None) -> tuple[float, Any]:
                started = time.perf_counter()
                response = await client.post(
                    "/graphql", json={"query": query, "variables": variables}, headers=bearer(who)
                )
                elapsed = (time.perf_counter() - started) * 1000
                if response.status_code != 200:
                    return elapsed, {"http": response.status_code}
                return elapsed, response.json()

            shops: list[tuple[str, dict[str, Any]]] = []
            for manager in managers:
                _, body = await post(MY_SHOPS, manager)
                for shop in body["data"]["viewer"]["manager"]["retailers"]["nodes"][:3]:
                    shops.append((manager, shop))

            async def probe_for(duration_s: float) -> dict[str, list[float]]:
                samples: dict[str, list[float]] = {VIEWER: [], PAGE50: []}
                stop_at = time.monotonic() + duration_s
                while time.monotonic() < stop_at:
                    for query in (VIEWER, PAGE50):
                        elapsed, body = await post(query, marketing)
                        if "errors" in body or "http" in body:
                            raise RuntimeError(body)
                        samples[query].append(elapsed)
                return samples

            await probe_for(1.0)  # warm-up
            quiet = await probe_for(3.0)

            carriers.behave(latency_s)

            async def check_in(k: int) -> tuple[float, str]:
                manager, shop = shops[k % len(shops)]
                position = shop["position"]
                elapsed, body = await post(
                    START,
                    manager,
                    {
                        "i": {
                            "retailerId": shop["id"],
                            "idempotencyKey": str(uuid.uuid4()),
                            "deviceFix": fix(position["lat"], position["lon"]),
                        }
                    },
                )
                if "http" in body:
                    return elapsed, f"HTTP {body['http']}"
                if body.get("errors"):
                    return elapsed, "error: " + body["errors"][0]["message"][:60]
                visit = body["data"]["visitStart"]["visit"]
                return elapsed, visit["details"]["carrier"]["outcome"]

            began = time.monotonic()
            check_ins = asyncio.gather(*(check_in(k) for k in range(in_flight)))
            await asyncio.sleep(0.3)  # let them reach the carriers
            busy = await probe_for(latency_s - 0.8)
            results = await asyncio.wait_for(check_ins, timeout=120)
            total_s = time.monotonic() - began
            carriers.behave(0.0)

    durations = [r[0] for r in results]
    print(f"\n== 3. real uvicorn on loopback; {in_flight} check-ins in flight,", end=" ")
    print(f"carriers answering after {latency_s:g} s")
    print(line("peer: viewer query, no check-ins (client)", quiet[VIEWER]))
    print(line("viewer query during the check-ins (client)", busy[VIEWER], "p99 ≤ 50 ms"))
    print(line("peer: 50-row page, no check-ins (client)", quiet[PAGE50]))
    print(line("50-row page during the check-ins (client)", busy[PAGE50], "p99 ≤ 50 ms"))
    print(line("the check-ins themselves (client)", durations))
    print(
        f"  check-in outcomes: {dict(Counter(r[1] for r in results))}; all done in {total_s:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument("--in-flight", type=int, default=50)
    parser.add_argument("--carrier-latency-s", type=float, default=5.0)
    args = parser.parse_args()
    n = 200 if args.quick else 1000
    print(
        f"python {sys.version.split()[0]}, cpus {os.cpu_count()}, "
        f"database {'PostgreSQL' if args.database_url else 'SQLite (temp file)'}"
    )
    os.environ["VISITGIS_CARRIER_PASSWORD"] = PASSWORD
    with (
        CarrierProcess() as carriers,
        seeded_demo(args.database_url) as url,
        tempfile.TemporaryDirectory() as tmp,
    ):
        people = staff_by_role(url)
        settings = Settings(
            database_url=url,
            carriers_file=region_file(Path(tmp), carriers),
            warm_kernels=True,
            jwt_secret=SECRET,
            log_level="WARNING",
            # server time is measured here, not throttling: one client sends thousands of
            # operations a minute, which the default per-role cost budget would refuse
            rate_limit_per_ip="",
            rate_limit_per_role="",
        )
        started = time.perf_counter()
        asyncio.run(in_process(settings, people, n))
        asyncio.run(under_load(settings, people, carriers, args.in_flight, args.carrier_latency_s))
        print(f"\ntotal {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
