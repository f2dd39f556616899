"""Balance and shape metrics shared by territory, weekday and district proposals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["Balance", "Progress", "balance_of", "class_mix_distance", "no_progress"]

Progress = Callable[[str, int, int], None]
"""Progress callback ``(stage, done, total)`` for long runs (the CLI draws a bar from it)."""


def no_progress(stage: str, done: int, total: int) -> None:
    """Ignore progress reports (the default callback)."""


@dataclass(frozen=True, slots=True)
class Balance:
    """How evenly one criterion is spread over zones.

    Attributes
    ----------
    cv
        Coefficient of variation (population standard deviation / mean); 0 is perfect.
    worst_deviation
        Largest ``|value / mean - 1|`` over zones; the criterion the ±x % targets bound.
    mean, minimum, maximum
        The spread in the criterion's own unit.
    """

    cv: float
    worst_deviation: float
    mean: float
    minimum: float
    maximum: float


def balance_of(values: npt.ArrayLike) -> Balance:
    """Return the :class:`Balance` of per-zone totals.

    Examples
    --------
    >>> balance_of([90.0, 100.0, 110.0]).worst_deviation
    0.1
    """
    v = np.asarray(values, dtype=np.float64)
    mean = float(v.mean()) if v.size else 0.0
    if mean <= 0:
        return Balance(0.0, 0.0, mean, float(v.min(initial=0.0)), float(v.max(initial=0.0)))
    return Balance(
        cv=float(v.std() / mean),
        worst_deviation=round(float(np.abs(v / mean - 1.0).max()), 12),
        mean=mean,
        minimum=float(v.min()),
        maximum=float(v.max()),
    )


def class_mix_distance(
    zone: npt.NDArray[np.int64], grade: npt.NDArray[np.int64], n_zones: int
) -> float:
    """Mean total-variation distance between each zone's grade mix and the district's.

    0 means every zone has the district's share of each grade; 1 means disjoint grade sets.
    """
    table = np.zeros((n_zones, 5))
    np.add.at(table, (zone, grade - 1), 1.0)
    district = table.sum(axis=0) / max(table.sum(), 1.0)
    rows = table / np.maximum(table.sum(axis=1, keepdims=True), 1.0)
    return float(0.5 * np.abs(rows - district).sum(axis=1).mean())
