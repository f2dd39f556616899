"""Effect evaluation (R8.2): what changed for a group between two periods, with intervals.

Each measure is a statistic of units: manager-days (coverage, verified share, km per visit,
route savings, dwell), managers (workload CV) or retailers (sales). ``rules.evaluate`` gives each
period's value, the difference with a bootstrap 95 % interval and, given a comparison group, the
difference-in-differences. The paper's three claims map to measures: standardised daily work
(coverage, verified share), shorter routes than the managers' own ordering (route and plan
savings) and balanced workload (the CV of measured hours per worked day).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from gql.services.reports import rules

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from datetime import date

    from gql.services.reports.groups import ReportGroup

FloatArray = npt.NDArray[np.float64]

__all__ = [
    "MEASURES",
    "Claim",
    "DayFacts",
    "EffectMeasure",
    "EffectReport",
    "EffectRequest",
    "GroupFacts",
    "MeasureSpec",
    "day_table",
    "effect_report",
]


class Claim(enum.StrEnum):
    """The paper's claims a measure bears on."""

    STANDARDISED_WORK = "STANDARDISED_WORK"
    SHORTER_ROUTES = "SHORTER_ROUTES"
    BALANCED_WORKLOAD = "BALANCED_WORKLOAD"


@dataclass(frozen=True, slots=True)
class EffectRequest:
    """The group, its two periods, an optional comparison group, and the bootstrap."""

    before_first: date
    before_last: date
    after_first: date
    after_last: date
    manager_id: int | None = None
    department_id: int | None = None
    compare_manager_id: int | None = None
    compare_department_id: int | None = None
    resamples: int = rules.DEFAULT_RESAMPLES
    seed: int = rules.DEFAULT_SEED

    @property
    def has_comparison(self) -> bool:
        """A comparison group was named."""
        return self.compare_manager_id is not None or self.compare_department_id is not None


@dataclass(frozen=True, slots=True)
class DayFacts:
    """One manager-day's counts and lengths, the unit of the day measures."""

    manager_id: int
    planned_stops: int
    visited_stops: int
    visits: int
    in_place: int
    dwell_s: int
    dwell_measured: int
    travel_s: int
    travelled_m: int
    travelled_points: int
    own_order_m: int
    planned_order_m: int
    plan_m: int | None
    baseline_m: int | None


@dataclass(frozen=True, slots=True, eq=False)
class GroupFacts:
    """A group's facts in one period: its manager-days and its retailers' volumes."""

    period: rules.ReportPeriod
    days: FloatArray
    """The manager-days by manager and day, a row each: a column per :class:`DayFacts` field
    (see :func:`day_table`)."""
    volumes: list[float]
    """Cartons ordered in the period by each retailer the group had on its last day."""
    model_hours: list[float]
    """Each manager's planning-model hours a week, territories as on the period's last day."""


@dataclass(frozen=True, slots=True)
class MeasureSpec:
    """How one measure is computed from a group's facts."""

    name: str
    unit: str
    claim: Claim | None
    statistic: rules.Statistic
    units: Callable[[GroupFacts], rules.Units]
    scale: float
    sampled: str
    """What is resampled: manager-days, managers or retailers."""


_COLUMNS = tuple(f.name for f in fields(DayFacts))
_AT = {name: i for i, name in enumerate(_COLUMNS)}


def day_table(rows: Sequence[Sequence[float | int | None]]) -> FloatArray:
    """Manager-days as one float array: a row each, a column per :class:`DayFacts` field.

    The columns are in the fields' order; a missing plan or baseline length (``None``) is NaN.
    """
    return np.array(rows, dtype=np.float64).reshape(len(rows), len(_COLUMNS))


def _days(
    pair: Callable[[Callable[[str], FloatArray]], tuple[FloatArray, FloatArray]],
) -> Callable[[GroupFacts], rules.Units]:
    def units(g: GroupFacts) -> rules.Units:
        table = g.days
        num, den = pair(lambda name: table[:, _AT[name]])
        return rules.Units(num, den)

    return units


def _managers(g: GroupFacts) -> rules.Units:
    """Hours per worked day of each manager with a day: hours summed day by day, in order."""
    table = g.days
    managers, at = np.unique(table[:, _AT["manager_id"]], return_inverse=True)
    day_hours = (table[:, _AT["dwell_s"]] + table[:, _AT["travel_s"]]) / 3600.0
    # bincount adds the weights in the days' order, as a running sum per manager would
    hours = np.bincount(at, weights=day_hours, minlength=len(managers))
    worked = np.bincount(at, weights=table[:, _AT["visits"]] > 0, minlength=len(managers))
    return rules.Units(hours.astype(np.float64), worked.astype(np.float64))


def _plan_saving(c: Callable[[str], FloatArray]) -> tuple[FloatArray, FloatArray]:
    """Days with both a plan and a (non-zero) baseline: (baseline − plan, baseline), else 0."""
    plan, baseline = c("plan_m"), c("baseline_m")
    both = ~np.isnan(plan) & ~np.isnan(baseline) & (baseline != 0)
    return np.where(both, baseline - plan, 0.0), np.where(both, baseline, 0.0)


