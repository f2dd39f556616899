"""Weekday zones and week phases inside each territory (R6 step 3).

Each territory is split into five weekday zones (Mon–Fri) with the same location–allocation
machinery as the territories, balanced on workload with a light secondary balance on retailer
count, and contiguous on the territory's own Delaunay graph. Which zone gets which
weekday is then chosen per territory so that the district-wide totals per weekday (ordering
retailers, orders, order volume) stay even, preferring retailers' current order days on ties.

Within a zone, fortnightly retailers get a phase (weeks 1 & 3 or 2 & 4) and monthly retailers
a week (1–4) by place: the zone's fortnightly and monthly shops are cut in two halves of equal
load along the zone's long axis (weeks 1 & 3 visit one half, weeks 2 & 4 the other), and each
half's monthly shops in two again (week 1 or 3, week 2 or 4). Each week's route then sweeps one
part of the zone instead of zig-zagging across all of it, and the four weeks of a weekday carry
about the same load.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from ._geometry import project_local_m
from .allocation import AllocationProblem, allocate, bisection_centres, update_centres
from .errors import InvalidRetailersError
from .metrics import Progress, no_progress
from .rebalance import polish
from .workload import CYCLE_WEEKS, Workload

if TYPE_CHECKING:
    from .retailers import RetailerSet

__all__ = ["WEEKDAYS", "WeekdayPlan", "open_weekdays", "split_weekdays", "visit_weeks"]

WEEKDAYS = 5
"""Working days per week (Mon–Fri)."""

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True, eq=False)
class WeekdayPlan:
    """When in the 4-week cycle each retailer is visited.

    Attributes
    ----------
    territory
        Manager index per retailer.
    weekday
        Visit weekday 0 (Mon) to 4 (Fri) per retailer.
    phase
        Weekly retailers 0; fortnightly 0 (weeks 1 & 3) or 1 (weeks 2 & 4); monthly 0–3 (the
        week of the visit).
    visits_per_cycle
        4, 2 or 1, copied from the workload model.
    """

    territory: IntArray
    weekday: IntArray
    phase: IntArray
    visits_per_cycle: IntArray


def visit_weeks(plan: WeekdayPlan) -> BoolArray:
    """Return an ``(n, 4)`` mask of the weeks in which each retailer is visited."""
    week = np.arange(CYCLE_WEEKS)[None, :]
    v = plan.visits_per_cycle[:, None]
    p = plan.phase[:, None]
    return np.asarray((v == 4) | ((v == 2) & (week % 2 == p)) | ((v == 1) & (week == p)))


def split_weekdays(
    retailers: RetailerSet,
    territory: npt.ArrayLike,
    n_managers: int,
    workload: Workload,
    *,
    max_order_day_change_share: float | None = None,
    workday_min: tuple[float, float] = (8.5 * 60, 16.5 * 60),
    progress: Progress = no_progress,
) -> WeekdayPlan:
    """Split every territory into weekday zones and week phases.

    Retailers place their orders on a weekday (``order_weekday``) and are visited that day; a
    new zoning moves most of them to another day. With ``max_order_day_change_share`` each
    territory keeps its retailers' order days and changes at most that share of its ordering
    retailers' days (:func:`_keep_order_days`), only as far as balancing its days needs; the
    zones are then not contiguous. ``None`` zones each territory afresh (geography first).

    A retailer whose zone's weekday finds it closed (no opening window that fits a visit inside
    ``workday_min``) moves to its territory's lightest weekday on which it is open; one open on
    no weekday stays put (the schedule reports it as unvisitable).

    Parameters
    ----------
    retailers
        The district's retailers.
    territory
        Manager index ``0..n_managers-1`` per retailer (e.g. ``TerritoryProposal.territory``).
    n_managers
        Number of territories.
    workload
        The workload model's output for ``retailers``.
    max_order_day_change_share
        A share in [0, 1], or ``None`` for no cap.
    workday_min
        The manager's working hours, minutes after midnight.
    progress
        Called once per territory.
    """
    terr = np.asarray(territory, dtype=np.int64)
    cap = max_order_day_change_share
    if cap is not None and not 0.0 <= cap <= 1.0:
        raise InvalidRetailersError(f"max_order_day_change_share must be in [0, 1]; got {cap}")
    if terr.shape != (retailers.n,) or (terr < 0).any() or (terr >= n_managers).any():
        raise InvalidRetailersError(
            f"territory must give every retailer a manager index in 0..{n_managers - 1}"
        )
    per_visit = workload.total_min / workload.visits_per_cycle
    xy = project_local_m(retailers.lat_deg, retailers.lon_deg)
    zone = np.zeros(retailers.n, dtype=np.int64)
    for t in range(n_managers):
        idx = np.flatnonzero(terr == t)
        if idx.size and cap is not None:
            zone[idx] = _keep_order_days(
                xy[idx], workload.total_min[idx], retailers.order_weekday[idx], cap
            )
        elif idx.size:
            zone[idx] = _zones(xy[idx], workload.total_min[idx])
        progress("weekday zones", t + 1, n_managers)
    weekday = (
        zone  # a kept order day is its weekday
        if cap is not None
        else _label_weekdays(retailers, terr, zone, n_managers, workload)
    )
    # a shop closed on its day moves to an open one, whatever the cap on order-day changes
    weekday = _open_weekdays(retailers, terr, weekday, workload, workday_min)
    phase = _phases(terr, weekday, workload.visits_per_cycle, per_visit, xy)
    return WeekdayPlan(
        territory=terr, weekday=weekday, phase=phase, visits_per_cycle=workload.visits_per_cycle
    )


LABEL_SWEEPS = 20
"""Most re-labelling sweeps over the territories (each keeps a map unless it lowers the spread)."""

ORDER_DAY_BAND = 0.03
"""A territory's weekdays are balanced once each is within ±3 % of the mean workload."""


