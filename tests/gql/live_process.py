"""Real processes for tests: free loopback ports, the ``visitgis`` CLI, start and stop.

Shared by the tests that run ``visitgis serve`` under uvicorn (live events, the heavy lane's
worker processes, the console in Chromium) instead of the in-process TestClient.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

__all__ = ["BIN", "READY_TIMEOUT_S", "REPO", "cli", "free_port", "stop", "wait_until_up"]

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
READY_TIMEOUT_S = 600.0  # a fresh checkout compiles the numba kernels before /readyz says ready


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cli(env: dict[str, str], *args: str, timeout_s: float = 300.0) -> str:
    """Run ``visitgis …`` with ``env``; its stdout (the test fails on a non-zero exit)."""
    done = subprocess.run(
        [str(BIN / "visitgis"), *args], env=env, capture_output=True, text=True, timeout=timeout_s
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Poll ``url`` (bounded) until it answers 200; fail at once if the process died."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{url}: the process exited ({process.returncode}):\n{log.read_text()}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2).status_code == 200:
                return
        time.sleep(0.1)
    pytest.fail(f"{url} not ready within {READY_TIMEOUT_S:g} s:\n{log.read_text()[-4000:]}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL if it has not ended within 15 s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
