"""The one entry point: pick an algorithm for a :class:`Problem` and return a :class:`Result`."""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Literal

import numpy as np

from tsp.bounds import lower_bound, window_lower_bound
from tsp.budget import Budget, now_s
from tsp.errors import ExactLimitExceeded
from tsp.exact import DEFAULT_MEMORY_BUDGET_BYTES, held_karp, held_karp_bytes
from tsp.heuristic import Extended, local_search, windowed_local_search
from tsp.problem import Problem
from tsp.result import Result, Unserved, UnservedReason
from tsp.windows import (
    MAX_WINDOW_DP_STOPS,
    TimedData,
    diagnose,
    earliest_starts,
    windowed_dp,
)

if TYPE_CHECKING:
    import numpy.typing as npt

__all__ = ["Method", "solve"]

Method = Literal["auto", "exact", "heuristic"]

_TRIVIAL_STOPS = 3
_DEFAULT_MAX_LABELS = 4_000_000
_BEAM = 200
_LABELS_PER_S = 600_000  # windowed-DP labels per second here, with margin
_DROP_ROUNDS = 5  # local-search rounds to pick a conflicting stop to drop


def _exact_seconds(n: int, symmetric_closed: bool) -> float:
    """Rough single-core time of Held–Karp here (calibrated: 20 stops ≈ 0.05 s)."""
    base = 0.05 * 2.0 ** (n - 20) * (n / 20) ** 2
    return base if symmetric_closed else 2.0 * base


def _brute(problem: Problem, stops: list[int]) -> tuple[int, list[int]]:
    """Exhaustive search; only used for at most three stops."""
    middle = [v for v in stops if v not in (problem.start, problem.end)]
    tail = [problem.end] if problem.end is not None else []
    best: tuple[int, list[int]] | None = None
    for perm in itertools.permutations(middle):
        order = [problem.start, *perm, *tail]
        c = problem.route_cost(order)
        if best is None or c < best[0]:
            best = (c, order)
    assert best is not None
    return best


def _schedule(
    problem: Problem, data: TimedData, order: list[int]
) -> tuple[tuple[int, ...], tuple[int, ...], int | None, int]:
    """Earliest arrival and departure per stop, the return time, and the violation."""
    from tsp._ls_kernels import schedule

    route = np.array([*order, problem.n], dtype=np.int64)
    travel = np.zeros((problem.n + 1, problem.n + 1), dtype=np.int64)
    travel[: problem.n, : problem.n] = problem.travel_s
    if problem.closed:
        travel[: problem.n, problem.n] = problem.travel_s[:, problem.start]
    arrive = np.empty(len(route), dtype=np.int64)
    depart = np.empty(len(route), dtype=np.int64)
    viol = schedule(travel, route, *data.windows, data.service, problem.start_time, arrive, depart)
    back = int(arrive[-1]) if problem.closed else None
    return tuple(arrive[:-1].tolist()), tuple(depart[:-1].tolist()), back, int(viol)