def _keep_order_days(
    xy: FloatArray, work: FloatArray, order_day: IntArray, cap_share: float
) -> IntArray:
    """Keep order days, moving only what balancing the days needs, within the cap.

    Each retailer starts on its order day; then, while a day is out of band and the cap
    allows, the heaviest day gives the lightest one the retailer nearest the light day's
    centre (moves that cost nothing first). Retailers without an order day are placed first
    (lightest day, heaviest first) and may move freely; an ordering retailer moved off its
    order day counts against ``floor(cap_share × ordering retailers)``, one moved back onto
    it gives the count back.
    """
    day = order_day.copy()
    load = np.zeros(WEEKDAYS)
    np.add.at(load, day[day >= 0], work[day >= 0])
    for i in np.flatnonzero(day < 0)[np.argsort(-work[day < 0], kind="stable")]:
        day[i] = int(np.argmin(load))
        load[day[i]] += work[i]
    budget = int(np.floor(cap_share * int((order_day >= 0).sum())))
    target = load.sum() / WEEKDAYS
    changed = 0
    for _ in range(day.size * WEEKDAYS):  # each move lowers the spread: bounded anyway
        heavy, light = int(np.argmax(load)), int(np.argmin(load))
        gap = load[heavy] - load[light]
        if gap <= 2 * ORDER_DAY_BAND * target or heavy == light:
            break
        members = np.flatnonzero(day == heavy)
        cost = np.where(order_day[members] == heavy, 1, 0) - np.where(
            order_day[members] == light, 1, 0
        )  # +1: leaves its order day; -1: returns to it
        fits = (work[members] < gap) & (changed + cost <= budget)
        if not fits.any():
            break
        lighter = day == light
        centre = xy[lighter].mean(axis=0) if lighter.any() else xy.mean(axis=0)
        d2 = ((xy[members] - centre) ** 2).sum(axis=1) + np.where(fits, 0.0, np.inf)
        pick = int(np.argmin(d2 + 1e12 * (cost > 0)))  # moves that cost nothing go first
        i = int(members[pick])
        day[i] = light
        load[heavy] -= work[i]
        load[light] += work[i]
        changed += int(cost[pick])
    return day


