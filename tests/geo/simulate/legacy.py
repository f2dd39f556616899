"""The verifier's rule before issue 21, kept as the peer of the simulation report.

A faithful transcription of ``geo.verify_visit`` as it was at commit bea35ba (decision parts
only): circular Gaussian error with σ = accuracy / 1.5096, no floor, every fix independent
(inverse-variance fusion), device-vs-carrier threshold from the Gaussian (Rayleigh) quantile,
NEARER_RETAILER for any retailer nearer than the claimed one. Run beside the current rule on
the same simulated visits, it shows what issue 21 changed; on the original five sets it
reproduces the figures published before the change.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy.special import chndtr

from geo import VisitPolicy, Wgs84, distance_m
from geo.distance import local_offsets_m, offset_point

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import datetime

    from geo import Neighbour, PositionFix

__all__ = ["LegacyVerdict", "legacy_verify"]

_CIRCLE_68 = math.sqrt(-2.0 * math.log(1.0 - 0.68))


@dataclass(frozen=True)
class LegacyVerdict:
    """The old rule's verdict kind and the two flags the report compares."""

    kind: str
    spoofing: bool
    nearer_retailer: bool
    used_fixes: int


def legacy_verify(
    fixes: Sequence[PositionFix],
    retailer: Wgs84,
    *,
    now: datetime,
    event_at: datetime,
    radius_m: float,
    neighbours: Sequence[Neighbour] = (),
    policy: VisitPolicy | None = None,
) -> LegacyVerdict:
    """Judge ``fixes`` the way the verifier did before issue 21."""
    p = policy or VisitPolicy()
    used = []
    for fix in fixes:
        age_s = abs((event_at - fix.captured_at).total_seconds())
        future = (fix.captured_at - now).total_seconds() > p.max_future_skew_s
        if not (fix.stale or age_s > p.max_fix_age_s or future):
            used.append((fix, fix.wgs84(), fix.accuracy_m / _CIRCLE_68))
    if not used:
        return LegacyVerdict("INCONCLUSIVE", False, False, 0)
    spoof = False
    alpha_k = math.sqrt(-2.0 * math.log(p.spoof_alpha))
    for d_fix, d_wgs, d_sigma in used:
        for c_fix, c_wgs, c_sigma in used:
            if d_fix.source.is_carrier or not c_fix.source.is_carrier:
                continue
            dt_s = abs((d_fix.captured_at - c_fix.captured_at).total_seconds())
            allowed_m = math.hypot(d_sigma, c_sigma) * alpha_k + p.walking_speed_mps * dt_s
            spoof = spoof or distance_m(d_wgs, c_wgs) > allowed_m
    if spoof:
        _, estimate, sigma = min(used, key=lambda u: u[2])
        can_prove = False
    else:
        estimate, sigma = _fuse([(w, s) for _, w, s in used])
        can_prove = True
    d = distance_m(estimate, retailer)
    p_in = float(chndtr((radius_m / sigma) ** 2, 2.0, (d / sigma) ** 2))
    p_out = float(np.clip(1.0 - chndtr((d / sigma) ** 2, 2.0, (radius_m / sigma) ** 2), 0, 1))
    if p_out < p.max_outside_p_value:
        kind = "NOT_IN_PLACE"
    elif p_in >= p.min_probability_in and _CIRCLE_68 * sigma <= radius_m and can_prove:
        kind = "IN_PLACE"
    else:
        kind = "INCONCLUSIVE"
    nearer = any(distance_m(estimate, n.point) < d for n in neighbours)
    return LegacyVerdict(kind, spoof, nearer, len(used))


def _fuse(used: Sequence[tuple[Wgs84, float]]) -> tuple[Wgs84, float]:
    if len(used) == 1:
        return used[0]
    lat0, lon0 = used[0][0].lat, used[0][0].lon
    lats = np.array([w.lat for w, _ in used])
    lons = np.array([w.lon for w, _ in used])
    weights = np.array([1.0 / s**2 for _, s in used])
    north, east = local_offsets_m(lat0, lon0, lats, lons)
    total = float(weights.sum())
    lat, lon = offset_point(
        lat0, lon0, float(weights @ north) / total, float(weights @ east) / total
    )
    return Wgs84(lat, lon), 1.0 / math.sqrt(total)
