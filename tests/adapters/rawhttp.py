"""A bare TCP carrier for the tests that need control below HTTP: resets, trickles, redirects.

uvicorn (the mock carriers) always frames its answers properly; an attacker does not. Each
connection is handed to a script that reads the request and writes whatever bytes it likes,
one byte at a time or ending in a TCP reset.
"""

from __future__ import annotations

import contextlib
import fcntl
import socket
import ssl
import struct
import termios
import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable


class RawCarrier:
    """A TCP server on 127.0.0.1 (ephemeral port) running ``script`` per connection.

    ``requests_seen`` counts complete requests read; ``bodies`` keeps their bodies, so a test
    can prove a credential-bearing envelope never reached this server.
    """

    def __init__(
        self,
        script: Callable[[RawCarrier, socket.socket, int], None],
        *,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.script = script
        self.tls = tls
        self.stopping = threading.Event()
        self.requests_seen = 0
        self.bodies: list[bytes] = []
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self._threads: list[threading.Thread] = []
        self._conns: list[socket.socket] = []
        self._acceptor = threading.Thread(target=self._accept, name="raw-carrier", daemon=True)

    @property
    def url(self) -> str:
        """``http://127.0.0.1:port`` (``https`` when serving TLS)."""
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def __enter__(self) -> RawCarrier:
        self._acceptor.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stopping.set()
        self._acceptor.join(5)
        for conn in list(self._conns):
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)  # wake threads waiting for a next request
        for thread in list(self._threads):
            thread.join(5)
        self._listener.close()

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._conns.append(conn)
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(5)
            if self.tls is not None:
                conn = self.tls.wrap_socket(conn, server_side=True)
                self._conns.append(conn)
            while not self.stopping.is_set():
                body = read_request(conn)
                if body is None:
                    return
                with self._lock:
                    self.requests_seen += 1
                    index = self.requests_seen
                    self.bodies.append(body)
                self.script(self, conn, index)
        except OSError:
            pass  # the client went away: what a cut-off trickle looks like from here
        finally:
            conn.close()


def read_request(conn: socket.socket) -> bytes | None:
    """Read one HTTP request; return its body (None when the client closed first)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        body += chunk
    return body


def answer(conn: socket.socket, body: bytes, *, status: str = "200 OK", extra: str = "") -> None:
    """Write a complete, well-framed answer (keep-alive)."""
    head = (
        f"HTTP/1.1 {status}\r\nContent-Type: text/xml; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n{extra}\r\n"
    )
    conn.sendall(head.encode("latin-1") + body)


def trickle(
    server: RawCarrier, conn: socket.socket, data: bytes, *, interval_s: float = 0.3
) -> None:
    """Send ``data`` one byte per ``interval_s``: each byte restarts the client's read timeout."""
    for byte in data:
        if server.stopping.wait(interval_s):
            return
        conn.sendall(bytes([byte]))


def delivered(conn: socket.socket, *, timeout_s: float = 5.0) -> None:
    """Wait until the client's kernel has acknowledged every byte sent so far (Linux SIOCOUTQ).

    A :func:`reset` after it comes *after* those bytes (the client reads them, then the RST),
    whatever the load; a fixed sleep would only make that likely.
    """
    deadline = time.monotonic() + timeout_s
    while _unacknowledged(conn) and time.monotonic() < deadline:
        time.sleep(0.001)


def _unacknowledged(conn: socket.socket) -> int:
    raw = fcntl.ioctl(conn.fileno(), termios.TIOCOUTQ, b"\0\0\0\0")
    return int(struct.unpack("i", raw)[0])


def reset(conn: socket.socket) -> None:
    """Abort the connection with a TCP RST (SO_LINGER 0), as a crashing middlebox would."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()
