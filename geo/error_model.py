"""The error model of a position fix and the two probabilities the verifier decides on.

Model: the reported position F is the true position T plus a circular bivariate normal
error with the same standard deviation σ on each axis. A source's "accuracy radius" a is
the radius of the circle holding the truth with probability c (its confidence level; 68 %
for Android and most carriers), so ``σ = a / sqrt(-2 ln(1 - c))`` (Rayleigh quantile).

Given F, at distance d from the retailer, and a radius r:

* ``probability_within`` = P(|T − R| ≤ r | F) under a flat prior: |T − R| is Rice(d, σ),
  so this is the non-central χ² CDF with 2 degrees of freedom, ``chndtr(r²/σ², 2, d²/σ²)``.
  IN_PLACE needs it high.
* ``outside_p_value`` = P(a device standing exactly on the radius reports a fix at least d
  away) = Rice(r, σ) survival at d = ``1 − chndtr(d²/σ², 2, r²/σ²)``. A device anywhere
  inside the radius reports that far less often, so deciding NOT_IN_PLACE when this is
  below α wrongly accuses at most a fraction α of genuine visits (a Neyman–Pearson test).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from scipy.special import chndtr

from geo.errors import InvalidArgument

if TYPE_CHECKING:
    import numpy.typing as npt

__all__ = ["disagreement_threshold_m", "outside_p_value", "probability_within", "sigma_m"]


def sigma_m(accuracy_m: npt.ArrayLike, confidence: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Per-axis standard deviation (m) of a fix whose accuracy circle has ``confidence``.

    Examples
    --------
    >>> round(float(sigma_m(150.0, 0.68)), 1)
    99.4
    """
    conf = np.asarray(confidence, dtype=np.float64)
    if not np.all((conf > 0.0) & (conf < 1.0)):
        raise InvalidArgument(f"confidence={confidence!r} must lie strictly between 0 and 1")
    result: npt.NDArray[np.float64] = np.asarray(accuracy_m, dtype=np.float64) / np.sqrt(
        -2.0 * np.log1p(-conf)
    )
    return result


def probability_within(
    distance_m: npt.ArrayLike, radius_m: npt.ArrayLike, sigma: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """Posterior probability that the device was within ``radius_m`` of the retailer.

    Examples
    --------
    >>> round(float(probability_within(0.0, 50.0, 99.4)), 3)   # 150 m cell fix, 50 m radius
    0.119
    """
    s = np.asarray(sigma, dtype=np.float64)
    r = np.asarray(radius_m, dtype=np.float64)
    d = np.asarray(distance_m, dtype=np.float64)
    result: npt.NDArray[np.float64] = chndtr((r / s) ** 2, 2.0, (d / s) ** 2)
    return result


def outside_p_value(
    distance_m: npt.ArrayLike, radius_m: npt.ArrayLike, sigma: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """Chance that a device on the radius edge reports a fix ``distance_m`` away or more.

    Examples
    --------
    >>> float(outside_p_value(300.0, 100.0, 10.0)) < 1e-9
    True
    """
    s = np.asarray(sigma, dtype=np.float64)
    r = np.asarray(radius_m, dtype=np.float64)
    d = np.asarray(distance_m, dtype=np.float64)
    result: npt.NDArray[np.float64] = 1.0 - chndtr((d / s) ** 2, 2.0, (r / s) ** 2)
    return np.clip(result, 0.0, 1.0)


def disagreement_threshold_m(sigma_a: float, sigma_b: float, alpha: float) -> float:
    """Distance two fixes of the same spot exceed with probability ``alpha`` only.

    The difference of two independent circular normal errors is circular normal with
    σ² = σa² + σb², so its length is Rayleigh and the (1 − α) quantile is
    ``σ · sqrt(−2 ln α)``.

    Examples
    --------
    >>> round(disagreement_threshold_m(10.0, 100.0, 0.01))
    305
    """
    return math.hypot(sigma_a, sigma_b) * math.sqrt(-2.0 * math.log(alpha))
