"""The error model of a position fix and the probabilities the verifier decides on.

A fix F is the true position T plus an error e whose direction is uniform and whose length
follows the source's *stated accuracy semantics* (:class:`geo.SourceRule`): the truth lies
within the stated accuracy ``a`` with probability ``c`` (68 % for Android and OMA MLP) and,
for carriers, within ``2a`` with probability ``c₂`` (95 %). A circular Gaussian puts 98.95 %
within 2a, so carrier errors are heavier-tailed than Gaussian; the **bivariate Student-t**
fitted to both points (ν ≈ 5.02 for 68 %/95 %) honours them. A source that states only
``c`` keeps the Gaussian (``dof = inf``). GNSS fixes add a **multipath component**: with
probability ``multipath_share`` the error comes from a wider Gaussian whose 68 % circle is
``hypot(a, multipath_m)`` — reflections the receiver's own accuracy does not include, the
error floor of satellite positioning in streets.

Every model is a mixture of at most two such circles (:class:`ErrorModel`). Sizes are
given as σ, the per-axis standard deviation of the Gaussian with the same 68 % circle
(``σ = a₆₈ / 1.5096``), so a Gaussian and a t of the same σ agree on their 68 % circle.

Given F at distance d from the retailer and a radius r:

* ``probability_within`` = P(|T − R| ≤ r | F) under a flat prior = P(|c + e| ≤ r) with
  |c| = d. IN_PLACE needs it high.
* ``outside_p_value`` = P(a device standing exactly on the radius reports a fix at least d
  away) = P(|c + e| ≥ d) with |c| = r. A device anywhere inside the radius reports that far
  less often, so deciding NOT_IN_PLACE when this is below α wrongly accuses at most a
  fraction α of genuine visits whose errors follow the model (a Neyman–Pearson test).

Both are computed by :mod:`geo._radial` (exact to ~1e-5; for the Gaussian they equal the
non-central χ²₂ CDF ``chndtr``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy import optimize

from geo._radial import disc_probability_kernel
from geo._validate import MAX_DISTANCE_M, MIN_ACCURACY_M, check_probability
from geo.errors import InvalidAccuracy, InvalidArgument, InvalidRadius

if TYPE_CHECKING:
    import numpy.typing as npt

__all__ = [
    "CIRCLE_68",
    "MAX_ACCURACY_M",
    "MIN_ACCURACY_M",
    "MIN_SIGMA_M",
    "ErrorModel",
    "disagreement_threshold_m",
    "outside_p_value",
    "pair_threshold_m",
    "probability_within",
    "sigma_m",
    "student_t_dof",
    "unit_radius",
]

CIRCLE_68 = math.sqrt(-2.0 * math.log(1.0 - 0.68))
"""Radius of a circular Gaussian's 68 % circle in units of σ (1.5096)."""
MAX_ACCURACY_M = MAX_DISTANCE_M
"""Largest accuracy radius (half the Earth's circumference): beyond it a fix says nothing."""
MIN_SIGMA_M = 1e-3
"""Smallest σ the model takes (a 1 cm circle stated at 99.9 % is σ ≈ 2.7 mm)."""
_INF = math.inf


def _check_dof(value: float) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError) as exc:
        raise InvalidArgument(f"dof={value!r} is not a number") from exc
    if not v > 0.0:  # NaN fails too; inf is the Gaussian
        raise InvalidArgument(f"dof={v!r} must be > 0 (inf for a Gaussian)")
    return v


def _check_sigma(value: float, name: str = "sigma") -> float:
    try:
        v = float(value)
    except (TypeError, ValueError) as exc:
        raise InvalidAccuracy(f"{name}={value!r} is not a number") from exc
    if not MIN_SIGMA_M <= v <= MAX_ACCURACY_M:  # NaN fails too
        raise InvalidAccuracy(
            f"{name}={v!r} must be a number of metres in [{MIN_SIGMA_M}, {MAX_ACCURACY_M:.0f}]"
        )
    return v


def unit_radius(probability: float, dof: float = _INF) -> float:
    """Radius holding ``probability`` of a unit-scale circular Gaussian or bivariate t error.

    Examples
    --------
    >>> round(unit_radius(0.68), 4)          # the Gaussian 68 % circle, in σ
    1.5096
    >>> round(unit_radius(0.68, 5.0), 4)
    1.6991
    """
    p = check_probability(probability, "probability")
    nu = _check_dof(dof)
    if math.isinf(nu):
        return math.sqrt(-2.0 * math.log1p(-p))
    return math.sqrt(nu * math.expm1(-2.0 / nu * math.log1p(-p)))


