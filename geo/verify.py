"""Visit verification (R3): from position fixes, a retailer and a policy to a verdict.

A pure function: the clock is an argument (``now``), and so are the neighbourhood, the
manager's previous event and the coordinates of their other visits. The decision rule and
its error model are described in :mod:`geo.error_model`; the summary:

1. Each fix is converted to WGS-84, given its source's error model (stated accuracy
   semantics, floor, multipath; :class:`geo.SourceRule`) and judged usable unless stale
   (flagged by the source or measured more than ``max_fix_age_s`` from the button press),
   from the future (beyond ``max_future_skew_s`` after ``now``: reason FIX_FROM_FUTURE), or
   from a source the policy does not allow. Unusable fixes stay in the evidence.
2. A device fix and a carrier fix that disagree beyond what their error models allow at
   ``spoof_alpha`` raise POSSIBLE_SPOOFING and make the verdict INCONCLUSIVE (a person must
   look).
3. Otherwise the usable fixes are fused (:mod:`geo._fusion`: weighted mean, correlated
   errors within a source group, so repeats add nothing) and the estimate is tested:
   NOT_IN_PLACE if a device inside the radius would rarely be reported this far, IN_PLACE
   if presence is probable and the estimate is sharp enough, else INCONCLUSIVE.
4. Plausibility flags (nearer retailer, impossible speed, reused coordinates, late upload)
   are reported beside the verdict; they never turn a verdict into IN_PLACE.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from geo import _decide
from geo._fusion import FusionInput, fuse
from geo._validate import check_non_negative_m
from geo.convert import to_wgs84
from geo.coords import Wgs84
from geo.distance import distance_m
from geo.error_model import ErrorModel, pair_threshold_m
from geo.errors import InvalidArgument
from geo.fix import PositionFix, aware
from geo.index import RetailerIndex
from geo.policy import VisitPolicy
from geo.verdict import FixEvidence, Flag, NearerRetailer, Reason, Verdict, VerdictKind

if TYPE_CHECKING:
    from collections.abc import Collection, Sequence
    from datetime import datetime

    from geo.coords import Point

__all__ = ["Neighbour", "PreviousEvent", "verify_visit"]

_KINDS = (VerdictKind.IN_PLACE, VerdictKind.NOT_IN_PLACE, VerdictKind.INCONCLUSIVE)


@dataclass(frozen=True, slots=True)
class Neighbour:
    """A retailer near the claimed one, for the ambiguity check."""

    retailer_id: int
    point: Wgs84


@dataclass(frozen=True, slots=True)
class PreviousEvent:
    """The same manager's previous check-in or check-out, for the speed check."""

    point: Wgs84
    at: datetime
    accuracy_m: float = 0.0

    def __post_init__(self) -> None:
        if not isinstance(self.point, Wgs84):
            raise InvalidArgument(f"PreviousEvent.point must be Wgs84, got {self.point!r}")
        aware(self.at, "PreviousEvent.at")
        check_non_negative_m(self.accuracy_m, "PreviousEvent.accuracy_m")


@dataclass(frozen=True, slots=True)
class _Judged:
    fix: PositionFix
    wgs: Wgs84
    model: ErrorModel
    age_s: float
    stale: bool
    future: bool
    allowed: bool

    @property
    def used(self) -> bool:
        return self.allowed and not self.stale and not self.future

    @property
    def sigma(self) -> float:
        return self.model.sigma_m


