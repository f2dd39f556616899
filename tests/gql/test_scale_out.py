"""Several API processes on one database: live events cross processes (PostgreSQL only).

Real ``visitgis serve`` processes under uvicorn on free loopback ports, one database made and
seeded through the CLI, a head's board over a real WebSocket. On PostgreSQL a check-in through
one process reaches the boards connected to every process (NOTIFY in the committing
transaction, LISTEN in each); ``--workers 2`` serves one port from two processes. SQLite serves
one process, and ``--workers`` says so instead of starting a half-working cluster.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import itertools
import json
import os
import re
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import websockets

from contrib.bench.procfs import api_workers, connection_holders, established_connections
from gql.schema.relay import decode_global_id, encode_global_id
from gql.store.db import create_engine_for
from gql.supervisor import usable_cores
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


@contextlib.contextmanager
def _serving(database: Database, workers: int) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``visitgis serve --workers N`` on a free port, ready; stopped afterwards."""
    port = free_port()
    log = database.directory / f"server-{port}-{uuid.uuid4().hex[:6]}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(BIN / "visitgis"), "serve", "--port", str(port), "--workers", str(workers)],
            cwd=database.directory, env=database.env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(f"{url}/readyz", process, log)
        yield url, process
    finally:
        stop(process)


@pytest.fixture
def servers(postgres: Database, request: pytest.FixtureRequest) -> Iterator[list[str]]:
    """Start ``visitgis serve`` processes (their ``--workers`` given by the test's marker)."""
    with contextlib.ExitStack() as stack:
        yield [stack.enter_context(_serving(postgres, n))[0] for n in request.param]


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


async def _answered(port: int, count: int) -> None:
    """Open ``count`` connections at once; each is answered 200 (a bounded wait for each)."""
    connections = await asyncio.gather(
        *(asyncio.open_connection("127.0.0.1", port) for _ in range(count))
    )
    try:
        for _, writer in connections:
            writer.write(b"GET /healthz HTTP/1.1\r\nHost: visitgis\r\n\r\n")
        for reader, _ in connections:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), ANSWER_TIMEOUT_S)
            assert head.startswith(b"HTTP/1.1 200"), head
    finally:
        for _, writer in connections:
            writer.close()


async def _held(port: int, count: int, pid: int) -> dict[int, int]:
    """Open ``count`` connections at once and send nothing (uvicorn's keep-alive timeout only
    starts after a response): the connections each API worker of server ``pid`` holds once
    all of them are accepted (polled, bounded)."""
    connections = await asyncio.gather(
        *(asyncio.open_connection("127.0.0.1", port) for _ in range(count))
    )
    try:
        deadline = asyncio.get_running_loop().time() + ANSWER_TIMEOUT_S
        while sum((held := established_connections(api_workers(pid), port)).values()) < count:
            assert asyncio.get_running_loop().time() < deadline, held
            await asyncio.sleep(0.05)
        return held
    finally:
        for _, writer in connections:
            writer.close()


ANSWER_TIMEOUT_S = 120.0
"""A bound on each answer (a replacement worker imports the app before it accepts)."""


def test_two_workers_share_a_burst_of_new_connections(postgres: Database) -> None:
    """128 handhelds connecting at once spread over both workers (30-70 % each): one socket
    per worker, chosen by the kernel, not whichever process woke first and accepted them all
    (a shared socket split such bursts 0/64 and 11/53)."""
    with _serving(postgres, 2) as (url, process):
        held = asyncio.run(_held(int(url.rsplit(":", 1)[1]), 128, process.pid))
    assert len(held) == 2, held
    assert all(0.3 * 128 <= n <= 0.7 * 128 for n in held.values()), held


