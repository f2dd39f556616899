"""Run a mock carrier app with uvicorn in a background thread (tests, demos)."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import TYPE_CHECKING

import uvicorn

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from .state import CarrierState


class MockCarrierServer:
    """A uvicorn server on ``host`` (ephemeral port by default) in a daemon thread.

    Use as a context manager; ``url`` is the base URL once started. Stopping releases any
    request held by the ``hang`` switch so shutdown is prompt.
    """

    def __init__(self, app: Starlette, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.app = app
        self.carrier: CarrierState = app.state.carrier
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            log_level="warning",
            lifespan="off",
            timeout_graceful_shutdown=2,
            limit_concurrency=1000,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._run, name="mock-carrier", daemon=True)
        self.host = host
        self.port = port

    def _run(self) -> None:
        asyncio.run(self._server.serve())

    def start(self, timeout_s: float = 10.0) -> MockCarrierServer:
        """Start serving and wait until the socket is bound."""
        self._thread.start()
        deadline = time.monotonic() + timeout_s
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("mock carrier failed to start")
            time.sleep(0.01)
        self.port = self._server.servers[0].sockets[0].getsockname()[1]
        return self

    @property
    def url(self) -> str:
        """``http://host:port``."""
        return f"http://{self.host}:{self.port}"

    def stop(self) -> None:
        """Release hung requests and shut the server down."""
        self.carrier.released.set()
        self._server.should_exit = True
        self._thread.join(timeout=10)

    def __enter__(self) -> MockCarrierServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
