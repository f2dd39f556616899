"""Typed errors raised by the ``tsp`` package."""

from __future__ import annotations

__all__ = ["ExactLimitExceeded", "MemoryBudgetExceeded", "ProblemError", "TsplibFormatError"]


class ProblemError(ValueError):
    """The problem data is malformed: wrong shape, negative or non-integer costs, bad indices."""


class MemoryBudgetExceeded(ProblemError):
    """The exact dynamic programme would need more memory than the configured budget.

    Raised *before* anything is allocated, so the process never starts swapping.
    """

    def __init__(self, needed_bytes: int, budget_bytes: int, n_stops: int) -> None:
        self.needed_bytes = needed_bytes
        self.budget_bytes = budget_bytes
        self.n_stops = n_stops
        super().__init__(
            f"exact Held–Karp for {n_stops} stops needs {needed_bytes / 2**20:.0f} MiB, "
            f"over the {budget_bytes / 2**20:.0f} MiB budget"
        )


class ExactLimitExceeded(ProblemError):
    """``method="exact"`` was asked for a problem the exact algorithm cannot prove.

    ``limit`` names the constant or parameter that was exceeded (``MAX_WINDOW_DP_STOPS``,
    ``max_labels``); the solver never silently falls back to a heuristic instead.
    """

    def __init__(self, limit: str, detail: str) -> None:
        self.limit = limit
        super().__init__(f"exact method refused: {detail} ({limit})")


class TsplibFormatError(ValueError):
    """A TSPLIB or Dumas TSPTW file could not be read."""
