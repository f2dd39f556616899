"""A lean HTTP/1.1 client for the load generator: one persistent connection, bytes in and out.

The scale benchmark shares two cores with the service it measures, so every CPU-millisecond
the generator spends per check-in is taken from the workers (issue 19: with two workers
r2 <= 2 / (w + g), g being all the CPU on the box that is not the workers'). With httpx the
generator used ~12 ms of CPU per check-in (its share of downloads, boards and the analyst
included; 2026-12-06 05:05 UTC), with this client ~1.5 ms. It sends requests built from
pre-encoded parts on one keep-alive connection per caller (so the kernel spreads the callers'
connections over the workers' accepts as before) and reads the answer with a status line, a
few headers and ``json.loads``. Every answer is still checked: HTTP 200, no GraphQL
``errors`` (and the callers check their own payloads).

Requests carry the same headers httpx sent that change the server's work (``Accept-Encoding:
gzip, deflate``, so large answers are compressed by the service exactly as before).
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import zlib
from typing import Any

__all__ = ["Connection", "WireError", "graphql_body"]


class WireError(Exception):
    """An answer that is not a 200 with data and no GraphQL errors, or a broken connection."""


def graphql_body(query: str, variables: dict[str, Any]) -> bytes:
    """The JSON body of a GraphQL request, compact."""
    return json.dumps({"query": query, "variables": variables}, separators=(",", ":")).encode()


class Connection:
    """One keep-alive HTTP/1.1 connection to ``host:port``, opened lazily and re-opened if the
    server closed it between requests (as httpx's pool would).

    Requests are sent one at a time (the caller awaits each answer), like one handheld.
    """

    def __init__(self, host: str, port: int, token: str) -> None:
        self._address = (host, port)
        self._head = (
            b"POST /graphql HTTP/1.1\r\nHost: %s:%d\r\nAuthorization: Bearer %s\r\n"
            b"Accept: */*\r\nAccept-Encoding: gzip, deflate\r\nConnection: keep-alive\r\n"
            b"Content-Type: application/json\r\nContent-Length: "
        ) % (host.encode(), port, token.encode())
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def post(self, body: bytes) -> Any:
        """POST ``body`` to ``/graphql``; the answer's ``data``, or :class:`WireError`."""
        if self._reader is None or self._writer is None or self._reader.at_eof():
            await self.close()
            self._reader, self._writer = await asyncio.open_connection(*self._address)
        reader, writer = self._reader, self._writer
        try:
            writer.write(b"%s%d\r\n\r\n%s" % (self._head, len(body), body))
            head = await reader.readuntil(b"\r\n\r\n")
            status, length, encoding, close = _parse_head(head)
            raw = await reader.readexactly(length)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as exc:
            await self.close()
            raise WireError(f"connection: {exc!r}") from exc
        except WireError:
            await self.close()
            raise
        if close:
            await self.close()
        if encoding == b"gzip":
            raw = gzip.decompress(raw)
        elif encoding == b"deflate":
            raw = zlib.decompress(raw)
        try:
            answer = json.loads(raw)
        except ValueError as exc:
            raise WireError(f"{status}: not JSON: {raw[:200]!r}") from exc
        if status != 200 or answer.get("errors") or answer.get("data") is None:
            raise WireError(f"{status}: {str(answer)[:200]}")
        return answer["data"]

    async def close(self) -> None:
        """Close the connection if open."""
        writer, self._reader, self._writer = self._writer, None, None
        if writer is not None:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()


def _parse_head(head: bytes) -> tuple[int, int, bytes, bool]:
    """Status, Content-Length, Content-Encoding and whether the server closes the connection."""
    lines = head.split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    length, encoding, close = -1, b"", False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"content-encoding":
            encoding = value.strip().lower()
        elif name == b"connection":
            close = value.strip().lower() == b"close"
        elif name == b"transfer-encoding":
            raise WireError(f"{status}: chunked answers are not expected here")
    if length < 0:
        raise WireError(f"{status}: no Content-Length")
    return status, length, encoding, close