def student_t_dof(confidence: float, twice_confidence: float | None) -> float:
    """ν of the bivariate t with ``confidence`` within a and ``twice_confidence`` within 2a.

    ``None``, or a ``twice_confidence`` at or above the Gaussian's own (no heavier tail than a
    Gaussian), gives ``inf``: the circular Gaussian.

    Examples
    --------
    >>> round(student_t_dof(0.68, 0.95), 2)
    5.02
    >>> student_t_dof(0.68, None)
    inf
    """
    c1 = check_probability(confidence, "confidence")
    if twice_confidence is None:
        return _INF
    c2 = check_probability(twice_confidence, "twice_confidence")
    if c2 <= c1:
        raise InvalidArgument(
            f"twice_confidence={c2!r} must exceed confidence={c1!r} (2a holds more than a)"
        )
    if c2 >= 1.0 - (1.0 - c1) ** 4 - 1e-12:  # the Gaussian's share within 2a, or lighter
        return _INF

    k = -2.0 * math.log1p(-c1)

    def gap(log_nu: float) -> float:
        # log P(|e| > 2a) - log(1 - c2); with a = 1, a² / (ν s²) = expm1(k / ν)
        nu = math.exp(log_nu)
        x = k / nu
        log1p_4u = math.log1p(4.0 * math.expm1(x)) if x < 50.0 else math.log(4.0) + x
        return -0.5 * nu * log1p_4u - math.log1p(-c2)

    # the share beyond 2a falls monotonically with ν, from 1 - c1 (ν → 0) to the Gaussian's
    return math.exp(optimize.brentq(gap, math.log(1e-6), math.log(1e7), xtol=1e-12))


def sigma_m(
    accuracy_m: npt.ArrayLike, confidence: npt.ArrayLike, dof: float = _INF
) -> npt.NDArray[np.float64]:
    """σ (m) of a fix whose accuracy circle holds the truth with ``confidence``.

    σ is the per-axis standard deviation of the Gaussian with the same 68 % circle; for a
    heavy-tailed source (``dof`` < inf) the 68 % circle is that of its t.

    Examples
    --------
    >>> round(float(sigma_m(150.0, 0.68)), 1)
    99.4
    >>> round(float(sigma_m(150.0, 0.95)), 1)   # a 95 % circle of 150 m is a tighter fix
    61.3
    """
    conf = np.asarray(confidence, dtype=np.float64)
    if not np.all((conf > 0.0) & (conf < 1.0)):
        raise InvalidArgument(f"confidence={confidence!r} must lie strictly between 0 and 1")
    nu = _check_dof(dof)
    acc = np.asarray(accuracy_m, dtype=np.float64)
    if not np.all((acc > 0.0) & (acc <= MAX_ACCURACY_M)):  # NaN fails too
        raise InvalidAccuracy(
            f"accuracy_m={accuracy_m!r} must be numbers of metres in (0, {MAX_ACCURACY_M:.0f}]"
        )
    if math.isinf(nu):
        unit = np.sqrt(-2.0 * np.log1p(-conf))
        ratio = CIRCLE_68 / unit
    else:
        unit = np.sqrt(nu * np.expm1(-2.0 / nu * np.log1p(-conf)))
        ratio = unit_radius(0.68, nu) / unit
    result: npt.NDArray[np.float64] = acc * ratio / CIRCLE_68
    return result


