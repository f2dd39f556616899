"""Live events against the real server: ``visitgis serve`` under uvicorn, in a subprocess.

The in-process TestClient never noticed that uvicorn had no WebSocket library. Here the service,
its SQLite database (migrated and seeded through the CLI) and the mock carriers
(``python -m contrib.mock_carriers``) run as separate processes on free loopback ports; the
client speaks real graphql-transport-ws (``websockets``) and real multipart HTTP (``httpx``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
import websockets

from gql.schema.relay import encode_global_id
from tests.gql.http_app import active_staff
from tests.gql.live_process import BIN, REPO, cli, free_port, stop, wait_until_up

TEMPLATE = REPO / "contrib" / "mock_carriers" / "demo_region.toml"
PASSWORD = "live-server-carrier-pw"
RECEIVE_TIMEOUT_S = 30.0
MULTIPART = 'multipart/mixed;subscriptionSpec="1.0", application/json'
EVENTS = """subscription Live($d: ID) { visitEvents(departmentId: $d) {
  kind visitId verdict visit { id verdict endedAt } manager { id name } retailer { id name } } }"""
SHOPS = "{ viewer { manager { retailers(first: 2) { nodes { id position { lat lon } } } } } }"
START = """mutation($i: VisitStartInput!) { visitStart(input: $i) {
  userErrors { message code } visit { id verdict } } }"""
END = """mutation($i: VisitEndInput!) { visitEnd(input: $i) {
  userErrors { message code } visit { id verdict endedAt } } }"""


@dataclass(frozen=True)
class Live:
    """The running service and who is who in its database."""

    url: str
    manager: str
    head: str
    msisdn: str
    foreign_department: str
    mocks: tuple[str, str]

    @property
    def ws_url(self) -> str:
        return self.url.replace("http://", "ws://") + "/graphql"


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """Database by the CLI, the mock carriers and ``visitgis serve``; every process stopped."""
    tmp = tmp_path_factory.mktemp("live-server")
    telecom_port, mobile_port, port = free_port(), free_port(), free_port()
    carriers = tmp / "carriers.toml"
    carriers.write_text(
        TEMPLATE.read_text(encoding="utf-8")
        .replace("127.0.0.1:8701", f"127.0.0.1:{telecom_port}")
        .replace("127.0.0.1:8702", f"127.0.0.1:{mobile_port}"),
        encoding="utf-8",
    )
    database_url = f"sqlite:///{tmp / 'live.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("VISITGIS_")}
    env |= {
        "VISITGIS_DATABASE_URL": database_url,
        "VISITGIS_CARRIERS_FILE": str(carriers),
        "VISITGIS_CARRIER_PASSWORD": PASSWORD,
        "VISITGIS_MODE": "development",
    }
    cli(env, "db", "upgrade")
    cli(env, "demo", "seed", "--seed", "7", "--no-history")
    engine = sa.create_engine(database_url)
    try:
        rows = active_staff(engine)
    finally:
        engine.dispose()
    manager = next(r for r in rows if r.role == "ACCOUNT_MANAGER")
    head = next(
        r for r in rows if r.role == "DEPARTMENT_HEAD" and r.department_id == manager.department_id
    )
    foreign = next(
        r.department_id for r in rows if r.department_id not in (None, head.department_id)
    )

    def token(staff_no: str) -> str:
        return cli(env, "token", staff_no).strip().splitlines()[-1]

    processes: list[subprocess.Popen[bytes]] = []
    try:
        mocks_log = tmp / "mocks.log"
        with mocks_log.open("wb") as out:
            mocks = subprocess.Popen(
                [sys.executable, "-m", "contrib.mock_carriers", "--password", PASSWORD,
                 "--telecom-port", str(telecom_port), "--mobile-port", str(mobile_port)],
                cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        processes.append(mocks)
        server_log = tmp / "server.log"
        with server_log.open("wb") as out:
            server = subprocess.Popen(
                [str(BIN / "visitgis"), "serve", "--host", "127.0.0.1", "--port", str(port)],
                cwd=tmp, env=env, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        processes.append(server)
        mock_urls = (f"http://127.0.0.1:{telecom_port}", f"http://127.0.0.1:{mobile_port}")
        wait_until_up(f"{mock_urls[0]}/saye/services/Location?wsdl", mocks, mocks_log)
        wait_until_up(f"{mock_urls[1]}/websrvzjdw/service.asmx?wsdl", mocks, mocks_log)
        url = f"http://127.0.0.1:{port}"
        wait_until_up(f"{url}/readyz", server, server_log)
        yield Live(
            url=url,
            manager=token(manager.staff_no),
            head=token(head.staff_no),
            msisdn=manager.msisdn,
            foreign_department=encode_global_id("Department", foreign),
            mocks=mock_urls,
        )
    finally:
        for process in reversed(processes):
            stop(process)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _fix(lat: float, lon: float) -> dict[str, Any]:
    return {
        "lat": lat,
        "lon": lon,
        "accuracyM": 10.0,
        "capturedAt": dt.datetime.now(dt.UTC).isoformat(),
    }


async def _gql(client: httpx.AsyncClient, query: str, variables: dict[str, Any]) -> Any:
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    body = response.json()
    assert response.status_code == 200, body
    assert "errors" not in body, body
    return body["data"]


async def _walk_a_visit(live: Live, shop_index: int) -> str:
    """Place the phone at a shop, check in and out as the manager; the visit's id."""
    async with httpx.AsyncClient(base_url=live.url, headers=_bearer(live.manager), timeout=60) as c:
        shops = (await _gql(c, SHOPS, {}))["viewer"]["manager"]["retailers"]["nodes"]
        shop = shops[shop_index]
        lat, lon = shop["position"]["lat"], shop["position"]["lon"]
        for mock in live.mocks:
            placed = await c.put(
                f"{mock}/_mock/phones/{live.msisdn}", json={"lat": lat, "lon": lon}
            )
            assert placed.status_code < 300
        key = str(uuid.uuid4())
        start = {"retailerId": shop["id"], "idempotencyKey": key, "deviceFix": _fix(lat, lon)}
        started = await _gql(c, START, {"i": start})
        assert started["visitStart"]["userErrors"] == []
        visit_id: str = started["visitStart"]["visit"]["id"]
        ended = await _gql(c, END, {"i": {"visitId": visit_id, "deviceFix": _fix(lat, lon)}})
        assert ended["visitEnd"]["userErrors"] == []
        assert ended["visitEnd"]["visit"]["endedAt"] is not None
        return visit_id


