"""``make run`` once the database is ready: the mock carriers, the demo tokens, the service.

    .venv/bin/python -m contrib.demo.run --host 127.0.0.1 --port 8000 \
        --telecom-port 8701 --mobile-port 8702

The service is pointed at the mocks on the ports given (a region file written into the data
folder, unless ``VISITGIS_CARRIERS_FILE`` names one). GraphiQL's address and the walk-the-day
command are printed only once ``/readyz`` says ready; until then it says it is warming up.
Ctrl-C or SIGTERM stops the service and the mocks together.
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from .region import MOCK_HOST, write_region

if TYPE_CHECKING:
    from types import FrameType

POLL_S = 0.5
MOCKS_UP_S = 60.0
NOTICE_EVERY_S = 30.0
STOP_GRACE_S = 10.0


def _env_port(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=_env_port("PORT", 8000))
    parser.add_argument(
        "--telecom-port", type=int, default=_env_port("VISITGIS_MOCK_TELECOM_PORT", 8701)
    )
    parser.add_argument(
        "--mobile-port", type=int, default=_env_port("VISITGIS_MOCK_MOBILE_PORT", 8702)
    )
    parser.add_argument(
        "--ready-timeout-s",
        type=float,
        default=900.0,
        help="give up waiting for /readyz after this long (the service keeps running)",
    )
    return parser.parse_args(argv)


def url_host(host: str) -> str:
    """How a browser on this machine reaches a server bound to ``host``."""
    if host in ("", "0.0.0.0"):  # a wildcard bind is reached on loopback
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    with contextlib.suppress(ValueError):
        if ipaddress.ip_address(host).version == 6:
            return f"[{host}]"
    return host


def _port_taken(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def _manager(tokens: str) -> tuple[str, str]:
    """The first account manager's bearer token and phone from ``visitgis demo tokens``."""
    lines = tokens.splitlines()
    for n, line in enumerate(lines):
        if line.startswith("ACCOUNT_MANAGER") and n + 2 < len(lines):
            return lines[n + 1].split()[1], lines[n + 2].split()[1]
    raise SystemExit("visitgis demo tokens printed no account manager; is the demo seeded?")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=STOP_GRACE_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _relay(server: subprocess.Popen[bytes]) -> None:
    """Pass the server's output on, all but its own early "GraphiQL:" line (we print that once
    the service is ready)."""
    assert server.stdout is not None
    for line in server.stdout:
        if not line.startswith(b"GraphiQL:"):
            sys.stdout.buffer.write(line)
            sys.stdout.flush()


def _wait_ready(base: str, server: subprocess.Popen[bytes], timeout_s: float) -> bool:
    """Poll ``/readyz`` until ready (True), the server exits or ``timeout_s`` passes (False)."""
    started = time.monotonic()
    last_notice = None
    while server.poll() is None:
        if _answers(f"{base}/readyz"):
            return True
        waited = time.monotonic() - started
        if waited > timeout_s:
            print(f"not ready after {waited:.0f} s; still serving, see {base}/readyz", flush=True)
            return False
        if last_notice is None:
            print(
                "warming up: the service compiles its routing kernels (a minute or two on the "
                "first start, seconds later); GraphiQL's address follows once /readyz is ready",
                flush=True,
            )
            last_notice = waited
        elif waited - last_notice >= NOTICE_EVERY_S:
            print(f"still warming up ({waited:.0f} s)", flush=True)
            last_notice = waited
        time.sleep(POLL_S)
    return False


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    python = sys.executable
    visitgis = str(Path(python).with_name("visitgis"))
    wanted = [(args.host, args.port), (MOCK_HOST, args.telecom_port), (MOCK_HOST, args.mobile_port)]
    for host, port in wanted:
        if _port_taken(host, port):
            print(
                f"port {port} on {host} is in use (another `make run`?); choose others with "
                "PORT=…, VISITGIS_MOCK_TELECOM_PORT=…, VISITGIS_MOCK_MOBILE_PORT=…",
                file=sys.stderr,
            )
            return 2
    env = dict(os.environ)
    if not env.get("VISITGIS_CARRIERS_FILE"):
        data_dir = Path(env.get("VISITGIS_DATA_DIR") or "var")
        region = write_region(
            data_dir / "demo_region.toml",
            telecom_port=args.telecom_port,
            mobile_port=args.mobile_port,
        )
        env["VISITGIS_CARRIERS_FILE"] = str(region)
    env.setdefault("VISITGIS_CARRIER_PASSWORD", "CHANGE-ME")
    env.setdefault("VISITGIS_CONSOLE_DIR", str(Path(__file__).resolve().parent.parent / "console"))
    telecom, mobile = (f"http://{MOCK_HOST}:{p}" for p in (args.telecom_port, args.mobile_port))
    print(f"carriers file: {env['VISITGIS_CARRIERS_FILE']}", flush=True)

    def _terminate(signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, _terminate)
    children: list[subprocess.Popen[bytes]] = []
    try:
        mocks_args = [
            "--telecom-port",
            str(args.telecom_port),
            "--mobile-port",
            str(args.mobile_port),
        ]
        mocks = subprocess.Popen(
            [python, "-m", "contrib.mock_carriers", "--host", MOCK_HOST, *mocks_args], env=env
        )
        children.append(mocks)
        deadline = time.monotonic() + MOCKS_UP_S
        while not all(_answers(f"{m}/_mock/behaviour") for m in (telecom, mobile)):
            if mocks.poll() is not None or time.monotonic() > deadline:
                print("the mock carriers did not start; see above", file=sys.stderr)
                return 1
            time.sleep(POLL_S / 5)
        print(f"mock carriers: telecom {telecom}  mobile {mobile}", flush=True)

        tokens = subprocess.run(
            [visitgis, "demo", "tokens"], env=env, check=True, text=True, stdout=subprocess.PIPE
        ).stdout
        token, phone = _manager(tokens)
        print("\nDemo bearer tokens (send as 'Authorization: Bearer <token>'):", flush=True)
        print(tokens, flush=True)

        server = subprocess.Popen(
            [visitgis, "serve", "--host", args.host, "--port", str(args.port)],
            env=env,
            stdout=subprocess.PIPE,
        )
        children.append(server)
        threading.Thread(target=_relay, args=(server,), daemon=True).start()
        base = f"http://{url_host(args.host)}:{args.port}"
        if _wait_ready(base, server, args.ready_timeout_s):
            walk = (
                f"{os.path.relpath(python)} -m contrib.demo.walk_day --url {base} "
                f"--token {token} --msisdn {phone} --telecom {telecom} --mobile {mobile}"
            )
            print(
                f"\nready.\nWalk a manager's day (plan, then check in and out through the mock "
                f"carriers):\n  {walk}\n"
                f"GraphiQL: {base}/graphql   (set the Authorization header in GraphiQL's "
                "headers tab)\n"
                f"Console: {base}/console/   (paste a token above to sign in)",
                flush=True,
            )
        return server.wait()
    except KeyboardInterrupt:
        return 130
    finally:
        for proc in reversed(children):
            _stop(proc)


if __name__ == "__main__":
    sys.exit(main())