def _zones(xy: FloatArray, work: FloatArray) -> IntArray:
    """Five compact zones of even workload, and lightly even retailer count.

    Order volume is not evened here: the weekday labelling evens orders across the district
    (within 0.2 % per weekday on the realistic city), and evening volume inside each territory
    too pulled zones apart around the few chain supermarkets (7 % more km). The light count
    term keeps a small district's weekday totals even, where the labelling has few territories
    to permute.
    """
    n = xy.shape[0]
    if n <= WEEKDAYS:
        return np.arange(n, dtype=np.int64)
    loads = np.column_stack([work, np.ones(n)])
    weights = np.array([10.0, 1.0])
    targets = np.tile(loads.sum(axis=0) / WEEKDAYS, (WEEKDAYS, 1))
    free = np.full(n, -1, dtype=np.int64)
    problem = AllocationProblem(
        xy_m=xy,
        loads=loads,
        targets=targets,
        tolerances=np.full(loads.shape[1], 0.03),
        weights=weights,
        fixed=free,
        current=free,
        candidates=WEEKDAYS,
    )
    centres = bisection_centres(xy, work, WEEKDAYS)
    assignment = free
    for _ in range(4):
        assignment = allocate(problem, centres)
        centres = update_centres(xy, work, assignment, centres)
    assignment, _ = polish(
        xy,
        assignment,
        centres,
        work,
        WEEKDAYS,
        loads=loads,
        targets=targets,
        weights=weights,
        fixed=free,
        current=free,
        bands=np.full(loads.shape[1], 0.03),
    )
    return assignment


def _label_weekdays(
    retailers: RetailerSet, terr: IntArray, zone: IntArray, k: int, workload: Workload
) -> IntArray:
    """Choose each territory's zone-to-weekday map to even out the district's weekdays."""
    ordering = (retailers.order_volume > 0).astype(np.float64)
    criteria = np.column_stack(
        [ordering, ordering * workload.visits_per_cycle, retailers.order_volume]
    )
    per_zone = np.zeros((k, WEEKDAYS, 3))
    np.add.at(per_zone, (terr, zone), criteria)
    keeps = np.zeros((k, WEEKDAYS, WEEKDAYS))  # retailers keeping their order day
    has_day = retailers.order_weekday >= 0
    np.add.at(keeps, (terr[has_day], zone[has_day], retailers.order_weekday[has_day]), 1.0)
    scale = np.maximum(criteria.sum(axis=0) / WEEKDAYS, 1e-9)
    perms = np.array(list(itertools.permutations(range(WEEKDAYS))))  # perms[p][zone] = day
    rows = np.arange(len(perms))

    def scores(t: int, others: FloatArray) -> FloatArray:
        trial = others[None, :, :].repeat(len(perms), axis=0)
        for z in range(WEEKDAYS):
            trial[rows, perms[:, z]] += per_zone[t, z]
        share = trial / scale
        spread = ((share - share.mean(axis=1, keepdims=True)) ** 2).sum(axis=(1, 2))
        kept = keeps[t][np.arange(WEEKDAYS)[None, :], perms].sum(axis=1)
        score: FloatArray = spread - 1e-6 * kept
        return score

    def placed(t: int, p: int) -> FloatArray:
        out = np.zeros((WEEKDAYS, 3))
        out[perms[p]] = per_zone[t]
        return out

    # greedy, heaviest territory first, then sweeps re-choosing each territory's map against the
    # others' until none improves: one greedy pass leaves a small district's totals a few per
    # cent apart (few territories to permute, and the first choices are made blind)
    choice = np.zeros(k, dtype=np.int64)
    totals = np.zeros((WEEKDAYS, 3))
    for t in np.argsort(-per_zone.sum(axis=(1, 2)) if k else [], kind="stable"):
        choice[t] = int(np.argmin(scores(int(t), totals)))
        totals += placed(int(t), int(choice[t]))
    for _ in range(LABEL_SWEEPS):
        improved = False
        for t in range(k):
            others = totals - placed(t, int(choice[t]))
            score = scores(t, others)
            p = int(np.argmin(score))
            if score[p] < score[choice[t]] - 1e-12:
                choice[t], totals, improved = p, others + placed(t, p), True
        if not improved:
            break
    weekday_of_zone: IntArray = perms[choice]
    return weekday_of_zone[terr, zone]


