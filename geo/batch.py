"""Verify many single-fix visits at once (nightly re-scoring, audits, the benchmark).

Same decision rule and error models as :func:`geo.verify_visit` (:mod:`geo._decide`,
:meth:`geo.SourceRule.error_model`), on arrays: one fix per visit, positions already in
WGS-84, no plausibility flags (those need per-visit context).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from geo import _decide
from geo._validate import MAX_DISTANCE_M, MIN_ACCURACY_M, check_lat_lon_arrays, float_array
from geo.distance import haversine_m_array
from geo.error_model import CIRCLE_68, MIN_SIGMA_M, sigma_m
from geo.errors import InvalidAccuracy, InvalidArgument, InvalidRadius, ShapeMismatch
from geo.fix import FixSource
from geo.verdict import VerdictKind

if TYPE_CHECKING:
    from collections.abc import Sequence

    import numpy.typing as npt

    from geo.policy import VisitPolicy

__all__ = ["KIND_BY_CODE", "BatchVerdicts", "verify_batch"]

KIND_BY_CODE: tuple[VerdictKind, ...] = (
    VerdictKind.IN_PLACE,
    VerdictKind.NOT_IN_PLACE,
    VerdictKind.INCONCLUSIVE,
)


@dataclass(frozen=True, slots=True)
class BatchVerdicts:
    """Parallel result arrays; ``kind_code`` indexes :data:`KIND_BY_CODE`."""

    kind_code: npt.NDArray[np.int8]
    distance_m: npt.NDArray[np.float64]
    probability_within: npt.NDArray[np.float64]
    outside_p_value: npt.NDArray[np.float64]
    usable: npt.NDArray[np.bool_]

    def kinds(self) -> list[VerdictKind]:
        """Return the verdict kinds as enums (slow for millions; prefer ``kind_code``)."""
        return [KIND_BY_CODE[c] for c in self.kind_code.tolist()]

    def count(self, kind: VerdictKind) -> int:
        """How many visits got ``kind``."""
        return int(np.count_nonzero(self.kind_code == KIND_BY_CODE.index(kind)))


def verify_batch(
    fix_lat: npt.ArrayLike,
    fix_lon: npt.ArrayLike,
    accuracy_m: npt.ArrayLike,
    retailer_lat: npt.ArrayLike,
    retailer_lon: npt.ArrayLike,
    policy: VisitPolicy,
    *,
    source: FixSource | Sequence[FixSource] = FixSource.DEVICE_GPS,
    radius_m: float | npt.ArrayLike | None = None,
    age_s: npt.ArrayLike | None = None,
    stale: npt.ArrayLike | None = None,
) -> BatchVerdicts:
    """Verify n visits of one fix each; all positions WGS-84 degrees.

    Parameters
    ----------
    fix_lat, fix_lon, accuracy_m
        The fixes (n each).
    retailer_lat, retailer_lon
        The claimed retailers' registered positions (n each).
    policy
        Thresholds and source rules.
    source
        One source for all, or one per visit.
    radius_m
        Scalar or per-visit radius; default ``policy.default_radius_m``.
    age_s, stale
        Fix age relative to the event (seconds; negative for a fix taken after it) and the
        source's stale flag. A fix more than ``max_fix_age_s`` from the event either way, or
        stale, is unusable (INCONCLUSIVE), as in :func:`geo.verify_visit`: a fix dated years
        ahead is not fresh.

    Examples
    --------
    >>> from geo.policy import VisitPolicy
    >>> out = verify_batch([28.0, 28.003], [120.7, 120.7], [10.0, 10.0],
    ...                    [28.0, 28.0], [120.7, 120.7], VisitPolicy())
    >>> [k.value for k in out.kinds()]
    ['IN_PLACE', 'NOT_IN_PLACE']
    """
    f_lat, f_lon = check_lat_lon_arrays(fix_lat, fix_lon)
    r_lat, r_lon = check_lat_lon_arrays(retailer_lat, retailer_lon)
    n = f_lat.shape[0]
    if r_lat.shape != (n,):
        raise ShapeMismatch(f"{n} fixes but {r_lat.shape[0]} retailers")
    acc = _per_visit(accuracy_m, n, "accuracy_m")
    ok = np.isfinite(acc) & (acc >= MIN_ACCURACY_M) & (acc <= MAX_DISTANCE_M)
    if not np.all(ok):
        row = int(np.flatnonzero(~ok)[0])
        raise InvalidAccuracy(
            f"row {row}: accuracy_m={acc[row]!r} must lie in [{MIN_ACCURACY_M}, "
            f"{MAX_DISTANCE_M:.0f}] m"
        )
    radius = _per_visit(policy.default_radius_m if radius_m is None else radius_m, n, "radius_m")
    ok = np.isfinite(radius) & (radius > 0.0) & (radius <= MAX_DISTANCE_M)
    if not np.all(ok):
        row = int(np.flatnonzero(~ok)[0])
        raise InvalidRadius(
            f"row {row}: radius_m={radius[row]!r} must lie in (0, {MAX_DISTANCE_M:.0f}] m"
        )
    rules = _rules(source, n, policy)
    usable = rules.allowed.copy()
    if age_s is not None:
        age = _per_visit(age_s, n, "age_s")
        if np.isnan(age).any():
            raise InvalidArgument(f"row {int(np.flatnonzero(np.isnan(age))[0])}: age_s is NaN")
        usable &= np.abs(age) <= policy.max_fix_age_s
    if stale is not None:
        stale_a = np.broadcast_to(np.asarray(stale, dtype=np.bool_), (n,))
        usable &= ~stale_a
    dist = haversine_m_array(f_lat, f_lon, r_lat, r_lon)
    stated = np.minimum(np.maximum(acc, rules.floor_m), MAX_DISTANCE_M)
    sigma = np.clip(stated * rules.sigma_per_m, MIN_SIGMA_M, MAX_DISTANCE_M)
    wide = np.minimum(np.hypot(sigma, rules.multipath_m / CIRCLE_68), MAX_DISTANCE_M)
    kind, p_in, p_out, _ = _decide.decide(
        dist,
        radius,
        sigma,
        rules.dof,
        rules.multipath_share,
        wide,
        rules.can_prove,
        policy.min_probability_in,
        policy.max_outside_p_value,
    )
    kind[~usable] = _decide.INCONCLUSIVE
    return BatchVerdicts(kind, dist, p_in, p_out, usable)


def _per_visit(values: float | npt.ArrayLike, n: int, name: str) -> npt.NDArray[np.float64]:
    arr = float_array(values, name)
    if arr.shape == (1,):
        return np.full(n, arr[0])
    if arr.shape != (n,):
        raise ShapeMismatch(f"{name} has {arr.shape[0]} entries for {n} visits")
    return arr


@dataclass(frozen=True, slots=True)
class _Rules:
    """Per-visit columns of the sources' rules."""

    sigma_per_m: npt.NDArray[np.float64]
    floor_m: npt.NDArray[np.float64]
    dof: npt.NDArray[np.float64]
    multipath_share: npt.NDArray[np.float64]
    multipath_m: npt.NDArray[np.float64]
    can_prove: npt.NDArray[np.bool_]
    allowed: npt.NDArray[np.bool_]