def _model(g: GroupFacts) -> rules.Units:
    return rules.Units.of([(h, 1.0) for h in g.model_hours])


def _retailers(g: GroupFacts) -> rules.Units:
    """Cartons a week per retailer, so periods of different lengths compare.

    Each retailer's cartons × 7 over the period's days (the same for all): the ratio of the
    sums is the mean of the weekly cartons, and both stay whole numbers, whose sums over a
    bootstrap resample are exact without gathering them.
    """
    cartons = np.asarray(g.volumes, dtype=np.float64)
    return rules.Units(7.0 * cartons, np.full(len(cartons), float(g.period.days)))


MEASURES: tuple[MeasureSpec, ...] = (
    MeasureSpec(
        "coverage_pct",
        "%",
        Claim.STANDARDISED_WORK,
        rules.Statistic.RATIO,
        _days(lambda c: (c("visited_stops"), c("planned_stops"))),
        100.0,
        "manager-days",
    ),
    MeasureSpec(
        "verified_share_pct",
        "%",
        Claim.STANDARDISED_WORK,
        rules.Statistic.RATIO,
        _days(lambda c: (c("in_place"), c("visits"))),
        100.0,
        "manager-days",
    ),
    MeasureSpec(
        "route_saving_pct",
        "%",
        Claim.SHORTER_ROUTES,
        rules.Statistic.RATIO,
        _days(lambda c: (c("own_order_m") - c("planned_order_m"), c("own_order_m"))),
        100.0,
        "manager-days",
    ),
    MeasureSpec(
        "plan_saving_pct",
        "%",
        Claim.SHORTER_ROUTES,
        rules.Statistic.RATIO,
        _days(_plan_saving),
        100.0,
        "manager-days",
    ),
    MeasureSpec(
        "workload_cv",
        "ratio",
        Claim.BALANCED_WORKLOAD,
        rules.Statistic.CV,
        _managers,
        1.0,
        "managers",
    ),
    MeasureSpec(
        "model_workload_cv",
        "ratio",
        Claim.BALANCED_WORKLOAD,
        rules.Statistic.CV,
        _model,
        1.0,
        "managers",
    ),
    MeasureSpec(
        "km_per_visit",
        "km",
        None,
        rules.Statistic.RATIO,
        _days(lambda c: (c("travelled_m"), c("travelled_points"))),
        0.001,
        "manager-days",
    ),
    MeasureSpec(
        "dwell_min",
        "min",
        None,
        rules.Statistic.RATIO,
        _days(lambda c: (c("dwell_s"), c("dwell_measured"))),
        1 / 60,
        "manager-days",
    ),
    MeasureSpec(
        "sales_per_retailer_week",
        "cartons",
        None,
        rules.Statistic.RATIO,
        _retailers,
        1.0,
        "retailers",
    ),
)
"""Every measure, in report order (claims first)."""

_SAMPLED_ORDER = {"manager-days": 0, "managers": 1, "retailers": 2}


@dataclass(frozen=True, slots=True)
class EffectMeasure:
    """One measure's evaluation."""

    name: str
    unit: str
    claim: Claim | None
    sampled: str
    effect: rules.Effect


@dataclass(frozen=True, slots=True)
class EffectReport:
    """The group (and comparison group) in the two periods, measure by measure."""

    before: rules.ReportPeriod
    after: rules.ReportPeriod
    group: ReportGroup
    managers: int
    comparison: ReportGroup | None
    comparison_managers: int
    resamples: int
    seed: int
    measures: list[EffectMeasure]


def effect_report(
    request: EffectRequest,
    group: tuple[ReportGroup, int, GroupFacts, GroupFacts],
    comparison: tuple[ReportGroup, int, GroupFacts, GroupFacts] | None,
) -> EffectReport:
    """Evaluate every measure; ``group`` and ``comparison`` are (label, managers, before, after).

    Raises
    ------
    rules.ReportRuleError
        ``resamples`` out of range.
    """
    label, managers, before, after = group
    out: dict[str, EffectMeasure] = {}
    draws = rules.Draws()  # measures over the same units share their resampled indices
    # measures that resample the same units one after another: the draws are made once for
    # them (the draws depend only on the seed and the units' counts, not on this order)
    for spec in sorted(MEASURES, key=lambda m: _SAMPLED_ORDER[m.sampled]):
        other = (
            None if comparison is None else (spec.units(comparison[2]), spec.units(comparison[3]))
        )
        effect = rules.evaluate(
            spec.units(before),
            spec.units(after),
            statistic=spec.statistic,
            scale=spec.scale,
            comparison=other,
            resamples=request.resamples,
            seed=request.seed,
            draws=draws,
        )
        out[spec.name] = EffectMeasure(spec.name, spec.unit, spec.claim, spec.sampled, effect)
    return EffectReport(
        before=before.period,
        after=after.period,
        group=label,
        managers=managers,
        comparison=None if comparison is None else comparison[0],
        comparison_managers=0 if comparison is None else comparison[1],
        resamples=request.resamples,
        seed=request.seed,
        measures=[out[spec.name] for spec in MEASURES],
    )