def _core_scale(sigma: npt.ArrayLike, dof: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Scale parameter of the t (or Gaussian σ) whose 68 % circle is ``CIRCLE_68 · sigma``."""
    s = np.asarray(sigma, dtype=np.float64)
    nu = np.asarray(dof, dtype=np.float64)
    finite = np.isfinite(nu)
    safe = np.where(finite, nu, 1.0)
    unit = np.where(finite, np.sqrt(safe * np.expm1(-2.0 / safe * math.log(0.32))), CIRCLE_68)
    result: npt.NDArray[np.float64] = s * CIRCLE_68 / unit
    return result


@dataclass(frozen=True, slots=True)
class ErrorModel:
    """Radial error of one position estimate: a core circle and an optional multipath circle.

    Parameters
    ----------
    sigma_m
        σ of the core: its 68 % circle is ``1.5096 · sigma_m``.
    dof
        Student-t degrees of freedom of the core; ``inf`` is the circular Gaussian.
    multipath_share
        Probability that the error comes from the wide component instead (0: none).
    multipath_sigma_m
        σ of the wide (Gaussian) component; must be at least ``sigma_m`` when used.

    Examples
    --------
    >>> m = ErrorModel(3.3, multipath_share=0.1, multipath_sigma_m=20.0)
    >>> m.outside_p_value(45.0, 30.0) > 0.01      # 5 m fix, 45 m away, 30 m radius
    True
    >>> ErrorModel(3.3).outside_p_value(45.0, 30.0) < 0.01
    True
    """

    sigma_m: float
    dof: float = _INF
    multipath_share: float = 0.0
    multipath_sigma_m: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "sigma_m", _check_sigma(self.sigma_m, "sigma_m"))
        object.__setattr__(self, "dof", _check_dof(self.dof))
        share = float(self.multipath_share)
        if not 0.0 <= share < 1.0:
            raise InvalidArgument(f"multipath_share={share!r} must lie in [0, 1)")
        object.__setattr__(self, "multipath_share", share)
        if share > 0.0:
            wide = _check_sigma(self.multipath_sigma_m, "multipath_sigma_m")
            if wide < self.sigma_m:
                raise InvalidArgument(
                    f"multipath_sigma_m={wide!r} must be >= sigma_m={self.sigma_m!r}"
                )
            object.__setattr__(self, "multipath_sigma_m", wide)
        else:
            object.__setattr__(self, "multipath_sigma_m", 0.0)

    def components(self) -> tuple[tuple[float, float, float], ...]:
        """``(weight, scale_m, dof)`` of each circle (scale: the t's scale or Gaussian σ).

        Examples
        --------
        >>> ErrorModel(10.0, multipath_share=0.05, multipath_sigma_m=60.0).components()
        ((0.95, 10.0, inf), (0.05, 60.0, inf))
        """
        core = float(_core_scale(self.sigma_m, self.dof))
        if self.multipath_share == 0.0:
            return ((1.0, core, self.dof),)
        return (
            (1.0 - self.multipath_share, core, self.dof),
            (self.multipath_share, self.multipath_sigma_m, _INF),
        )

    def probability_within(self, distance_m: float, radius_m: float) -> float:
        """P(true position within ``radius_m`` of the retailer | fix ``distance_m`` away).

        Examples
        --------
        >>> round(ErrorModel(99.4).probability_within(0.0, 50.0), 3)   # 150 m cell fix
        0.119
        """
        d = _check_distance(distance_m, "distance_m")
        r = _check_distance(radius_m, "radius_m")
        return float(_disc(self, np.array([d]), np.array([r]), outside=False)[0])

    def outside_p_value(self, distance_m: float, radius_m: float) -> float:
        """Chance that a device on the radius edge reports a fix ``distance_m`` away or more.

        Examples
        --------
        >>> m = ErrorModel(99.4, dof=5.02)             # a 150 m cell fix, heavy tail
        >>> m.outside_p_value(500.0, 50.0) > 0.005, m.outside_p_value(800.0, 50.0) < 0.005
        (True, True)
        """
        d = _check_distance(distance_m, "distance_m")
        r = _check_distance(radius_m, "radius_m")
        return float(_disc(self, np.array([r]), np.array([d]), outside=True)[0])

    def survival(self, length_m: float) -> float:
        """P(|e| > ``length_m``).

        Examples
        --------
        >>> round(ErrorModel(10.0).survival(15.096), 3)   # outside the 68 % circle
        0.32
        """
        x = _check_distance(length_m, "length_m")
        return _survival(self.components(), x)

    def quantile_m(self, probability: float) -> float:
        """The error length not exceeded with ``probability`` (the radius of that circle).

        Examples
        --------
        >>> round(ErrorModel(10.0).quantile_m(0.68), 2)
        15.1
        """
        p = check_probability(probability, "probability")
        return _mixture_quantile_m(self.components(), p)

    def log_density(self, distance_m: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Log of the 2-D error density at ``distance_m`` from the true position (per m²).

        Examples
        --------
        >>> m = ErrorModel(10.0)
        >>> round(float(m.log_density(0.0) - m.log_density(10.0)), 3)   # exp(-1/2) apart
        0.5
        """
        x = np.asarray(distance_m, dtype=np.float64)
        if not np.all((x >= 0.0) & (x <= MAX_DISTANCE_M)):  # NaN fails too
            raise InvalidRadius(
                f"distance_m must be numbers of metres in [0, {MAX_DISTANCE_M:.0f}]"
            )
        return _log_density(self.components(), x)


def _check_distance(value: float, name: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError) as exc:
        raise InvalidRadius(f"{name}={value!r} is not a number") from exc
    if not 0.0 <= v <= MAX_DISTANCE_M:  # NaN fails too
        raise InvalidRadius(f"{name}={v!r} must be a number of metres in [0, {MAX_DISTANCE_M:.0f}]")
    return v


def _disc(
    model: ErrorModel,
    centre_m: npt.NDArray[np.float64],
    radius_m: npt.NDArray[np.float64],
    *,
    outside: bool,
) -> npt.NDArray[np.float64]:
    total = np.zeros(centre_m.shape)
    for weight, scale, dof in model.components():
        n = centre_m.shape[0]
        total += weight * disc_probability_kernel(
            centre_m, radius_m, np.full(n, scale), np.full(n, dof), outside=outside
        )
    return np.clip(total, 0.0, 1.0)


def _survival(components: tuple[tuple[float, float, float], ...], x: float) -> float:
    total = 0.0
    for weight, scale, dof in components:
        z = x / scale
        if math.isinf(dof):
            total += weight * math.exp(-0.5 * z * z)
        else:
            total += weight * math.exp(-0.5 * dof * math.log1p(z * z / dof))
    return total


def _mixture_quantile_m(
    components: tuple[tuple[float, float, float], ...], probability: float
) -> float:
    """Radius holding ``probability`` of a mixture of circular errors (bisection on log r)."""
    tail = 1.0 - probability
    lo, hi = 0.0, max(scale for _, scale, _ in components)
    while _survival(components, hi) > tail:
        lo, hi = hi, hi * 2.0
        if hi > 1e12:  # beyond the Earth: the probability is not reachable in practice
            return hi
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if _survival(components, mid) > tail:
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-9 * hi:
            break
    return hi


def _log_density(
    components: tuple[tuple[float, float, float], ...], x: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    logs = []
    for weight, scale, dof in components:
        z2 = (x / scale) ** 2
        base = math.log(weight) - math.log(2.0 * math.pi) - 2.0 * math.log(scale)
        if math.isinf(dof):
            logs.append(base - 0.5 * z2)
        else:
            logs.append(base - (0.5 * dof + 1.0) * np.log1p(z2 / dof))
    result: npt.NDArray[np.float64] = np.logaddexp.reduce(np.array(logs), axis=0)
    return result


def _validated(
    distance_m: npt.ArrayLike, radius_m: npt.ArrayLike, sigma: npt.ArrayLike
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    d, r, s = np.broadcast_arrays(
        np.asarray(distance_m, dtype=np.float64),
        np.asarray(radius_m, dtype=np.float64),
        np.asarray(sigma, dtype=np.float64),
    )
    if not np.all((d >= 0.0) & (d <= MAX_DISTANCE_M)):  # NaN fails too
        raise InvalidRadius(f"distance_m must be numbers of metres in [0, {MAX_DISTANCE_M:.0f}]")
    if not np.all((r >= 0.0) & (r <= MAX_DISTANCE_M)):
        raise InvalidRadius(f"radius_m must be numbers of metres in [0, {MAX_DISTANCE_M:.0f}]")
    if not np.all((s >= MIN_SIGMA_M) & (s <= MAX_ACCURACY_M)):
        raise InvalidAccuracy(
            f"sigma must be numbers of metres in [{MIN_SIGMA_M}, {MAX_ACCURACY_M:.0f}]"
        )
    return (
        np.ascontiguousarray(d.ravel()),
        np.ascontiguousarray(r.ravel()),
        np.ascontiguousarray(s.ravel()),
    )


def _public_disc(
    distance_m: npt.ArrayLike,
    radius_m: npt.ArrayLike,
    sigma: npt.ArrayLike,
    dof: float,
    *,
    outside: bool,
) -> npt.NDArray[np.float64]:
    """Validated, broadcast single-circle disc probability (inside, or the outside p-value)."""
    nu = _check_dof(dof)
    d, r, s = _validated(distance_m, radius_m, sigma)
    shape = np.broadcast(np.asarray(distance_m), np.asarray(radius_m), np.asarray(sigma)).shape
    scale = _core_scale(s, np.full(s.shape, nu))
    centre, edge = (r, d) if outside else (d, r)
    out = disc_probability_kernel(centre, edge, scale, np.full(s.shape, nu), outside=outside)
    return out.reshape(shape)


def probability_within(
    distance_m: npt.ArrayLike, radius_m: npt.ArrayLike, sigma: npt.ArrayLike, dof: float = _INF
) -> npt.NDArray[np.float64]:
    """Posterior probability that the device was within ``radius_m`` of the retailer.

    Examples
    --------
    >>> round(float(probability_within(0.0, 50.0, 99.4)), 3)   # 150 m cell fix, 50 m radius
    0.119
    """
    return _public_disc(distance_m, radius_m, sigma, dof, outside=False)


def outside_p_value(
    distance_m: npt.ArrayLike, radius_m: npt.ArrayLike, sigma: npt.ArrayLike, dof: float = _INF
) -> npt.NDArray[np.float64]:
    """Chance that a device on the radius edge reports a fix ``distance_m`` away or more.

    Examples
    --------
    >>> float(outside_p_value(300.0, 100.0, 10.0)) < 1e-9
    True
    >>> float(outside_p_value(300.0, 100.0, 10.0, dof=5.0)) > 1e-6   # heavy tail: less sure
    True
    """
    return _public_disc(distance_m, radius_m, sigma, dof, outside=True)


def pair_threshold_m(model_a: ErrorModel, model_b: ErrorModel, alpha: float) -> float:
    """Distance two independent fixes of one spot, with these error models, exceed w.p. ``alpha``.

    Each pair of circles (core or multipath of either fix) contributes a circle of
    σ = hypot(σa, σb) and the heavier of the two tails (see :func:`disagreement_threshold_m`);
    the threshold is the (1 − α) quantile of that mixture.

    Examples
    --------
    >>> round(pair_threshold_m(ErrorModel(10.0), ErrorModel(100.0), 0.01))
    305
    """
    p = check_probability(alpha, "alpha")
    parts_a = _sigma_components(model_a)
    parts_b = _sigma_components(model_b)
    components = tuple(
        (wa * wb, float(_core_scale(math.hypot(sa, sb), min(na, nb))), min(na, nb))
        for wa, sa, na in parts_a
        for wb, sb, nb in parts_b
    )
    return _mixture_quantile_m(components, 1.0 - p)


def _sigma_components(model: ErrorModel) -> tuple[tuple[float, float, float], ...]:
    """``(weight, σ, dof)`` of each circle (σ, not the t's scale)."""
    if model.multipath_share == 0.0:
        return ((1.0, model.sigma_m, model.dof),)
    return (
        (1.0 - model.multipath_share, model.sigma_m, model.dof),
        (model.multipath_share, model.multipath_sigma_m, _INF),
    )


def disagreement_threshold_m(
    sigma_a: float, sigma_b: float, alpha: float, dof: float = _INF
) -> float:
    """Distance two fixes of the same spot exceed with probability ``alpha`` only.

    The difference of two independent circular errors has σ² = σa² + σb²; for Gaussians its
    length is Rayleigh, so the (1 − α) quantile is ``σ · sqrt(−2 ln α)``. With a heavy tail
    (``dof`` < inf) the difference is taken as a t of the same σ and ``dof``: at the tail its
    probability is at least the sum of the two fixes' own tails, so the threshold is not
    too tight.

    Examples
    --------
    >>> round(disagreement_threshold_m(10.0, 100.0, 0.01))
    305
    >>> round(disagreement_threshold_m(10.0, 100.0, 0.01, dof=5.02))
    459
    """
    a = _check_sigma(sigma_a, "sigma_a")
    b = _check_sigma(sigma_b, "sigma_b")
    p = check_probability(alpha, "alpha")
    nu = _check_dof(dof)
    scale = float(_core_scale(math.hypot(a, b), nu))
    return scale * unit_radius(1.0 - p, nu)
