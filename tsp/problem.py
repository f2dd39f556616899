"""The immutable, validated routing problem that :func:`tsp.solve` accepts."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from tsp.errors import ProblemError

if TYPE_CHECKING:
    import numpy.typing as npt

__all__ = ["MAX_COST", "MAX_TIME_S", "Problem", "Window"]

MAX_COST = 2**40
"""Largest accepted matrix entry: keeps every route sum far from int64 overflow."""
MAX_TIME_S = 2**40
"""Largest accepted time (window bound, service, start time), in seconds."""

Window = tuple[int, int]
"""An opening window ``(open_s, close_s)``; the whole visit must fit inside it."""


def _as_matrix(name: str, data: Any) -> npt.NDArray[np.int64]:
    """Return a read-only int64 copy of a square, finite, non-negative integer matrix."""
    try:
        arr = np.array(data, dtype=None)
    except (ValueError, TypeError) as exc:  # ragged nested lists
        raise ProblemError(f"{name} is not a rectangular matrix: {exc}") from None
    if arr.dtype == object:
        raise ProblemError(f"{name} is not a rectangular numeric matrix")
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
        raise ProblemError(f"{name} must be square, got shape {arr.shape}")
    if arr.dtype.kind == "b" or arr.dtype.kind not in "iuf":
        raise ProblemError(f"{name} must hold integers, got dtype {arr.dtype}")
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)):
            raise ProblemError(f"{name} contains NaN or infinity")
        if not np.all(arr == np.round(arr)):
            raise ProblemError(f"{name} must hold whole numbers (round metres or seconds)")
    if arr.size and (arr.min() < 0):
        raise ProblemError(f"{name} contains a negative entry ({arr.min()})")
    if arr.size and arr.max() > MAX_COST:
        raise ProblemError(f"{name} has an entry above {MAX_COST}")
    out = arr.astype(np.int64)
    np.fill_diagonal(out, 0)
    out.setflags(write=False)
    return out


def _as_time(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ProblemError(f"{name} must be an integer number of seconds, got {value!r}")
    if not 0 <= int(value) <= MAX_TIME_S:
        raise ProblemError(f"{name} must be within 0..{MAX_TIME_S}, got {value}")
    return int(value)


def _as_windows(raw: Any, n: int) -> tuple[tuple[Window, ...], ...]:
    if isinstance(raw, (str, bytes)) or not isinstance(raw, Sequence) or len(raw) != n:
        raise ProblemError(f"windows must be a sequence with one entry per stop ({n})")
    out: list[tuple[Window, ...]] = []
    for stop, per_stop in enumerate(raw):
        if per_stop is None:
            out.append(((0, MAX_TIME_S),))
            continue
        if not isinstance(per_stop, Sequence):
            raise ProblemError(f"windows[{stop}] must be a list of (open_s, close_s) pairs")
        pairs: list[Window] = []
        for pair in per_stop:
            if not isinstance(pair, Sequence) or len(pair) != 2:
                raise ProblemError(f"windows[{stop}] has an entry that is not a pair: {pair!r}")
            lo = _as_time(f"windows[{stop}] open", pair[0])
            hi = _as_time(f"windows[{stop}] close", pair[1])
            if lo > hi:
                raise ProblemError(f"windows[{stop}] closes before it opens: {pair!r}")
            pairs.append((lo, hi))
        out.append(tuple(sorted(pairs)))
    return tuple(out)


class Problem:
    """A route to plan over ``n`` stops, validated once and immutable afterwards.

    Parameters
    ----------
    cost
        Square ``n × n`` matrix of non-negative whole numbers (metres or seconds);
        ``cost[i][j]`` is the cost of going from ``i`` to ``j``. Need not be symmetric or
        obey the triangle inequality. The diagonal is ignored.
    start
        Index of the stop where the route begins (the manager's office or home).
    end
        For an open path, the stop where it must finish, or ``None`` to finish anywhere.
    closed
        True for a tour that returns to ``start``; then ``end`` must be ``None``.
    windows
        Optional opening hours: one entry per stop, each a list of ``(open_s, close_s)``
        pairs (``None`` = always open, ``[]`` = never open). A visit, including its service
        time, must lie entirely inside one window; arriving early means waiting. For a
        closed tour the start's windows bound the return time.
    service
        Optional service time per stop, in seconds.
    start_time
        Departure time from ``start``, in seconds.
    travel_s
        Optional travel-time matrix (seconds) used for the schedule when ``cost`` is not a
        time (for example metres). Defaults to ``cost``.

    Raises
    ------
    ProblemError
        With a short message naming the first thing that is wrong.

    Examples
    --------
    >>> p = Problem([[0, 5, 9], [5, 0, 4], [9, 4, 0]], closed=False)
    >>> p.n, p.start, p.end, p.closed
    (3, 0, None, False)
    """

    _cost: npt.NDArray[np.int64]
    _travel: npt.NDArray[np.int64]

    __slots__ = (
        "_cost",
        "_travel",
        "closed",
        "end",
        "n",
        "service",
        "start",
        "start_time",
        "windows",
    )

    n: int
    start: int
    end: int | None
    closed: bool
    windows: tuple[tuple[Window, ...], ...] | None
    service: tuple[int, ...] | None
    start_time: int

    def __init__(
        self,
        cost: Any,
        *,
        start: int = 0,
        end: int | None = None,
        closed: bool = True,
        windows: Sequence[Sequence[Window] | None] | None = None,
        service: Sequence[int] | None = None,
        start_time: int = 0,
        travel_s: Any = None,
    ) -> None:
        matrix = _as_matrix("cost", cost)
        n = matrix.shape[0]
        if n == 0:
            raise ProblemError("the problem has no stops")
        if not isinstance(closed, bool):
            raise ProblemError("closed must be True or False")
        if isinstance(start, bool) or not isinstance(start, (int, np.integer)):
            raise ProblemError(f"start must be an integer index, got {start!r}")
        if not 0 <= start < n:
            raise ProblemError(f"start {start} is out of range for {n} stops")
        if end is not None:
            if isinstance(end, bool) or not isinstance(end, (int, np.integer)):
                raise ProblemError(f"end must be an integer index or None, got {end!r}")
            if not 0 <= end < n:
                raise ProblemError(f"end {end} is out of range for {n} stops")
            if closed:
                raise ProblemError("a closed tour ends at its start; pass closed=False with end")
            if end == start and n > 1:
                raise ProblemError("end equals start: use closed=True for a round trip")
        travel = matrix if travel_s is None else _as_matrix("travel_s", travel_s)
        if travel.shape != matrix.shape:
            raise ProblemError(f"travel_s has shape {travel.shape}, cost has {matrix.shape}")
        wins = None if windows is None else _as_windows(windows, n)
        serv: tuple[int, ...] | None = None
        if service is not None:
            if isinstance(service, (str, bytes)) or len(service) != n:
                raise ProblemError(f"service must list one time per stop ({n})")
            serv = tuple(_as_time(f"service[{i}]", s) for i, s in enumerate(service))
        object.__setattr__(self, "_cost", matrix)
        object.__setattr__(self, "_travel", travel)
        object.__setattr__(self, "n", n)
        object.__setattr__(self, "start", int(start))
        object.__setattr__(self, "end", None if end is None else int(end))
        object.__setattr__(self, "closed", closed)
        object.__setattr__(self, "windows", wins)
        object.__setattr__(self, "service", serv)
        object.__setattr__(self, "start_time", _as_time("start_time", start_time))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Problem is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("Problem is immutable")

    def __repr__(self) -> str:
        kind = "closed" if self.closed else f"open(end={self.end})"
        timed = ", windows" if self.windows is not None else ""
        return f"Problem(n={self.n}, start={self.start}, {kind}{timed})"

    @property
    def cost(self) -> npt.NDArray[np.int64]:
        """The read-only int64 cost matrix (diagonal zeroed)."""
        return self._cost

    @property
    def travel_s(self) -> npt.NDArray[np.int64]:
        """The read-only travel-time matrix in seconds (the cost matrix unless given)."""
        return self._travel

    @property
    def timed(self) -> bool:
        """True when a schedule matters: there are windows or service times."""
        return self.windows is not None or self.service is not None

    @property
    def symmetric(self) -> bool:
        """True when the cost matrix equals its transpose."""
        return bool(np.array_equal(self._cost, self._cost.T))

    def route_cost(self, order: Sequence[int]) -> int:
        """Cost of visiting ``order`` (plus the return arc for a closed tour)."""
        idx = np.asarray(order, dtype=np.int64)
        total = int(self._cost[idx[:-1], idx[1:]].sum()) if len(idx) > 1 else 0
        if self.closed and len(idx) > 1:
            total += int(self._cost[idx[-1], idx[0]])
        return total
