"""The heavy lane's worker processes, against the real server (``visitgis serve`` under uvicorn).

An expensive query is answered by a worker process with its own interpreter, so its CPU never
holds the serving process's GIL (issue 14); the workers must never outlive the server, whether it
stops gracefully or is killed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from gql.process_lane import LANE_NICENESS
from tests.gql.http_app import active_staff
from tests.gql.live_process import BIN, cli, free_port, wait_until_up

GONE_TIMEOUT_S = 30.0
QUERY = "{ retailers(first: 5) { nodes { id name manager { name } } } }"


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, str], str]:
    """A migrated, seeded SQLite city; the environment to serve it and a marketing token."""
    tmp = tmp_path_factory.mktemp("process-lane")
    database_url = f"sqlite:///{tmp / 'lane.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("VISITGIS_")}
    env |= {
        "VISITGIS_DATABASE_URL": database_url,
        "VISITGIS_MODE": "development",
        "VISITGIS_HEAVY_QUERY_COST": "1",  # every query is expensive: all go to the lane
        # a lane worker's first query imports the service: over 10 s on a loaded machine
        "VISITGIS_EXECUTION_TIMEOUT_S": "120",
    }
    cli(env, "db", "upgrade")
    cli(env, "demo", "seed", "--seed", "7", "--no-history")
    engine = sa.create_engine(database_url)
    try:
        marketing = next(r for r in active_staff(engine) if r.role == "MARKETING")
    finally:
        engine.dispose()
    return env, cli(env, "token", marketing.staff_no).strip().splitlines()[-1]


@contextlib.contextmanager
def _server(env: dict[str, str], log: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """``visitgis serve`` on a free port until ready; killed at the end if still running."""
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(BIN / "visitgis"), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{url}/readyz", process, log)
        yield process, url
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _lane_workers(server_pid: int) -> list[int]:
    """The server's children that run the lane (multiprocessing's spawned interpreters)."""
    found = subprocess.run(
        ["pgrep", "-P", str(server_pid), "-f", "multiprocessing.spawn"],
        capture_output=True,
        text=True,
        check=False,
    )
    return [int(pid) for pid in found.stdout.split()]


def _niceness(pid: int) -> int:
    """The process's nice value (field 19 of /proc/<pid>/stat)."""
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has ended; only its parent's wait is missing


def _wait_gone(pids: list[int]) -> list[int]:
    """Poll (bounded) until every process ended; the ones still alive at the deadline."""
    deadline = time.monotonic() + GONE_TIMEOUT_S
    while (alive := [pid for pid in pids if _alive(pid)]) and time.monotonic() < deadline:
        time.sleep(0.05)
    return alive


def _ask(url: str, token: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.post(f"{url}/graphql", json={"query": QUERY}, headers=headers, timeout=60)


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "kill-9"])
def test_expensive_queries_run_in_worker_processes_that_end_with_the_server(
    city: tuple[dict[str, str], str], tmp_path: Path, stop: signal.Signals
) -> None:
    """The lane's worker answers; stopped gracefully or killed, the server leaves none behind."""
    env, token = city
    with _server(env, tmp_path / "server.log") as (process, url):
        workers = _lane_workers(process.pid)
        assert len(workers) == 1  # started with the server, before any query
        response = _ask(url, token)
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body
        assert len(body["data"]["retailers"]["nodes"]) == 5
        assert _lane_workers(process.pid) == workers  # the same worker answered
        # it yields the CPU to the serving process (cheap requests) on a busy host
        assert _niceness(workers[0]) == min(19, _niceness(process.pid) + LANE_NICENESS)
        process.send_signal(stop)
        process.wait(timeout=60)
        assert _wait_gone(workers) == []


def test_a_killed_worker_is_a_503_once_and_the_lane_restarts(
    city: tuple[dict[str, str], str], tmp_path: Path
) -> None:
    """A lane worker killed (OOM killer, operator) costs one clear 503, not a dead lane."""
    env, token = city
    with _server(env, tmp_path / "server.log") as (process, url):
        (worker,) = _lane_workers(process.pid)
        os.kill(worker, signal.SIGKILL)
        assert _wait_gone([worker]) == []
        refused = _ask(url, token)
        assert refused.status_code == 503, refused.text
        assert refused.json()["errors"][0]["extensions"]["code"] == "SERVICE_UNAVAILABLE"
        answered = _ask(url, token)
        assert answered.status_code == 200, answered.text
        assert len(answered.json()["data"]["retailers"]["nodes"]) == 5
        (restarted,) = _lane_workers(process.pid)
        assert restarted != worker
