"""End to end over HTTP: a manager's day on the demo city, with the mock carriers on loopback.

The real app (``create_app``) runs with its lifespan under starlette's ``TestClient``; the carriers
are the SOAP mocks from ``contrib/mock_carriers`` on ephemeral ports, reached through a region
file written for this session; the database is a freshly seeded demo city (SQLite, and
PostgreSQL when ``VISITGIS_DATABASE_URL`` is set).
"""

from __future__ import annotations

import concurrent.futures
import re
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient, WebSocketTestSession

from contrib.mock_carriers import Behaviour, MockCarrierServer, mobile_app, telecom_app
from contrib.mock_carriers.state import mobile_state, telecom_state
from gql.app import create_app
from gql.auth import mint_token
from gql.domain import Role
from gql.settings import Settings
from tests.fixtures_db import _backends, fresh_database
from tests.gql.http_app import seeded_demo_staff

PASSWORD = "e2e-carrier-pw"
SECRET = "e2e-tests-secret-" + "y" * 24
LOCATE_DEADLINE_S = 2.0
TEMPLATE = Path(__file__).parents[2] / "contrib" / "mock_carriers" / "demo_region.toml"
PLAN_DAY = date(2026, 12, 21)

START = """
mutation Start($i: VisitStartInput!) { visitStart(input: $i) {
  replayed userErrors { field message code }
  visit { id verdict distanceM reasons lateUpload details
          fixes { phase source carrier outcomeCode accuracyM rawRequest rawAnswer
                  position { lat lon } } }
} }"""
END = """
mutation End($i: VisitEndInput!) { visitEnd(input: $i) {
  userErrors { field message code } visit { id verdict dwellS endedAt fixes { phase source } }
} }"""
SYNC = """
mutation Sync($i: VisitsSyncInput!) { visitsSync(input: $i) {
  userErrors { message code }
  results { idempotencyKey created error { message code } visit { id lateUpload fixes { source } } }
} }"""
EVENTS = "subscription Live { visitEvents { kind visitId managerId verdict } }"
COUNT = "query($m: [ID!]) { visits(filter: {managerIds: $m}, first: 1) { totalCount } }"


@dataclass(frozen=True)
class City:
    """The seeded database and who is who in it."""

    url: str
    manager: str
    head: str
    msisdn: str


@dataclass
class Service:
    """The running app, its carriers and a way to call it as someone."""

    client: TestClient
    telecom: MockCarrierServer
    mobile: MockCarrierServer
    city: City

    def headers(self, staff_no: str) -> dict[str, str]:
        token = mint_token(secret=SECRET, issuer="visitgis", staff_no=staff_no, ttl_s=3600)
        return {"Authorization": f"Bearer {token}"}

    def data(self, query: str, variables: dict[str, Any] | None, staff_no: str) -> dict[str, Any]:
        response = self.client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers=self.headers(staff_no),
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body.get("errors") is None, body["errors"]
        return dict(body["data"])

    def place_phone(self, lat: float, lon: float) -> None:
        """Put the manager's phone at a position on both carriers' networks."""
        for server in (self.telecom, self.mobile):
            server.carrier.phones[self.city.msisdn] = (lat, lon)

    @property
    def carrier_requests(self) -> int:
        return self.telecom.carrier.requests_seen + self.mobile.carrier.requests_seen