def _rules(source: FixSource | Sequence[FixSource], n: int, policy: VisitPolicy) -> _Rules:
    """Per-visit error-model and permission columns from the sources' rules."""
    order = list(FixSource)
    rules = [policy.rule(s) for s in order]
    # σ is linear in the (floored) stated accuracy: σ per metre of it, per source
    per_m = [float(sigma_m(1.0, r.accuracy_confidence, r.dof)) for r in rules]
    if isinstance(source, FixSource):
        codes = np.full(n, order.index(source), dtype=np.int64)
    else:
        position = {s: i for i, s in enumerate(order)}
        try:
            codes = np.fromiter((position[s] for s in source), dtype=np.int64)
        except (KeyError, TypeError) as exc:
            raise InvalidArgument(f"unknown fix source {exc.args[0]!r}") from None
        if codes.shape != (n,):
            raise ShapeMismatch(f"source has {codes.shape[0]} entries for {n} visits")

    def floats(values: list[float]) -> npt.NDArray[np.float64]:
        return np.ascontiguousarray(np.array(values, dtype=np.float64)[codes])

    def flags(values: list[bool]) -> npt.NDArray[np.bool_]:
        return np.ascontiguousarray(np.array(values, dtype=np.bool_)[codes])

    return _Rules(
        sigma_per_m=floats(per_m),
        floor_m=floats([r.accuracy_floor_m for r in rules]),
        dof=floats([r.dof for r in rules]),
        multipath_share=floats([r.multipath_share for r in rules]),
        multipath_m=floats([r.multipath_m for r in rules]),
        can_prove=flags([r.can_prove_presence for r in rules]),
        allowed=flags([r.allowed for r in rules]),
    )