def solve(
    problem: Problem,
    *,
    time_limit_s: float = 1.0,
    seed: int = 0,
    method: Method = "auto",
    memory_budget_bytes: int = DEFAULT_MEMORY_BUDGET_BYTES,
    max_labels: int = _DEFAULT_MAX_LABELS,
    iterations: int | None = None,
) -> Result:
    """Plan the cheapest route for ``problem``.

    Without opening hours: exact Held–Karp when it fits the time limit and memory budget
    (``method="exact"`` forces it, raising :class:`tsp.MemoryBudgetExceeded` if too big),
    else iterated 2-opt/Or-opt local search with a 1-tree lower bound for the gap.
    ``method="exact"`` never returns an unproven route: it proves or raises
    (:class:`tsp.MemoryBudgetExceeded`, :class:`tsp.ExactLimitExceeded` naming the limit).
    :attr:`Result.reason` says which method ran and why.

    With opening hours or service times: stops that cannot be served even alone are
    reported and left out; the rest is solved by the windowed dynamic programme (exact up
    to ``MAX_WINDOW_DP_STOPS`` = 126 stops unless it exceeds ``max_labels``) seeded by a
    restricted-DP upper bound, or by windowed local search. If the remaining stops still
    conflict, stops are dropped one at a time (the latest one in the best schedule) and
    reported as ``conflict``.

    Parameters
    ----------
    problem
        The validated problem.
    time_limit_s
        Budget for heuristics (the exact methods are chosen only when expected to fit).
    seed
        Seed for the randomised kicks.
    iterations
        Local-search rounds to run. When given, the clock is never read to stop a search and
        the route depends only on the problem, seed and ``iterations`` (``time_limit_s``
        then only sizes the choice of method). Without it the time limit stops the search
        at the first round boundary past it; the route then equals
        ``solve(..., iterations=result.rounds)``, so it differs between machines only by
        how many rounds fit (see ``docs/tsp.md``).
    method
        ``"auto"``, ``"exact"`` or ``"heuristic"``.
    memory_budget_bytes
        Ceiling for the exact Held–Karp tables.
    max_labels
        Ceiling on windowed-DP labels (about 48 bytes each).

    Examples
    --------
    >>> from tsp import Problem, solve
    >>> r = solve(Problem([[0, 2, 9, 10], [1, 0, 6, 4], [15, 7, 0, 8], [6, 3, 12, 0]]))
    >>> r.order, r.cost, r.proven_optimal
    ((0, 2, 3, 1), 21, True)
    """
    if method not in ("auto", "exact", "heuristic"):
        raise ValueError(f"method must be 'auto', 'exact' or 'heuristic', not {method!r}")
    if not time_limit_s > 0:
        raise ValueError("time_limit_s must be positive")
    if iterations is not None and iterations < 0:
        raise ValueError("iterations must be non-negative")
    t0 = now_s()
    deadline = t0 + float(time_limit_s)
    budget = Budget(None if iterations is not None else deadline, iterations)
    if problem.timed:
        return _solve_timed(problem, t0, budget, float(time_limit_s), seed, method, max_labels)
    stops = list(range(problem.n))
    if problem.n <= _TRIVIAL_STOPS:
        cost, order = _brute(problem, stops)
        return _result(order, cost, "trivial", True, cost, t0, reason="at most 3 stops: all orders")
    sym_closed = problem.closed and problem.symmetric
    fits = held_karp_bytes(problem.n, symmetric_closed=sym_closed) <= memory_budget_bytes
    need_s = _exact_seconds(problem.n, sym_closed)
    if method == "exact" or (method == "auto" and fits and need_s <= time_limit_s):
        cost, order = held_karp(
            problem.cost,
            start=problem.start,
            closed=problem.closed,
            end=problem.end,
            memory_budget_bytes=memory_budget_bytes,
        )
        why = (
            "method='exact'"
            if method == "exact"
            else f"auto: {problem.n} stops, Held–Karp fits the time limit and memory budget"
        )
        return _result(order, cost, "held-karp", True, cost, t0, reason=why)
    if method == "heuristic":
        why = "method='heuristic'"
    elif not fits:
        why = f"auto: {problem.n} stops, Held–Karp tables exceed the memory budget"
    else:
        why = (
            f"auto: {problem.n} stops, Held–Karp needs about {need_s:.3g} s,"
            f" over the {time_limit_s:g} s time limit"
        )
    ext = Extended(problem, np.arange(problem.n, dtype=np.int64))
    ls_budget = budget if iterations is not None else Budget(t0 + 0.85 * float(time_limit_s))
    order, cost, rounds = local_search(ext, budget=ls_budget, seed=seed)
    bound_its = 300 if iterations is not None else _bound_iterations(problem.n, deadline)
    lb = lower_bound(problem, upper_bound=cost, iterations=bound_its)
    return _result(order, cost, "local-search", lb == cost, lb, t0, reason=why, rounds=rounds)


_ONE_TREE_S_PER_NODE2 = 6e-9
"""Measured cost of one 1-tree subgradient iteration per n² (dense Prim), with margin."""


def _bound_iterations(n: int, deadline: float) -> int:
    """Subgradient iterations that fit the time left (every iterate is a valid bound)."""
    left_s = max(deadline - now_s(), 0.0)
    fit = int(left_s / (_ONE_TREE_S_PER_NODE2 * n * n + 1e-9))
    return max(5, min(300, fit))


def _result(
    order: list[int],
    cost: int,
    method: str,
    proven: bool,
    lb: int | None,
    t0: float,
    **extra: object,
) -> Result:
    gap = None if lb is None else (0.0 if lb == cost else (cost - lb) / max(lb, 1))
    return Result(
        order=tuple(order),
        cost=int(cost),
        method=method,
        proven_optimal=proven,
        lower_bound=lb,
        gap=gap,
        elapsed_s=now_s() - t0,
        **extra,  # type: ignore[arg-type]
    )


