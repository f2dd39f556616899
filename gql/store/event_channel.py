"""Live events across processes on PostgreSQL: NOTIFY when committing, LISTEN in every process.

Several API processes serve one database; a head's dashboard is connected to one of them while
check-ins arrive through the others. Each process sends its events with ``pg_notify`` inside
the transaction that commits them — PostgreSQL delivers a notification only if, and when, that
transaction commits — and listens on one dedicated connection, handing every notification to
its own in-process bus (its own events included, so there is one path for all).

The channel is named after the database schema, so deployments (and test databases) sharing a
server never hear each other. SQLite has no such channel: it serves one process
(docs/deployment.md).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import psycopg
import sqlalchemy as sa
from psycopg import sql

from gql.store.db import keep_transaction

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from sqlalchemy.orm import Session

__all__ = ["PostgresChannel"]

log = logging.getLogger("visitgis.events")

_PREFIX = "visitgis.events."
_MAX_CHANNEL_BYTES = 63  # PostgreSQL truncates identifiers beyond NAMEDATALEN - 1
_RETRY_S = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0)
"""Waits before each reconnection attempt after the listening connection is lost."""


class PostgresChannel:
    """One process's end of the channel: :meth:`send` in a transaction, :meth:`listen` forever."""

    def __init__(self, engine: sa.Engine) -> None:
        with engine.connect() as connection:
            schema = connection.execute(sa.text("SELECT current_schema()")).scalar_one()
        self.name = (_PREFIX + str(schema)).encode()[:_MAX_CHANNEL_BYTES].decode(errors="ignore")
        self._conninfo = engine.url.set(drivername="postgresql").render_as_string(
            hide_password=False
        )
        self.listening = asyncio.Event()
        """Set while the listening connection is up (readiness reports it)."""

    def send(self, session: Session, payloads: Sequence[str]) -> None:
        """Queue ``payloads`` in the session's transaction; they go out when it commits.

        The transaction is kept (:func:`~gql.store.db.keep_transaction`): a notification is
        a side effect a read-only release must not send early, nor drop.
        """
        if payloads:
            keep_transaction(session)
        for payload in payloads:
            session.execute(
                sa.text("SELECT pg_notify(:channel, :payload)"),
                {"channel": self.name, "payload": payload},
            )

    async def listen(self, deliver: Callable[[str], None]) -> None:
        """Hand every notification's payload to ``deliver``; reconnect when the link drops.

        Runs until cancelled. Events committed while the link is down are lost to this
        process's dashboards (they show again on reload); the log says when that happens.
        """
        failures = 0
        while True:
            try:
                connection = await psycopg.AsyncConnection.connect(
                    self._conninfo,
                    autocommit=True,
                    connect_timeout=5,
                    # a server or network that vanishes without a reset is noticed in ~1 min
                    keepalives=1,
                    keepalives_idle=30,
                    keepalives_interval=10,
                    keepalives_count=3,
                )
            except psycopg.Error as exc:
                failures += 1
                await self._wait_to_retry(failures, exc)
                continue
            try:
                async with connection:
                    await connection.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.name)))
                    self.listening.set()
                    if failures:
                        log.warning("live events: listening again after %d failures", failures)
                    failures = 0
                    async for notification in connection.notifies():
                        deliver(notification.payload)
            except psycopg.Error as exc:
                self.listening.clear()
                failures += 1
                await self._wait_to_retry(failures, exc)

    async def _wait_to_retry(self, failures: int, error: psycopg.Error) -> None:
        wait_s = _RETRY_S[min(failures, len(_RETRY_S)) - 1]
        log.warning(
            "live events: the listening connection failed (%s); retrying in %g s",
            str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__,
            wait_s,
        )
        await asyncio.sleep(wait_s)
