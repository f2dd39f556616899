"""Several API processes on one database: live events cross processes (PostgreSQL only).

Real ``visitgis serve`` processes under uvicorn on free loopback ports, one database made and
seeded through the CLI, a head's board over a real WebSocket. On PostgreSQL a check-in through
one process reaches the boards connected to every process (NOTIFY in the committing
transaction, LISTEN in each); ``--workers 2`` serves one port from two processes. SQLite serves
one process, and ``--workers`` says so instead of starting a half-working cluster.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import websockets

from gql.schema.relay import decode_global_id
from gql.store.db import create_engine_for
from tests.fixtures_db import _backends, fresh_database
from tests.gql.http_app import active_staff
from tests.gql.live_process import BIN, cli, free_port, stop, wait_until_up

RECEIVE_TIMEOUT_S = 30.0
EVENTS = "subscription { visitEvents { kind visitId } }"
SHOPS = "{ viewer { manager { retailers(first: 12) { nodes { id position { lat lon } } } } } }"
START = """mutation($i: VisitStartInput!) { visitStart(input: $i) {
  userErrors { message } visit { id } } }"""


@dataclass(frozen=True)
class Database:
    backend: str
    env: dict[str, str]
    manager: str
    head: str
    directory: Path


def _postgresql() -> list[Any]:
    """PostgreSQL only: several processes on one SQLite file is what ``--workers`` refuses."""
    return [p for p in _backends() if p.id == "postgresql"]


@pytest.fixture(scope="module", params=_backends())
def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    """A migrated demo city (no history) made by the CLI; tokens of a manager and their head."""
    yield from _database(request.param, tmp_path_factory)


@pytest.fixture(scope="module", params=_postgresql())
def postgres(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    """The same on PostgreSQL, for the scenarios that need several processes."""
    yield from _database(request.param, tmp_path_factory)


def _database(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    with fresh_database(backend, tmp_path_factory) as url:
        tmp = tmp_path_factory.mktemp("scale-out")
        env = {k: v for k, v in os.environ.items() if not k.startswith("VISITGIS_")}
        env |= {
            "VISITGIS_DATABASE_URL": url,
            "VISITGIS_MODE": "development",
            "VISITGIS_WARM_KERNELS": "false",  # nothing here routes
            "VISITGIS_LOG_LEVEL": "WARNING",
        }
        cli(env, "db", "upgrade")
        cli(env, "demo", "seed", "--seed", "7", "--no-history")
        engine = create_engine_for(url)
        try:
            rows = active_staff(engine)
        finally:
            engine.dispose()
        manager = next(r for r in rows if r.role == "ACCOUNT_MANAGER")
        head = next(
            r
            for r in rows
            if r.role == "DEPARTMENT_HEAD" and r.department_id == manager.department_id
        )

        def token(staff_no: str) -> str:
            return cli(env, "token", staff_no).strip().splitlines()[-1]

        yield Database(backend, env, token(manager.staff_no), token(head.staff_no), Path(tmp))


@pytest.fixture
def servers(postgres: Database, request: pytest.FixtureRequest) -> Iterator[list[str]]:
    """Start ``visitgis serve`` processes (their ``--workers`` given by the test's marker)."""
    counts: list[int] = request.param
    processes: list[subprocess.Popen[bytes]] = []
    urls = []
    try:
        for n, workers in enumerate(counts):
            port = free_port()
            log = postgres.directory / f"server-{n}-{uuid.uuid4().hex[:6]}.log"
            with log.open("wb") as out:
                process = subprocess.Popen(
                    [str(BIN / "visitgis"), "serve", "--port", str(port),
                     "--workers", str(workers)],
                    cwd=postgres.directory, env=postgres.env,
                    stdout=out, stderr=subprocess.STDOUT,
                )  # fmt: skip
            processes.append(process)
            url = f"http://127.0.0.1:{port}"
            wait_until_up(f"{url}/readyz", process, log)
            urls.append(url)
        yield urls
    finally:
        for process in processes:
            stop(process)


async def _gql(url: str, token: str, query: str, variables: dict[str, Any]) -> Any:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=60) as client:
        response = await client.post("/graphql", json={"query": query, "variables": variables})
    body = response.json()
    assert response.status_code == 200, body
    assert "errors" not in body, body
    return body["data"]