def test_a_killed_worker_is_replaced_on_its_own_socket(postgres: Database) -> None:
    """SIGKILL one of two workers, then 128 requests at once: every one is answered (those
    the kernel sends to the dead worker's socket wait in its backlog for the replacement);
    then the replacement holds its share of new connections."""
    with _serving(postgres, 2) as (url, process):
        port = int(url.rsplit(":", 1)[1])
        victim = api_workers(process.pid)[0]
        os.kill(victim, signal.SIGKILL)
        asyncio.run(_answered(port, 128))
        held = asyncio.run(_held(port, 128, process.pid))
    assert victim not in held
    assert len(held) == 2, held
    assert all(0.3 * 128 <= n <= 0.7 * 128 for n in held.values()), held


def _cores_of(pid: int) -> set[frozenset[int]]:
    """The cores each thread of process ``pid`` may run on (one set if all threads agree)."""
    return {
        frozenset(os.sched_getaffinity(int(thread.name)))
        for thread in Path(f"/proc/{pid}/task").iterdir()
    }


def test_pinned_workers_run_on_a_core_each_and_a_replacement_on_its_predecessors(
    postgres: Database,
) -> None:
    """``VISITGIS_PIN_WORKERS``: each worker, every thread of it, on one core of its own (a
    core each while there are enough); the replacement of a killed worker on the same core.
    Unpinned, a worker may run anywhere the server may."""
    cores = usable_cores()
    expected = {frozenset({cores[0]}), frozenset({cores[1 % len(cores)]})}
    pinned = replace(postgres, env={**postgres.env, "VISITGIS_PIN_WORKERS": "true"})
    with _serving(pinned, 2) as (url, process):
        workers = api_workers(process.pid)
        before = {pid: _cores_of(pid) for pid in workers}
        victim = workers[0]
        os.kill(victim, signal.SIGKILL)
        asyncio.run(_answered(int(url.rsplit(":", 1)[1]), 16))
        replacement = next(pid for pid in api_workers(process.pid) if pid not in workers)
        after = _cores_of(replacement)
    assert all(len(seen) == 1 for seen in before.values()), before
    assert {next(iter(seen)) for seen in before.values()} == expected, before
    assert after == before[victim]
    with _serving(postgres, 2) as (_, process):
        free = [_cores_of(pid) for pid in api_workers(process.pid)]
    assert free == [{frozenset(cores)}] * 2, free


def _worker_of(port: int, pids: list[int]) -> dict[int, int]:
    """Client port -> the API worker (of ``pids``) holding that connection to ``port``."""
    return {client: pid for (_, client), pid in connection_holders(pids, port).items()}


