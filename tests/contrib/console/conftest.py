"""One real ``visitgis serve`` for the console's browser tests: the demo city with its history
(published plans, visits, audits), the console on, tokens by role; and a Chromium page that
fails the test on any console error or any request leaving the service's origin."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from tests.gql.http_app import active_staff
from tests.gql.live_process import BIN, REPO, cli, free_port, stop, wait_until_up

CHROMIUM = next(
    (p for p in (os.environ.get("VISITGIS_CHROMIUM"), shutil.which("chromium")) if p), None
)
SCREENSHOTS = os.environ.get("VISITGIS_SCREENSHOTS_DIR")
"""Where `make screenshots` wants one PNG per view (unset: none written)."""


@dataclass
class Served:
    """The running service: its URL, a token per role and the first manager's phone."""

    url: str
    tokens: dict[str, str]
    staff: dict[str, str]
    env: dict[str, str] = field(default_factory=dict, repr=False)
    """Its environment: `serve` starts another worker on the same database with it."""

    def gql(self, role: str, query: str, variables: dict[str, Any] | None = None) -> Any:
        """Run a document over HTTP as ``role``; insists on success."""
        answer = httpx.post(
            f"{self.url}/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {self.tokens[role]}"},
            timeout=120,
        ).json()
        assert not answer.get("errors"), answer["errors"]
        return answer["data"]

    def first_shop(self) -> dict[str, Any]:
        """The department manager's first retailer: its id and position."""
        return self.gql(
            "department_manager",
            "{ viewer { manager { retailers(first: 1) { nodes { id position { lat lon } } } } } }",
        )["viewer"]["manager"]["retailers"]["nodes"][0]

    def check_in(self, shop: dict[str, Any]) -> str:
        """The department manager starts a visit at ``shop`` through this server; its id."""
        fix = {**shop["position"], "accuracyM": 8.0, "capturedAt": datetime.now(UTC).isoformat()}
        started = self.gql(
            "department_manager",
            "mutation($i: VisitStartInput!) { visitStart(input: $i) { userErrors { message } "
            "visit { id } } }",
            {
                "i": {
                    "retailerId": shop["id"],
                    "idempotencyKey": str(uuid.uuid4()),
                    "deviceFix": fix,
                }
            },
        )["visitStart"]
        assert started["userErrors"] == []
        return str(started["visit"]["id"])


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """``visitgis serve`` with the console on, the demo city and its eight weeks of history."""
    tmp = tmp_path_factory.mktemp("console")
    database_url = f"sqlite:///{tmp / 'console.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("VISITGIS_")}
    env |= {
        "VISITGIS_DATABASE_URL": database_url,
        "VISITGIS_MODE": "development",
        "VISITGIS_CONSOLE_DIR": str(REPO / "contrib" / "console"),
    }  # the default rate limits stay on: the console must work within them
    cli(env, "db", "upgrade")
    # eight weeks of history: about 90 s on a quiet machine, over 300 s on a loaded one
    cli(env, "demo", "seed", "--seed", "7", timeout_s=1200.0)
    engine = sa.create_engine(database_url)
    try:
        staff = active_staff(engine)
    finally:
        engine.dispose()
    head = next(r for r in staff if r.role == "DEPARTMENT_HEAD")
    chosen = {
        "manager": next(r.staff_no for r in staff if r.role == "ACCOUNT_MANAGER"),
        "head": head.staff_no,
        "department_manager": next(
            r.staff_no
            for r in staff
            if r.role == "ACCOUNT_MANAGER" and r.department_id == head.department_id
        ),
        "marketing": next(r.staff_no for r in staff if r.role == "MARKETING"),
    }
    tokens = {role: cli(env, "token", no).strip().splitlines()[-1] for role, no in chosen.items()}
    port = free_port()
    server = serve(env, port, tmp / "server.log")
    try:
        yield Served(f"http://127.0.0.1:{port}", tokens, chosen, env)
    finally:
        stop(server)


def serve(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    """``visitgis serve`` on ``port`` with ``env``, once it answers ``/readyz``."""
    with log.open("ab") as out:
        server = subprocess.Popen(
            [str(BIN / "visitgis"), "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=log.parent, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_until_up(f"http://127.0.0.1:{port}/readyz", server, log)
    except BaseException:
        stop(server)
        raise
    return server


@dataclass
class Watched:
    """A page and what went wrong on it."""

    page: Any
    errors: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    sockets: list[str] = field(default_factory=list)

    def sign_in(self, url: str, token: str, view: str) -> None:
        """Open the console at ``view`` (a hash route) and paste the token."""
        self.page.goto(f"{url}/console/#/{view}")
        self.page.fill("#token", token)
        self.page.click("#signin")

    def rendered(self, name: str) -> None:
        """Wait until the view says it has drawn."""
        self.page.wait_for_selector(f"body[data-rendered={name}]", timeout=60_000)

    def count(self, kind: str) -> int:
        """Features of the view's layer: Marker, CircleMarker, Polyline (lines) or Polygon."""
        return int(
            self.page.evaluate(
                """(kind) => visitgis.layer.getLayers().filter((l) => {
                  if (kind === "Polygon") return l instanceof L.Polygon;
                  if (kind === "Polyline")
                    return l instanceof L.Polyline && !(l instanceof L.Polygon);
                  if (kind === "CircleMarker") return l instanceof L.CircleMarker;
                  return l instanceof L.Marker; }).length""",
                kind,
            )
        )

    def screenshot(self, name: str) -> None:
        """One PNG per view for docs/console/ when `make screenshots` asks."""
        if SCREENSHOTS:
            Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"))


@pytest.fixture
def watched(served: Served) -> Iterator[Watched]:
    """A fresh page in headless Chromium, same-origin only, console errors collected."""
    with watching(served.url) as watch:
        yield watch


@contextlib.contextmanager
def watching(url: str) -> Iterator[Watched]:
    """A page in headless Chromium that may reach only ``url``'s origin; on the way out no
    console error (empty ``errors`` first of those a test expects), no foreign request."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    if CHROMIUM is None:
        pytest.skip("no Chromium found (make browser installs it; CI runs these tests)")
    origin = url + "/"
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            watch = Watched(page)

            def console_error(message: Any) -> None:
                # a 429 is the API's cost budget at work: the console waits and retries it
                if message.type == "error" and "429 (Too Many Requests)" not in message.text:
                    watch.errors.append(message.text)

            page.on("console", console_error)
            page.on("pageerror", lambda e: watch.errors.append(str(e)))
            page.on("websocket", lambda ws: watch.sockets.append(ws.url))

            def guard(route: Any) -> None:
                if route.request.url.startswith(origin):
                    route.continue_()
                else:
                    watch.foreign.append(route.request.url)
                    route.abort()

            page.route("**/*", guard)
            yield watch
            assert watch.errors == []
            assert watch.foreign == []
            ws_origin = origin.replace("http://", "ws://")
            assert all(url.startswith(ws_origin) for url in watch.sockets), watch.sockets
        finally:
            browser.close()