def verify_visit(
    fixes: PositionFix | Sequence[PositionFix],
    retailer_point: Point,
    policy: VisitPolicy,
    *,
    now: datetime,
    event_at: datetime | None = None,
    radius_m: float | None = None,
    business_type: str | None = None,
    area: str | None = None,
    retailer_id: int | None = None,
    neighbours: RetailerIndex | Sequence[Neighbour] | None = None,
    previous_event: PreviousEvent | None = None,
    other_visit_points: Collection[Wgs84] = (),
) -> Verdict:
    """Judge whether the manager was at the retailer when they pressed the button.

    Parameters
    ----------
    fixes
        The fixes taken for this event (device and/or carrier). None at all (GPS off and
        the carrier failed) is a real event, not bad input: INCONCLUSIVE, NO_USABLE_FIX.
    retailer_point
        The retailer's registered position, in any coordinate system.
    policy
        Radii, thresholds and per-source rules.
    now
        Server time of this evaluation (time-zone aware).
    event_at
        When the button was pressed; defaults to ``now``. Fix ages are measured from it, so
        a late upload (R3.5) is judged by the fixes of its time, and a carrier fix taken at
        upload time is stale.
    radius_m, business_type, area
        The retailer's own radius, else the policy's default for its type or area.
    retailer_id
        The claimed retailer, excluded from the ambiguity check.
    neighbours
        A :class:`RetailerIndex` or explicit neighbours; another retailer nearer to the
        estimate than the claimed one raises NEARER_RETAILER.
    previous_event
        The manager's previous event, for IMPOSSIBLE_SPEED.
    other_visit_points
        Fix coordinates of the manager's other visits, for REUSED_COORDINATES.

    Returns
    -------
    Verdict

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> from geo.fix import FixSource
    >>> now = datetime(2026, 5, 1, 9, 30, tzinfo=timezone.utc)
    >>> shop = Wgs84(28.0, 120.7)
    >>> gps = PositionFix(28.0001, 120.7, "WGS84", 10.0, FixSource.DEVICE_GPS, now)
    >>> verify_visit(gps, shop, VisitPolicy(), now=now).kind
    <VerdictKind.IN_PLACE: 'IN_PLACE'>
    >>> cell = PositionFix(28.0, 120.7, "WGS84", 150.0, FixSource.CARRIER_CELL, now)
    >>> verify_visit(cell, shop, VisitPolicy(), now=now, radius_m=50.0).kind
    <VerdictKind.INCONCLUSIVE: 'INCONCLUSIVE'>
    """
    if not isinstance(policy, VisitPolicy):
        raise InvalidArgument(f"policy must be a VisitPolicy, got {type(policy).__name__}")
    fix_list = [fixes] if isinstance(fixes, PositionFix) else list(fixes)
    for fix in fix_list:
        if not isinstance(fix, PositionFix):
            raise InvalidArgument(f"fixes must be PositionFix instances, got {fix!r}")
    now = aware(now, "now")
    event_at = aware(event_at, "event_at") if event_at is not None else now
    retailer = to_wgs84(retailer_point)
    radius = policy.radius_for(radius_m=radius_m, business_type=business_type, area=area)

    judged = [_judge(fix, policy, now=now, event_at=event_at) for fix in fix_list]
    flags: set[Flag] = set()
    if any(j.stale for j in judged):
        flags.add(Flag.STALE_FIX)
    if any(j.future for j in judged):
        flags.add(Flag.FUTURE_FIX)
    if any(not j.allowed for j in judged):
        flags.add(Flag.SOURCE_NOT_ALLOWED)
    if (now - event_at).total_seconds() > policy.late_upload_after_s:
        flags.add(Flag.LATE_UPLOAD)
    if _reuses_coordinates(judged, policy, other_visit_points):
        flags.add(Flag.REUSED_COORDINATES)

    used = [j for j in judged if j.used]
    spoof = _device_carrier_disagree(used, policy)
    if spoof:
        flags.add(Flag.POSSIBLE_SPOOFING)

    estimate: Wgs84 | None = None
    model: ErrorModel | None = None
    reasons: list[Reason] = []
    kind = VerdictKind.INCONCLUSIVE
    dist: float | None = None
    p_in: float | None = None
    p_out: float | None = None
    if not used:
        reasons.append(Reason.NO_USABLE_FIX)
    else:
        if spoof:
            best = min(used, key=lambda j: j.sigma)
            estimate, model = best.wgs, best.model
            can_prove = False
            reasons.append(Reason.FIXES_DISAGREE)
        else:
            estimate, model = fuse([_fusion_input(j, policy) for j in used])
            can_prove = any(policy.rule(j.fix.source).can_prove_presence for j in used)
            if not can_prove:
                reasons.append(Reason.SOURCE_CANNOT_PROVE_PRESENCE)
        dist = distance_m(estimate, retailer)
        codes, p_in_a, p_out_a, coarse = _decide.decide(
            np.array([dist]),
            np.array([radius]),
            np.array([model.sigma_m]),
            np.array([model.dof]),
            np.array([model.multipath_share]),
            np.array([model.multipath_sigma_m]),
            np.array([can_prove]),
            policy.min_probability_in,
            policy.max_outside_p_value,
        )
        kind = _KINDS[int(codes[0])]
        p_in, p_out = float(p_in_a[0]), float(p_out_a[0])
        if kind is VerdictKind.IN_PLACE:
            reasons.append(Reason.WITHIN_RADIUS)
        elif kind is VerdictKind.NOT_IN_PLACE:
            reasons.append(Reason.OUTSIDE_RADIUS)
        else:
            if bool(coarse[0]):
                reasons.append(Reason.ACCURACY_COARSER_THAN_RADIUS)
            if not spoof:
                reasons.append(Reason.UNCERTAIN)
    if any(j.future for j in judged):
        reasons.append(Reason.FIX_FROM_FUTURE)

    nearer: tuple[NearerRetailer, ...] = ()
    if estimate is not None and model is not None and dist is not None and neighbours is not None:
        nearer = _nearer_retailers(estimate, model, dist, neighbours, retailer_id, policy)
        if nearer:
            flags.add(Flag.NEARER_RETAILER)
    if (
        estimate is not None
        and model is not None
        and previous_event is not None
        and _impossible_speed(estimate, model.sigma_m, event_at, previous_event, policy)
    ):
        flags.add(Flag.IMPOSSIBLE_SPEED)

    return Verdict(
        kind=kind,
        radius_m=radius,
        distance_m=dist,
        probability_within=p_in,
        outside_p_value=p_out,
        sigma_m=None if model is None else model.sigma_m,
        estimate=estimate,
        reasons=tuple(reasons),
        flags=tuple(f for f in Flag if f in flags),
        nearer_retailers=nearer,
        evidence=tuple(_evidence(j, retailer, radius) for j in judged),
        event_at=event_at,
        checked_at=now,
    )


