"""Moving visits off a manager's over-cap days (the schedule's cap repair).

A routed day over the cap gives one retailer's visits to other days of the same manager: a
monthly visit to another day, a fortnightly retailer to another weekday and phase, or a weekly
retailer to another weekday (all four weeks). Each candidate is estimated — the heavier of the
lightened day and the heaviest receiving day, each priced the visit's workload plus a detour to
its nearest stop there — and the best few are routed for real; the move that leaves the least
overtime over the cap (then the fewest extra hours) wins, if it lowers the manager's overtime
at all, so repairs never cycle. When no single move helps (every other day too full to take a
whole visit), a visit swaps places with a shorter one of the same frequency, near pairs first.

No retailer moves to a weekday it is closed (unless it is closed on every weekday), and a move
that changes an ordering retailer's weekday away from its order day spends the territory's
order-day change budget (a move back onto it gives one back): once spent, only moves that
change no order day remain.
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
"""Candidate moves routed for real per over-cap day (twice as many swaps)."""

DAYS_TRIED = 3
"""Over-cap days, the longest first, a repair step tries to lighten before giving up."""

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
            if not over or not any(self._shed(day, hours) for day in over[:DAYS_TRIED]):
                return

    def _hours(self) -> FloatArray:
        return np.array([r.hours for r in self.routes])

    def _overtime(self, hours: FloatArray) -> float:
        return float(np.maximum(hours - self.cap_hours, 0.0).sum())

    def _shed(self, day: int, hours: FloatArray) -> bool:
        """Make the best routed move off ``day`` that lowers the overtime; whether one was.

        Single moves first; if none helps, swaps of a visit with a shorter one of the same
        frequency on a lighter day.
        """
        for candidates, trials in ((self._candidates, TRIALS), (self._swaps, 2 * TRIALS)):
            ranked = sorted(candidates(day, hours), key=lambda mv: mv[0].estimate_h)
            if self._best(ranked[:trials], hours):
                return True
        return False

    def _best(self, moves: list[tuple[_Move, ...]], hours: FloatArray) -> bool:
        """Route each move's days; apply the one leaving the least overtime, if it lowers it."""
        now = self._overtime(hours)
        best: tuple[float, tuple[_Move, ...], dict[int, IntArray], dict[int, DayRoute]] | None
        best = None
        for mv in moves:
            trial = {d: self.lists[d] for m in mv for d in (*m.old, *m.new)}
            for m in mv:
                for d in m.old:
                    trial[d] = trial[d][trial[d] != m.i]
            for m in mv:
                for d in m.new:
                    trial[d] = np.r_[trial[d], m.i]
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
        for m in mv:
            self.budget.left -= self.budget.cost(m.i, int(self.weekday[m.i]), m.weekday)
            self.weekday[m.i], self.phase[m.i] = m.weekday, m.phase
        for d, r in routed.items():
            self.lists[d] = lists[d]
            self.routes[d] = r
        self.moves += 1
        return True

    def _swaps(self, day: int, hours: FloatArray) -> list[tuple[_Move, ...]]:
        """Return swaps of a visit of ``day`` with a shorter one of the same frequency.

        Estimated by the workload they trade, each side also priced a detour of twice the
        distance between the two shops (so near pairs, whose routes barely change, go first).
        """
        members = self.lists[day]
        everyone = np.unique(np.concatenate(self.lists))
        out: list[tuple[_Move, ...]] = []
        for i in members.tolist():
            v, wi, pi = (int(x[i]) for x in (self.plan.visits_per_cycle, self.weekday, self.phase))
            days_i = self._days(v, wi, pi)
            others = everyone[
                (self.plan.visits_per_cycle[everyone] == v)
                & (self.per_visit_min[everyone] < self.per_visit_min[i])
                & ((self.weekday[everyone] != wi) | (self.phase[everyone] != pi))
            ]
            apart_h = (
                2
                * np.linalg.norm(self.xy_m[others] - self.xy_m[i], axis=1)
                * self.leg_s_per_m
                / 3600
            )
            for j, detour_h in zip(others.tolist(), apart_h.tolist(), strict=True):
                wj, pj = int(self.weekday[j]), int(self.phase[j])
                if not (self._open(i)[wj] and self._open(j)[wi]):
                    continue
                cost = self.budget.cost(i, wi, wj) + self.budget.cost(j, wj, wi)
                if cost > max(self.budget.left, 0):
                    continue
                days_j = self._days(v, wj, pj)
                delta_h = float(self.per_visit_min[i] - self.per_visit_min[j]) / 60
                peak = (
                    max(float(hours[list(days_j)].max()) + delta_h, hours[day] - delta_h) + detour_h
                )
                out.append(
                    (
                        _Move(peak, i, wj, pj, days_i, days_j),
                        _Move(peak, j, wi, pi, days_j, days_i),
                    )
                )
        return out

    @staticmethod
    def _days(visits: int, weekday: int, phase: int) -> tuple[int, ...]:
        """The cycle's days (``week * 5 + weekday``) of a retailer in that slot."""
        return tuple(
            w * WEEKDAYS + weekday
            for w in range(CYCLE_WEEKS)
            if (visits == 4 or (w == phase if visits == 1 else w % 2 == phase))
        )

    def _open(self, i: int) -> BoolArray:
        can = self.open_on[i]
        return can if can.any() else np.ones(WEEKDAYS, dtype=np.bool_)

    def _candidates(self, day: int, hours: FloatArray) -> list[tuple[_Move, ...]]:
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
                np.fill_diagonal(dist, np.inf)  # not itself (the same list: square)
                dist = np.minimum(
                    dist, np.linalg.norm(self.xy_m[members] - self.depot_xy_m, axis=1)[:, None]
                )
            gap_m[d] = dist.min(axis=1)
        visit_h = self.per_visit_min[members] / 60 + 2 * gap_m * self.leg_s_per_m / 3600
        out: list[tuple[_Move, ...]] = []
        for j, i in enumerate(members.tolist()):
            visits = int(self.plan.visits_per_cycle[i])
            can, old_day, old_phase = self._open(i), int(self.weekday[i]), int(self.phase[i])
            old = self._days(visits, old_day, old_phase)
            lightened = float(hours[day] - visit_h[day, j])
            phases = {1: range(CYCLE_WEEKS), 2: range(2)}.get(visits, range(1))
            for p in phases:
                for d in range(WEEKDAYS):
                    new = self._days(visits, d, p)
                    if new == old or not can[d] or not self.budget.allows(i, old_day, d):
                        continue
                    peak = max(float(hours[x] + visit_h[x, j]) for x in new)
                    out.append((_Move(max(peak, lightened), i, d, p, old, new),))
        return out
