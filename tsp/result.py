"""The answer returned by :func:`tsp.solve`."""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = ["Result", "Unserved", "UnservedReason"]


class UnservedReason(enum.Enum):
    """Why a stop could not be part of a feasible plan."""

    NO_WINDOW = "no_window"
    """The stop has no opening window at all."""
    WINDOW_TOO_SHORT = "window_too_short"
    """No window of the stop is long enough for its service time."""
    UNREACHABLE = "unreachable"
    """Even going there directly from the start, every window has closed."""
    NO_RETURN = "no_return"
    """After serving the stop there is no time left to reach the end (or return home)."""
    CONFLICT = "conflict"
    """Each stop alone fits, but not together with the others; this one was dropped."""


@dataclass(frozen=True, slots=True)
class Unserved:
    """A stop left out of the plan, with the reason and a human-readable detail."""

    stop: int
    reason: UnservedReason
    detail: str


@dataclass(frozen=True, slots=True)
class Result:
    """A route and how good it is.

    Attributes
    ----------
    order
        Stops in visiting order, starting with the start stop. A closed tour does not
        repeat the start at the end; a fixed end is the last element.
    cost
        Total cost of the route (including the return arc for closed tours), in the unit of
        the cost matrix. Waiting time is never part of the cost.
    method
        Which algorithm produced the route (``"trivial"``, ``"held-karp"``,
        ``"windows-dp"``, ``"local-search"``, ``"windows-local-search"``).
    proven_optimal
        True when the algorithm proves that no cheaper route exists.
    lower_bound
        A proven lower bound on the optimum (equal to ``cost`` when optimal), or ``None``.
    gap
        ``(cost - lower_bound) / lower_bound`` or ``None`` when no bound is known.
    elapsed_s
        Wall time spent in :func:`tsp.solve`.
    unserved
        Stops that could not be served, each with a reason; empty when all are served.
    arrival_s, departure_s
        Per element of ``order``: arrival and departure times (seconds) when the problem
        has time windows or service times; ``None`` otherwise. For a closed tour the
        return arrival at the start is ``return_s``.
    return_s
        Arrival time back at the start (closed tours with a schedule), else ``None``.
    reason
        Why ``method`` ran (e.g. ``"auto: 23 stops, exact fits the budget"``), so a
        heuristic answer is never mistaken for a proof.
    rounds
        Local-search rounds completed (0 for exact methods); passing it back as
        ``solve(iterations=rounds)`` reproduces the route without reading the clock.
    """

    order: tuple[int, ...]
    cost: int
    method: str
    proven_optimal: bool
    lower_bound: int | None
    gap: float | None
    elapsed_s: float
    unserved: tuple[Unserved, ...] = ()
    arrival_s: tuple[int, ...] | None = None
    departure_s: tuple[int, ...] | None = None
    return_s: int | None = None
    reason: str = ""
    rounds: int = 0

    @property
    def feasible(self) -> bool:
        """True when every stop is served."""
        return not self.unserved
