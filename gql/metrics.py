"""Prometheus metrics: what operators graph and alert on (``GET /metrics``).

Counters and histograms are recorded where things happen (an operation ends, a carrier
answers, a visit commits); gauges that describe the process now (database pool, breakers,
live boards, write turns) are read when scraped. Under ``visitgis serve --workers N`` the
counters and histograms of every worker are summed through ``PROMETHEUS_MULTIPROC_DIR``; the
gauges read at scrape time describe the worker that answered (docs/deployment.md).
"""

from __future__ import annotations

import os
import re
import threading
import time
from typing import TYPE_CHECKING, Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.responses import Response

if TYPE_CHECKING:
    from starlette.requests import Request

    from gql.domain import AccountManager
    from gql.services.visits.carrier_lookup import CarrierLocator, CarrierLookup
    from gql.services.visits.events import VisitEvent

__all__ = [
    "MeteredLocator",
    "count_committed",
    "metrics_response",
    "operation_label",
    "record_operation",
]

OPERATION_SECONDS = Histogram(
    "visitgis_graphql_operation_seconds",
    "Time to answer one GraphQL operation, by operation name and type.",
    ["operation", "type"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
OPERATION_ERRORS = Counter(
    "visitgis_graphql_errors",
    "GraphQL errors in answers, by extensions.code.",
    ["code"],
)
CARRIER_SECONDS = Histogram(
    "visitgis_carrier_lookup_seconds",
    "Time a carrier location lookup took, by carrier and outcome.",
    ["carrier", "outcome"],
    buckets=(0.1, 0.25, 0.5, 1, 2, 3, 5, 8, 10),
)
VERDICTS = Counter(
    "visitgis_visit_events",
    "Committed visit events, by kind (STARTED, ENDED, SYNCED) and verdict.",
    ["kind", "verdict"],
)

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
_MAX_OPERATION_NAMES = 500
"""Operation names are the clients' to choose: past this many, the rest count as ``other``."""
_seen_names: set[str] = set()
_names_lock = threading.Lock()


def operation_label(name: str | None) -> str:
    """A bounded label for a client's operation name (``anonymous`` when it has none)."""
    if not name:
        return "anonymous"
    if not isinstance(name, str):
        return "other"
    if not _NAME.fullmatch(name):
        return "other"
    with _names_lock:
        if name in _seen_names:
            return name
        if len(_seen_names) >= _MAX_OPERATION_NAMES:
            return "other"
        _seen_names.add(name)
        return name


def record_operation(operation: str, kind: str, elapsed_s: float, codes: list[str]) -> None:
    """One operation answered (``codes``: its errors' codes)."""
    OPERATION_SECONDS.labels(operation, kind).observe(elapsed_s)
    for code in codes:
        OPERATION_ERRORS.labels(code).inc()


def count_committed(events: list[VisitEvent]) -> None:
    """Visit events that reached the database (the verdict mix operators watch)."""
    for event in events:
        VERDICTS.labels(event.kind.value, event.verdict).inc()


class MeteredLocator:
    """A carrier locator that times every lookup and counts its outcome."""

    def __init__(self, inner: CarrierLocator) -> None:
        self._inner = inner

    async def locate(self, manager: AccountManager, *, deadline_s: float) -> CarrierLookup:
        """Locate through the wrapped locator; the timing and outcome go to the metrics."""
        started = time.perf_counter()
        lookup = await self._inner.locate(manager, deadline_s=deadline_s)
        carrier = lookup.carrier.value if lookup.carrier is not None else "none"
        CARRIER_SECONDS.labels(carrier, lookup.outcome_code).observe(time.perf_counter() - started)
        return lookup


def metrics_response(state: Any, _request: Request) -> Response:
    """The exposition: recorded series (every worker's, if multiprocess) and gauges read now.

    ``state`` is the process's ``gql.context.AppState`` (``None`` while starting); typed
    loosely because the context records into this module, not the other way round.
    """
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        recorded = CollectorRegistry()
        MultiProcessCollector(recorded, path=directory)  # type: ignore[no-untyped-call]
    else:
        recorded = REGISTRY
    body = generate_latest(recorded)
    if state is not None:
        body += generate_latest(_gauges_now(state))
    return Response(body, media_type=CONTENT_TYPE_LATEST)


def _gauges_now(state: Any) -> CollectorRegistry:
    registry = CollectorRegistry()
    pool = Gauge(
        "visitgis_db_pool_connections",
        "Database connections of this process, by state.",
        ["state"],
        registry=registry,
    )
    engine_pool = state.engine.pool
    checked_out = getattr(engine_pool, "checkedout", None)
    size = getattr(engine_pool, "size", None)
    if callable(checked_out) and callable(size):
        pool.labels("in_use").set(checked_out())
        pool.labels("kept").set(size())
    if state.gate is not None:
        permits = Gauge(
            "visitgis_db_permits",
            "Operations allowed on pooled connections at once (capacity), and holding now.",
            ["state"],
            registry=registry,
        )
        permits.labels("capacity").set(state.gate.capacity)
        permits.labels("held").set(state.gate.held)
    Gauge(
        "visitgis_live_subscribers",
        "Open live-event subscriptions on this process.",
        registry=registry,
    ).set(state.bus.subscriber_count)
    if state.turns is not None:
        Gauge(
            "visitgis_write_turns_taken",
            "Managers whose visits a unit of work is writing now, on this process.",
            registry=registry,
        ).set(state.turns.taken)
    if state.hub is not None:
        breaker = Gauge(
            "visitgis_carrier_breaker_open",
            "1 when the carrier's circuit is open or half-open (calls held back), else 0.",
            ["carrier", "state"],
            registry=registry,
        )
        for carrier_id, health in state.hub.health().items():
            breaker.labels(carrier_id, health.breaker.value).set(
                0 if health.breaker.value == "closed" else 1
            )
    if state.channel is not None:
        Gauge(
            "visitgis_live_events_listening",
            "1 while this process hears the other processes' visit events (PostgreSQL).",
            registry=registry,
        ).set(1 if state.channel.listening.is_set() else 0)
    return registry