async def _board(url: str, token: str) -> Any:
    """A head's board on ``url``, subscribed and registered (ping/pong barrier)."""
    ws = await websockets.connect(
        url.replace("http://", "ws://") + "/graphql", subprotocols=["graphql-transport-ws"]
    )
    await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": token}}))
    assert json.loads(await ws.recv())["type"] == "connection_ack"
    await ws.send(json.dumps({"id": "b", "type": "subscribe", "payload": {"query": EVENTS}}))
    await ws.send(json.dumps({"type": "ping"}))
    assert json.loads(await asyncio.wait_for(ws.recv(), RECEIVE_TIMEOUT_S))["type"] == "pong"
    return ws


async def _check_ins(url: str, token: str, shops: list[dict[str, Any]]) -> list[str]:
    ids = []
    for shop in shops:
        fix = {
            "lat": shop["position"]["lat"],
            "lon": shop["position"]["lon"],
            "accuracyM": 10.0,
            "capturedAt": dt.datetime.now(dt.UTC).isoformat(),
        }
        start = {"retailerId": shop["id"], "idempotencyKey": str(uuid.uuid4()), "deviceFix": fix}
        answer = await _gql(url, token, START, {"i": start})
        assert answer["visitStart"]["userErrors"] == []
        ids.append(answer["visitStart"]["visit"]["id"])
    return ids


async def _seen(ws: Any, count: int) -> list[str]:
    """The visit ids of the next ``count`` events on ``ws`` (bounded wait for each)."""
    seen = []
    for _ in range(count):
        message = json.loads(await asyncio.wait_for(ws.recv(), RECEIVE_TIMEOUT_S))
        assert message["type"] == "next", message
        event = message["payload"]["data"]["visitEvents"]
        assert event["kind"] == "STARTED"
        seen.append(event["visitId"])
    return seen


@pytest.mark.parametrize("servers", [[1, 1]], indirect=True)
def test_check_ins_through_one_process_reach_boards_on_every_process(
    postgres: Database, servers: list[str]
) -> None:
    """Boards on process A and on B; check-ins through B: both boards see each, in order."""
    database = postgres
    first, second = servers

    async def scenario() -> tuple[list[str], list[str], list[str]]:
        shops = (await _gql(second, database.manager, SHOPS, {}))["viewer"]["manager"]
        nodes = shops["retailers"]["nodes"][:3]
        board_a = await _board(first, f"Bearer {database.head}")
        board_b = await _board(second, f"Bearer {database.head}")
        try:
            made = await _check_ins(second, database.manager, nodes)
            return made, await _seen(board_a, 3), await _seen(board_b, 3)
        finally:
            await board_a.close()
            await board_b.close()

    made, on_a, on_b = asyncio.run(scenario())
    assert on_a == made
    assert on_b == made


@pytest.mark.parametrize("servers", [[2]], indirect=True)
def test_two_workers_on_one_port_serve_one_board_every_check_in(
    postgres: Database, servers: list[str]
) -> None:
    """``--workers 2``: whichever worker holds the board and takes each check-in, it sees all."""
    database = postgres
    (url,) = servers

    async def scenario() -> tuple[list[str], list[str]]:
        shops = (await _gql(url, database.manager, SHOPS, {}))["viewer"]["manager"]
        nodes = shops["retailers"]["nodes"][3:11]
        board = await _board(url, f"Bearer {database.head}")
        try:
            made = await _check_ins(url, database.manager, nodes)
            return made, await _seen(board, len(made))
        finally:
            await board.close()

    made, seen = asyncio.run(scenario())
    assert seen == made
    readiness = httpx.get(f"{url}/readyz", timeout=10).json()
    assert readiness["liveEvents"] == "listening"


