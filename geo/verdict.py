"""What the verifier answers: the verdict, its reasons, flags and evidence.

Plain frozen dataclasses of str-valued enums, floats, ints and datetimes, so the service can
map a verdict to one database row (plus evidence rows) and to GraphQL without translation.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime

    from geo.coords import CoordSystem, Wgs84
    from geo.fix import FixSource

__all__ = [
    "FixEvidence",
    "Flag",
    "NearerRetailer",
    "Reason",
    "Verdict",
    "VerdictKind",
    "VisitRecord",
]


class VerdictKind(enum.Enum):
    """Whether the manager was at the retailer."""

    IN_PLACE = "IN_PLACE"
    NOT_IN_PLACE = "NOT_IN_PLACE"
    INCONCLUSIVE = "INCONCLUSIVE"


class Reason(enum.Enum):
    """Why the verdict is what it is (one or more per verdict)."""

    WITHIN_RADIUS = "WITHIN_RADIUS"
    """The fix shows presence with at least the policy's probability."""
    OUTSIDE_RADIUS = "OUTSIDE_RADIUS"
    """The fix is too far for a device inside the radius (test at the policy's α)."""
    UNCERTAIN = "UNCERTAIN"
    """Neither presence nor absence is shown at the policy's levels."""
    ACCURACY_COARSER_THAN_RADIUS = "ACCURACY_COARSER_THAN_RADIUS"
    """The fix's accuracy circle is larger than the radius: it cannot prove presence."""
    SOURCE_CANNOT_PROVE_PRESENCE = "SOURCE_CANNOT_PROVE_PRESENCE"
    """The policy does not let this source prove presence on its own."""
    NO_USABLE_FIX = "NO_USABLE_FIX"
    """Every fix was stale, from the future or from a source the policy does not allow."""
    FIXES_DISAGREE = "FIXES_DISAGREE"
    """Device and carrier fixes disagree beyond their accuracy; a person must look."""
    FIX_FROM_FUTURE = "FIX_FROM_FUTURE"
    """A fix dated later than the evaluation beyond the clock-skew allowance was not used."""


class Flag(enum.Enum):
    """Plausibility findings, reported whatever the verdict."""

    STALE_FIX = "STALE_FIX"
    FUTURE_FIX = "FUTURE_FIX"
    SOURCE_NOT_ALLOWED = "SOURCE_NOT_ALLOWED"
    POSSIBLE_SPOOFING = "POSSIBLE_SPOOFING"
    IMPOSSIBLE_SPEED = "IMPOSSIBLE_SPEED"
    REUSED_COORDINATES = "REUSED_COORDINATES"
    NEARER_RETAILER = "NEARER_RETAILER"
    LATE_UPLOAD = "LATE_UPLOAD"
    SHORT_DWELL = "SHORT_DWELL"


@dataclass(frozen=True, slots=True)
class FixEvidence:
    """One fix as received and as used: the raw report, its WGS-84 position, its measures."""

    source: FixSource
    system: CoordSystem
    lat: float
    lon: float
    wgs84_lat: float
    wgs84_lon: float
    accuracy_m: float
    sigma_m: float
    captured_at: datetime
    age_s: float
    stale: bool
    used: bool
    distance_m: float
    probability_within: float
    raw: str | None
    future: bool = False
    """Dated later than the evaluation beyond ``max_future_skew_s``: not used."""


@dataclass(frozen=True, slots=True)
class NearerRetailer:
    """Another retailer where, by the error model, the phone more likely was.

    ``probability`` is P(phone there rather than at the claimed retailer | the fixes).
    """

    retailer_id: int
    distance_m: float
    probability: float


@dataclass(frozen=True, slots=True)
class Verdict:
    """The answer of :func:`geo.verify_visit`.

    ``distance_m``, ``probability_within``, ``outside_p_value``, ``sigma_m`` and ``estimate``
    describe the combined position of the usable fixes and are ``None`` when none was usable;
    ``sigma_m`` is the σ of its error model's core (after the source's floor and the
    correlation of repeated fixes).
    """

    kind: VerdictKind
    radius_m: float
    distance_m: float | None
    probability_within: float | None
    outside_p_value: float | None
    sigma_m: float | None
    estimate: Wgs84 | None
    reasons: tuple[Reason, ...]
    flags: tuple[Flag, ...]
    nearer_retailers: tuple[NearerRetailer, ...]
    evidence: tuple[FixEvidence, ...]
    event_at: datetime
    checked_at: datetime


@dataclass(frozen=True, slots=True)
class VisitRecord:
    """A whole visit: check-in and check-out verdicts, arrival, departure and dwell (R3.3)."""

    kind: VerdictKind
    arrival_at: datetime
    departure_at: datetime | None
    dwell_s: float | None
    flags: tuple[Flag, ...]
    check_in: Verdict
    check_out: Verdict | None