async def _receive(ws: Any) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), RECEIVE_TIMEOUT_S))
    return message


async def _subscribe(ws: Any, token: str | None, department: str | None = None) -> None:
    """connection_init (with the token, if any), then subscribe."""
    await ws.send(
        json.dumps({"type": "connection_init", "payload": _bearer(token) if token else {}})
    )
    assert (await _receive(ws))["type"] == "connection_ack"
    payload = {"query": EVENTS, "variables": {"d": department}}
    await ws.send(json.dumps({"id": "live", "type": "subscribe", "payload": payload}))


async def _barrier(ws: Any) -> None:
    """Ping, await the pong: the server has handled our subscribe message before this one.

    The operation task it started reaches the event bus without yielding to the loop, so it is
    registered before the server can finish any later request (the check-in below).
    """
    await ws.send(json.dumps({"type": "ping"}))
    assert (await _receive(ws))["type"] == "pong"


def test_a_head_receives_started_and_ended_over_websocket(live: Live) -> None:
    """graphql-transport-ws on real uvicorn; the token travels in connection_init."""

    async def scenario() -> tuple[str, list[dict[str, Any]]]:
        async with websockets.connect(live.ws_url, subprotocols=["graphql-transport-ws"]) as ws:
            assert ws.subprotocol == "graphql-transport-ws"
            await _subscribe(ws, live.head)
            await _barrier(ws)
            visit_id = await _walk_a_visit(live, shop_index=0)
            events = []
            for _ in range(2):
                message = await _receive(ws)
                assert message["type"] == "next", message
                assert "errors" not in message["payload"], message
                events.append(message["payload"]["data"]["visitEvents"])
            return visit_id, events

    visit_id, events = asyncio.run(scenario())
    assert [e["kind"] for e in events] == ["STARTED", "ENDED"]
    assert {e["visitId"] for e in events} == {visit_id}
    # the objects come with the event: no second query for the board
    assert {e["visit"]["id"] for e in events} == {visit_id}
    assert events[1]["visit"]["endedAt"] is not None
    assert {e["manager"]["id"] for e in events} == {events[0]["manager"]["id"]}
    assert events[0]["manager"]["name"]
    assert events[0]["retailer"]["name"]


RESUMED = """subscription Resumed($since: DateTime) { visitEvents(since: $since) {
  kind visitId occurredAt replayed } }"""


async def _events(ws: Any, count: int) -> list[dict[str, Any]]:
    events = []
    for _ in range(count):
        message = await _receive(ws)
        assert message["type"] == "next", message
        assert "errors" not in message["payload"], message
        events.append(message["payload"]["data"]["visitEvents"])
    return events