def _solve_timed(
    problem: Problem,
    t0: float,
    budget: Budget,
    time_limit_s: float,
    seed: int,
    method: Method,
    max_labels: int,
) -> Result:
    data = TimedData.of(problem)
    unserved = diagnose(problem, data)
    dropped = {u.stop for u in unserved}
    if problem.end is not None and problem.end in dropped:
        # Without its fixed end the route has no defined finish: report, serve nothing.
        order = [problem.start]
        why = "the fixed end stop cannot be served, so no route is possible"
        return _timed_result(problem, data, order, "windows-dp", False, t0, unserved, reason=why)
    forced_only = True
    while True:
        stops = [v for v in range(problem.n) if v not in dropped]
        res = _solve_subset(problem, data, stops, budget, time_limit_s, seed, method, max_labels)
        if res is not None:
            order, cost, how, proven, why, rounds = res
            if not forced_only:
                why += "; conflicting stops were dropped greedily (served set not proven best)"
            return _timed_result(
                problem,
                data,
                order,
                how,
                proven and forced_only,
                t0,
                unserved,
                cost,
                reason=why,
                rounds=rounds,
            )
        # Still infeasible: drop the stop that is latest in the least-violating schedule.
        forced_only = False
        ext = Extended(problem, np.array(stops, dtype=np.int64))
        order, _viol, _cost, _rounds = windowed_local_search(
            ext,
            data.windows,
            data.service,
            budget=Budget(None, _DROP_ROUNDS),
            seed=seed,
            initial=_by_deadline(ext, data),
        )
        worst = _latest_stop(problem, data, order)
        unserved.append(
            Unserved(
                worst, UnservedReason.CONFLICT, "cannot be fitted together with the other stops"
            )
        )
        dropped.add(worst)


def _by_deadline(ext: Extended, data: TimedData) -> npt.NDArray[np.int64]:
    keys = [(int(data.latest_start[v]), int(v)) for v in ext.middle]
    return np.array([v for _, v in sorted(keys)], dtype=np.int64)


def _latest_stop(problem: Problem, data: TimedData, order: list[int]) -> int:
    """Return the stop whose visit ends furthest past its last window in the schedule."""
    _arrive, depart, _back, _viol = _schedule(problem, data, order)
    worst, worst_late = order[-1], -(1 << 62)
    for p, v in enumerate(order):
        if v in (problem.start, problem.end):
            continue
        late = int(depart[p]) - int(data.latest_start[v]) - int(data.service[v])
        if late > worst_late:
            worst, worst_late = v, late
    return worst


