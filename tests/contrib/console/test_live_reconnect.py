"""The live board in real Chromium when its server goes away: its own ``visitgis serve`` is
killed (SIGKILL, as a crashed worker) and started again on the same port and database; the
session's server, on the same database, is the other worker that takes a visit meanwhile."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from tests.contrib.console.conftest import Served, serve, watching
from tests.gql.live_process import cli, free_port, stop

if TYPE_CHECKING:
    from pathlib import Path

WAIT_MS = 60_000  # a restarted server is ready in seconds; a loaded machine may take longer


def test_live_board_resumes_after_its_server_is_killed_and_restarted(
    served: Served, tmp_path: Path
) -> None:
    """Reconnecting… then reconnected: the visit made while the board was away comes replayed,
    the next one live, and no visit (nor the one both loaded and replayed) is shown twice."""
    shop = served.first_shop()
    port = free_port()
    board_server = dataclasses.replace(served, url=f"http://127.0.0.1:{port}")
    log = tmp_path / "board-server.log"
    process = serve(served.env, port, log)
    try:
        # just before the board loads: in its visits query and again in its first replay
        loaded = served.check_in(shop)
        with watching(board_server.url) as watched:
            page = watched.page
            watched.sign_in(board_server.url, served.tokens["head"], "live")
            page.wait_for_selector("#live-connection[data-connection=connected]", timeout=WAIT_MS)
            before = board_server.check_in(shop)
            page.wait_for_selector(f'li[data-visit-id="{before}"]', timeout=WAIT_MS)

            process.kill()
            process.wait()
            page.wait_for_selector("#live-connection[data-connection=reconnecting]")
            missed = served.check_in(shop)  # another worker takes it; the board is away
            process = serve(served.env, port, log)
            page.wait_for_selector(f'li[data-visit-id="{missed}"]', timeout=WAIT_MS)
            assert page.get_attribute("#live-connection", "data-connection") == "reconnected"
            heard = board_server.check_in(shop)
            page.wait_for_selector(f'li[data-visit-id="{heard}"]', timeout=WAIT_MS)

            rows = page.eval_on_selector_all(
                "#live-list li.live-row",
                "rows => rows.map((r) => [r.dataset.visitId, r.dataset.kind, r.dataset.replayed])",
            )
            # the browser logs each refused connection while the server was down
            watched.errors[:] = [e for e in watched.errors if "WebSocket connection to" not in e]
    finally:
        stop(process)
    shown = {visit_id: (kind, replayed) for visit_id, kind, replayed in rows}
    assert shown[loaded] == ("", "false")  # from the visits query, its replay skipped
    assert shown[before] == ("STARTED", "false")
    assert shown[missed] == ("STARTED", "true")
    assert shown[heard] == ("STARTED", "false")
    keys = [(visit_id, kind or "STARTED") for visit_id, kind, _ in rows]
    assert len(keys) == len(set(keys)), rows


def test_live_board_stops_when_its_token_is_refused_on_reconnect(
    served: Served, tmp_path: Path
) -> None:
    """An expired token is a refusal, not a drop: the board says so and stops; it reaches
    "failed" only by deciding not to retry (a retrying board would say "reconnecting")."""
    expired = cli(served.env, "token", "--ttl=-60", served.staff["head"]).strip().splitlines()[-1]
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path / "board-server.log"
    process = serve(served.env, port, log)
    try:
        with watching(url) as watched:
            page = watched.page
            watched.sign_in(url, served.tokens["head"], "live")
            page.wait_for_selector("#live-connection[data-connection=connected]", timeout=WAIT_MS)
            # the token the board holds runs out while it is open
            page.evaluate("(token) => sessionStorage.setItem('visitgis.token', token)", expired)
            process.kill()
            process.wait()
            page.wait_for_selector("#live-connection[data-connection=reconnecting]")
            process = serve(served.env, port, log)
            page.wait_for_selector("#live-connection[data-connection=failed]", timeout=WAIT_MS)
            assert "token expired" in (page.text_content("#status") or "")
            watched.errors[:] = [e for e in watched.errors if "WebSocket connection to" not in e]
    finally:
        stop(process)