def test_workers_on_sqlite_are_refused_with_the_reason(database: Database) -> None:
    """SQLite: ``--workers 2`` exits at once naming PostgreSQL; PostgreSQL: a bad count is."""
    count = "2" if database.backend == "sqlite" else "0"
    done = subprocess.run(
        [str(BIN / "visitgis"), "serve", "--port", str(free_port()), "--workers", count],
        env=database.env, cwd=database.directory, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 2
    if database.backend == "sqlite":
        assert "--workers needs PostgreSQL" in done.stderr
    else:
        assert "--workers must be 1..64, got 0" in done.stderr


def test_the_database_url_names_the_backend(database: Database) -> None:
    """The fixture's URL is the backend it claims (guards the parametrisation above)."""
    engine = sa.create_engine(database.env["VISITGIS_DATABASE_URL"].replace("+psycopg", ""))
    try:
        assert engine.dialect.name == database.backend
    finally:
        engine.dispose()


def test_sigterm_lets_a_check_in_in_flight_finish_and_keep_its_visit(
    database: Database,
) -> None:
    """A check-in waiting 3 s on its carrier when the server is told to stop is answered and
    stored; the server then exits cleanly (uvicorn's graceful shutdown, bounded)."""
    telecom, mobile, port = free_port(), free_port(), free_port()
    template = Path(__file__).resolve().parents[2] / "contrib/mock_carriers/demo_region.toml"
    region = database.directory / f"drain-{uuid.uuid4().hex[:6]}.toml"
    region.write_text(
        template.read_text(encoding="utf-8")
        .replace("127.0.0.1:8701", f"127.0.0.1:{telecom}")
        .replace("127.0.0.1:8702", f"127.0.0.1:{mobile}")
        .replace("enabled = true", "enabled = false"),
        encoding="utf-8",
    )
    env = database.env | {
        "VISITGIS_CARRIERS_FILE": str(region),
        "VISITGIS_CARRIER_PASSWORD": "drain-pw",
    }
    mocks = subprocess.Popen(
        [sys.executable, "-m", "contrib.mock_carriers", "--password", "drain-pw",
         "--telecom-port", str(telecom), "--mobile-port", str(mobile)],
        cwd=Path(template).parents[2], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    log = database.directory / f"drain-{port}.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [str(BIN / "visitgis"), "serve", "--port", str(port)],
            cwd=database.directory, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for mock in (telecom, mobile):
            wait_until_up(f"http://127.0.0.1:{mock}/_mock/behaviour", mocks, log)
            httpx.post(
                f"http://127.0.0.1:{mock}/_mock/behaviour", json={"latency_s": 3.0}
            ).raise_for_status()
        wait_until_up(f"{url}/readyz", server, log)

        async def scenario() -> tuple[Any, int | None]:
            shops = (await _gql(url, database.manager, SHOPS, {}))["viewer"]["manager"]
            pressing = asyncio.ensure_future(
                _check_ins(url, database.manager, shops["retailers"]["nodes"][11:12])
            )
            seen = 0
            for _ in range(600):  # bounded: the press reaches a carrier
                states = [
                    httpx.get(f"http://127.0.0.1:{m}/_mock/behaviour", timeout=5).json()
                    for m in (telecom, mobile)
                ]
                seen = sum(s["requests_seen"] for s in states)
                if seen:
                    break
                await asyncio.sleep(0.01)
            assert seen, "the check-in never reached a carrier"
            server.terminate()  # SIGTERM while the carrier is still thinking
            made = await pressing
            return made, await asyncio.to_thread(server.wait, 60)

        made, code = asyncio.run(scenario())
    finally:
        stop(server)
        stop(mocks)
    assert len(made) == 1
    # uvicorn re-raises the signal once it has drained: the exit status is SIGTERM's
    assert code in (0, -signal.SIGTERM), log.read_text()[-2000:]
    engine = create_engine_for(database.env["VISITGIS_DATABASE_URL"])
    try:
        with engine.connect() as connection:
            stored = connection.execute(
                sa.text("SELECT count(*) FROM visits WHERE id = :id"),
                {"id": decode_global_id(made[0])[1]},
            ).scalar_one()
    finally:
        engine.dispose()
    assert stored == 1


def test_a_job_asked_of_one_process_is_run_by_the_worker_and_read_through_another(
    postgres: Database,
) -> None:
    """Two API processes that run no jobs themselves and one ``visitgis worker``: a territory
    job requested through the first is computed by the worker; the second reads the result."""
    engine = create_engine_for(postgres.env["VISITGIS_DATABASE_URL"])
    try:
        marketing = next(r.staff_no for r in active_staff(engine) if r.role == "MARKETING")
    finally:
        engine.dispose()
    env = postgres.env | {"VISITGIS_JOBS_IN_PROCESS": "false"}
    token = cli(env, "token", marketing).strip().splitlines()[-1]
    processes: list[subprocess.Popen[bytes]] = []
    urls: list[str] = []
    try:
        for n in range(2):
            port = free_port()
            log = postgres.directory / f"jobs-serve-{n}-{uuid.uuid4().hex[:6]}.log"
            with log.open("wb") as out:
                process = subprocess.Popen(
                    [str(BIN / "visitgis"), "serve", "--port", str(port)],
                    cwd=postgres.directory, env=env, stdout=out, stderr=subprocess.STDOUT,
                )  # fmt: skip
            processes.append(process)
            urls.append(f"http://127.0.0.1:{port}")
            wait_until_up(f"{urls[-1]}/readyz", process, log)
        with (postgres.directory / "worker.log").open("wb") as out:
            worker = subprocess.Popen(
                [str(BIN / "visitgis"), "worker", "--poll-s", "0.2"],
                cwd=postgres.directory, env=env, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        processes.append(worker)

        async def scenario() -> tuple[Any, Any]:
            department = (await _gql(urls[0], token, "{ departments { id kind } }", {}))[
                "departments"
            ]
            district = next(d["id"] for d in department if d["kind"] == "CUSTOMER_SERVICE")
            asked = await _gql(
                urls[0],
                token,
                "mutation($i: TerritoryProposalCreateInput!) { territoryProposalRequest("
                "input: $i) { job { id status } } }",
                {"i": {"departmentId": district}},
            )
            job_id = asked["territoryProposalRequest"]["job"]["id"]
            deadline = time.monotonic() + 240
            while True:  # a planning screen polls the job; bounded, not a timing assertion
                job = (
                    await _gql(
                        urls[1],
                        token,
                        "query($id: ID!) { job(id: $id) { status error proposal { id } } }",
                        {"id": job_id},
                    )
                )["job"]
                if job["status"] not in ("QUEUED", "RUNNING") or time.monotonic() > deadline:
                    return asked, job
                await asyncio.sleep(0.2)

        asked, job = asyncio.run(scenario())
        engine = create_engine_for(postgres.env["VISITGIS_DATABASE_URL"])
        try:
            with engine.connect() as db:
                ran_on = db.execute(sa.text("SELECT worker FROM jobs")).scalars().all()
        finally:
            engine.dispose()
    finally:
        for process in processes:
            stop(process)
    assert asked["territoryProposalRequest"]["job"]["status"] == "QUEUED"
    assert job["status"] == "SUCCEEDED", job
    assert job["proposal"] is not None
    assert ran_on == [ran_on[0]]
    assert ran_on[0].endswith(f":{worker.pid}")  # the worker process, not an API process