def _solve_subset(
    problem: Problem,
    data: TimedData,
    stops: list[int],
    budget: Budget,
    time_limit_s: float,
    seed: int,
    method: Method,
    max_labels: int,
) -> tuple[list[int], int, str, bool, str, int] | None:
    """Best route over ``stops``; ``None`` when no feasible route was found.

    Returns ``(order, cost, method, proven, reason, rounds)``. Every choice depends on the
    inputs and ``time_limit_s``, never on the clock, so equal inputs take equal paths.
    """
    n_free = len(stops) - 1
    ext = Extended(problem, np.array(stops, dtype=np.int64))
    if n_free <= 2:
        why = "at most 2 stops besides the start: all orders"
        cost, order = _brute(problem, stops)
        _a, _d, _b, viol = _schedule(problem, data, order)
        if viol == 0:
            return order, cost, "trivial", True, why, 0
        if n_free == 2:
            other = [order[0], *reversed(order[1:])] if problem.end is None else order
            _a, _d, _b, viol = _schedule(problem, data, other)
            if viol == 0:
                return other, problem.route_cost(other), "trivial", True, why, 0
        return None
    if method == "exact" and n_free > MAX_WINDOW_DP_STOPS:
        raise ExactLimitExceeded(
            "MAX_WINDOW_DP_STOPS",
            f"{n_free} stops besides the start, the windowed DP proves at most"
            f" {MAX_WINDOW_DP_STOPS}",
        )
    best: tuple[list[int], int] | None = None
    if method == "auto":
        # Loose windows prune little; cap the labels so the budget roughly holds (sized
        # from the time limit, not the clock, so the same inputs take the same path).
        max_labels = min(max_labels, max(200_000, int(_LABELS_PER_S * time_limit_s)))
    capped = False
    if n_free <= MAX_WINDOW_DP_STOPS:
        status, cost, order = windowed_dp(
            problem, data, stops, upper_bound=1 << 60, beam=_BEAM, max_labels=max_labels
        )
        if status == 0:
            best = (order, cost)
        if method != "heuristic":
            ub = best[1] if best is not None else 1 << 60
            status, cost, order = windowed_dp(
                problem, data, stops, upper_bound=ub, beam=0, max_labels=max_labels
            )
            if status == 0:
                why = (
                    "method='exact'"
                    if method == "exact"
                    else f"auto: {n_free} stops (at most MAX_WINDOW_DP_STOPS ="
                    f" {MAX_WINDOW_DP_STOPS}), the windowed DP finished"
                )
                return order, cost, "windows-dp", True, why, 0
            if status == 1:
                return None
            capped = True
    # Loose windows (label cap hit), a heuristic run, or too many stops for the DP: the
    # optimum without windows is optimal with them whenever its schedule fits.
    r_order, r_cost, r_proven = _relaxed(problem, stops, budget, time_limit_s, seed)
    if _schedule(problem, data, r_order)[3] == 0:
        if r_proven:
            why = "the optimum without windows (Held–Karp) fits every window"
            return r_order, r_cost, "held-karp", True, why, 0
        if best is None or r_cost < best[1]:
            best = (r_order, r_cost)
    if method == "exact":
        raise ExactLimitExceeded(
            "max_labels",
            f"the windowed DP over {n_free} stops needs more than {max_labels} labels"
            " (windows too loose to prune)",
        )
    if method == "heuristic":
        why = "method='heuristic'"
    elif capped:
        why = (
            f"auto: the windowed DP hit its label cap ({max_labels}, sized from the time"
            " limit), so windowed local search"
        )
    else:
        why = (
            f"auto: {n_free} stops, over MAX_WINDOW_DP_STOPS = {MAX_WINDOW_DP_STOPS},"
            " so windowed local search"
        )
    initial = (
        np.array([v for v in best[0] if v in set(ext.middle.tolist())], dtype=np.int64)
        if best is not None
        else _by_deadline(ext, data)
    )
    order, viol, cost, rounds = windowed_local_search(
        ext,
        data.windows,
        data.service,
        budget=budget.share(0.8),
        seed=seed,
        initial=initial,
    )
    if viol == 0 and (best is None or cost < best[1]):
        best = (order, cost)
    if best is None:
        return None
    return best[0], best[1], "windows-local-search", False, why, rounds


def _without_windows(problem: Problem, stops: list[int] | None = None) -> Problem:
    """``problem`` over ``stops`` (all by default) without windows or service times."""
    if stops is None:
        stops = list(range(problem.n))
    where = {v: i for i, v in enumerate(stops)}
    return Problem(
        problem.cost[np.ix_(stops, stops)],
        start=where[problem.start],
        closed=problem.closed,
        end=None if problem.end is None else where[problem.end],
    )


def _relaxed(
    problem: Problem, stops: list[int], budget: Budget, time_limit_s: float, seed: int
) -> tuple[list[int], int, bool]:
    """Solve ``stops`` without windows (exact when cheap); returns order, cost, proof."""
    sub = _without_windows(problem, stops)
    limit_s = 0.3 * time_limit_s
    if budget.deadline_s is not None:
        # Stop in time; the method choice below depends on ``time_limit_s`` only.
        limit_s = max(min(limit_s, 0.3 * (budget.deadline_s - now_s())), 0.005)
    r = solve(sub, time_limit_s=limit_s, seed=seed, iterations=budget.rounds)
    return [stops[i] for i in r.order], r.cost, r.proven_optimal


def _timed_result(
    problem: Problem,
    data: TimedData,
    order: list[int],
    method: str,
    proven: bool,
    t0: float,
    unserved: list[Unserved],
    cost: int | None = None,
    *,
    reason: str,
    rounds: int = 0,
) -> Result:
    arrive, depart, back, _viol = _schedule(problem, data, order)
    real = problem.route_cost(order) if cost is None else cost
    lb: int | None = real
    if not proven:
        lb = None
        if not unserved and problem.n > _TRIVIAL_STOPS:
            # Arcs no schedule can use are priced out; never below the window-free bound.
            lb = window_lower_bound(
                problem,
                earliest_starts(problem, data),
                data.latest_start,
                data.service,
                upper_bound=real,
            )
    return _result(
        order,
        real,
        method,
        proven,
        lb,
        t0,
        unserved=tuple(unserved),
        arrival_s=arrive,
        departure_s=depart,
        return_s=back,
        reason=reason,
        rounds=rounds,
    )
