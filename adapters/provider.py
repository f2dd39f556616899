"""The one protocol every carrier adapter implements, and what an attempt returns."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from .config import CarrierConfig
    from .errors import CarrierError
    from .evidence import Exchange
    from .fix import PositionFix
    from .msisdn import Msisdn
    from .qos import Qos

__all__ = ["Attempt", "AttemptBudget", "LocationProvider", "ProviderFactory"]


@dataclass(frozen=True, slots=True)
class AttemptBudget:
    """Time one attempt may spend, derived from the locate's remaining deadline.

    Parameters
    ----------
    connect_timeout_s, read_timeout_s : float
        HTTP timeouts for this attempt, both capped by the remaining budget.
    deadline : float
        ``time.monotonic()`` instant by which the attempt must be over, body read included.
    inner_timer_s : int
        The carrier's own positioning timer to request (``resp_timer``, ``Timeout``): below
        the read timeout, so the carrier answers TIMEOUT before our socket gives up.
    """

    connect_timeout_s: float
    read_timeout_s: float
    deadline: float
    inner_timer_s: int

    @classmethod
    def for_attempt(cls, cfg: CarrierConfig, *, now: float, remaining_s: float) -> AttemptBudget:
        """Split the remaining budget into connect/read timeouts and the inner timer.

        Examples
        --------
        >>> from adapters.config import CarrierConfig
        >>> cfg = CarrierConfig(id="t", adapter="telecom_ws", endpoint="http://h/x",
        ...                     connect_timeout_s=3, read_timeout_s=75, inner_timer_margin_s=5)
        >>> b = AttemptBudget.for_attempt(cfg, now=0.0, remaining_s=20.0)
        >>> (b.connect_timeout_s, b.read_timeout_s, b.inner_timer_s)
        (3, 20.0, 15)
        """
        read_s = min(cfg.read_timeout_s, remaining_s)
        inner_s = max(1, math.floor(read_s - cfg.inner_timer_margin_s))
        return cls(
            connect_timeout_s=min(cfg.connect_timeout_s, remaining_s),
            read_timeout_s=read_s,
            deadline=now + remaining_s,
            inner_timer_s=inner_s,
        )


@dataclass(frozen=True, slots=True)
class Attempt:
    """What one call to one carrier produced: a fix or a typed error, plus its evidence."""

    result: PositionFix | CarrierError
    exchange: Exchange | None


@runtime_checkable
class LocationProvider(Protocol):
    """A carrier adapter.

    ``locate`` must never raise: every vendor exception becomes a
    :class:`~adapters.errors.CarrierError` inside the returned :class:`Attempt`, and it
    must return by ``budget.deadline``. It is called from worker threads, concurrently.
    """

    @property
    def carrier_id(self) -> str:
        """The configured carrier id, stamped on fixes and errors."""
        ...

    def locate(self, msisdn: Msisdn, qos: Qos, budget: AttemptBudget) -> Attempt:
        """Ask the carrier once for the subscriber's position."""
        ...

    def close(self) -> None:
        """Release HTTP connections."""
        ...


class ProviderFactory(Protocol):
    """Builds a provider from its validated configuration (at start-up, never at import)."""

    def __call__(self, cfg: CarrierConfig, /) -> LocationProvider:
        """Build the provider for ``cfg``."""
        ...