def _judge(fix: PositionFix, policy: VisitPolicy, *, now: datetime, event_at: datetime) -> _Judged:
    rule = policy.rule(fix.source)
    age_s = abs((event_at - fix.captured_at).total_seconds())
    future = (fix.captured_at - now).total_seconds() > policy.max_future_skew_s
    return _Judged(
        fix=fix,
        wgs=fix.wgs84(),
        model=rule.error_model(fix.accuracy_m),
        age_s=age_s,
        stale=fix.stale or age_s > policy.max_fix_age_s,
        future=future,
        allowed=rule.allowed,
    )


def _fusion_input(j: _Judged, policy: VisitPolicy) -> FusionInput:
    rule = policy.rule(j.fix.source)
    return FusionInput(
        point=j.wgs,
        model=j.model,
        group=rule.correlation_group or j.fix.source.value,
        repeat_correlation=rule.repeat_correlation,
    )


def _device_carrier_disagree(used: Sequence[_Judged], policy: VisitPolicy) -> bool:
    """A device fix further from a carrier fix than their error models allow at α.

    The threshold is the (1 − ``spoof_alpha``) quantile of the distance between two honest
    fixes of one spot (heavy-tailed for carriers, with the GNSS multipath circle), plus
    walking at ``walking_speed_mps`` between their times.
    """
    devices = [j for j in used if not j.fix.source.is_carrier]
    carriers = [j for j in used if j.fix.source.is_carrier]
    for d in devices:
        for c in carriers:
            gap_m = distance_m(d.wgs, c.wgs)
            dt_s = abs((d.fix.captured_at - c.fix.captured_at).total_seconds())
            walked_m = policy.walking_speed_mps * dt_s
            if gap_m <= walked_m:
                continue
            if gap_m > pair_threshold_m(d.model, c.model, policy.spoof_alpha) + walked_m:
                return True
    return False


