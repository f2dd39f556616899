"""Who and what a log line is about: request id, operation name and staff number.

Every HTTP request and WebSocket gets a request id (the caller's ``X-Request-Id`` if it is a
sane token, else a new one), echoed in the answer's ``X-Request-Id`` header. The id, the
GraphQL operation's name and the caller's staff number live in context variables, which
asyncio tasks and ``to_thread`` workers inherit, so every line logged while serving the
request carries them (:class:`LogContextFilter`) — a carrier fault names the check-in it hurt.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "LogContextFilter",
    "RequestIds",
    "operation_name",
    "request_id",
    "staff_no",
]

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
operation_name: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "operation_name", default=None
)
staff_no: contextvars.ContextVar[str | None] = contextvars.ContextVar("staff_no", default=None)

_HEADER = b"x-request-id"
_SANE = re.compile(r"[A-Za-z0-9._:-]{8,64}")
"""A caller's id is kept only if it cannot forge log structure or flood an index."""


class RequestIds:
    """ASGI middleware: give each request an id, expose it to logs and to the caller."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request with its id set; add the header to an HTTP answer."""
        if scope["type"] not in ("http", "websocket"):
            await self._app(scope, receive, send)
            return
        given = dict(scope.get("headers") or ()).get(_HEADER, b"").decode("latin-1")
        rid = given if _SANE.fullmatch(given) else uuid.uuid4().hex
        token = request_id.set(rid)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0].lower() != _HEADER]
                message = {**message, "headers": [*headers, (_HEADER, rid.encode())]}
            await send(message)

        try:
            await self._app(scope, receive, send_with_id)
        finally:
            request_id.reset(token)


class LogContextFilter(logging.Filter):
    """Add ``request_id``, ``operation`` and ``staff_no`` to records logged inside a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Annotate (never drop) the record."""
        values: dict[str, Any] = {
            "request_id": request_id.get(),
            "operation": operation_name.get(),
            "staff_no": staff_no.get(),
        }
        for key, value in values.items():
            if value is not None and not hasattr(record, key):
                setattr(record, key, value)
        return True
