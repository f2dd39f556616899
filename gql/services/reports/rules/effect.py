"""Effect evaluation (R8.2): one measure in two periods, the change, and how sure we are.

Each measure is a statistic of *units* (manager-days, managers or retailers), so that its
uncertainty can be estimated by the percentile bootstrap: each period's units are resampled with
replacement ``resamples`` times (NumPy's PCG64 from a fixed seed, so a report is reproducible),
the statistic recomputed, and the 2.5th and 97.5th percentiles of the resampled values (or of
their differences) form the 95 % interval. With a comparison group that did not change, the
difference-in-differences ``(after − before) − (comparison after − comparison before)`` removes
what changed for everyone (season, the city's traffic) and is bootstrapped the same way.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from gql.services.reports.rules.errors import ReportRuleError

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "DEFAULT_RESAMPLES",
    "DEFAULT_SEED",
    "MAX_RESAMPLES",
    "MIN_RESAMPLES",
    "Draws",
    "Effect",
    "Interval",
    "Statistic",
    "Units",
    "evaluate",
]

DEFAULT_RESAMPLES = 1000
DEFAULT_SEED = 17
MIN_RESAMPLES = 100
MAX_RESAMPLES = 20_000

FloatArray = npt.NDArray[np.float64]


class Statistic(enum.StrEnum):
    """How a measure is computed from its units.

    RATIO: ``scale × Σ numerator / Σ denominator`` (a long day weighs more than a short one);
    CV: the coefficient of variation (population sd / mean) of ``numerator / denominator`` over
    units whose denominator is positive.
    """

    RATIO = "RATIO"
    CV = "CV"


@dataclass(frozen=True, slots=True, eq=False)
class Units:
    """One group's units in one period: a numerator and a denominator each.

    Tuples, or float arrays (a company-year has 50,000 retailers: no tuple of them is built).
    """

    numerators: tuple[float, ...] | FloatArray
    denominators: tuple[float, ...] | FloatArray

    def __post_init__(self) -> None:
        if len(self.numerators) != len(self.denominators):
            raise ValueError("numerators and denominators differ in length")

    @classmethod
    def of(cls, pairs: Sequence[tuple[float, float]]) -> Units:
        """Units from ``(numerator, denominator)`` pairs."""
        return cls(tuple(float(n) for n, _ in pairs), tuple(float(d) for _, d in pairs))

    def __len__(self) -> int:
        return len(self.numerators)


@dataclass(frozen=True, slots=True)
class Interval:
    """A 95 % percentile-bootstrap interval."""

    low: float
    high: float


@dataclass(frozen=True, slots=True)
class Effect:
    """A measure before and after, the difference, and the difference-in-differences."""

    before: float | None
    after: float | None
    before_ci: Interval | None
    after_ci: Interval | None
    difference: float | None
    """after − before."""
    difference_ci: Interval | None
    units_before: int
    units_after: int
    comparison_before: float | None = None
    comparison_after: float | None = None
    did: float | None = None
    """(after − before) − (comparison after − comparison before)."""
    did_ci: Interval | None = None


def _arrays(units: Units, statistic: Statistic) -> tuple[FloatArray, FloatArray]:
    num = np.asarray(units.numerators, dtype=np.float64)
    den = np.asarray(units.denominators, dtype=np.float64)
    if statistic is Statistic.CV:
        keep = den > 0
        return num[keep] / den[keep], np.ones(int(keep.sum()))
    return num, den


def _value(num: FloatArray, den: FloatArray, statistic: Statistic, scale: float) -> FloatArray:
    """The statistic along the last axis (NaN where undefined)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if statistic is Statistic.RATIO:
            total = den.sum(axis=-1)
            return np.where(total > 0, scale * num.sum(axis=-1) / total, np.nan)
        if num.shape[-1] == 0:
            return np.full(num.shape[:-1], np.nan)
        mean = num.mean(axis=-1)
        return np.where(mean > 0, scale * num.std(axis=-1) / mean, np.nan)


