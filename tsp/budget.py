"""How long a search may run: a round count (deterministic) and/or a deadline (not).

The search works in rounds of a fixed number of kicks whose size never depends on the clock,
so the state after ``k`` rounds is a function of the problem and seed alone. The deadline is
only looked at between rounds: a run stopped by its time limit equals the run with
``rounds=k`` for the ``k`` it completed (reported in :attr:`tsp.Result.rounds`), and a
slower machine can only complete fewer rounds. With ``deadline_s=None`` the clock is never
read and the result is the same on every machine.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

__all__ = ["Budget", "now_s"]


def now_s() -> float:
    """Monotonic seconds (one place, so tests can substitute a slowed-down clock)."""
    return time.perf_counter()


@dataclass(frozen=True, slots=True)
class Budget:
    """Stop after ``rounds`` rounds (if set) or at the first checkpoint past ``deadline_s``."""

    deadline_s: float | None
    rounds: int | None = None

    def more(self, done: int) -> bool:
        """True when another round may start after ``done`` completed rounds."""
        if self.rounds is not None and done >= self.rounds:
            return False
        return self.deadline_s is None or now_s() < self.deadline_s

    def share(self, fraction: float) -> Budget:
        """A budget for a sub-search: ``fraction`` of the time left, the same rounds."""
        if self.deadline_s is None:
            return self
        t = now_s()
        return Budget(t + fraction * max(self.deadline_s - t, 0.0), self.rounds)
