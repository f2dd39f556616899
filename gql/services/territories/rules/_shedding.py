"""Moving visits off a manager's over-cap days (the schedule's cap repair).

A routed day over the cap gives one retailer's visits to other days of the same manager. The
candidates, each estimated by its workload (and, for a weekly shop, its detour to the target
weekday's zone), are:

* a monthly visit, to one of the manager's lightest days;
* a fortnightly retailer, to one of the weekday-and-phase pairs whose heavier day is lightest;
* a weekly retailer, to another weekday (all four weeks), nearest to that weekday's zone first.

The best few are routed for real, and the move that leaves the least overtime over the cap
(then the fewest extra hours) wins, if it lowers the manager's overtime at all: so repairs
never cycle and every accepted move helps. No retailer moves to a weekday it is closed (unless
it is closed on every weekday), and a move that changes an ordering retailer's weekday away
from its order day spends the territory's order-day change budget (a move back onto it gives
one back): once spent, only moves that change no order day remain.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from .weekdays import WEEKDAYS
from .workload import CYCLE_WEEKS

if TYPE_CHECKING:
    from collections.abc import Callable

    from .routing import DayRoute
    from .weekdays import WeekdayPlan

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

DAYS_PER_CYCLE = CYCLE_WEEKS * WEEKDAYS

UNLIMITED = 1 << 62
"""An order-day change budget that never runs out (no cap)."""

TRIALS = 16
"""Candidate moves routed for real per over-cap day."""

EXTRA_HOURS_PRICE = 0.1
"""Overtime hours one extra hour of work (a detour) is worth when comparing moves."""


@dataclass(slots=True)
class OrderDayBudget:
    """Order-day changes one territory may still make while shedding.

    ``left`` may start below zero (shops moved off a closed order day count too); then only
    moves that change no order day, or give one back, are allowed.
    """

    order_day: IntArray
    left: int

    def cost(self, i: int, old_day: int, new_day: int) -> int:
        """Return +1 if the move leaves ``i``'s order day, -1 if it returns to it, else 0."""
        o = int(self.order_day[i])
        if o < 0:
            return 0
        return int(new_day != o) - int(old_day != o)

    def allows(self, i: int, old_day: int, new_day: int) -> bool:
        """Whether the budget allows moving ``i`` from ``old_day`` to ``new_day``."""
        return self.cost(i, old_day, new_day) <= max(self.left, 0)


def order_day_budget(
    order_day: IntArray, weekday: IntArray, mine: IntArray, share: float | None
) -> OrderDayBudget:
    """The budget of one territory (``mine``): its cap less the changes the plan has made."""
    if share is None:
        return OrderDayBudget(order_day=order_day, left=UNLIMITED)
    ordering = mine[order_day[mine] >= 0]
    used = int((weekday[ordering] != order_day[ordering]).sum())
    return OrderDayBudget(order_day=order_day, left=int(np.floor(share * ordering.size)) - used)


@dataclass(frozen=True, slots=True)
class _Move:
    """Retailer ``i`` to ``weekday``/``phase``, leaving days ``old`` for days ``new``."""

    estimate_h: float
    i: int
    weekday: int
    phase: int
    old: tuple[int, ...]
    new: tuple[int, ...]


