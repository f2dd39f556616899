"""The core's one entry point: locate a subscriber across a region's carriers.

The hub owns what spans carriers and calls: the overall deadline, per-carrier bulkheads
(one thread pool each, so a hung carrier cannot starve the other), circuit breakers, the
retry policy, fallback on "unknown subscriber" with memory of ported numbers, and the
max-age cache with single-flight. Providers only talk SOAP.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import random
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from .config import ConfigError
from .errors import (
    BulkheadFull,
    CarrierError,
    CarrierTimeout,
    CarrierUnavailable,
    CircuitOpen,
    MalformedAnswer,
    SubscriberAbsent,
    UnknownSubscriber,
)
from .fix import PositionFix
from .msisdn import Msisdn
from .provider import Attempt, AttemptBudget
from .qos import InvalidQos, Qos
from .resilience.breaker import BreakerState, CircuitBreaker
from .resilience.cache import Evidence, FixCache, PortedNumbers, SingleFlight, fresh_enough
from .resilience.clock import Clock, SystemClock
from .resilience.retry import RetryPolicy
from .resilience.shared import SharedFixes, decode_fix, encode_fix, subscriber_key

if TYPE_CHECKING:
    from collections.abc import Mapping
    from concurrent.futures import Future

    from .config import CarrierConfig, RegionConfig
    from .evidence import Exchange
    from .provider import LocationProvider, ProviderFactory

__all__ = ["CarrierHealth", "CarrierHub", "LocateOutcome", "UnknownCarrierHint"]

# Providers must be done this long before the locate's deadline; the hub's own wait ends at
# the deadline itself, so a locate never costs more than its deadline plus scheduling noise.
_GUARD_S = 0.1
MAX_CLOCK_SKEW_S = 300.0
"""A fix timed further than this after our clock is refused: a future fix would read as
fresh (age 0) forever and be served from the cache as current."""

log = logging.getLogger(__name__)
SHARED_FIXES_TIMEOUT_S = 0.5
"""How long a locate waits for the shared fix store before asking the carrier anyway."""


class UnknownCarrierHint(ValueError):
    """``carrier_hint`` names a carrier this region does not configure."""


@dataclass(frozen=True, slots=True)
class LocateOutcome:
    """Result of one locate: a fix or a typed error, always with its masked evidence.

    Parameters
    ----------
    subscriber : str
        The MSISDN, masked to its last four digits.
    fix : PositionFix or None
        The WGS-84 fix (``stale`` set when older than the requested maximum age).
    error : CarrierError or None
        Why there is no fix; exactly one of ``fix`` and ``error`` is set.
    exchanges : tuple of Exchange
        Every HTTP exchange made for this locate, in order; for a cached answer, the
        exchanges that originally produced it.
    carriers_tried : tuple of str
        Carrier ids asked, in order.
    from_cache : bool
        Served from the fix cache or the absent-subscriber cache.
    elapsed_s : float
        Wall time the locate took.
    """

    subscriber: str
    fix: PositionFix | None
    error: CarrierError | None
    exchanges: tuple[Exchange, ...]
    carriers_tried: tuple[str, ...]
    from_cache: bool
    elapsed_s: float

    def __post_init__(self) -> None:
        if (self.fix is None) == (self.error is None):
            raise ValueError("exactly one of fix and error must be set")

    @property
    def ok(self) -> bool:
        """True when there is a fix."""
        return self.fix is not None


@dataclass(frozen=True, slots=True)
class CarrierHealth:
    """One carrier's state for operations (``/readyz``); never part of readiness itself.

    Parameters
    ----------
    breaker : BreakerState
        Closed (calls flow), open (failing fast) or half-open (one trial decides).
    in_flight : int
        Calls submitted to the carrier's bulkhead and not yet finished (queued included).
    max_concurrent : int
        The bulkhead's size.
    """

    breaker: BreakerState
    in_flight: int
    max_concurrent: int

    def to_dict(self) -> dict[str, str | int]:
        """JSON-ready form."""
        return {
            "breaker": self.breaker.value,
            "in_flight": self.in_flight,
            "max_concurrent": self.max_concurrent,
        }


@dataclass(slots=True)
class _Lane:
    """Everything the hub keeps per carrier."""

    cfg: CarrierConfig
    provider: LocationProvider
    breaker: CircuitBreaker
    bulkhead: ThreadPoolExecutor
    retry: RetryPolicy
    in_flight: int = 0
    counter: threading.Lock = dataclasses.field(default_factory=threading.Lock)

    def submit(self, number: Msisdn, qos: Qos, budget: AttemptBudget) -> Future[Attempt]:
        """Queue one attempt on the bulkhead, counting it until it ends (or is cancelled)."""
        with self.counter:
            self.in_flight += 1
        task = self.bulkhead.submit(self.provider.locate, number, qos, budget)
        task.add_done_callback(self._ended)
        return task

    def _ended(self, _: object) -> None:
        with self.counter:
            self.in_flight -= 1


class CarrierHub:
    """Locate subscribers across one region's carriers.

    Build it once at start-up with :meth:`from_config`; use :meth:`locate_async` from
    asyncio code (it never blocks the event loop: carrier I/O runs in per-carrier thread
    pools) or :meth:`locate` from worker threads. Both return within the deadline.
    """

    def __init__(
        self,
        region: RegionConfig,
        providers: Mapping[str, LocationProvider],
        *,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        shared_fixes: SharedFixes | None = None,
    ) -> None:
        self.region = region
        self._shared = shared_fixes
        self._clock: Clock = clock or SystemClock()
        rng = rng or random.Random()
        self._lanes: dict[str, _Lane] = {}
        for cfg in region.carriers:
            if cfg.id not in providers:
                raise ConfigError(f"no provider built for carrier {cfg.id!r}")
            self._lanes[cfg.id] = _Lane(
                cfg=cfg,
                provider=providers[cfg.id],
                breaker=CircuitBreaker(
                    failure_threshold=cfg.breaker.failure_threshold,
                    reset_timeout_s=cfg.breaker.reset_timeout_s,
                    clock=self._clock,
                    on_transition=partial(_log_transition, cfg.id),
                ),
                bulkhead=ThreadPoolExecutor(
                    max_workers=cfg.max_concurrent, thread_name_prefix=f"carrier-{cfg.id}"
                ),
                retry=RetryPolicy(cfg.retry, random.Random(rng.random())),
            )
        settings = region.cache
        self._cache = FixCache(
            max_entries=settings.max_entries,
            negative_ttl_s=settings.negative_ttl_s,
            clock=self._clock,
        )
        self._ported = PortedNumbers(
            ttl_s=settings.ported_ttl_s, max_entries=settings.max_entries, clock=self._clock
        )
        self._flights: SingleFlight[LocateOutcome] = SingleFlight()

    @classmethod
    def from_config(
        cls,
        region: RegionConfig,
        registry: Mapping[str, ProviderFactory],
        *,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        shared_fixes: SharedFixes | None = None,
    ) -> CarrierHub:
        """Build every configured carrier's provider through the registry.

        Raises
        ------
        ConfigError
            A carrier names an adapter the registry does not have, or its adapter rejects
            its configuration.
        """
        providers: dict[str, LocationProvider] = {}
        for cfg in region.carriers:
            factory = registry.get(cfg.adapter)
            if factory is None:
                known = ", ".join(sorted(registry)) or "none"
                raise ConfigError(
                    f"carriers.{cfg.id}.adapter {cfg.adapter!r} is not installed (known: {known})"
                )
            providers[cfg.id] = factory(cfg)
        return cls(region, providers, clock=clock, rng=rng, shared_fixes=shared_fixes)

    def breaker_state(self, carrier_id: str) -> BreakerState:
        """State of one carrier's circuit breaker (for health checks)."""
        return self._lane(carrier_id).breaker.state

    def health(self) -> dict[str, CarrierHealth]:
        """Every carrier's breaker state and bulkhead use, in fallback order.

        Reads only in-memory state (no carrier is called), so a readiness probe can report
        it on every request.
        """
        return {
            cfg.id: CarrierHealth(
                breaker=self._lanes[cfg.id].breaker.state,
                in_flight=self._lanes[cfg.id].in_flight,
                max_concurrent=cfg.max_concurrent,
            )
            for cfg in self.region.carriers
        }

    def close(self) -> None:
        """Stop the carrier pools (in-flight calls end at their own timeouts)."""
        for lane in self._lanes.values():
            lane.bulkhead.shutdown(wait=False, cancel_futures=True)
            lane.provider.close()

    def __enter__(self) -> CarrierHub:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def locate(
        self, msisdn: str | Msisdn, qos: Qos, *, carrier_hint: str | None = None
    ) -> LocateOutcome:
        """Blocking variant of :meth:`locate_async`, for worker threads.

        Raises
        ------
        RuntimeError
            When called from a thread that is running an event loop (use ``locate_async``).
        """
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(self.locate_async(msisdn, qos, carrier_hint=carrier_hint))
        raise RuntimeError("CarrierHub.locate blocks; call locate_async from async code")

    async def locate_async(
        self, msisdn: str | Msisdn, qos: Qos, *, carrier_hint: str | None = None
    ) -> LocateOutcome:
        """Locate a subscriber within ``qos.deadline_s`` (capped by the region's maximum).

        Parameters
        ----------
        msisdn : str or Msisdn
            The subscriber; text is validated with :meth:`Msisdn.parse`.
        qos : Qos
            Accuracy, maximum age and deadline.
        carrier_hint : str, optional
            Carrier id the number is believed to belong to; a number remembered as ported
            overrides it. Without either, the region's fallback order is used.

        Returns
        -------
        LocateOutcome
            Never raises for carrier behaviour: failures are typed errors in the outcome.

        Raises
        ------
        InvalidMsisdn, InvalidQos, UnknownCarrierHint
            Bad input from the caller.
        """
        number = msisdn if isinstance(msisdn, Msisdn) else Msisdn.parse(msisdn)
        if not isinstance(qos, Qos):
            raise InvalidQos(f"qos must be a Qos, got {type(qos).__name__}")
        if carrier_hint is not None and carrier_hint not in self._lanes:
            raise UnknownCarrierHint(
                f"carrier_hint {carrier_hint!r} is not configured in region "
                f"{self.region.region!r} (have {', '.join(self._lanes)})"
            )
        started = time.monotonic()
        deadline = started + min(qos.deadline_s, self.region.max_deadline_s)

        if self.region.cache.enabled:
            cached = self._from_cache(number, qos, started)
            if cached is not None:
                return cached

        flight, leader = self._flights.join(number)
        if not leader:
            try:
                return await asyncio.wait_for(
                    asyncio.shield(asyncio.wrap_future(flight)), deadline - time.monotonic()
                )
            except TimeoutError:
                error = CarrierTimeout("a concurrent locate of this number did not finish")
                return self._outcome(number, error, (), (), started)
        try:
            outcome = await self._from_shared(number, qos, started) or await self._locate_uncached(
                number, qos, carrier_hint, started, deadline
            )
        except BaseException as exc:  # cancelled or a provider bug: followers must not hang
            aborted = CarrierUnavailable(f"locate aborted ({type(exc).__name__})")
            self._flights.land(number, flight, self._outcome(number, aborted, (), (), started))
            raise
        self._flights.land(number, flight, outcome)
        return outcome

    def _from_cache(self, number: Msisdn, qos: Qos, started: float) -> LocateOutcome | None:
        cached = self._cache.fresh_fix(
            number, max_age_s=qos.max_age_s, accuracy_m=qos.accuracy_m
        ) or self._cache.recent_absence(number)
        if cached is None:
            return None
        result, evidence = cached
        return self._outcome(number, result, evidence, (), started, from_cache=True)

    async def _from_shared(self, number: Msisdn, qos: Qos, started: float) -> LocateOutcome | None:
        """Another process's fresh fix of this subscriber, if the shared store has one."""
        if self._shared is None or not self.region.cache.enabled:
            return None
        try:
            payload = await asyncio.wait_for(
                asyncio.to_thread(self._shared.load, subscriber_key(number)),
                SHARED_FIXES_TIMEOUT_S,
            )
            if payload is None:
                return None
            fix, evidence = decode_fix(payload)
        except Exception as exc:  # an optimisation only: a locate never fails for it
            log.warning("shared fix store unreadable", extra={"error": type(exc).__name__})
            return None
        if not fresh_enough(fix, self._clock, max_age_s=qos.max_age_s, accuracy_m=qos.accuracy_m):
            return None
        self._cache.store_fix(number, fix, evidence)
        return self._outcome(number, fix, evidence, (), started, from_cache=True)

    async def _share(self, number: Msisdn, fix: PositionFix, evidence: Evidence) -> None:
        """Offer a carrier's fix to the other processes (best effort, bounded wait)."""
        if self._shared is None:
            return
        try:
            await asyncio.wait_for(
                asyncio.to_thread(
                    self._shared.save,
                    subscriber_key(number),
                    encode_fix(fix, evidence),
                    fix.fix_time,
                ),
                SHARED_FIXES_TIMEOUT_S,
            )
        except Exception as exc:  # the fix is answered whether or not others can reuse it
            log.warning("shared fix store unwritable", extra={"error": type(exc).__name__})

    async def _locate_uncached(
        self,
        number: Msisdn,
        qos: Qos,
        carrier_hint: str | None,
        started: float,
        deadline: float,
    ) -> LocateOutcome:
        exchanges: list[Exchange] = []
        tried: list[str] = []
        remembered = self._ported.carrier_for(number)
        result: PositionFix | CarrierError = CarrierUnavailable("no carrier configured")
        for carrier_id in self._order(remembered or carrier_hint):
            tried.append(carrier_id)
            result = await self._ask(self._lanes[carrier_id], number, qos, deadline, exchanges)
            if isinstance(result, PositionFix):
                if tried[0] != carrier_id or remembered == carrier_id:
                    self._ported.remember(number, carrier_id)
                result = self._with_staleness(result, qos)
                if self.region.cache.enabled and not result.stale:
                    self._cache.store_fix(number, result, tuple(exchanges))
                    await self._share(number, result, tuple(exchanges))
                break
            if not isinstance(result, UnknownSubscriber):
                if isinstance(result, SubscriberAbsent) and self.region.cache.enabled:
                    self._cache.store_absence(number, result, tuple(exchanges))
                break
            if remembered == carrier_id:
                self._ported.forget(number)
        return self._outcome(number, result, tuple(exchanges), tuple(tried), started)

    def _order(self, first: str | None) -> list[str]:
        order = [cfg.id for cfg in self.region.carriers]
        if first in order:
            order.remove(first)
            order.insert(0, first)
        return order

    async def _ask(
        self,
        lane: _Lane,
        number: Msisdn,
        qos: Qos,
        deadline: float,
        exchanges: list[Exchange],
    ) -> PositionFix | CarrierError:
        """One carrier: breaker, bulkhead, deadline and at most one retry."""
        retries = 0
        while True:
            result = await self._attempt(lane, number, qos, deadline, exchanges)
            if isinstance(result, PositionFix):
                return result
            wait_s = lane.retry.delay_s(
                result, retries_done=retries, remaining_s=deadline - _GUARD_S - time.monotonic()
            )
            if wait_s is None:
                return result
            await asyncio.sleep(wait_s)
            retries += 1

    async def _attempt(
        self,
        lane: _Lane,
        number: Msisdn,
        qos: Qos,
        deadline: float,
        exchanges: list[Exchange],
    ) -> PositionFix | CarrierError:
        carrier_id = lane.cfg.id
        now = time.monotonic()
        remaining_s = deadline - _GUARD_S - now
        if remaining_s <= 0:
            return CarrierTimeout("locate deadline spent before this carrier", carrier=carrier_id)
        if not lane.breaker.allow():
            return CircuitOpen("carrier failing; not called", carrier=carrier_id)
        budget = AttemptBudget.for_attempt(lane.cfg, now=now, remaining_s=remaining_s)
        task = lane.submit(number, qos, budget)
        try:
            attempt: Attempt = await asyncio.wait_for(
                asyncio.wrap_future(task), deadline - time.monotonic()
            )
        except TimeoutError:
            if task.cancelled():  # never left the queue: every slot was busy
                lane.breaker.release()
                return BulkheadFull(
                    f"{lane.cfg.max_concurrent} calls already in flight", carrier=carrier_id
                )
            timeout = CarrierTimeout("adapter overran the deadline", carrier=carrier_id)
            _log_fault(carrier_id, timeout)
            lane.breaker.record_failure()
            return timeout
        except Exception as exc:  # an adapter broke its never-raise contract
            lane.breaker.record_failure()
            return _contained(exc, carrier_id)
        if attempt.exchange is not None:
            exchanges.append(attempt.exchange)
        result = self._checked(attempt.result)
        if isinstance(result, CarrierError):
            _drop_tracebacks(result)
        if isinstance(result, PositionFix):
            lane.breaker.record_success()
        elif result.carrier_fault:
            _log_fault(carrier_id, result)
            lane.breaker.record_failure()
        elif isinstance(result, BulkheadFull | CircuitOpen):
            lane.breaker.release()
        else:  # the carrier answered sensibly about the subscriber
            lane.breaker.record_success()
        return result

    def _checked(self, result: PositionFix | CarrierError) -> PositionFix | CarrierError:
        """Refuse a fix from the future (beyond clock skew): it would read as fresh forever."""
        if isinstance(result, PositionFix):
            ahead_s = (result.fix_time - self._clock.now()).total_seconds()
            if ahead_s > MAX_CLOCK_SKEW_S:
                return MalformedAnswer(
                    f"fix time {result.fix_time.isoformat()} is {ahead_s:.0f} s in the future",
                    carrier=result.carrier,
                )
        return result

    def _with_staleness(self, fix: PositionFix, qos: Qos) -> PositionFix:
        if not fix.stale and fix.age_s(self._clock.now()) > qos.max_age_s:
            return dataclasses.replace(fix, stale=True)
        return fix

    def _lane(self, carrier_id: str) -> _Lane:
        try:
            return self._lanes[carrier_id]
        except KeyError:
            raise UnknownCarrierHint(f"no carrier {carrier_id!r} in this region") from None

    def _outcome(
        self,
        number: Msisdn,
        result: PositionFix | CarrierError,
        exchanges: tuple[Exchange, ...],
        tried: tuple[str, ...],
        started: float,
        *,
        from_cache: bool = False,
    ) -> LocateOutcome:
        fix = result if isinstance(result, PositionFix) else None
        error = None if isinstance(result, PositionFix) else result
        return LocateOutcome(
            subscriber=number.masked,
            fix=fix,
            error=error,
            exchanges=exchanges,
            carriers_tried=tried,
            from_cache=from_cache,
            elapsed_s=time.monotonic() - started,
        )


