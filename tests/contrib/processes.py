"""Child processes for the contrib tests: free ports, bounded polling, certain teardown."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_ports(count: int) -> list[int]:
    """``count`` distinct ports the kernel just handed out on loopback (then released)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def poll(condition: Callable[[], bool], *, timeout_s: float, what: str) -> None:
    """Wait until ``condition()`` holds, checking every 0.1 s, failing after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout_s:.0f} s")
        time.sleep(0.1)


def own_env(**extra: str) -> dict[str, str]:
    """This process's environment without any ``VISITGIS_*`` setting, plus ``extra``."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("VISITGIS_")}
    return {**inherited, **extra}


class Output:
    """Everything a child prints (stdout and stderr), line by line, as it comes."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self._proc = proc
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def close(self) -> None:
        """After the child is gone: read what is left and close the pipe."""
        self._reader.join(timeout=10)
        assert self._proc.stdout is not None
        self._proc.stdout.close()

    def wait_for(self, text: str, *, timeout_s: float) -> str:
        """The first line containing ``text``; fails if the child exits or time runs out."""

        def seen() -> bool:
            if any(text in line for line in self.lines):
                return True
            if self._proc.poll() is not None:
                self._reader.join(timeout=5)
                if not any(text in line for line in self.lines):
                    tail = "\n".join(self.lines[-30:])
                    raise AssertionError(f"exited before printing {text!r}:\n{tail}")
            return False

        poll(seen, timeout_s=timeout_s, what=f"a line with {text!r}")
        return next(line for line in self.lines if text in line)


@contextlib.contextmanager
def child(
    argv: list[str], *, env: dict[str, str] | None = None
) -> Iterator[tuple[subprocess.Popen[str], Output]]:
    """``argv`` run from the repository root in its own process group, its output read as
    it comes; the whole group is killed on the way out, whatever happened."""
    proc = subprocess.Popen(
        argv,
        cwd=ROOT,
        env=env if env is not None else dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    output = Output(proc)
    try:
        yield proc, output
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        output.close()