def _point(units: Units, statistic: Statistic, scale: float) -> float | None:
    num, den = _arrays(units, statistic)
    value = float(_value(num, den, statistic, scale))
    return None if np.isnan(value) else value


class Draws:
    """The resampled indices of one evaluation, kept for the next measure that needs the same.

    Every measure's draws start from the same seed, in the same order (before, after, then the
    comparison's), so two measures over the same numbers of units draw the same indices: a
    report of many measures over one set of manager-days draws them once. Only the last set
    is kept (a company-year's is hundreds of megabytes at 1000 resamples).
    """

    def __init__(self) -> None:
        self._key: tuple[int, int, tuple[int, ...]] | None = None
        self._indices: list[npt.NDArray[np.int64] | None] = []
        self._counts: dict[int, FloatArray] = {}
        self._sums: dict[int, int] = {}

    def reused(self, position: int) -> bool:
        """Count a sum over the ``position``-th draws; whether one was asked for before.

        A count matrix pays for itself from the second sum over the same draws (a report's
        day measures sum a dozen columns over them); a single sum gathers instead.
        """
        self._sums[position] = self._sums.get(position, 0) + 1
        return self._sums[position] > 1

    def counts(self, position: int) -> FloatArray:
        """How often each unit was drawn in each resample, ``(resamples, n)``.

        Of the ``position``-th index array of the last :meth:`indices` (drawn, not ``None``).

        A sum over a resample is then one row of ``counts @ values``.
        """
        if position not in self._counts:
            index = self._indices[position]
            assert index is not None
            resamples, n = index.shape
            counts = np.empty((resamples, n), dtype=np.float64)
            for r in range(resamples):  # a resample at a time: no flat copy, no cast pass
                counts[r] = np.bincount(index[r], minlength=n)
            self._counts[position] = counts
        return self._counts[position]

    def indices(
        self, seed: int, resamples: int, sizes: tuple[int, ...]
    ) -> list[npt.NDArray[np.int64] | None]:
        """One ``(resamples, n)`` index array per size, drawn in order (``None`` for n = 0)."""
        key = (seed, resamples, sizes)
        if key != self._key:
            self._key, self._indices, self._counts = None, [], {}  # free the last set first
            self._sums = {}
            rng = np.random.default_rng(seed)
            self._indices = [
                None if n == 0 else rng.integers(0, n, size=(resamples, n)) for n in sizes
            ]
            self._key = key
        return self._indices

    def indices_at(self, position: int) -> npt.NDArray[np.int64] | None:
        """The ``position``-th index array of the last :meth:`indices`."""
        return self._indices[position]


_EXACT = float(2**53)
"""Below this, sums of whole numbers in float64 are exact, in any order."""


def _whole(values: FloatArray, n: int) -> bool:
    """Whole numbers whose sum over any resample of ``n`` of them is exact in float64."""
    return bool(np.all(np.mod(values, 1.0) == 0.0)) and float(np.abs(values).sum()) * n < _EXACT


def _draws(
    units: Units,
    statistic: Statistic,
    scale: float,
    resamples: int,
    draws: Draws,
    position: int,
) -> FloatArray:
    num, den = _arrays(units, statistic)
    index = draws.indices_at(position)
    if index is None:
        return np.full(resamples, np.nan)
    if statistic is not Statistic.RATIO:
        return _value(num[index], den[index], statistic, scale)
    n = index.shape[1]

    def summed(values: FloatArray) -> FloatArray:
        # whole numbers: a resample's sum as counts @ values, the same number as summing the
        # gathered units (exact either way) without gathering resamples × n of them
        if not _whole(values, n):
            return _gathered_sums(values, index)
        if np.all(values == values[0]):  # every unit the same (a denominator of ones): v × n
            return np.full(resamples, values[0] * n)
        if not draws.reused(position):  # one sum over these draws: gathering is cheaper
            return _gathered_sums(values, index)
        sums: FloatArray = draws.counts(position) @ values
        return sums

    total = summed(den)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total > 0, scale * summed(num) / total, np.nan)