def _log_transition(carrier_id: str, before: BreakerState, after: BreakerState) -> None:
    """One line per breaker change: operators see a carrier stop being called and come back."""
    level = logging.WARNING if after is BreakerState.OPEN else logging.INFO
    log.log(
        level,
        "carrier circuit %s -> %s",
        before.value,
        after.value,
        extra={"carrier": carrier_id, "breaker": after.value},
    )


def _log_fault(carrier_id: str, error: CarrierError) -> None:
    """One line per carrier fault: its kind, never its text (it may quote the envelope)."""
    log.warning("carrier fault", extra={"carrier": carrier_id, "error": type(error).__name__})


def _contained(exc: Exception, carrier_id: str) -> CarrierError:
    """Turn an exception out of an adapter into a typed error, logging where it came from.

    The log has the frames but not the message: a message may quote the answer or the
    envelope, and the envelope holds the carrier password.
    """
    frames = "".join(traceback.format_tb(exc.__traceback__)[-5:])
    log.error(
        "carrier adapter raised instead of returning a typed error",
        extra={"carrier": carrier_id, "error": type(exc).__name__, "frames": frames},
    )
    return CarrierUnavailable(
        f"adapter error ({type(exc).__name__}); see the server log", carrier=carrier_id
    )


def _drop_tracebacks(error: BaseException) -> None:
    """Detach frames from a returned error (and its causes).

    Outcomes are stored as evidence and errors sit in the negative cache; their tracebacks
    would keep whole frames alive (a rejected 1 MB body among them). The cause chain and
    messages stay.
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        current.__traceback__ = None
        current = current.__cause__ or current.__context__
