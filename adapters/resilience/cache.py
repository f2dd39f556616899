"""Caches keyed by subscriber: recent fixes, absent subscribers, and ported numbers.

Freshness is judged by the carrier's fix time (not by when we received it), so a last-known
answer is never served as current. Single-flight makes concurrent check-ins of one manager
share one carrier call: positioning is slow, billed and may text the subscriber.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from concurrent.futures import Future
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from ..errors import SubscriberAbsent
    from ..evidence import Exchange
    from ..fix import PositionFix
    from ..msisdn import Msisdn
    from .clock import Clock

__all__ = ["Evidence", "FixCache", "PortedNumbers", "SingleFlight", "fresh_enough"]

T = TypeVar("T")
Evidence = tuple["Exchange", ...]


def fresh_enough(fix: PositionFix, clock: Clock, *, max_age_s: float, accuracy_m: float) -> bool:
    """Whether a remembered fix may answer a locate: not stale, young and tight enough."""
    return not fix.stale and fix.age_s(clock.now()) <= max_age_s and fix.radius_m <= accuracy_m


class FixCache:
    """Bounded LRU of the latest fix per subscriber plus short negative entries.

    Each entry keeps the exchanges that produced it, so an answer served from the cache
    still comes with the carrier's raw answer as evidence (R3.4).

    Parameters
    ----------
    max_entries : int
        Subscribers kept; the least recently used is evicted first.
    negative_ttl_s : float
        How long an "absent subscriber" answer is reused (0 disables).
    clock : Clock
        Wall clock for fix ages, monotonic clock for negative TTLs.
    """

    def __init__(self, *, max_entries: int, negative_ttl_s: float, clock: Clock) -> None:
        self._max_entries = max_entries
        self._negative_ttl_s = negative_ttl_s
        self._clock = clock
        self._lock = threading.Lock()
        self._fixes: OrderedDict[Msisdn, tuple[PositionFix, Evidence]] = OrderedDict()
        self._absent: dict[Msisdn, tuple[float, SubscriberAbsent, Evidence]] = {}

    def fresh_fix(
        self, msisdn: Msisdn, *, max_age_s: float, accuracy_m: float
    ) -> tuple[PositionFix, Evidence] | None:
        """Return a cached fix no older than ``max_age_s`` and no wider than ``accuracy_m``."""
        with self._lock:
            entry = self._fixes.get(msisdn)
            if entry is None:
                return None
            if not fresh_enough(entry[0], self._clock, max_age_s=max_age_s, accuracy_m=accuracy_m):
                return None
            self._fixes.move_to_end(msisdn)
            return entry

    def recent_absence(self, msisdn: Msisdn) -> tuple[SubscriberAbsent, Evidence] | None:
        """Return a still-valid "absent subscriber" answer."""
        with self._lock:
            entry = self._absent.get(msisdn)
            if entry is None:
                return None
            if self._clock.monotonic() - entry[0] > self._negative_ttl_s:
                del self._absent[msisdn]
                return None
            return entry[1], entry[2]

    def store_fix(self, msisdn: Msisdn, fix: PositionFix, evidence: Evidence = ()) -> None:
        """Keep the newest fix (by carrier fix time) and forget any absence."""
        with self._lock:
            self._absent.pop(msisdn, None)
            current = self._fixes.get(msisdn)
            if current is not None and current[0].fix_time > fix.fix_time:
                return
            self._fixes[msisdn] = (fix, evidence)
            self._fixes.move_to_end(msisdn)
            while len(self._fixes) > self._max_entries:
                self._fixes.popitem(last=False)

    def store_absence(
        self, msisdn: Msisdn, error: SubscriberAbsent, evidence: Evidence = ()
    ) -> None:
        """Remember briefly that the handset is off or out of coverage."""
        if self._negative_ttl_s <= 0:
            return
        with self._lock:
            self._absent[msisdn] = (self._clock.monotonic(), error, evidence)
            while len(self._absent) > self._max_entries:
                self._absent.pop(next(iter(self._absent)))


class PortedNumbers:
    """Which carrier last knew a number that another carrier disowned (携号转网)."""

    def __init__(self, *, ttl_s: float, max_entries: int, clock: Clock) -> None:
        self._ttl_s = ttl_s
        self._max_entries = max_entries
        self._clock = clock
        self._lock = threading.Lock()
        self._carrier: OrderedDict[Msisdn, tuple[float, str]] = OrderedDict()

    def remember(self, msisdn: Msisdn, carrier_id: str) -> None:
        """Record the carrier that located the number."""
        with self._lock:
            self._carrier[msisdn] = (self._clock.monotonic(), carrier_id)
            self._carrier.move_to_end(msisdn)
            while len(self._carrier) > self._max_entries:
                self._carrier.popitem(last=False)

    def forget(self, msisdn: Msisdn) -> None:
        """Drop the memory (the remembered carrier disowned the number too)."""
        with self._lock:
            self._carrier.pop(msisdn, None)

    def carrier_for(self, msisdn: Msisdn) -> str | None:
        """Return the remembered carrier, if the memory is still valid."""
        with self._lock:
            entry = self._carrier.get(msisdn)
            if entry is None:
                return None
            if self._clock.monotonic() - entry[0] > self._ttl_s:
                del self._carrier[msisdn]
                return None
            return entry[1]


class SingleFlight(Generic[T]):
    """At most one computation per key at a time; late callers share its future.

    ``concurrent.futures.Future`` is used (not an asyncio one) so callers on different
    threads and event loops can all wait on the same flight.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._flights: dict[Msisdn, Future[T]] = {}

    def join(self, key: Msisdn) -> tuple[Future[T], bool]:
        """Return the key's flight and whether the caller leads it (must resolve it)."""
        with self._lock:
            flight = self._flights.get(key)
            if flight is not None:
                return flight, False
            flight = Future()
            self._flights[key] = flight
            return flight, True

    def land(self, key: Msisdn, flight: Future[T], result: T) -> None:
        """Publish the leader's result and retire the flight."""
        with self._lock:
            if self._flights.get(key) is flight:
                del self._flights[key]
        if not flight.done():
            flight.set_result(result)

    def abort(self, key: Msisdn, flight: Future[T], error: BaseException) -> None:
        """Retire a flight whose leader failed unexpectedly."""
        with self._lock:
            if self._flights.get(key) is flight:
                del self._flights[key]
        if not flight.done():
            flight.set_exception(error)