class _KeepAlive:
    """One client's keep-alive connection that, like any HTTP client, opens a new one when an
    answer says ``Connection: close``."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.stream: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        self.closed_by_server = 0

    async def open(self) -> int:
        """Connect; the client port."""
        self.stream = await asyncio.open_connection("127.0.0.1", self.port)
        return int(self.stream[1].get_extra_info("sockname")[1])

    async def get(self) -> None:
        """GET /healthz, answered 200; reconnect if the server closes this connection."""
        if self.stream is None:
            await self.open()
        assert self.stream is not None
        reader, writer = self.stream
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: visitgis\r\n\r\n")
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), ANSWER_TIMEOUT_S)
        assert head.startswith(b"HTTP/1.1 200"), head
        length = int(re.search(rb"(?i)content-length: *(\d+)", head)[1])  # type: ignore[index]
        await reader.readexactly(length)
        if re.search(rb"(?i)\r\nconnection: *close", head):
            self.closed_by_server += 1
            await self.close()

    async def close(self) -> None:
        if self.stream is not None:
            self.stream[1].close()
            self.stream = None


async def _evened_out(port: int, pids: list[int]) -> tuple[int, dict[int, int], int]:
    """Leave the connections of one worker only, then keep every client asking until the
    workers hold an even split (within the slack; bounded): how many clients were left, the
    split and the closes they were answered with."""
    clients = [_KeepAlive(port) for _ in range(48)]
    ports = [await client.open() for client in clients]
    deadline = asyncio.get_running_loop().time() + ANSWER_TIMEOUT_S
    while len(holders := _worker_of(port, pids)) < len(clients):  # every one accepted
        assert asyncio.get_running_loop().time() < deadline, holders
        await asyncio.sleep(0.05)
    crowded = max(pids, key=lambda pid: sum(1 for p in ports if holders[p] == pid))
    kept = [c for c, p in zip(clients, ports, strict=True) if holders[p] == crowded]
    for client in clients:
        if client not in kept:
            await client.close()
    try:
        while True:
            await asyncio.gather(*(client.get() for client in kept))
            held = established_connections(pids, port)
            if max(held.values()) <= len(kept) / 2 + 2 and sum(held.values()) == len(kept):
                return len(kept), held, sum(c.closed_by_server for c in kept)
            assert asyncio.get_running_loop().time() < deadline, (held, len(kept))
    finally:
        for client in kept:
            await client.close()


def test_a_lopsided_split_of_keep_alive_connections_is_evened_out(postgres: Database) -> None:
    """Keep-alive clients all on one of two workers (the kernel's hash decides, and clients keep
    their connections): that worker answers some with ``Connection: close``, the clients open
    new connections as HTTP clients do, and the split ends even within the slack; every request
    is answered."""
    with _serving(postgres, 2) as (url, process):
        port = int(url.rsplit(":", 1)[1])
        pids = api_workers(process.pid)
        clients, held, closed = asyncio.run(_evened_out(port, pids))
    assert clients >= 20, clients  # one worker held at least 20 of the 48 at the start
    assert all(n >= clients / 2 - 2 for n in held.values()), held
    assert closed >= clients / 2 - 2, closed  # the other worker's share came by closes


def test_workers_refuse_a_port_another_server_listens_on(postgres: Database) -> None:
    """A port taken by another listener, even one sharing it with ``SO_REUSEPORT`` as a second
    ``visitgis serve --workers`` would, is refused before any worker starts."""
    with socket.socket() as holder:
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        done = subprocess.run(
            [str(BIN / "visitgis"), "serve", "--port", str(port), "--workers", "2"],
            env=postgres.env, cwd=postgres.directory, capture_output=True, text=True,
            timeout=120,
        )  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert f"cannot listen on 127.0.0.1:{port}: Address already in use" in done.stderr


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


REQUEST = """mutation($i: TerritoryProposalCreateInput!) { territoryProposalRequest(input: $i) {
  job { id status } userErrors { message code } } }"""
FOLLOW = """subscription($id: ID!) { jobUpdates(id: $id) {
  id status progress message error proposal { id } } }"""


async def _district(url: str, token: str) -> str:
    departments = (await _gql(url, token, "{ departments { id kind } }", {}))["departments"]
    return str(next(d["id"] for d in departments if d["kind"] == "CUSTOMER_SERVICE"))


async def _follow(url: str, token: str, job_id: str) -> Any:
    """A planning screen following ``job_id`` over a real WebSocket."""
    ws = await websockets.connect(
        url.replace("http://", "ws://") + "/graphql", subprotocols=["graphql-transport-ws"]
    )
    await ws.send(
        json.dumps({"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}})
    )
    assert json.loads(await ws.recv())["type"] == "connection_ack"
    subscribe = {"query": FOLLOW, "variables": {"id": job_id}}
    await ws.send(json.dumps({"id": "j", "type": "subscribe", "payload": subscribe}))
    return ws


async def _next_job(ws: Any) -> Any:
    """The next state of the followed job, ``None`` once the stream completed."""
    message = json.loads(await asyncio.wait_for(ws.recv(), JOB_TIMEOUT_S))
    if message["type"] == "complete":
        return None
    assert message["type"] == "next", message
    assert "errors" not in message["payload"], message
    return message["payload"]["data"]["jobUpdates"]


async def _rest_of_job(ws: Any) -> list[Any]:
    states = []
    while (state := await _next_job(ws)) is not None:
        states.append(state)
    return states


def _assert_runs_to_success(states: list[Any]) -> None:
    """Each state differs from the one before, in order, progress never back, ending done."""
    order = {"QUEUED": 0, "RUNNING": 1, "SUCCEEDED": 2}
    ranks = [order[s["status"]] for s in states]
    assert ranks == sorted(ranks), states
    running = [s["progress"] for s in states if s["status"] == "RUNNING"]
    assert running == sorted(running), states
    assert all(a != b for a, b in itertools.pairwise(states)), states
    assert states[-1]["status"] == "SUCCEEDED", states
    assert states[-1]["progress"] == 1.0
    assert states[-1]["proposal"] is not None


JOB_TIMEOUT_S = 240.0
"""A bound on each wait for the next state (a cold worker compiles the kernels first)."""


def test_a_job_is_followed_over_a_websocket_to_its_proposal(database: Database) -> None:
    """One ``visitgis serve`` running jobs itself: its requester follows a territory job to
    the stored proposal; a manager following it, or a job that does not exist, gets NOT_FOUND."""
    engine = create_engine_for(database.env["VISITGIS_DATABASE_URL"])
    try:
        marketing = next(r.staff_no for r in active_staff(engine) if r.role == "MARKETING")
    finally:
        engine.dispose()
    token = cli(database.env, "token", marketing).strip().splitlines()[-1]
    port = free_port()
    log = database.directory / f"follow-{uuid.uuid4().hex[:6]}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(BIN / "visitgis"), "serve", "--port", str(port)],
            cwd=database.directory, env=database.env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"

    async def denied(who: str, job_id: str) -> Any:
        ws = await _follow(url, who, job_id)
        try:
            message = json.loads(await asyncio.wait_for(ws.recv(), RECEIVE_TIMEOUT_S))
        finally:
            await ws.close()
        return message

    async def scenario() -> tuple[list[Any], Any, Any]:
        district = await _district(url, token)
        asked = await _gql(url, token, REQUEST, {"i": {"departmentId": district}})
        job_id = asked["territoryProposalRequest"]["job"]["id"]
        follower = await _follow(url, token, job_id)
        try:
            states = await _rest_of_job(follower)
        finally:
            await follower.close()
        return (
            states,
            await denied(database.manager, job_id),
            await denied(token, encode_global_id("Job", 10**9)),
        )

    try:
        wait_until_up(f"{url}/readyz", process, log)
        states, by_manager, missing = asyncio.run(scenario())
    finally:
        stop(process)
    _assert_runs_to_success(states)
    refusals = (by_manager, missing)
    for refused in refusals:
        assert refused["type"] == "next", refused
        assert refused["payload"]["data"] is None
        assert refused["payload"]["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    said = [
        re.sub(r"\d+", "N", r["payload"]["errors"][0]["message"]) for r in (by_manager, missing)
    ]
    assert said[0] == said[1]  # a job not yours looks exactly like a missing one


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

        async def scenario() -> tuple[Any, list[Any]]:
            district = await _district(urls[0], token)
            asked = await _gql(urls[0], token, REQUEST, {"i": {"departmentId": district}})
            job_id = asked["territoryProposalRequest"]["job"]["id"]
            # followed through the other process, subscribed before any worker runs
            follower = await _follow(urls[1], token, job_id)
            try:
                first = await _next_job(follower)
                with (postgres.directory / "worker.log").open("wb") as out:
                    processes.append(subprocess.Popen(
                        [str(BIN / "visitgis"), "worker", "--poll-s", "0.2"],
                        cwd=postgres.directory, env=env, stdout=out, stderr=subprocess.STDOUT,
                    ))  # fmt: skip
                return asked, [first, *await _rest_of_job(follower)]
            finally:
                await follower.close()

        asked, states = asyncio.run(scenario())
        worker = processes[-1]
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
    assert states[0]["status"] == "QUEUED"
    _assert_runs_to_success(states)
    assert ran_on == [ran_on[0]]
    assert ran_on[0].endswith(f":{worker.pid}")  # the worker process, not an API process