@dataclass(slots=True)
class Shedder:
    """One manager's over-cap repair: moves visits between the 20 day lists in place.

    ``lists[week * 5 + weekday]`` are the day's retailers (positions into the district) and
    ``routes`` their routes; ``weekday``/``phase`` are the district's arrays (updated in place);
    ``route(day, stops)`` routes a trial list; ``xy_m`` are local metres of every retailer,
    ``depot_xy_m`` the manager's depot in the same frame, ``leg_s_per_m`` the seconds a straight
    metre of detour costs (road factor over speed).
    """

    lists: list[IntArray]
    routes: list[DayRoute]
    route: Callable[[int, IntArray], DayRoute]
    plan: WeekdayPlan
    weekday: IntArray
    phase: IntArray
    per_visit_min: FloatArray
    open_on: BoolArray
    budget: OrderDayBudget
    xy_m: FloatArray
    depot_xy_m: FloatArray
    leg_s_per_m: float
    cap_hours: float
    moves: int = 0

    def repair(self, max_moves: int) -> None:
        """Shed visits until no day is over the cap, no move helps, or ``max_moves`` is spent."""
        while self.moves < max_moves:
            hours = self._hours()
            over = [int(d) for d in np.argsort(-hours) if hours[d] > self.cap_hours]
            if not over or not any(self._shed(day, hours) for day in over):
                return

    def _hours(self) -> FloatArray:
        return np.array([r.hours for r in self.routes])

    def _overtime(self, hours: FloatArray) -> float:
        return float(np.maximum(hours - self.cap_hours, 0.0).sum())

    def _shed(self, day: int, hours: FloatArray) -> bool:
        """Make the best routed move off ``day`` that lowers the overtime; whether one was."""
        moves = sorted(self._candidates(day, hours), key=lambda mv: mv.estimate_h)[:TRIALS]
        now = self._overtime(hours)
        best: tuple[float, _Move, dict[int, IntArray], dict[int, DayRoute]] | None = None
        for mv in moves:
            trial = {d: self.lists[d] for d in (*mv.old, *mv.new)}
            for d in mv.old:
                trial[d] = trial[d][trial[d] != mv.i]
            for d in mv.new:
                trial[d] = np.r_[trial[d], mv.i]
            routed = {d: self.route(d, stops) for d, stops in trial.items()}
            after = hours.copy()
            for d, r in routed.items():
                after[d] = r.hours
            overtime = self._overtime(after)
            if overtime >= now - 1e-9:
                continue
            score = overtime + EXTRA_HOURS_PRICE * float(after.sum() - hours.sum())
            if best is None or score < best[0]:
                best = (score, mv, trial, routed)
        if best is None:
            return False
        _, mv, lists, routed = best
        self.budget.left -= self.budget.cost(mv.i, int(self.weekday[mv.i]), mv.weekday)
        self.weekday[mv.i], self.phase[mv.i] = mv.weekday, mv.phase
        for d, r in routed.items():
            self.lists[d] = lists[d]
            self.routes[d] = r
        self.moves += 1
        return True

    def _open(self, i: int) -> BoolArray:
        can = self.open_on[i]
        return can if can.any() else np.ones(WEEKDAYS, dtype=np.bool_)

    def _candidates(self, day: int, hours: FloatArray) -> list[_Move]:
        """Return every allowed move off ``day``, with its estimated peak.

        The estimate is the heavier of the lightened day and the heaviest receiving day, each
        priced the visit's workload plus a detour to (or from) its nearest stop.
        """
        members = self.lists[day]
        if members.size == 0:
            return []
        gap_m = np.empty((DAYS_PER_CYCLE, members.size))  # nearest stop of each day (or depot)
        for d in range(DAYS_PER_CYCLE):
            pts = self.xy_m[self.lists[d]] if self.lists[d].size else self.depot_xy_m[None, :]
            dist = np.sqrt(((self.xy_m[members][:, None, :] - pts[None, :, :]) ** 2).sum(axis=2))
            if d == day:
                dist[dist == 0.0] = np.inf  # not itself
                dist = np.minimum(
                    dist, np.linalg.norm(self.xy_m[members] - self.depot_xy_m, axis=1)[:, None]
                )
            gap_m[d] = dist.min(axis=1)
        visit_h = self.per_visit_min[members] / 60 + 2 * gap_m * self.leg_s_per_m / 3600
        out: list[_Move] = []
        for j, i in enumerate(members.tolist()):
            visits = int(self.plan.visits_per_cycle[i])
            can, old_day, old_phase = self._open(i), int(self.weekday[i]), int(self.phase[i])
            old = tuple(
                w * WEEKDAYS + old_day
                for w in range(CYCLE_WEEKS)
                if (visits == 4 or (w == old_phase if visits == 1 else w % 2 == old_phase))
            )
            lightened = float(hours[day] - visit_h[day, j])
            phases = {1: range(CYCLE_WEEKS), 2: range(2)}.get(visits, range(1))
            for p in phases:
                for d in range(WEEKDAYS):
                    new = tuple(
                        w * WEEKDAYS + d
                        for w in range(CYCLE_WEEKS)
                        if (visits == 4 or (w == p if visits == 1 else w % 2 == p))
                    )
                    if new == old or not can[d] or not self.budget.allows(i, old_day, d):
                        continue
                    peak = max(float(hours[x] + visit_h[x, j]) for x in new)
                    out.append(_Move(max(peak, lightened), i, d, p, old, new))
        return out
