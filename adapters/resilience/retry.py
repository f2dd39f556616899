"""When to retry: once, transient failures only, full-jitter backoff inside the budget.

Positioning is billed per request and may text the subscriber, and a read timeout may mean
the fix is still running server-side, so the policy is deliberately stingy.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config import RetrySettings
    from ..errors import CarrierError

__all__ = ["RetryPolicy"]


@dataclass(slots=True)
class RetryPolicy:
    """Decide whether and after how long to retry a failed attempt.

    Parameters
    ----------
    settings : RetrySettings
        Retry count, backoff base and cap, and the least budget worth an attempt.
    rng : random.Random
        Jitter source; pass a seeded one for reproducible tests.
    """

    settings: RetrySettings
    rng: random.Random = field(default_factory=random.Random)

    def delay_s(
        self, error: CarrierError, *, retries_done: int, remaining_s: float
    ) -> float | None:
        """Seconds to wait before retrying, or None when no retry should happen.

        Examples
        --------
        >>> from adapters.config import RetrySettings
        >>> from adapters.errors import CarrierBusy, UnknownSubscriber
        >>> policy = RetryPolicy(RetrySettings(backoff_base_s=0.5), random.Random(1))
        >>> policy.delay_s(UnknownSubscriber(), retries_done=0, remaining_s=30) is None
        True
        >>> 0 <= policy.delay_s(CarrierBusy(), retries_done=0, remaining_s=30) <= 0.5
        True
        """
        if not error.transient or retries_done >= self.settings.max_retries:
            return None
        cap_s = min(self.settings.backoff_max_s, self.settings.backoff_base_s * 2**retries_done)
        wait_s = self.rng.uniform(0.0, cap_s)
        hint_s = getattr(error, "retry_after_s", None)
        if isinstance(hint_s, int | float) and hint_s > wait_s:
            wait_s = float(hint_s)
        if remaining_s - wait_s < self.settings.min_attempt_s:
            return None
        return wait_s