_GATHER_ROWS = 8
"""Resamples gathered at a time: a company-year's 200 × 50,000 at once is an 80 MB temporary
that costs ten times the gathering itself."""


def _gathered_sums(values: FloatArray, index: npt.NDArray[np.int64]) -> FloatArray:
    """Each resample's sum of the units it drew (the same row sums as gathering all at once)."""
    out = np.empty(index.shape[0], dtype=np.float64)
    for start in range(0, index.shape[0], _GATHER_ROWS):
        out[start : start + _GATHER_ROWS] = values[index[start : start + _GATHER_ROWS]].sum(axis=-1)
    return out


def _size(units: Units, statistic: Statistic) -> int:
    """The units a statistic resamples (a CV leaves out units without a denominator)."""
    if statistic is Statistic.CV:
        return int(np.count_nonzero(np.asarray(units.denominators, dtype=np.float64) > 0))
    return len(units)


def _interval(draws: FloatArray) -> Interval | None:
    kept = draws[~np.isnan(draws)]
    if kept.size == 0:
        return None
    low, high = np.percentile(kept, [2.5, 97.5])
    return Interval(float(low), float(high))


def _minus(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


def evaluate(
    before: Units,
    after: Units,
    *,
    statistic: Statistic,
    scale: float = 1.0,
    comparison: tuple[Units, Units] | None = None,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    draws: Draws | None = None,
) -> Effect:
    """Each period's value and interval, the difference, and (with ``comparison``) the DiD.

    ``comparison`` holds the comparison group's (before, after) units. The same ``seed`` gives
    the same numbers; the draws are made in a fixed order (before, after, comparison before,
    comparison after). ``draws``: indices shared with the report's other measures (the same
    numbers as drawing afresh).

    Raises
    ------
    ReportRuleError
        ``resamples`` outside ``MIN_RESAMPLES`` … ``MAX_RESAMPLES``, or a negative ``seed``.
    """
    if not MIN_RESAMPLES <= resamples <= MAX_RESAMPLES:
        raise ReportRuleError(
            f"resamples must be {MIN_RESAMPLES}..{MAX_RESAMPLES}, not {resamples}",
            field="resamples",
        )
    if seed < 0:
        raise ReportRuleError(f"the seed must be 0 or more, not {seed}", field="seed")
    groups = (before, after) if comparison is None else (before, after, *comparison)
    draws = draws or Draws()
    draws.indices(seed, resamples, tuple(_size(u, statistic) for u in groups))
    b_draws = _draws(before, statistic, scale, resamples, draws, 0)
    a_draws = _draws(after, statistic, scale, resamples, draws, 1)
    b, a = _point(before, statistic, scale), _point(after, statistic, scale)
    effect = Effect(
        before=b,
        after=a,
        before_ci=_interval(b_draws),
        after_ci=_interval(a_draws),
        difference=_minus(a, b),
        difference_ci=_interval(a_draws - b_draws),
        units_before=len(before),
        units_after=len(after),
    )
    if comparison is None:
        return effect
    cb_units, ca_units = comparison
    cb_draws = _draws(cb_units, statistic, scale, resamples, draws, 2)
    ca_draws = _draws(ca_units, statistic, scale, resamples, draws, 3)
    cb, ca = _point(cb_units, statistic, scale), _point(ca_units, statistic, scale)
    return Effect(
        before=b,
        after=a,
        before_ci=effect.before_ci,
        after_ci=effect.after_ci,
        difference=effect.difference,
        difference_ci=effect.difference_ci,
        units_before=len(before),
        units_after=len(after),
        comparison_before=cb,
        comparison_after=ca,
        did=_minus(_minus(a, b), _minus(ca, cb)),
        did_ci=_interval((a_draws - b_draws) - (ca_draws - cb_draws)),
    )
