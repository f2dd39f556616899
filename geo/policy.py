"""The rules a visit is judged by: radii, fix age, thresholds and per-source rules.

Plain frozen dataclasses so that the service can load them from configuration per region and
store the policy a verdict was made under next to the verdict.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

from geo._validate import check_positive
from geo.errors import InvalidArgument, InvalidRadius
from geo.fix import FixSource

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["DEFAULT_SOURCE_RULES", "SourceRule", "VisitPolicy"]


def _check_radius(value: float, name: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError) as exc:
        raise InvalidRadius(f"{name}={value!r} is not a number") from exc
    if not math.isfinite(v) or v <= 0.0:
        raise InvalidRadius(f"{name}={v!r} must be a finite number of metres > 0")
    return v


def _check_probability(value: float, name: str) -> float:
    v = float(value)
    if not 0.0 < v < 1.0:
        raise InvalidArgument(f"{name}={v!r} must lie strictly between 0 and 1")
    return v


@dataclass(frozen=True, slots=True)
class SourceRule:
    """How fixes from one source are read.

    Parameters
    ----------
    allowed
        Whether fixes of this source count at all (they are kept as evidence either way).
    can_prove_presence
        Whether this source alone may yield IN_PLACE. Coarse sources can still show absence.
    accuracy_confidence
        Probability that the truth lies inside the stated accuracy circle (0.68 for Android
        ``Location.getAccuracy`` and OMA MLP ``hor_acc`` at the usual QoS).
    repeat_is_suspicious
        Whether bit-identical coordinates across different visits are suspicious. True for
        satellite fixes; False for cell and Wi-Fi fixes, which legitimately repeat a
        cell or access-point centroid.
    """

    allowed: bool = True
    can_prove_presence: bool = True
    accuracy_confidence: float = 0.68
    repeat_is_suspicious: bool = True

    def __post_init__(self) -> None:
        _check_probability(self.accuracy_confidence, "accuracy_confidence")


DEFAULT_SOURCE_RULES: Mapping[FixSource, SourceRule] = MappingProxyType(
    {
        FixSource.DEVICE_GPS: SourceRule(),
        FixSource.DEVICE_WIFI: SourceRule(repeat_is_suspicious=False),
        FixSource.CARRIER_CELL: SourceRule(repeat_is_suspicious=False),
        FixSource.CARRIER_AGPS: SourceRule(),
    }
)


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
        Clock skew tolerated for fixes that claim to be later than ``now``.
    late_upload_after_s
        An event uploaded this long after it happened is flagged LATE_UPLOAD (R3.5).
    min_probability_in
        IN_PLACE needs ``probability_within`` at least this high.
    max_outside_p_value
        NOT_IN_PLACE needs ``outside_p_value`` below this: it bounds the share of genuine
        visits wrongly judged NOT_IN_PLACE.
    spoof_alpha
        False-alarm rate of the device-vs-carrier disagreement test for honest phones.
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
    max_outside_p_value: float = 0.01
    spoof_alpha: float = 0.01
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
        _check_probability(self.min_probability_in, "min_probability_in")
        _check_probability(self.max_outside_p_value, "max_outside_p_value")
        _check_probability(self.spoof_alpha, "spoof_alpha")
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