def open_weekdays(
    retailers: RetailerSet, workload: Workload, workday_min: tuple[float, float]
) -> BoolArray:
    """Return ``(n, 5)``: whether a visit fits an opening window on each working weekday."""
    first, last = workday_min
    return retailers.open_days(workload.service_min * 60, first * 60, last * 60)[:, :WEEKDAYS]


def _open_weekdays(
    retailers: RetailerSet,
    terr: IntArray,
    weekday: IntArray,
    workload: Workload,
    workday_min: tuple[float, float],
) -> IntArray:
    """Move retailers off weekdays they are closed to their territory's lightest open one."""
    open_on = open_weekdays(retailers, workload, workday_min)
    wrong = np.flatnonzero(~open_on[np.arange(terr.size), weekday] & open_on.any(axis=1))
    if wrong.size == 0:
        return weekday
    weekday = weekday.copy()
    load = np.bincount(
        terr * WEEKDAYS + weekday, weights=workload.total_min, minlength=(terr.max() + 1) * WEEKDAYS
    ).reshape(-1, WEEKDAYS)
    for i in wrong[np.argsort(-workload.total_min[wrong], kind="stable")].tolist():
        t = int(terr[i])
        day = int(np.argmin(np.where(open_on[i], load[t], np.inf)))
        load[t, weekday[i]] -= workload.total_min[i]
        load[t, day] += workload.total_min[i]
        weekday[i] = day
    return weekday


def _phases(
    terr: IntArray, weekday: IntArray, visits: IntArray, per_visit: FloatArray, xy: FloatArray
) -> IntArray:
    """Each (territory, weekday) zone's fortnightly and monthly shops, phased by place."""
    phase = np.zeros(terr.size, dtype=np.int64)
    key = terr * WEEKDAYS + weekday
    order = np.argsort(key, kind="stable")
    bounds = np.flatnonzero(np.r_[True, key[order][1:] != key[order][:-1], True])
    for a, b in itertools.pairwise(bounds.tolist()):
        members = order[a:b]
        flexible = members[visits[members] < 4]
        for p, half in enumerate(_halves(flexible, per_visit * visits, xy)):
            phase[half[visits[half] == 2]] = p
            early, late = _halves(half[visits[half] == 1], per_visit, xy)
            phase[early] = p
            phase[late] = p + 2
    return phase


def _halves(idx: IntArray, load: FloatArray, xy: FloatArray) -> tuple[IntArray, IntArray]:
    """Split points in two along their principal axis, each half carrying half the load."""
    if idx.size < 2:
        return idx, idx[:0]
    pts = xy[idx] - xy[idx].mean(axis=0)
    _, _, vt = np.linalg.svd(pts, full_matrices=False)
    along = pts @ vt[0]
    order = idx[np.argsort(along, kind="stable")]
    cum = np.cumsum(load[order])[:-1]  # load of the first half for cuts 1 .. n-1
    cut = int(np.argmin(np.abs(cum - cum[-1] / 2.0 - load[order[-1]] / 2.0))) + 1
    return order[:cut], order[cut:]
