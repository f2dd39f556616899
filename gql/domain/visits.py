"""Visits and the position fixes that prove them (R3, R4)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from datetime import datetime

    from gql.domain.organisation import Carrier

__all__ = [
    "CoordinateSystem",
    "FixPhase",
    "FixSource",
    "PositionFix",
    "Verdict",
    "Visit",
]


class CoordinateSystem(enum.StrEnum):
    """Datum of a coordinate pair: GPS gives WGS84, Chinese web maps GCJ02 or BD09."""

    WGS84 = "WGS84"
    GCJ02 = "GCJ02"
    BD09 = "BD09"


class FixPhase(enum.StrEnum):
    """Which button press took the fix (R3.1)."""

    START = "START"
    END = "END"


class FixSource(enum.StrEnum):
    """Where a position came from; accuracy and trust differ by source (R3.2)."""

    DEVICE_GPS = "DEVICE_GPS"  # the handheld's satellite fix (5-40 m in good conditions)
    DEVICE_WIFI = "DEVICE_WIFI"  # the handheld's network/Wi-Fi location
    CARRIER_CELL = "CARRIER_CELL"  # the carrier's cell-based location (100-200 m in cities)
    CARRIER_AGPS = "CARRIER_AGPS"  # the carrier's assisted-GPS location


class Verdict(enum.StrEnum):
    """Whether a visit is proven in place (到位)."""

    PENDING = "PENDING"
    IN_PLACE = "IN_PLACE"
    NOT_IN_PLACE = "NOT_IN_PLACE"
    INCONCLUSIVE = "INCONCLUSIVE"


@dataclass(frozen=True, slots=True)
class PositionFix:
    """One position as received, with everything needed to re-judge it later (R3.4).

    ``raw_request`` / ``raw_answer`` keep the carrier exchange with subscriber numbers masked.
    ``lat`` / ``lon`` and the carrier text are ``None`` once the visit's evidence was reduced
    (retention: ``docs/privacy.md``).
    """

    id: int
    phase: FixPhase
    source: FixSource
    lat: float | None
    lon: float | None
    coordinate_system: CoordinateSystem
    accuracy_m: float
    captured_at: datetime
    stale: bool
    carrier: Carrier | None = None
    outcome_code: str | None = None
    raw_request: str | None = None
    raw_answer: str | None = None


@dataclass(frozen=True, slots=True)
class Visit:
    """A manager's visit to a retailer: server and device times, verdict and evidence.

    ``idempotency_key`` is chosen by the device, unique per manager, so a retried upload
    finds the visit it already created instead of making a second one (R3.5).
    """

    id: int
    manager_id: int
    retailer_id: int
    plan_stop_id: int | None
    idempotency_key: str
    started_at: datetime
    ended_at: datetime | None
    device_started_at: datetime | None
    device_ended_at: datetime | None
    late_upload: bool
    verdict: Verdict
    distance_m: float | None
    probability: float | None
    reasons: Sequence[str]
    flags: Mapping[str, Any]
    dwell_s: int | None
    fixes: tuple[PositionFix, ...] = field(default=())
    evidence_reduced_at: datetime | None = None
    """When raw positions and carrier text were stripped; the verdict and distances stay."""
