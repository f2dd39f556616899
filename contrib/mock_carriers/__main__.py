"""``python -m contrib.mock_carriers``: serve both mock carriers until interrupted.

SIGTERM or SIGINT stops both servers at once, in every mode: a request held by ``hang`` is
released, and anything still streaming (``drip``) is cut after a short grace period.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
from typing import TYPE_CHECKING

import uvicorn

from .lean import serve_lean
from .mobile import mobile_app
from .state import mobile_state, telecom_state
from .telecom import telecom_app

if TYPE_CHECKING:
    from collections.abc import Iterator

    from starlette.applications import Starlette

    from .state import CarrierState

GRACE_S = 2  # how long an answer still streaming may take once we are told to stop


class _Server(uvicorn.Server):
    """A uvicorn server that leaves the signals to :func:`main`.

    uvicorn installs its handlers per server, so with two servers in one process the second
    replaces the first; ``main`` installs one handler that stops both.
    """

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--telecom-port", type=int, default=8701)
    parser.add_argument("--mobile-port", type=int, default=8702)
    parser.add_argument("--seed", type=int, default=7, help="seed of the position error")
    parser.add_argument("--app-id", default="YC-GIS")
    parser.add_argument("--password", default="CHANGE-ME")
    parser.add_argument(
        "--log-level",
        default="info",
        choices=["debug", "info", "warning", "error"],
        help="uvicorn's; at info each request is logged (load tests pass warning: no access log)",
    )
    parser.add_argument(
        "--lean",
        action="store_true",
        help="serve the same apps with a plain asyncio HTTP/1.1 server instead of uvicorn "
        "(load tests: less CPU per request on a shared machine; no request log)",
    )
    args = parser.parse_args(argv)
    credentials = {"seed": args.seed, "app_id": args.app_id, "password": args.password}
    states: list[CarrierState] = [telecom_state(**credentials), mobile_state(**credentials)]
    apps = [telecom_app(states[0]), mobile_app(states[1])]
    if args.lean:
        _serve_lean(apps, states, args.host, (args.telecom_port, args.mobile_port))
        return
    servers = [
        _Server(
            uvicorn.Config(
                app,
                host=args.host,
                port=port,
                log_level=args.log_level,
                access_log=args.log_level in ("debug", "info"),
                timeout_graceful_shutdown=GRACE_S,
            )
        )
        for app, port in zip(apps, (args.telecom_port, args.mobile_port), strict=True)
    ]
    print(
        f"telecom: http://{args.host}:{args.telecom_port}/saye/services/Location?wsdl\n"
        f"mobile:  http://{args.host}:{args.mobile_port}/websrvzjdw/service.asmx?wsdl",
        flush=True,
    )

    def stop() -> None:
        for state in states:
            state.released.set()  # a request held by ``hang`` answers now
        for server in servers:
            if server.should_exit:  # a second signal: do not wait for anything
                server.force_exit = True
            server.should_exit = True

    async def serve() -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop)
        await asyncio.gather(*(server.serve() for server in servers))

    asyncio.run(serve())


def _serve_lean(
    apps: list[Starlette], states: list[CarrierState], host: str, ports: tuple[int, int]
) -> None:
    """Both apps on :func:`~contrib.mock_carriers.lean.serve_lean` until SIGINT or SIGTERM."""

    async def serve() -> None:
        stopped = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stopped.set)
        servers = [await serve_lean(app, host, port) for app, port in zip(apps, ports, strict=True)]
        print(f"lean mock carriers on {host}:{ports[0]} and {host}:{ports[1]}", flush=True)
        await stopped.wait()
        for state in states:
            state.released.set()
        for server in servers:
            server.close()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
