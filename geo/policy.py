"""The rules a visit is judged by: radii, fix age, thresholds and per-source rules.

Plain frozen dataclasses so that the service can load them from configuration per region and
store the policy a verdict was made under next to the verdict.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

from geo._validate import (
    check_accuracy_m,
    check_non_negative_m,
    check_positive,
    check_probability,
    check_radius_m,
)
from geo.error_model import (
    CIRCLE_68,
    MAX_ACCURACY_M,
    MIN_SIGMA_M,
    ErrorModel,
    sigma_m,
    student_t_dof,
)
from geo.errors import InvalidArgument
from geo.fix import FixSource

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["DEFAULT_SOURCE_RULES", "SourceRule", "VisitPolicy"]


def _check_radius(value: float, name: str) -> float:
    return check_radius_m(value, name)


def _check_share(value: float, name: str, *, upper: float = 1.0) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError) as exc:
        raise InvalidArgument(f"{name}={value!r} is not a number") from exc
    if not 0.0 <= v <= upper:
        raise InvalidArgument(f"{name}={v!r} must lie in [0, {upper:g}]")
    return v


@dataclass(frozen=True, slots=True)
class SourceRule:
    """How fixes from one source are read: whether they count, and what their accuracy means.

    Parameters
    ----------
    allowed
        Whether fixes of this source count at all (they are kept as evidence either way).
    can_prove_presence
        Whether this source alone may yield IN_PLACE. Coarse sources can still show absence.
    accuracy_confidence
        Probability that the truth lies inside the stated accuracy circle (0.68 for Android
        ``Location.getAccuracy`` and OMA MLP ``hor_acc`` at the usual QoS).
    twice_accuracy_confidence
        Probability that the truth lies within *twice* the stated accuracy (carriers: 0.95).
        Below a Gaussian's own share (98.95 % for 68 %) the error is heavy-tailed and
        modelled as the bivariate Student-t through both points; ``None`` keeps the
        Gaussian (a source that states only one point).
    accuracy_floor_m
        Stated accuracies below this are read as this many metres: no receiver in a street
        is as good as the best it sometimes claims.
    multipath_share, multipath_m
        GNSS error floor. With probability ``multipath_share`` a fix carries a reflected-
        signal (multipath / NLOS) error the receiver does not see; its 68 % circle is
        ``hypot(accuracy, multipath_m)``. 0 for sources that do not use satellites.
    correlation_group
        Sources whose errors are shared: fixes of one group in one event are correlated
        (the handheld's GPS and the carrier's A-GPS use the same satellites and antenna).
        Default: the source on its own.
    repeat_correlation
        Error correlation of two fixes of this group in one event: 1 (the default) means a
        repeated fix adds no independent evidence; 0 means independent. Identical and
        near-identical fixes of one group (closer than a tenth of their σ) always count
        as one.
    repeat_is_suspicious
        Whether bit-identical coordinates across different visits are suspicious. True for
        satellite fixes; False for cell and Wi-Fi fixes, which legitimately repeat a
        cell or access-point centroid.

    Examples
    --------
    >>> rule = SourceRule(twice_accuracy_confidence=0.95)
    >>> round(rule.dof, 2)
    5.02
    >>> round(rule.error_model(150.0).sigma_m, 1)  # same 68 % circle as a Gaussian's
    99.4
    """

    allowed: bool = True
    can_prove_presence: bool = True
    accuracy_confidence: float = 0.68
    twice_accuracy_confidence: float | None = None
    accuracy_floor_m: float = 0.0
    multipath_share: float = 0.0
    multipath_m: float = 0.0
    correlation_group: str | None = None
    repeat_correlation: float = 1.0
    repeat_is_suspicious: bool = True
    dof: float = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_probability(self.accuracy_confidence, "accuracy_confidence")
        object.__setattr__(
            self, "dof", student_t_dof(self.accuracy_confidence, self.twice_accuracy_confidence)
        )
        check_non_negative_m(self.accuracy_floor_m, "accuracy_floor_m")
        check_non_negative_m(self.multipath_m, "multipath_m")
        _check_share(self.multipath_share, "multipath_share", upper=0.5)
        if self.multipath_share > 0.0 and self.multipath_m <= 0.0:
            raise InvalidArgument("multipath_share > 0 needs multipath_m > 0")
        _check_share(self.repeat_correlation, "repeat_correlation")

    def error_model(self, accuracy_m: float) -> ErrorModel:
        """The error model of one fix of this source stating ``accuracy_m``.

        Examples
        --------
        >>> gps = DEFAULT_SOURCE_RULES[FixSource.DEVICE_GPS]
        >>> m = gps.error_model(3.0)               # a 3 m claim is read as the 5 m floor
        >>> round(m.sigma_m * 1.5096, 1), m.multipath_share
        (5.0, 0.05)
        """
        stated = max(check_accuracy_m(accuracy_m), self.accuracy_floor_m)
        sigma = float(sigma_m(min(stated, MAX_ACCURACY_M), self.accuracy_confidence, self.dof))
        sigma = min(max(sigma, MIN_SIGMA_M), MAX_ACCURACY_M)
        if self.multipath_share == 0.0:
            return ErrorModel(sigma, self.dof)
        wide = min(math.hypot(sigma, self.multipath_m / CIRCLE_68), MAX_ACCURACY_M)
        return ErrorModel(sigma, self.dof, self.multipath_share, wide)


_GNSS_FLOOR_M = 5.0
_MULTIPATH_SHARE = 0.05
_MULTIPATH_M = 100.0

DEFAULT_SOURCE_RULES: Mapping[FixSource, SourceRule] = MappingProxyType(
    {
        FixSource.DEVICE_GPS: SourceRule(
            accuracy_floor_m=_GNSS_FLOOR_M,
            multipath_share=_MULTIPATH_SHARE,
            multipath_m=_MULTIPATH_M,
            correlation_group="GNSS",
        ),
        FixSource.DEVICE_WIFI: SourceRule(
            twice_accuracy_confidence=0.95,
            accuracy_floor_m=_GNSS_FLOOR_M,
            repeat_is_suspicious=False,
        ),
        FixSource.CARRIER_CELL: SourceRule(
            twice_accuracy_confidence=0.95, repeat_is_suspicious=False
        ),
        FixSource.CARRIER_AGPS: SourceRule(
            twice_accuracy_confidence=0.95,
            accuracy_floor_m=_GNSS_FLOOR_M,
            multipath_share=_MULTIPATH_SHARE,
            multipath_m=_MULTIPATH_M,
            correlation_group="GNSS",
        ),
    }
)
"""Per-source defaults. GNSS (device GPS, carrier A-GPS): 5 m accuracy floor and a 5 %
multipath circle of 100 m; carriers state 68 % / 95 % (heavy tail, ν ≈ 5.02); Wi-Fi
likewise, with the 5 m floor (access-point databases are no better than that)."""


@dataclass(frozen=True, slots=True)
class VisitPolicy:
    """Everything :func:`geo.verify_visit` needs besides the fixes and the retailer.

    Parameters
    ----------
    default_radius_m
        "In place" radius when neither the retailer, its business type nor its area sets one.
    radius_by_business_type, radius_by_area
        Radius defaults keyed by business type (e.g. ``"chain_supermarket"``) and by area code.
    max_fix_age_s
        A fix measured more than this long before or after the button press is stale.
    max_future_skew_s
        Clock skew tolerated for fixes that claim to be later than ``now``; a fix dated
        further ahead is not used (reason FIX_FROM_FUTURE, flag FUTURE_FIX).
    late_upload_after_s
        An event uploaded this long after it happened is flagged LATE_UPLOAD (R3.5).
    min_probability_in
        IN_PLACE needs ``probability_within`` at least this high.
    max_outside_p_value
        NOT_IN_PLACE needs ``outside_p_value`` below this: it bounds the share of genuine
        visits wrongly judged NOT_IN_PLACE.
    spoof_alpha
        False-alarm rate of the device-vs-carrier disagreement test for honest phones.
    nearer_retailer_probability
        NEARER_RETAILER names another retailer only when, by the fix's error model, the
        phone was at least this likely there rather than at the claimed one (0.9: nine
        times likelier).
    max_nearer_retailers
        At most this many nearer retailers are named, the likeliest first.
    retailer_extent_m
        How far from its registered point a retailer's premises reach (shop floor and
        geocoding error): the ambiguity check lets the phone be anywhere within it.
    walking_speed_mps
        Movement allowed between two fixes taken at different moments, in the spoof test.
    max_speed_mps
        Travel faster than this from the previous event is IMPOSSIBLE_SPEED.
    min_dwell_s
        A visit shorter than this is flagged SHORT_DWELL.
    source_rules
        One :class:`SourceRule` per :class:`geo.FixSource`; missing sources use the default.
    """

    default_radius_m: float = 100.0
    radius_by_business_type: Mapping[str, float] = field(default_factory=dict)
    radius_by_area: Mapping[str, float] = field(default_factory=dict)
    max_fix_age_s: float = 120.0
    max_future_skew_s: float = 30.0
    late_upload_after_s: float = 600.0
    min_probability_in: float = 0.9
    max_outside_p_value: float = 0.005
    spoof_alpha: float = 0.01
    nearer_retailer_probability: float = 0.9
    max_nearer_retailers: int = 5
    retailer_extent_m: float = 10.0
    walking_speed_mps: float = 2.0
    max_speed_mps: float = 120.0 / 3.6
    min_dwell_s: float = 120.0
    source_rules: Mapping[FixSource, SourceRule] = field(
        default_factory=lambda: DEFAULT_SOURCE_RULES
    )

    def __post_init__(self) -> None:
        _check_radius(self.default_radius_m, "default_radius_m")
        for key, value in self.radius_by_business_type.items():
            _check_radius(value, f"radius_by_business_type[{key!r}]")
        for key, value in self.radius_by_area.items():
            _check_radius(value, f"radius_by_area[{key!r}]")
        for name in ("max_fix_age_s", "max_future_skew_s", "late_upload_after_s", "min_dwell_s"):
            value = float(getattr(self, name))
            if not math.isfinite(value) or value < 0.0:
                raise InvalidArgument(f"{name}={value!r} must be a finite number >= 0")
        check_probability(self.min_probability_in, "min_probability_in")
        check_probability(self.max_outside_p_value, "max_outside_p_value")
        check_probability(self.spoof_alpha, "spoof_alpha")
        check_probability(self.nearer_retailer_probability, "nearer_retailer_probability")
        if self.nearer_retailer_probability < 0.5:
            raise InvalidArgument(
                "nearer_retailer_probability must be >= 0.5 (another retailer must be at "
                "least as likely as the claimed one)"
            )
        check_non_negative_m(self.retailer_extent_m, "retailer_extent_m")
        if (
            isinstance(self.max_nearer_retailers, bool)
            or not isinstance(self.max_nearer_retailers, int)
            or not 0 <= self.max_nearer_retailers <= 1_000
        ):
            raise InvalidArgument(
                f"max_nearer_retailers={self.max_nearer_retailers!r} must be an integer "
                "in [0, 1000]"
            )
        check_positive(self.walking_speed_mps, "walking_speed_mps")
        check_positive(self.max_speed_mps, "max_speed_mps")
        for source, rule in self.source_rules.items():
            if not isinstance(source, FixSource) or not isinstance(rule, SourceRule):
                raise InvalidArgument(f"source_rules[{source!r}] must map FixSource -> SourceRule")

    def rule(self, source: FixSource) -> SourceRule:
        """Return the rule for ``source`` (the default rule if the policy names none)."""
        return self.source_rules.get(source) or DEFAULT_SOURCE_RULES[source]

    def radius_for(
        self,
        *,
        radius_m: float | None = None,
        business_type: str | None = None,
        area: str | None = None,
    ) -> float:
        """Return one retailer's radius: its own, else its business type's, area's, default.

        Examples
        --------
        >>> VisitPolicy(radius_by_business_type={"chain_supermarket": 150.0}).radius_for(
        ...     business_type="chain_supermarket")
        150.0
        """
        if radius_m is not None:
            return _check_radius(radius_m, "radius_m")
        if business_type is not None and business_type in self.radius_by_business_type:
            return float(self.radius_by_business_type[business_type])
        if area is not None and area in self.radius_by_area:
            return float(self.radius_by_area[area])
        return float(self.default_radius_m)
