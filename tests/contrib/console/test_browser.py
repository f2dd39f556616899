"""The console in a real headless Chromium against a real ``visitgis serve`` on the demo city.

Counts the map layer's markers (not pixels), fails on any console error and on any request that
leaves the service's origin, and reports the day view's first render time (performance API).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator

import httpx
import pytest
import sqlalchemy as sa

from tests.gql.http_app import active_staff
from tests.gql.live_process import BIN, REPO, cli, free_port, stop, wait_until_up

CHROMIUM = next(
    (p for p in (os.environ.get("VISITGIS_CHROMIUM"), shutil.which("chromium")) if p), None
)
playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no Chromium found (make browser installs it; CI runs these tests)"
)
FIRST_RENDER_BUDGET_MS = 1500.0


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """``visitgis serve`` with the console on, the demo city seeded; (base URL, manager token)."""
    tmp = tmp_path_factory.mktemp("console")
    database_url = f"sqlite:///{tmp / 'console.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("VISITGIS_")}
    env |= {
        "VISITGIS_DATABASE_URL": database_url,
        "VISITGIS_MODE": "development",
        "VISITGIS_CONSOLE_DIR": str(REPO / "contrib" / "console"),
    }
    cli(env, "db", "upgrade")
    cli(env, "demo", "seed", "--seed", "7", "--no-history")
    engine = sa.create_engine(database_url)
    try:
        manager = next(r for r in active_staff(engine) if r.role == "ACCOUNT_MANAGER")
    finally:
        engine.dispose()
    token = cli(env, "token", manager.staff_no).strip().splitlines()[-1]
    port = free_port()
    log = tmp / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [str(BIN / "visitgis"), "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=tmp, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(f"{url}/readyz", server, log)
        yield url, token
    finally:
        stop(server)


def test_day_view_draws_every_retailer_offline(served: tuple[str, str]) -> None:
    url, token = served
    expected = httpx.post(
        f"{url}/graphql",
        json={"query": "{ viewer { manager { retailers(first: 100) { nodes { id } } } } }"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    ).json()["data"]["viewer"]["manager"]["retailers"]["nodes"]
    assert expected
    errors: list[str] = []
    foreign: list[str] = []
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            page = browser.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))

            def guard(route: object) -> None:
                request = route.request  # type: ignore[attr-defined]
                if request.url.startswith(url + "/"):
                    route.continue_()  # type: ignore[attr-defined]
                else:
                    foreign.append(request.url)
                    route.abort()  # type: ignore[attr-defined]

            page.route("**/*", guard)
            page.goto(f"{url}/console/#/day")
            assert page.locator("#signin").inner_text() == "登录"
            page.fill("#token", token)
            page.click("#signin")
            page.wait_for_selector("body[data-rendered=day]", timeout=30_000)
            drawn = page.evaluate("window.visitgisConsole.countFeatures()")
            render_ms = page.evaluate(
                "performance.getEntriesByName('visitgis-day-render')[0].duration"
            )
            page.click("#lang")
            assert page.locator("#signin").inner_text() == "Sign in"
        finally:
            browser.close()
    print(f"\nconsole day view: {drawn} markers, first render {render_ms:.0f} ms (query + draw)")
    assert drawn == len(expected)
    assert render_ms <= FIRST_RENDER_BUDGET_MS
    assert errors == []
    assert foreign == []