@pytest.fixture(scope="module", params=_backends())
def city(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[City]:
    """A fresh demo city (seed 7) of our own: this module writes a whole day into it."""
    with fresh_database(request.param, tmp_path_factory) as url:
        rows = seeded_demo_staff(url)
        manager = next(r for r in rows if r.role == Role.ACCOUNT_MANAGER.name)
        head = next(
            r
            for r in rows
            if r.role == Role.DEPARTMENT_HEAD.name and r.department_id == manager.department_id
        )
        yield City(url=url, manager=manager.staff_no, head=head.staff_no, msisdn=manager.msisdn)


def _region_file(directory: Path, telecom: MockCarrierServer, mobile: MockCarrierServer) -> Path:
    """The demo region template, pointed at the mocks on their ephemeral ports."""
    text = TEMPLATE.read_text(encoding="utf-8")
    text = text.replace("http://127.0.0.1:8701", telecom.url)
    text = text.replace("http://127.0.0.1:8702", mobile.url)
    text = text.replace("enabled = true", "enabled = false")  # every press asks the network
    assert telecom.url in text
    assert mobile.url in text
    path = directory / "region.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def service(city: City, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """Both mock carriers and the app, started for the module and stopped after it."""
    telecom = MockCarrierServer(telecom_app(telecom_state(password=PASSWORD))).start()
    mobile = MockCarrierServer(mobile_app(mobile_state(password=PASSWORD))).start()
    mp = pytest.MonkeyPatch()
    mp.setenv("VISITGIS_CARRIER_PASSWORD", PASSWORD)
    try:
        settings = Settings(
            database_url=city.url,
            carriers_file=_region_file(tmp_path_factory.mktemp("region"), telecom, mobile),
            warm_kernels=False,
            jwt_secret=SECRET,
            locate_deadline_s=LOCATE_DEADLINE_S,
            log_level="WARNING",
        )
        with TestClient(create_app(settings)) as client:
            yield Service(client=client, telecom=telecom, mobile=mobile, city=city)
    finally:
        mp.undo()
        telecom.stop()
        mobile.stop()


def _fix(lat: float, lon: float, at: datetime | None = None) -> dict[str, Any]:
    when = at or datetime.now(UTC)
    return {"lat": lat, "lon": lon, "accuracyM": 6.0, "capturedAt": when.isoformat()}


def _receive(ws: WebSocketTestSession, timeout_s: float = 10.0) -> dict[str, Any]:
    """One websocket message, or a failure after ``timeout_s`` (never a hung test run)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(ws.receive_json)
        try:
            return dict(future.result(timeout=timeout_s))
        except concurrent.futures.TimeoutError:
            pytest.fail(f"no websocket message within {timeout_s} s")


def _state(service: Service) -> Any:
    """The running app's state (made in its lifespan)."""
    routes = service.client.app.routes  # type: ignore[attr-defined]
    route = next(r for r in routes if getattr(r, "path", "") == "/graphql")
    return route.app.state


def _wait_for_subscriber(service: Service) -> None:
    """The subscription registers asynchronously; wait (bounded) until the bus has it."""
    for _ in range(500):
        if _state(service) is not None and _state(service).bus.subscriber_count > 0:
            return
        time.sleep(0.01)
    pytest.fail("the subscription never reached the event bus")


def test_the_service_is_ready_with_carriers_configured(service: Service) -> None:
    """Health and readiness answer over HTTP once the lifespan has run."""
    assert service.client.get("/healthz").json() == {"status": "ok"}
    ready = service.client.get("/readyz").json()
    assert ready["status"] == "ready"
    assert {cid: c["breaker"] for cid, c in ready["carriers"].items()} == {
        "telecom": "closed",
        "mobile": "closed",
    }


def test_a_managers_day_end_to_end(service: Service) -> None:
    """Plan → start/end each stop with device and carrier fixes → verdicts stored → the head's
    live subscription receives every event → a retry replays → an offline batch syncs once."""
    city = service.city
    me = service.data(
        "{ viewer { manager { id retailers(first: 20) { nodes { id position { lat lon } } } } } }",
        None,
        city.manager,
    )["viewer"]["manager"]
    shops = {s["id"]: s for s in me["retailers"]["nodes"]}

    # 1. plan the day
    planned = service.data(
        "mutation($i: VisitPlanCreateInput!) { visitPlanCreate(input: $i) { "
        "plan { id lengthM stops { seq retailer { id } } } userErrors { message } } }",
        {
            "i": {
                "managerId": me["id"],
                "date": PLAN_DAY.isoformat(),
                "retailerIds": list(shops)[:5],
            }
        },
        city.manager,
    )["visitPlanCreate"]
    assert planned["userErrors"] == []
    stops = planned["plan"]["stops"]
    assert [s["seq"] for s in stops] == list(range(1, len(stops) + 1))
    assert len(stops) >= 3
    assert planned["plan"]["lengthM"] > 0

    visits_before = service.data(COUNT, {"m": [me["id"]]}, city.head)["visits"]["totalCount"]

    with service.client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
        # 2. the department head opens the live dashboard
        ws.send_json({"type": "connection_init", "payload": service.headers(city.head)})
        assert _receive(ws)["type"] == "connection_ack"
        ws.send_json({"id": "live", "type": "subscribe", "payload": {"query": EVENTS}})
        _wait_for_subscriber(service)
        # a dashboard stays open for hours: it must not hold a database connection meanwhile
        assert _state(service).engine.pool.checkedout() == 0

        # 3. walk the first three stops in plan order
        walked: list[dict[str, Any]] = []
        first_start: dict[str, Any] | None = None
        for stop in stops[:3]:
            shop = shops[stop["retailer"]["id"]]
            lat, lon = shop["position"]["lat"], shop["position"]["lon"]
            service.place_phone(lat, lon)
            asked = service.carrier_requests
            variables = {
                "i": {
                    "retailerId": shop["id"],
                    "idempotencyKey": str(uuid.uuid4()),
                    "deviceFix": _fix(lat + 0.00003, lon),
                }
            }
            started = service.data(START, variables, city.manager)["visitStart"]
            assert started["userErrors"] == []
            first_start = first_start or {"variables": variables, "visit": started["visit"]}
            visit = started["visit"]
            assert service.carrier_requests > asked  # the network was asked at the press
            sources = [f["source"] for f in visit["fixes"]]
            assert sources[0] == "DEVICE_GPS"
            carrier = [f for f in visit["fixes"] if f["source"].startswith("CARRIER_")]
            assert len(carrier) == 1, visit["details"]
            evidence = carrier[0]
            assert evidence["outcomeCode"] == "OK"
            assert evidence["carrier"] in ("TELECOM", "MOBILE")
            raw = (evidence["rawRequest"] or "") + (evidence["rawAnswer"] or "")
            assert city.msisdn not in raw  # the subscriber number is never stored in clear
            assert "*******" + city.msisdn[-4:] in raw
            assert PASSWORD not in raw
            ended = service.data(
                END,
                {"i": {"visitId": visit["id"], "deviceFix": _fix(lat, lon + 0.00003)}},
                city.manager,
            )["visitEnd"]
            assert ended["userErrors"] == []
            assert ended["visit"]["endedAt"] is not None
            assert {f["source"] for f in ended["visit"]["fixes"]} >= {"DEVICE_GPS"}
            walked.append(ended["visit"])

        # 4. the head receives STARTED and ENDED for every stop, in order
        received = []
        for _ in range(2 * len(walked)):
            message = _receive(ws)
            assert message["type"] == "next", message
            received.append(message["payload"]["data"]["visitEvents"])
        assert [(e["kind"], e["visitId"]) for e in received] == [
            (kind, v["id"]) for v in walked for kind in ("STARTED", "ENDED")
        ]
        assert {e["managerId"] for e in received} == {me["id"]}
        ws.send_json({"id": "live", "type": "complete"})

    # 5. verdicts are stored: the head's review list shows exactly what the handheld saw
    stored = service.data(
        "query($m: [ID!]) { visits(filter: {managerIds: $m}, first: 50) "
        "{ nodes { id verdict dwellS fixes { source } } } }",
        {"m": [me["id"]]},
        city.head,
    )["visits"]["nodes"]
    by_id = {v["id"]: v for v in stored}
    for visit in walked:
        assert by_id[visit["id"]]["verdict"] == visit["verdict"] != "PENDING"
        assert by_id[visit["id"]]["dwellS"] == visit["dwellS"]
        assert len(by_id[visit["id"]]["fixes"]) == 4  # device + carrier, at start and at end

    # 6. a retried start (lost response) returns the same visit, creating nothing
    assert first_start is not None
    asked = service.carrier_requests
    retried = service.data(START, first_start["variables"], city.manager)["visitStart"]
    assert retried["replayed"] is True
    assert retried["visit"]["id"] == first_start["visit"]["id"]
    assert service.carrier_requests == asked

    # 7. an offline batch synced twice creates its visits once, with no carrier lookups
    morning = datetime.now(UTC) - timedelta(hours=5)
    offline = []
    for n, retailer_id in enumerate(list(shops)[10:13]):
        shop = shops[retailer_id]
        lat, lon = shop["position"]["lat"], shop["position"]["lon"]
        at = morning + timedelta(minutes=40 * n)
        offline.append(
            {
                "retailerId": retailer_id,
                "idempotencyKey": str(uuid.uuid4()),
                "startedAt": at.isoformat(),
                "startFix": _fix(lat, lon, at),
                "endedAt": (at + timedelta(minutes=15)).isoformat(),
                "endFix": _fix(lat, lon, at + timedelta(minutes=15)),
            }
        )
    asked = service.carrier_requests
    first = service.data(SYNC, {"i": {"visits": offline}}, city.manager)["visitsSync"]
    second = service.data(SYNC, {"i": {"visits": offline[::-1]}}, city.manager)["visitsSync"]
    assert [r["created"] for r in first["results"]] == [True, True, True]
    assert [r["created"] for r in second["results"]] == [False, False, False]
    first_ids = {r["idempotencyKey"]: r["visit"]["id"] for r in first["results"]}
    assert {r["idempotencyKey"]: r["visit"]["id"] for r in second["results"]} == first_ids
    assert all(r["visit"]["lateUpload"] for r in first["results"])
    assert all(f["source"] == "DEVICE_GPS" for r in first["results"] for f in r["visit"]["fixes"])
    assert service.carrier_requests == asked  # no carrier can say where the phone *was*

    visits_after = service.data(COUNT, {"m": [me["id"]]}, city.head)["visits"]["totalCount"]
    assert visits_after == visits_before + len(walked) + len(offline)


def test_a_hung_carrier_degrades_the_evidence_not_the_check_in(service: Service) -> None:
    """Both carriers hang: the check-in still completes near the locate deadline, verified on
    the device fix alone, and the evidence records why the carrier said nothing."""
    city = service.city
    shop = service.data(
        "{ viewer { manager { retailers(first: 1, after: null) "
        "{ nodes { id position { lat lon } } } } } }",
        None,
        city.manager,
    )["viewer"]["manager"]["retailers"]["nodes"][0]
    lat, lon = shop["position"]["lat"], shop["position"]["lon"]
    for server in (service.telecom, service.mobile):
        server.carrier.released.clear()
        server.carrier.behaviour = Behaviour(mode="hang")
    try:
        began = time.monotonic()
        started = service.data(
            START,
            {
                "i": {
                    "retailerId": shop["id"],
                    "idempotencyKey": str(uuid.uuid4()),
                    "deviceFix": _fix(lat, lon),
                }
            },
            city.manager,
        )["visitStart"]
        elapsed_s = time.monotonic() - began
    finally:
        for server in (service.telecom, service.mobile):
            server.carrier.behaviour = Behaviour()
            server.carrier.released.set()
    assert started["userErrors"] == []
    visit = started["visit"]
    assert visit["verdict"] == "IN_PLACE"  # the sharp device fix at the shop still proves it
    assert [f["source"] for f in visit["fixes"]] == ["DEVICE_GPS"]
    assert visit["details"]["carrier"]["outcome"] != "OK"
    # generous bound on a shared machine: the deadline plus scheduling and request overhead
    assert elapsed_s < LOCATE_DEADLINE_S + 3.0, elapsed_s


def _wait_until(condition: Callable[[], bool], what: str, timeout_s: float = 10.0) -> None:
    """Wait (bounded) for a condition another thread brings about; fail naming it."""
    give_up = time.monotonic() + timeout_s
    while time.monotonic() < give_up:
        if condition():
            return
        time.sleep(0.005)
    pytest.fail(f"never happened within {timeout_s} s: {what}")


def test_check_ins_waiting_on_slow_carriers_do_not_starve_other_requests(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More check-ins wait on a hung carrier than the database pool has connections (15), yet
    a query sent while they wait is answered, and every check-in completes once released."""
    city = service.city
    shops = service.data(
        "{ viewer { manager { retailers(first: 30) { nodes { id position { lat lon } } } } } }",
        None,
        city.manager,
    )["viewer"]["manager"]["retailers"]["nodes"]
    in_flight = 24
    pool_connections = 15  # SQLAlchemy's default pool: 5 + 10 overflow
    for server in (service.telecom, service.mobile):
        server.carrier.released.clear()
        server.carrier.behaviour = Behaviour(mode="hang")
    locator = _state(service).locator
    asking = locator.locate
    waiting: list[object] = []  # list.append is atomic: counted from the app's thread

    async def counted(*args: Any, **kwargs: Any) -> Any:
        waiting.append(args)
        return await asking(*args, **kwargs)

    monkeypatch.setattr(locator, "locate", counted)
    # The check-ins must still be waiting when counted: the module's 2 s locate deadline would
    # end the first ones while a loaded machine is still sending the last.
    state = _state(service)
    patient = replace(state.settings, locate_deadline_s=120.0, execution_timeout_s=120.0)
    monkeypatch.setattr(state, "settings", patient)

    def check_in(shop: dict[str, Any]) -> tuple[float, dict[str, Any]]:
        lat, lon = shop["position"]["lat"], shop["position"]["lon"]
        response = service.client.post(
            "/graphql",
            json={
                "query": START,
                "variables": {
                    "i": {
                        "retailerId": shop["id"],
                        "idempotencyKey": str(uuid.uuid4()),
                        "deviceFix": _fix(lat, lon),
                    }
                },
            },
            headers=service.headers(city.manager),
        )
        return response.json()

    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=in_flight) as pool:
            pending = [pool.submit(check_in, shops[k % len(shops)]) for k in range(in_flight)]
            _wait_until(
                lambda: len(waiting) >= in_flight, "every check-in waiting on a carrier", 60.0
            )
            answered = service.client.post(
                "/graphql",
                json={"query": "{ viewer { role } }"},
                headers=service.headers(city.head),
            )
            still_waiting = sum(not f.done() for f in pending)
            for server in (service.telecom, service.mobile):
                server.carrier.released.set()
            bodies = [f.result(timeout=60) for f in pending]
    finally:
        for server in (service.telecom, service.mobile):
            server.carrier.behaviour = Behaviour()
            server.carrier.released.set()
    assert answered.json()["data"] == {"viewer": {"role": "DEPARTMENT_HEAD"}}
    assert still_waiting > pool_connections, still_waiting
    assert all(body.get("errors") is None for body in bodies), bodies
    assert all(body["data"]["visitStart"]["visit"] is not None for body in bodies)


def test_two_check_ins_in_one_operation_are_both_kept(service: Service) -> None:
    """The second check-in's carrier wait must not give away the first one's unsaved work."""
    city = service.city
    shops = service.data(
        "{ viewer { manager { retailers(first: 2) { nodes { id position { lat lon } } } } } }",
        None,
        city.manager,
    )["viewer"]["manager"]["retailers"]["nodes"]
    variables = {
        f"i{n}": {
            "retailerId": shop["id"],
            "idempotencyKey": str(uuid.uuid4()),
            "deviceFix": _fix(shop["position"]["lat"], shop["position"]["lon"]),
        }
        for n, shop in enumerate(shops)
    }
    both = service.data(
        "mutation($i0: VisitStartInput!, $i1: VisitStartInput!) {"
        " a: visitStart(input: $i0) { visit { id } } b: visitStart(input: $i1) { visit { id } } }",
        variables,
        city.manager,
    )
    ids = [both["a"]["visit"]["id"], both["b"]["visit"]["id"]]
    assert ids[0] != ids[1]
    found = service.data(
        "query($a: ID!, $b: ID!) { a: node(id: $a) { ...R } b: node(id: $b) { ...R } }"
        " fragment R on Visit { id retailer { id } }",
        {"a": ids[0], "b": ids[1]},
        city.head,
    )
    assert [found["a"], found["b"]] == [
        {"id": visit_id, "retailer": {"id": shop["id"]}}
        for visit_id, shop in zip(ids, shops, strict=True)
    ]


def test_metrics_show_carrier_lookups_verdicts_and_breakers_after_the_day(
    service: Service,
) -> None:
    """After the walked day: carrier lookups by carrier and outcome, committed visit events by
    verdict, each carrier's breaker, and the check-in operations, all in one scrape."""
    text = service.client.get("/metrics").text
    lookups = re.findall(
        r'^visitgis_carrier_lookup_seconds_count\{carrier="(\w+)",outcome="(\w+)"\} (\S+)$',
        text,
        re.M,
    )
    assert any(carrier != "none" and float(n) > 0 for carrier, _, n in lookups), lookups
    started = re.findall(
        r'^visitgis_visit_events_total\{kind="STARTED",verdict="(\w+)"\} (\S+)$', text, re.M
    )
    assert sum(float(n) for _, n in started) > 0, started
    breakers = re.findall(
        r'^visitgis_carrier_breaker_open\{carrier="(\w+)",state="(\w+)"\}', text, re.M
    )
    assert {carrier for carrier, _ in breakers} == {"telecom", "mobile"}
    assert re.search(
        r'^visitgis_graphql_operation_seconds_count\{operation="\w+",type="mutation"\}', text, re.M
    )