def _reuses_coordinates(
    judged: Sequence[_Judged], policy: VisitPolicy, other_visit_points: Collection[Wgs84]
) -> bool:
    if not other_visit_points:
        return False
    seen = {(round(p.lat, 7), round(p.lon, 7)) for p in other_visit_points}
    return any(
        policy.rule(j.fix.source).repeat_is_suspicious
        and (round(j.wgs.lat, 7), round(j.wgs.lon, 7)) in seen
        for j in judged
    )


def _nearer_retailers(
    estimate: Wgs84,
    model: ErrorModel,
    claimed_m: float,
    neighbours: RetailerIndex | Sequence[Neighbour],
    retailer_id: int | None,
    policy: VisitPolicy,
) -> tuple[NearerRetailer, ...]:
    """Retailers where the phone more likely was than at the claimed one.

    With a flat prior over the two places, P(other | fix) = f(d_other) / (f(d_other) +
    f(d_claimed)) where f is the estimate's 2-D error density. A neighbour is named only if
    that is at least ``nearer_retailer_probability``; only retailers nearer than the
    claimed one can be, since f falls with distance.
    """
    if policy.max_nearer_retailers == 0:
        return ()
    if isinstance(neighbours, RetailerIndex):
        ids, dists = neighbours.within_with_distance(estimate.lat, estimate.lon, claimed_m)
        pairs = list(zip(ids.tolist(), dists.tolist(), strict=True))
    else:
        pairs = [(n.retailer_id, distance_m(estimate, n.point)) for n in neighbours]
    candidates = [
        (rid, d)
        for rid, d in pairs
        if d < claimed_m and (retailer_id is None or rid != retailer_id)
    ]
    if not candidates:
        return ()
    spread = _with_extent(model, policy.retailer_extent_m)
    dists = np.array([d for _, d in candidates])
    log_ratio = spread.log_density(dists) - float(spread.log_density(np.array([claimed_m]))[0])
    probability = 1.0 / (1.0 + np.exp(-np.clip(log_ratio, -700.0, 700.0)))
    found = sorted(
        (-p, d, rid)
        for (rid, d), p in zip(candidates, probability.tolist(), strict=True)
        if p >= policy.nearer_retailer_probability
    )[: policy.max_nearer_retailers]
    return tuple(
        NearerRetailer(retailer_id=rid, distance_m=d, probability=-neg_p) for neg_p, d, rid in found
    )


def _with_extent(model: ErrorModel, extent_m: float) -> ErrorModel:
    """``model`` widened by a phone anywhere within ``extent_m`` of a retailer's point.

    A uniform disc of radius e has per-axis variance e²/4; it is added to each circle.
    """
    if extent_m == 0.0:
        return model
    half = 0.5 * extent_m
    return ErrorModel(
        math.hypot(model.sigma_m, half),
        model.dof,
        model.multipath_share,
        math.hypot(model.multipath_sigma_m, half) if model.multipath_share else 0.0,
    )


def _impossible_speed(
    estimate: Wgs84,
    sigma: float,
    event_at: datetime,
    previous: PreviousEvent,
    policy: VisitPolicy,
) -> bool:
    """Faster than ``max_speed_mps`` even after both positions' uncertainty is granted."""
    slack_m = previous.accuracy_m + 3.0 * sigma
    travelled_m = max(0.0, distance_m(estimate, previous.point) - slack_m)
    if travelled_m == 0.0:
        return False
    dt_s = (event_at - previous.at).total_seconds()
    return dt_s <= 0.0 or travelled_m / dt_s > policy.max_speed_mps


def _evidence(j: _Judged, retailer: Wgs84, radius: float) -> FixEvidence:
    d = distance_m(j.wgs, retailer)
    return FixEvidence(
        source=j.fix.source,
        system=j.fix.system,
        lat=j.fix.lat,
        lon=j.fix.lon,
        wgs84_lat=j.wgs.lat,
        wgs84_lon=j.wgs.lon,
        accuracy_m=j.fix.accuracy_m,
        sigma_m=j.sigma,
        captured_at=j.fix.captured_at,
        age_s=j.age_s,
        stale=j.stale,
        used=j.used,
        distance_m=d,
        probability_within=j.model.probability_within(d, radius),
        raw=j.fix.raw,
        future=j.future,
    )
