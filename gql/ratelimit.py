"""Rate limiting by cost: a token bucket per caller and per client address.

Each bucket holds up to ``capacity`` points and regains ``restore_per_s`` points a second. An
operation may start while both of its buckets (the caller's, keyed by staff number with the
limits of the caller's role, and the client address's) hold at least one point; when it ends,
its actual cost (the fields its result holds, at least 1) is taken from both, which may leave a
bucket below zero until it refills — so one large answer is not refused half-way, but its
sender waits for it. The clock is injected, so tests turn time by hand.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

__all__ = ["Rate", "RateLimiter", "RateSpecError", "Standing", "parse_rate", "parse_rates"]

DEFAULT_ROLE = "DEFAULT"
_MAX_BUCKETS = 100_000
"""Buckets kept per kind; the least recently used full ones go first (an address flood)."""


class RateSpecError(ValueError):
    """A rate-limit setting that cannot be read."""


@dataclass(frozen=True, slots=True)
class Rate:
    """A bucket's size and how fast it refills."""

    capacity: float
    restore_per_s: float


def parse_rate(spec: str) -> Rate | None:
    """``"capacity/restore-per-second"`` (e.g. ``"10000/500"``); ``""`` means no limit."""
    if not spec.strip():
        return None
    try:
        capacity_text, restore_text = spec.split("/")
        rate = Rate(float(capacity_text), float(restore_text))
    except ValueError as exc:
        raise RateSpecError(
            f"expected capacity/restore-per-second like 10000/500, got {spec!r}"
        ) from exc
    if not (math.isfinite(rate.capacity) and math.isfinite(rate.restore_per_s)):
        raise RateSpecError(f"rates must be finite numbers, got {spec!r}")
    if rate.capacity < 1 or rate.restore_per_s <= 0:
        raise RateSpecError(f"capacity must be >= 1 and restore > 0, got {spec!r}")
    return rate


def parse_rates(spec: str) -> dict[str, Rate]:
    """``"ROLE=capacity/restore,..."``; ``DEFAULT`` covers roles not named; ``""``: no limit."""
    rates: dict[str, Rate] = {}
    for part in filter(None, (p.strip() for p in spec.split(","))):
        role, sep, rate_text = part.partition("=")
        if not sep:
            raise RateSpecError(f"expected ROLE=capacity/restore, got {part!r}")
        rate = parse_rate(rate_text)
        if rate is not None:
            rates[role.strip().upper()] = rate
    return rates


@dataclass(slots=True)
class _Bucket:
    rate: Rate
    points: float
    at_s: float

    def refill(self, now_s: float) -> None:
        elapsed_s = max(0.0, now_s - self.at_s)
        self.points = min(self.rate.capacity, self.points + elapsed_s * self.rate.restore_per_s)
        self.at_s = now_s

    def reset_s(self) -> int:
        """Seconds until the bucket is full again (``RateLimit-Reset``)."""
        missing = self.rate.capacity - self.points
        return max(0, math.ceil(missing / self.rate.restore_per_s))


@dataclass(frozen=True, slots=True)
class Standing:
    """The tightest of a request's buckets: what the ``RateLimit-*`` headers report."""

    allowed: bool
    limit: int
    remaining: int
    reset_s: int
    restore_per_s: float

    def headers(self) -> dict[str, str]:
        """IETF draft ``RateLimit-Limit/Remaining/Reset`` headers (and ``Retry-After``)."""
        headers = {
            "RateLimit-Limit": str(self.limit),
            "RateLimit-Remaining": str(max(0, self.remaining)),
            "RateLimit-Reset": str(self.reset_s),
        }
        if not self.allowed:
            headers["Retry-After"] = str(max(1, self.reset_s))
        return headers


class RateLimiter:
    """Buckets per client address and per caller; thread-safe, bounded in memory."""

    def __init__(
        self,
        per_ip: Rate | None,
        per_role: Mapping[str, Rate],
        *,
        clock: Callable[[], float] = time.monotonic,
        max_buckets: int = _MAX_BUCKETS,
    ) -> None:
        self.per_ip = per_ip
        self.per_role = dict(per_role)
        self.clock = clock
        self.max_buckets = max_buckets
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        """Whether any limit is configured."""
        return self.per_ip is not None or bool(self.per_role)

    def _role_rate(self, role: str | None) -> Rate | None:
        if role is not None and role.upper() in self.per_role:
            return self.per_role[role.upper()]
        return self.per_role.get(DEFAULT_ROLE)

    def _keys(
        self, ip: str | None, principal: str | None, role: str | None
    ) -> list[tuple[str, Rate]]:
        keys: list[tuple[str, Rate]] = []
        if ip is not None and self.per_ip is not None:
            keys.append((f"ip:{ip}", self.per_ip))
        rate = self._role_rate(role)
        if principal is not None and rate is not None:
            keys.append((f"who:{principal}", rate))
        return keys

    def _bucket(self, key: str, rate: Rate, now_s: float) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = _Bucket(rate, rate.capacity, now_s)
            self._buckets[key] = bucket
            while len(self._buckets) > self.max_buckets:
                self._buckets.popitem(last=False)
        else:
            bucket.rate = rate  # the caller's role may have changed
            self._buckets.move_to_end(key)
        bucket.refill(now_s)
        return bucket

    def _standing(self, buckets: list[_Bucket]) -> Standing | None:
        if not buckets:
            return None
        tightest = min(buckets, key=lambda b: b.points / b.rate.capacity)
        return Standing(
            allowed=all(b.points >= 1 for b in buckets),
            limit=int(tightest.rate.capacity),
            remaining=math.floor(tightest.points),
            reset_s=max(b.reset_s() for b in buckets),
            restore_per_s=tightest.rate.restore_per_s,
        )

    def check(
        self, *, ip: str | None, principal: str | None, role: str | None = None
    ) -> Standing | None:
        """May an operation start? ``None`` when no limit applies to it."""
        with self._lock:
            now_s = self.clock()
            return self._standing(
                [self._bucket(k, r, now_s) for k, r in self._keys(ip, principal, role)]
            )

    def charge(
        self, cost: int, *, ip: str | None, principal: str | None, role: str | None = None
    ) -> Standing | None:
        """Take an operation's cost (at least 1) from its buckets; the standing after it."""
        with self._lock:
            now_s = self.clock()
            buckets = [self._bucket(k, r, now_s) for k, r in self._keys(ip, principal, role)]
            for bucket in buckets:
                bucket.points -= max(1, cost)
            standing = self._standing(buckets)
        if standing is None:
            return None
        # ``allowed`` after a charge says whether the *next* operation may start
        return standing
