"""Visits and their evidence as dashboards, auditors and the handheld see them."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeAlias, TypeVar

import strawberry
from strawberry.scalars import JSON

from gql.context import Context
from gql.domain import FixPhase, FixSource, PositionFix, Verdict, Visit
from gql.domain.privacy import EvidencePart
from gql.schema.relay import Node, encode_global_id
from gql.schema.scalars import as_json
from gql.schema.types.directory import ManagerType, RetailerType, load_retailer
from gql.schema.types.enums import CarrierEnum, described_enum
from gql.schema.types.geojson import (
    Projector,
    VerdictCircleFeature,
    VerdictCircleFeatureCollection,
    VerdictCircleProperties,
    VerdictMap,
    VerdictPointFeature,
    VerdictPointFeatureCollection,
    VerdictPointProperties,
)
from gql.schema.types.geometry import WGS84, CoordinateSystemArg, GeoPoint
from gql.schema.types.visit_evidence import CarrierOutcomeType, VerdictEvidenceType
from gql.services.geometry import circle_ring

__all__ = ["FixType", "VerdictEnum", "VisitType"]


def _threshold_m(details: dict[str, Any]) -> float | None:
    """The in-place radius the check-in was judged against, as recorded."""
    radius = (details.get("check_in") or {}).get("radius_m")
    return None if radius is None else float(radius)


Info = strawberry.Info[Context, None]
T = TypeVar("T")

described_enum(
    Verdict,
    name="Verdict",
    description="Whether a visit is proven in place (到位).",
    value_descriptions={
        Verdict.PENDING: "Not judged yet.",
        Verdict.IN_PLACE: "The evidence shows the manager was at the retailer.",
        Verdict.NOT_IN_PLACE: "The evidence shows the manager was elsewhere.",
        Verdict.INCONCLUSIVE: "The evidence cannot decide (coarse, stale or conflicting fixes).",
    },
)
described_enum(
    FixPhase,
    name="FixPhase",
    description="Which button press took the fix.",
    value_descriptions={FixPhase.START: "Start visit.", FixPhase.END: "End visit."},
)
described_enum(
    FixSource,
    name="FixSource",
    description="Where a position came from; accuracy and trust differ by source.",
    value_descriptions={
        FixSource.DEVICE_GPS: "The handheld's GPS.",
        FixSource.DEVICE_WIFI: "The handheld's Wi-Fi/network location.",
        FixSource.CARRIER_CELL: "The carrier's cell-based location.",
        FixSource.CARRIER_AGPS: "The carrier's assisted-GPS location.",
    },
)
VerdictEnum: TypeAlias = Verdict
FixPhaseEnum: TypeAlias = FixPhase
FixSourceEnum: TypeAlias = FixSource


@strawberry.type(name="PositionFix", description="One position taken at a button press.")
class FixType:
    """Evidence: a fix as received, with the carrier's masked exchange.

    Its position and carrier text are location evidence: returning them to anyone but the
    visiting manager is noted for the access log (``evidenceAccessLog``).
    """

    visit_pk: strawberry.Private[int]
    manager_pk: strawberry.Private[int]
    phase: FixPhaseEnum = strawberry.field(description="Start or end of the visit.")
    source: FixSourceEnum = strawberry.field(description="Device or carrier, and how.")
    position_wgs84: strawberry.Private[tuple[float, float] | None]
    coordinate_system: str = strawberry.field(description="Datum the fix arrived in.")
    accuracy_m: float = strawberry.field(description="Stated accuracy radius in metres.")
    captured_at: dt.datetime = strawberry.field(description="When the position was measured.")
    stale: bool = strawberry.field(description="An old or last-known position.")
    carrier: CarrierEnum | None = strawberry.field(description="Carrier that answered.")
    outcome_code: str | None = strawberry.field(description="Carrier outcome code.")
    request_text: strawberry.Private[str | None]
    answer_text: strawberry.Private[str | None]

    def _returned(self, info: Info, value: T) -> T:
        """``value``, noted for the access log when it holds something."""
        if value is not None:
            info.context.evidence_reads.note(self.visit_pk, self.manager_pk, EvidencePart.FIXES)
        return value

    @strawberry.field(
        description="The request sent to the carrier (passwords and MSISDN masked); null once "
        "the visit's evidence was reduced."
    )
    def raw_request(self, info: Info) -> str | None:
        """Logged when returned."""
        return self._returned(info, self.request_text)

    @strawberry.field(
        description="The carrier's answer (masked); null once the visit's evidence was reduced."
    )
    def raw_answer(self, info: Info) -> str | None:
        """Logged when returned."""
        return self._returned(info, self.answer_text)

    @strawberry.field(
        description="Where the fix puts the phone (stored in WGS-84); null once the visit's "
        "evidence was reduced after the retention period (`Visit.evidenceReducedAt`)."
    )
    def position(
        self, info: Info, coordinate_system: CoordinateSystemArg = WGS84
    ) -> GeoPoint | None:
        """Converted to the datum asked for; logged when returned."""
        position = self._returned(info, self.position_wgs84)
        return None if position is None else GeoPoint.of(*position, coordinate_system)

    @classmethod
    def from_domain(cls, fix: PositionFix, visit: Visit) -> FixType:
        """Map a domain fix of ``visit`` (converted to WGS-84 for display)."""
        import geo

        position: tuple[float, float] | None = None
        if fix.lat is not None and fix.lon is not None:
            point = geo.to_wgs84(geo.point_in(fix.coordinate_system.value, fix.lat, fix.lon))
            position = (round(point.lat, 7), round(point.lon, 7))
        return cls(
            visit_pk=visit.id,
            manager_pk=visit.manager_id,
            phase=fix.phase,
            source=fix.source,
            position_wgs84=position,
            coordinate_system=fix.coordinate_system.value,
            accuracy_m=fix.accuracy_m,
            captured_at=fix.captured_at,
            stale=fix.stale,
            carrier=fix.carrier,
            outcome_code=fix.outcome_code,
            request_text=fix.raw_request,
            answer_text=fix.raw_answer,
        )


@strawberry.type(name="Visit", description="A visit to a retailer with its verified evidence (R3).")
class VisitType(Node):
    """A visit: times, verdict, reasons, flags and every fix."""

    pk: strawberry.Private[int]
    manager_pk: strawberry.Private[int]
    retailer_pk: strawberry.Private[int]
    idempotency_key: str = strawberry.field(description="The handheld's key for this visit.")
    started_at: dt.datetime = strawberry.field(description="Server time of 'start visit'.")
    ended_at: dt.datetime | None = strawberry.field(description="Server time of 'end visit'.")
    device_started_at: dt.datetime | None = strawberry.field(
        description="Device time of 'start visit' (kept for offline uploads)."
    )
    device_ended_at: dt.datetime | None = strawberry.field(description="Device time of 'end'.")
    late_upload: bool = strawberry.field(description="Uploaded long after it happened.")
    verdict: VerdictEnum = strawberry.field(description="In place, not in place, inconclusive.")
    distance_m: float | None = strawberry.field(
        description="Distance of the position estimate from the retailer at check-in."
    )
    probability_within: float | None = strawberry.field(
        description="Probability the phone was inside the radius at check-in (error model)."
    )
    dwell_s: int | None = strawberry.field(description="End minus start, seconds.")
    reasons: list[str] = strawberry.field(description="Why the verdict is what it is.")
    flags: list[str] = strawberry.field(
        description="Plausibility findings: POSSIBLE_SPOOFING, IMPOSSIBLE_SPEED, NEARER_RETAILER, …"
    )
    details_json: strawberry.Private[JSON]
    check_in: VerdictEvidenceType | None = strawberry.field(
        description="What the check-in verdict was decided on."
    )
    check_out: VerdictEvidenceType | None = strawberry.field(
        description="What the check-out verdict was decided on; null before 'end visit'."
    )
    carrier_outcome: CarrierOutcomeType | None = strawberry.field(
        description="How the carrier lookup at check-in ended; null when none was made."
    )
    fixes: list[FixType] = strawberry.field(description="Every fix taken, in order.")
    evidence_reduced_at: dt.datetime | None = strawberry.field(
        description="When the raw positions and carrier text were deleted after the retention "
        "period (verdict, distance and accuracies stay); null while they are kept."
    )
    threshold_m: strawberry.Private[float | None] = None

    def _read(self, info: Info, part: EvidencePart) -> None:
        """Note in the access log that this visit's location evidence was returned."""
        if self.evidence_reduced_at is None:
            info.context.evidence_reads.note(self.pk, self.manager_pk, part)

    @strawberry.field(
        description="Check-in/check-out verdict details and the carrier outcome, as recorded.",
        deprecation_reason="snake_case keys and raw ids; use checkIn, checkOut, carrierOutcome",
    )
    def details(self, info: Info) -> JSON:
        """Holds the position estimates: a read is logged (``evidenceAccessLog``)."""
        self._read(info, EvidencePart.EVIDENCE)
        return self.details_json

    @strawberry.field(description="The retailer visited.")
    async def retailer(self, info: Info) -> RetailerType | None:
        """Batched."""
        return await load_retailer(info, self.retailer_pk)

    @strawberry.field(
        description="The verdict on a map: a GeoJSON FeatureCollection of the retailer, the "
        "in-place threshold circle around it, and each fix with its accuracy circle; circles "
        "are 64-gons; [lon, lat]."
    )
    async def verdict_map(
        self, info: Info, coordinate_system: CoordinateSystemArg = WGS84
    ) -> VerdictMap:
        """Radii in metres are measured in WGS-84 before the vertices are converted."""
        retailer = await info.context.loaders.retailers.load(self.retailer_pk)
        projector = Projector(coordinate_system)
        points: list[VerdictPointFeature] = []
        circles: list[VerdictCircleFeature] = []
        if retailer is not None:
            at = (retailer.lat, retailer.lon)
            points.append(
                VerdictPointFeature(
                    geometry=projector.point(at),
                    properties=VerdictPointProperties(
                        kind="RETAILER",
                        retailer_id=strawberry.ID(encode_global_id("Retailer", retailer.id)),
                    ),
                )
            )
            if self.threshold_m is not None:
                circles.append(
                    VerdictCircleFeature(
                        geometry=projector.polygon([circle_ring(at, self.threshold_m)]),
                        properties=VerdictCircleProperties(
                            kind="THRESHOLD", radius_m=self.threshold_m
                        ),
                    )
                )
        if any(fix.position_wgs84 is not None for fix in self.fixes):
            self._read(info, EvidencePart.FIXES)
        for fix in self.fixes:
            if fix.position_wgs84 is None:  # reduced after the retention period
                continue
            phase = fix.phase.value
            points.append(
                VerdictPointFeature(
                    geometry=projector.point(fix.position_wgs84),
                    properties=VerdictPointProperties(
                        kind="FIX",
                        phase=phase,
                        source=fix.source.value,
                        accuracy_m=fix.accuracy_m,
                    ),
                )
            )
            circles.append(
                VerdictCircleFeature(
                    geometry=projector.polygon([circle_ring(fix.position_wgs84, fix.accuracy_m)]),
                    properties=VerdictCircleProperties(
                        kind="ACCURACY", radius_m=fix.accuracy_m, phase=phase
                    ),
                )
            )
        return VerdictMap(
            points=VerdictPointFeatureCollection(features=points),
            circles=VerdictCircleFeatureCollection(features=circles),
        )

    @strawberry.field(description="The visiting manager.")
    async def manager(self, info: Info) -> ManagerType | None:
        """Batched."""
        manager = await info.context.loaders.managers.load(self.manager_pk)
        return ManagerType.maybe(manager)

    @classmethod
    def from_domain(cls, visit: Visit) -> VisitType:
        """Map a domain visit."""
        details = dict(visit.flags)
        flag_names: set[str] = set()
        for part in ("check_in", "check_out"):
            flag_names.update((details.get(part) or {}).get("flags", []))
        flag_names.update(details.get("record_flags", []))
        if visit.late_upload:
            flag_names.add("LATE_UPLOAD")
        return cls(
            id=strawberry.ID(encode_global_id("Visit", visit.id)),
            pk=visit.id,
            manager_pk=visit.manager_id,
            retailer_pk=visit.retailer_id,
            idempotency_key=visit.idempotency_key,
            started_at=visit.started_at,
            ended_at=visit.ended_at,
            device_started_at=visit.device_started_at,
            device_ended_at=visit.device_ended_at,
            late_upload=visit.late_upload,
            verdict=visit.verdict,
            distance_m=visit.distance_m,
            probability_within=visit.probability,
            dwell_s=visit.dwell_s,
            reasons=list(visit.reasons),
            flags=sorted(flag_names),
            details_json=as_json(details),
            check_in=VerdictEvidenceType.maybe(details.get("check_in")),
            check_out=VerdictEvidenceType.maybe(details.get("check_out")),
            carrier_outcome=CarrierOutcomeType.maybe(details.get("carrier")),
            fixes=[FixType.from_domain(f, visit) for f in visit.fixes],
            evidence_reduced_at=visit.evidence_reduced_at,
            threshold_m=_threshold_m(details),
        )
