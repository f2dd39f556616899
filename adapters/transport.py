"""HTTP for carriers: one pool per carrier, no redirects, every exchange cut at its deadline.

Two things a plain ``requests`` session gets wrong for a carrier (issue 14):

* it follows redirects, re-posting the envelope (the account password) to whatever origin a
  ``Location`` header names; a carrier session never follows one, the caller sees the 3xx;
* its read timeout restarts with every byte, so an answer trickling one byte per few hundred
  milliseconds holds its worker thread, and the carrier's bulkhead slot, for as long as the
  sender likes. Here each exchange runs under a :class:`Watch`: at the deadline a single
  watchdog thread shuts the exchange's socket down, the blocked read returns at once and the
  worker is free, whether the bytes were trickling in the headers or in the body.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import socket
import threading
import time
from typing import TYPE_CHECKING, Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

if TYPE_CHECKING:
    from collections.abc import Iterator

    from urllib3._base_connection import BaseHTTPConnection

__all__ = ["Watch", "Watchdog", "carrier_session", "deadline_watch"]


class Watch:
    """One exchange's deadline and the socket(s) it is reading from.

    All state changes happen under one lock, so the watchdog can never shut a socket that
    has already gone back to the pool for another exchange.
    """

    __slots__ = ("_done", "_fired", "_lock", "_sockets", "deadline")

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._fired = False
        self._done = False

    @property
    def fired(self) -> bool:
        """True once the deadline cut the exchange (whatever exception the read then saw)."""
        with self._lock:
            return self._fired

    def attach(self, sock: socket.socket | None) -> None:
        """Watch ``sock`` (called on the exchange's own thread); an overdue one is cut at once."""
        if sock is None:
            return
        with self._lock:
            if self._done:
                return
            if self._fired:
                _shut(sock)
            elif sock not in self._sockets:
                self._sockets.append(sock)

    def detach(self) -> None:
        """Stop watching the sockets (their connection is going back to the pool)."""
        with self._lock:
            self._sockets.clear()

    def fire(self) -> None:
        """The deadline passed: shut every watched socket down (watchdog thread)."""
        with self._lock:
            if self._done:
                return
            self._fired = True
            for sock in self._sockets:
                _shut(sock)
            self._sockets.clear()

    def close(self) -> None:
        """The exchange is over: nothing may be cut any more."""
        with self._lock:
            self._done = True
            self._sockets.clear()


def _shut(sock: socket.socket) -> None:
    # socket.socket.shutdown, not SSLSocket's (which would drop the TLS object under the
    # reading thread): the reader wakes with EOF and fails cleanly, TLS or not.
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class Watchdog:
    """One daemon thread firing :class:`Watch` es at their deadlines (``time.monotonic``)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, Watch]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def schedule(self, watch: Watch) -> None:
        """Fire ``watch`` at its deadline unless it is closed first."""
        with self._cond:
            heapq.heappush(self._heap, (watch.deadline, next(self._order), watch))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="carrier-watchdog", daemon=True
                )
                self._thread.start()
            self._cond.notify()

    def _run(self) -> None:
        with self._cond:
            while True:
                now = time.monotonic()
                while self._heap and self._heap[0][0] <= now:
                    heapq.heappop(self._heap)[2].fire()  # a closed watch ignores it
                timeout = self._heap[0][0] - now if self._heap else None
                self._cond.wait(timeout)


_WATCHDOG = Watchdog()
_CURRENT = threading.local()


@contextlib.contextmanager
def deadline_watch(deadline: float) -> Iterator[Watch]:
    """Run the carrier-session exchange made on this thread under ``deadline``.

    Examples
    --------
    >>> with deadline_watch(time.monotonic() + 5) as watch:
    ...     pass  # session.post(...) and reading the body go here
    >>> watch.fired
    False
    """
    watch = Watch(deadline)
    previous: Watch | None = getattr(_CURRENT, "watch", None)
    _CURRENT.watch = watch
    _WATCHDOG.schedule(watch)
    try:
        yield watch
    finally:
        watch.close()
        _CURRENT.watch = previous


def _current() -> Watch | None:
    watch: Watch | None = getattr(_CURRENT, "watch", None)
    return watch


class _AttachesSocket:
    """Connection mixin: hand the socket to the thread's watch before any byte is read."""

    sock: socket.socket | None

    def getresponse(self) -> Any:
        watch = _current()
        if watch is not None:
            watch.attach(self.sock)
        return super().getresponse()  # type: ignore[misc]


class _DetachesOnReturn:
    """Pool mixin: a connection back in the pool belongs to the next exchange, not the watch."""

    def _put_conn(self, conn: BaseHTTPConnection | None) -> None:
        watch = _current()
        if watch is not None:
            watch.detach()
        super()._put_conn(conn)  # type: ignore[misc]


class _WatchedHTTPConnection(_AttachesSocket, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_AttachesSocket, HTTPSConnection):
    pass


class _WatchedPool(_DetachesOnReturn, HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(_DetachesOnReturn, HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


class _CarrierAdapter(HTTPAdapter):
    """requests' adapter over the watched pools."""

    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any
    ) -> None:
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _WatchedPool, "https": _WatchedHTTPSPool}


class _CarrierSession(requests.Session):
    """A session that never follows a redirect, whatever the caller passes."""

    def get_redirect_target(self, resp: requests.Response) -> str | None:
        return None


def carrier_session(max_concurrent: int) -> requests.Session:
    """Build one session per carrier (bulkhead): its own pool, sized to the concurrency limit.

    Redirects are never followed, answers are asked for uncompressed (a compressed answer
    could inflate past the body limit before it is counted), proxies and CA bundles come
    from configuration rather than the environment.
    """
    session = _CarrierSession()
    adapter = _CarrierAdapter(pool_connections=1, pool_maxsize=max_concurrent, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.trust_env = False
    session.max_redirects = 0
    session.headers["Accept-Encoding"] = "identity"
    return session
