"""Keep-alive connections spread evenly over the API workers of one port.

With ``SO_REUSEPORT`` (:mod:`gql.supervisor`) the kernel hands each new connection to a worker
by a hash of its addresses, and a handheld keeps its connection for the whole morning. The split
is therefore binomial: 60 handhelds over two workers land 30 ± 4 each, and a sweep once ran at
21/48. The fuller worker reaches its latency bound while the other still has room, so two workers
carry less than twice one (issue 19). Each worker publishes how many connections it holds in a
small file shared by the workers of one ``visitgis serve --workers N``; a worker holding more than
its fair share plus a slack answers the next request with ``Connection: close`` (at most one
every :data:`SHED_INTERVAL_S`), and the client, as any HTTP client does, opens a new connection,
which the kernel hashes afresh. The split then stays within the slack of even. WebSockets are
counted but never closed: a live board keeps its socket.
"""

from __future__ import annotations

import mmap
import os
import struct
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "SHED_INTERVAL_S",
    "BalanceConnections",
    "ConnectionBalancer",
    "SharedCounts",
    "current_balancer",
    "install_balancer",
]

SHED_INTERVAL_S = 0.2
"""A worker closes at most one connection this often: a closed connection leaves the count only
once its client has read the answer and hung up, so closing on every answer of a burst would
shed far more than the surplus."""

_SLOT = struct.Struct("<q")


class SharedCounts:
    """One signed 64-bit count per worker in a file every worker maps (aligned, one writer each)."""

    def __init__(self, path: Path, workers: int) -> None:
        self.workers = workers
        with open(path, "r+b") as file:
            self._map = mmap.mmap(file.fileno(), workers * _SLOT.size)

    @classmethod
    def create(cls, path: Path, workers: int) -> SharedCounts:
        """A new file of ``workers`` zero counts at ``path``."""
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, bytes(workers * _SLOT.size))
        finally:
            os.close(fd)
        return cls(path, workers)

    def set(self, index: int, count: int) -> None:
        """Publish worker ``index``'s count."""
        _SLOT.pack_into(self._map, index * _SLOT.size, count)

    def all(self) -> list[int]:
        """Every worker's last published count."""
        return [_SLOT.unpack_from(self._map, i * _SLOT.size)[0] for i in range(self.workers)]


class ConnectionBalancer:
    """One worker's decision to close a connection after its answer."""

    def __init__(
        self,
        counts: SharedCounts,
        index: int,
        held: Callable[[], int],
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not 0 <= index < counts.workers:
            raise ValueError(f"worker index {index} outside 0..{counts.workers - 1}")
        self._counts = counts
        self._index = index
        self._held = held
        self._clock = clock
        self._last_shed = float("-inf")
        self.shed = 0
        """Connections this worker has closed to even out the split."""
        counts.set(index, 0)  # a replacement starts empty, whatever its predecessor held

    def should_close(self) -> bool:
        """Publish this worker's count; whether the answer about to go out closes its connection.

        It does when this worker holds more than its fair share plus the slack.
        """
        mine = self._held()
        self._counts.set(self._index, mine)
        counts = self._counts.all()
        fair = sum(counts) / len(counts)
        if mine <= fair + max(1.0, 0.05 * fair):
            return False
        now = self._clock()
        if now - self._last_shed < SHED_INTERVAL_S:
            return False
        self._last_shed = now
        self.shed += 1
        return True


_current: ConnectionBalancer | None = None


def install_balancer(balancer: ConnectionBalancer | None) -> None:
    """Make ``balancer`` this process's (a worker does so before its server starts)."""
    global _current  # one per process, set once by the worker's start-up
    _current = balancer


def current_balancer() -> ConnectionBalancer | None:
    """The balancer of this process; ``None`` outside ``visitgis serve --workers N``."""
    return _current


class BalanceConnections:
    """ASGI middleware: ``Connection: close`` on an HTTP answer when this worker sheds one."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; mark its answer to close the connection if the worker sheds."""
        balancer = current_balancer()
        if scope["type"] != "http" or balancer is None:
            await self._app(scope, receive, send)
            return

        async def send_closing(message: Message) -> None:
            if message["type"] == "http.response.start" and balancer.should_close():
                message = {**message, "headers": [*message.get("headers", []), _CLOSE]}
            await send(message)

        await self._app(scope, receive, send_closing)


_CLOSE = (b"connection", b"close")
