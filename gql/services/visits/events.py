"""Live visit events for department dashboards (publish/subscribe in each process).

Events are queued by a use case and published only after its unit of work commits, so a
subscriber never sees a visit that was rolled back. Each subscriber has a bounded queue: a slow
dashboard loses its oldest events (and is told how many), it never slows check-ins down.
On PostgreSQL the committing transaction also carries them to every other process
(:mod:`gql.store.event_channel`), as text made by :func:`encode_event`.
"""

from __future__ import annotations

import asyncio
import enum
import json
import threading
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime

__all__ = [
    "EventBus",
    "Subscription",
    "VisitEvent",
    "VisitEventKind",
    "decode_event",
    "encode_event",
]

_QUEUE_SIZE = 256


class VisitEventKind(enum.StrEnum):
    """What happened to a visit."""

    STARTED = "STARTED"
    ENDED = "ENDED"
    SYNCED = "SYNCED"


@dataclass(frozen=True, slots=True)
class VisitEvent:
    """One visit event as dashboards see it."""

    kind: VisitEventKind
    visit_id: int
    manager_id: int
    department_id: int
    retailer_id: int
    verdict: str
    occurred_at: datetime
    dropped_before: int = 0
    replayed: bool = False
    """Read back from the visits for a board that reconnected, not heard live."""


def encode_event(event: VisitEvent) -> str:
    """``event`` as compact JSON (a PostgreSQL notification carries at most 8,000 bytes)."""
    fields = asdict(event) | {
        "kind": event.kind.value,
        "occurred_at": event.occurred_at.isoformat(),
    }
    return json.dumps(fields, separators=(",", ":"))


def decode_event(text: str) -> VisitEvent:
    """The event :func:`encode_event` made; ``ValueError`` (or ``KeyError``) if it is not one."""
    fields = json.loads(text)
    return VisitEvent(
        kind=VisitEventKind(fields["kind"]),
        visit_id=int(fields["visit_id"]),
        manager_id=int(fields["manager_id"]),
        department_id=int(fields["department_id"]),
        retailer_id=int(fields["retailer_id"]),
        verdict=str(fields["verdict"]),
        occurred_at=datetime.fromisoformat(fields["occurred_at"]),
    )


@dataclass(eq=False)
class _Subscriber:
    department_id: int | None
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue[VisitEvent] = field(
        default_factory=lambda: asyncio.Queue(maxsize=_QUEUE_SIZE)
    )
    dropped: int = 0

    def offer(self, event: VisitEvent) -> None:
        """Runs on the subscriber's loop: enqueue, dropping the oldest when full."""
        if self.queue.full():
            self.queue.get_nowait()
            self.dropped += 1
        if self.dropped:
            event = replace(event, dropped_before=self.dropped)
            self.dropped = 0
        self.queue.put_nowait(event)


class EventBus:
    """Fan-out of visit events to subscribers, filtered by department."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: set[_Subscriber] = set()

    def publish(self, event: VisitEvent) -> None:
        """Deliver to every matching subscriber; safe from any thread."""
        with self._lock:
            targets = [
                s
                for s in self._subscribers
                if s.department_id is None or s.department_id == event.department_id
            ]
        for subscriber in targets:
            subscriber.loop.call_soon_threadsafe(subscriber.offer, event)

    @property
    def subscriber_count(self) -> int:
        """How many subscriptions are open (for health and tests)."""
        with self._lock:
            return len(self._subscribers)

    def subscribe(self, department_id: int | None) -> Subscription:
        """Events of one department (``None``: all) from now on, until the subscription closes.

        It is registered at once, not at the first read: what is published while its owner
        reads what it missed (:class:`~gql.services.visits.live.LiveService`) is kept.
        """
        subscriber = _Subscriber(department_id=department_id, loop=asyncio.get_running_loop())
        with self._lock:
            self._subscribers.add(subscriber)
        return Subscription(self, subscriber)

    def _remove(self, subscriber: _Subscriber) -> None:
        with self._lock:
            self._subscribers.discard(subscriber)


class Subscription:
    """One subscriber's events, in the order published; its owner closes it."""

    def __init__(self, bus: EventBus, subscriber: _Subscriber) -> None:
        self._bus = bus
        self._subscriber = subscriber

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> VisitEvent:
        return await self._subscriber.queue.get()

    def close(self) -> None:
        """Stop receiving (idempotent)."""
        self._bus._remove(self._subscriber)
