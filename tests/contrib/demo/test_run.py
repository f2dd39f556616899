"""``make run``'s runner (contrib/demo/run.sh → ``python -m contrib.demo.run``) on ports other
than the defaults: the service calls the mocks it started, and the printed command reaches them.

Real processes on free ports over a freshly seeded SQLite demo city: the runner starts the mock
carriers and ``visitgis serve``; the test reads what it prints, runs the printed walk-the-day
command for one stop, and stops the runner with SIGTERM, which must take its children along.
"""

from __future__ import annotations

import shlex
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from adapters import load_region_config
from tests.contrib.processes import ROOT, child, free_ports, own_env, poll

READY_WITHIN_S = 600.0  # a fresh clone compiles every kernel first (minutes on a loaded machine)
WALK_WITHIN_S = 300.0
STOP_WITHIN_S = 30.0


def _visitgis(*args: str, env: dict[str, str]) -> None:
    visitgis = str(Path(sys.executable).with_name("visitgis"))
    subprocess.run([visitgis, *args], env=env, cwd=ROOT, check=True, timeout=300)


def _listening(port: int) -> bool:
    try:
        httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
    except httpx.TransportError:
        return False
    return True


def _requests_seen(base: str) -> int:
    return int(httpx.get(f"{base}/_mock/behaviour", timeout=5).json()["requests_seen"])


@pytest.fixture(scope="module")
def seeded_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of a fresh SQLite demo city (whatever the suite's own database is)."""
    env = own_env(VISITGIS_DATA_DIR=str(tmp_path_factory.mktemp("run") / "var"))
    _visitgis("db", "upgrade", env=env)
    _visitgis("demo", "seed", "--seed", "7", "--if-empty", "--no-history", env=env)
    return env


def test_run_points_the_service_and_the_walk_at_the_ports_it_was_given(
    seeded_env: dict[str, str],
) -> None:
    port, telecom_port, mobile_port = free_ports(3)
    telecom, mobile = (f"http://127.0.0.1:{p}" for p in (telecom_port, mobile_port))
    env = {
        **seeded_env,
        "VISITGIS_MOCK_TELECOM_PORT": str(telecom_port),
        "VISITGIS_MOCK_MOBILE_PORT": str(mobile_port),
    }
    with child(["bash", "contrib/demo/run.sh", "127.0.0.1", str(port)], env=env) as (proc, out):
        walk_line = out.wait_for("contrib.demo.walk_day", timeout_s=READY_WITHIN_S)
        graphiql_line = out.wait_for("GraphiQL:", timeout_s=10)

        # GraphiQL's address comes once, after ready, never while the kernels compile
        ready_at = out.lines.index("ready.")
        graphiql_lines = [n for n, line in enumerate(out.lines) if line.startswith("GraphiQL:")]
        assert graphiql_lines == [out.lines.index(graphiql_line)]
        assert graphiql_lines[0] > ready_at
        assert f"http://127.0.0.1:{port}/graphql" in graphiql_line
        assert httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5).status_code == 200

        # the service was given a region file pointing at the mocks' ports
        carriers_file = out.wait_for("carriers file:", timeout_s=1).split(":", 1)[1].strip()
        region = load_region_config(
            Path(ROOT, carriers_file), environ={"VISITGIS_CARRIER_PASSWORD": "CHANGE-ME"}
        )
        endpoints = {cfg.id: urlsplit(cfg.endpoint) for cfg in region.carriers}
        assert {cid: (e.hostname, e.port) for cid, e in endpoints.items()} == {
            "telecom": ("127.0.0.1", telecom_port),
            "mobile": ("127.0.0.1", mobile_port),
        }

        # the printed command names the service's and the mocks' ports ...
        walk = shlex.split(walk_line)
        for flag, value in (
            ("--url", f"http://127.0.0.1:{port}"),
            ("--telecom", telecom),
            ("--mobile", mobile),
        ):
            assert walk[walk.index(flag) + 1] == value
        # ... and run as printed (one stop), the check-in goes through the mock on the new port
        before = _requests_seen(telecom) + _requests_seen(mobile)
        walked = subprocess.run(
            [*walk, "--stops", "1"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=WALK_WITHIN_S,
            check=False,
        )
        assert walked.returncode == 0, walked.stdout + walked.stderr
        assert "start IN_PLACE" in walked.stdout
        assert _requests_seen(telecom) + _requests_seen(mobile) > before

        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=STOP_WITHIN_S)
        for p in (port, telecom_port, mobile_port):  # the service and both mocks went with it
            poll(lambda p=p: not _listening(p), timeout_s=STOP_WITHIN_S, what=f"port {p} freed")