def test_a_board_that_reconnects_with_since_gets_what_it_missed_then_live_events(
    live: Live,
) -> None:
    """A board away while a visit was made (a worker restarted, the network dropped) passes the
    last occurredAt it saw: that visit comes replayed, then the next one live, nothing twice."""

    async def watch(since: str | None) -> Any:
        """A resumed board needs no ping barrier (its replay may come before the pong): the server
        listens before it reads what was missed, so the replayed events prove it is listening."""
        ws = await websockets.connect(live.ws_url, subprotocols=["graphql-transport-ws"])
        try:
            init = {"type": "connection_init", "payload": _bearer(live.head)}
            await ws.send(json.dumps(init))
            assert (await _receive(ws))["type"] == "connection_ack"
            payload = {"query": RESUMED, "variables": {"since": since}}
            await ws.send(json.dumps({"id": "board", "type": "subscribe", "payload": payload}))
            if since is None:
                await _barrier(ws)
        except BaseException:
            await ws.close()
            raise
        return ws

    async def scenario() -> tuple[list[str], list[dict[str, Any]], list[dict[str, Any]]]:
        ws = await watch(None)
        try:
            seen_visit = await _walk_a_visit(live, shop_index=0)
            seen = await _events(ws, 2)
        finally:
            await ws.close()
        missed_visit = await _walk_a_visit(live, shop_index=1)  # no board is listening
        ws = await watch(seen[-1]["occurredAt"])
        try:
            replayed = await _events(ws, 2)
            live_visit = await _walk_a_visit(live, shop_index=0)
            heard = await _events(ws, 2)
        finally:
            await ws.close()
        return [seen_visit, missed_visit, live_visit], replayed, heard

    (seen_visit, missed_visit, live_visit), replayed, heard = asyncio.run(scenario())
    assert [(e["visitId"], e["kind"], e["replayed"]) for e in replayed] == [
        (missed_visit, "STARTED", True),
        (missed_visit, "ENDED", True),
    ]
    assert [(e["visitId"], e["kind"], e["replayed"]) for e in heard] == [
        (live_visit, "STARTED", False),
        (live_visit, "ENDED", False),
    ]
    assert seen_visit not in {e["visitId"] for e in replayed + heard}


@pytest.mark.parametrize(
    ("who", "foreign", "code"),
    [("nobody", False, "UNAUTHENTICATED"), ("head", True, "FORBIDDEN")],
)
def test_unauthenticated_and_foreign_department_subscriptions_are_refused(
    live: Live, who: str, foreign: bool, code: str
) -> None:
    """No token, or another department's events: an error, never a stream of events."""

    async def scenario() -> list[dict[str, Any]]:
        async with websockets.connect(live.ws_url, subprotocols=["graphql-transport-ws"]) as ws:
            await _subscribe(
                ws,
                live.head if who == "head" else None,
                live.foreign_department if foreign else None,
            )
            first = await _receive(ws)
            messages = [first]
            if first["type"] == "next":  # errors come as a result, then the operation completes
                messages.append(await _receive(ws))
            return messages

    messages = asyncio.run(scenario())
    first = messages[0]
    errors = first["payload"]["errors"] if first["type"] == "next" else first["payload"]
    assert [e["extensions"]["code"] for e in errors] == [code], messages
    assert first["type"] == "error" or first["payload"]["data"] is None
    assert messages[-1]["type"] in ("complete", "error")


async def _multipart_parts(response: httpx.Response) -> AsyncIterator[dict[str, Any]]:
    """The JSON bodies of a ``multipart/mixed; boundary=graphql`` stream, as they arrive."""
    buffer = ""
    async for text in response.aiter_text():
        buffer += text
        *complete, buffer = buffer.split("--graphql")
        for part in complete:
            _, _, body = part.partition("\r\n\r\n")
            if body.strip():
                yield json.loads(body)


def test_a_head_receives_events_over_multipart_http(live: Live) -> None:
    """POST with a multipart Accept and the Authorization header: the same two events."""

    async def scenario() -> tuple[str, list[dict[str, Any]]]:
        headers = {**_bearer(live.head), "Accept": MULTIPART}
        async with (
            httpx.AsyncClient(base_url=live.url, timeout=RECEIVE_TIMEOUT_S) as client,
            client.stream("POST", "/graphql", json={"query": EVENTS}, headers=headers) as response,
        ):
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("multipart/mixed")
            parts = _multipart_parts(response)
            # the first heartbeat is sent once the subscription's task has been started
            assert await asyncio.wait_for(anext(parts), RECEIVE_TIMEOUT_S) == {}
            walking = asyncio.create_task(_walk_a_visit(live, shop_index=1))
            events: list[dict[str, Any]] = []
            while len(events) < 2:
                part = await asyncio.wait_for(anext(parts), RECEIVE_TIMEOUT_S)
                if part:  # {} is a heartbeat
                    assert "errors" not in part["payload"], part
                    events.append(part["payload"]["data"]["visitEvents"])
            return await walking, events

    visit_id, events = asyncio.run(scenario())
    assert [e["kind"] for e in events] == ["STARTED", "ENDED"]
    assert {e["visitId"] for e in events} == {visit_id}
    # the objects come with the event: no second query for the board
    assert {e["visit"]["id"] for e in events} == {visit_id}
    assert events[1]["visit"]["endedAt"] is not None
    assert {e["manager"]["id"] for e in events} == {events[0]["manager"]["id"]}
    assert events[0]["manager"]["name"]
    assert events[0]["retailer"]["name"]


def test_a_subscription_posted_as_plain_json_is_a_clear_graphql_error(live: Live) -> None:
    """Without a streaming Accept: 400 WRONG_TRANSPORT naming the transports that work."""
    response = httpx.post(
        f"{live.url}/graphql", json={"query": EVENTS}, headers=_bearer(live.head), timeout=30
    )
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "WRONG_TRANSPORT"
    assert "multipart/mixed" in error["message"]
    assert "WebSocket" in error["message"]
