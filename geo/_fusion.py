"""Combining the usable fixes of one event into one estimate and its error model.

Fixes are averaged with inverse-variance weights on the local tangent plane, but their
errors are not assumed independent: fixes of one correlation group (one source, or the
handheld's GPS and the carrier's A-GPS, which share satellites and antenna) are correlated
with the group's ``repeat_correlation`` (default 1), and identical or near-identical fixes of
a group (closer than a tenth of their σ: independent fixes coincide that closely 0.25 % of
the time) are fully correlated whatever the setting. The estimate's σ is the standard
deviation of the weighted mean under those correlations, so nineteen copies of one 150 m
cell fix are exactly as sharp as one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from geo.coords import Wgs84
from geo.distance import local_offsets_m, offset_point
from geo.error_model import MAX_ACCURACY_M, MIN_SIGMA_M, ErrorModel

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["NEAR_IDENTICAL_SIGMA", "FusionInput", "fuse"]

NEAR_IDENTICAL_SIGMA = 0.1
"""Fixes of one group closer than this share of their σ count as copies of one fix."""


@dataclass(frozen=True, slots=True)
class FusionInput:
    """One usable fix: where, how uncertain, and which errors it shares."""

    point: Wgs84
    model: ErrorModel
    group: str
    repeat_correlation: float


def fuse(fixes: Sequence[FusionInput]) -> tuple[Wgs84, ErrorModel]:
    """Weighted mean of ``fixes`` and the error model of that mean.

    The core σ is exact for the weighted mean under the correlations; the tail (``dof``) is
    the heaviest of the fixes', and the multipath circle is the widest any one fix's
    multipath error moves the mean by (its weight times its multipath extent).
    """
    if len(fixes) == 1:
        return fixes[0].point, fixes[0].model
    lat0, lon0 = fixes[0].point.lat, fixes[0].point.lon
    lats = np.array([f.point.lat for f in fixes])
    lons = np.array([f.point.lon for f in fixes])
    north, east = local_offsets_m(lat0, lon0, lats, lons)
    sigma = np.array([f.model.sigma_m for f in fixes])
    inv = (sigma.min() / sigma) ** 2  # scaled before inverting: no overflow for tiny σ
    weight = inv / inv.sum()
    corr = _correlations(fixes, north, east, sigma)
    var = float(weight @ (corr * np.outer(sigma, sigma)) @ weight)
    fused_sigma = min(max(math.sqrt(max(var, 0.0)), MIN_SIGMA_M), MAX_ACCURACY_M)
    lat, lon = offset_point(lat0, lon0, float(weight @ north), float(weight @ east))
    dof = min(f.model.dof for f in fixes)
    share = max(f.model.multipath_share for f in fixes)
    if share == 0.0:
        return Wgs84(lat, lon), ErrorModel(fused_sigma, dof)
    extra = max(
        w * math.sqrt(max(f.model.multipath_sigma_m**2 - f.model.sigma_m**2, 0.0))
        for w, f in zip(weight.tolist(), fixes, strict=True)
    )
    wide = min(max(math.hypot(fused_sigma, extra), fused_sigma), MAX_ACCURACY_M)
    return Wgs84(lat, lon), ErrorModel(fused_sigma, dof, share, wide)


def _correlations(
    fixes: Sequence[FusionInput],
    north: np.ndarray,
    east: np.ndarray,
    sigma: np.ndarray,
) -> np.ndarray:
    n = len(fixes)
    corr = np.eye(n)
    for i in range(n):
        for j in range(i + 1, n):
            if fixes[i].group != fixes[j].group:
                continue
            gap_m = math.hypot(float(north[i] - north[j]), float(east[i] - east[j]))
            if gap_m <= NEAR_IDENTICAL_SIGMA * float(min(sigma[i], sigma[j])):
                rho = 1.0
            else:
                rho = min(fixes[i].repeat_correlation, fixes[j].repeat_correlation)
            corr[i, j] = corr[j, i] = rho
    return corr
