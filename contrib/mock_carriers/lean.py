"""A plain asyncio HTTP/1.1 server for the mock carrier apps, for load tests.

The scale benchmark runs the mock carriers on the same two cores as the service it measures,
so their CPU per locate is taken from the workers. uvicorn (here with its pure-Python h11
protocol) spent most of the mocks' time per request on HTTP machinery; this server hands each
request to the *same* Starlette app (:func:`~contrib.mock_carriers.telecom.telecom_app`,
:func:`~contrib.mock_carriers.mobile.mobile_app`), so the carriers' contract — envelopes,
faults, latency, control routes — is exactly what the zeep adapters meet elsewhere, and only
the framing is leaner: keep-alive, ``Content-Length`` request bodies (what ``requests`` sends),
answers framed by their ``Content-Length`` or, when an app streams without one, by closing the
connection.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import MutableMapping

    from starlette.applications import Starlette

__all__ = ["serve_lean"]

_REASONS = {200: b"OK", 307: b"Temporary Redirect", 400: b"Bad Request", 500: b"Error"}


async def serve_lean(app: Starlette, host: str, port: int) -> asyncio.Server:
    """Start serving ``app`` on ``host:port``; the caller closes the returned server."""

    async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
            while await _one_request(app, (host, port), reader, writer):
                pass
        writer.close()

    return await asyncio.start_server(connection, host, port, backlog=1024)


async def _one_request(
    app: Starlette,
    server: tuple[str, int],
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
) -> bool:
    """Serve one request; whether the connection stays open for another."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return False  # the client closed between requests
    request_line, *lines = head[:-4].split(b"\r\n")
    method, target, _version = request_line.split(b" ", 2)
    headers = []
    length, keep_alive = 0, True
    for line in lines:
        name, _, value = line.partition(b":")
        name, value = name.strip().lower(), value.strip()
        headers.append((name, value))
        if name == b"content-length":
            length = int(value)
        elif name == b"connection" and value.lower() == b"close":
            keep_alive = False
    body = await reader.readexactly(length) if length else b""
    path, _, query = target.partition(b"?")
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method.decode(),
        "scheme": "http",
        "path": path.decode(),
        "raw_path": path,
        "query_string": query,
        "root_path": "",
        "headers": headers,
        "server": server,
        "client": writer.get_extra_info("peername"),
    }
    received = False

    async def receive() -> dict[str, Any]:
        nonlocal received
        if received:  # the body was read; what remains is a disconnect
            await asyncio.Event().wait()
        received = True
        return {"type": "http.request", "body": body, "more_body": False}

    framed = True

    async def send(message: MutableMapping[str, Any]) -> None:
        nonlocal framed
        if message["type"] == "http.response.start":
            status = message["status"]
            out = [b"HTTP/1.1 %d %s\r\n" % (status, _REASONS.get(status, b"Status"))]
            names = {name.lower() for name, _ in message.get("headers", [])}
            framed = b"content-length" in names
            out += [b"%s: %s\r\n" % (name, value) for name, value in message.get("headers", [])]
            if not framed:
                out.append(b"connection: close\r\n")
            out.append(b"\r\n")
            writer.write(b"".join(out))
        elif message["type"] == "http.response.body":
            writer.write(message.get("body", b""))
            await writer.drain()

    await app(scope, receive, send)
    return keep_alive and framed
