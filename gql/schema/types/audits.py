"""Audit plans, records and the cross-check as the audit team and marketing see them (R5)."""

from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.scalars import JSON

from gql.context import Context
from gql.domain import hh_mm
from gql.domain.audits import AuditEdit, AuditPlanInfo, AuditRecordInfo, AuditStop
from gql.schema.relay import Node, encode_global_id
from gql.schema.scalars import as_json, camel_json
from gql.schema.types.audit_enums import (
    AuditEditActionEnum,
    AuditPlanStatusEnum,
    AuditVerdictEnum,
    DiscrepancyKindEnum,
    RetailerAnswerEnum,
)
from gql.schema.types.directory import RetailerType, load_retailer
from gql.schema.types.geojson import RouteMap, RoutePoint, route_collection
from gql.schema.types.geometry import WGS84, CoordinateSystemArg, GeoPoint
from gql.schema.types.visit_evidence import VerdictEvidenceType
from gql.schema.types.visits import VerdictEnum
from gql.services.audits import rules as audits

__all__ = [
    "AuditCrossCheckType",
    "AuditPlanType",
    "AuditRecordType",
    "gid",
]

Info = strawberry.Info[Context, None]


def gid(type_name: str, pk: int | str) -> strawberry.ID:
    """Global ID of an object of ``type_name`` whose key is ``pk`` (int or digits)."""
    return strawberry.ID(encode_global_id(type_name, int(pk)))


@strawberry.type(name="AuditStop", description="A retailer on an audit plan, in visiting order.")
class AuditStopType:
    """One retailer of the plan."""

    retailer_pk: strawberry.Private[int]
    seq: int = strawberry.field(description="Position in the day, from 1.")
    retailer_id: strawberry.ID = strawberry.field(description="The retailer.")
    manager_id: strawberry.ID = strawberry.field(description="Its account manager.")
    drawn: bool = strawberry.field(description="Drawn by the sample (false: added by hand).")
    stratum: list[str] = strawberry.field(
        description="Stratum key: manager staff id, then grade / business type if stratified."
    )
    eta: str | None = strawberry.field(description="Expected arrival HH:MM; null if unrouted.")
    etd: str | None = strawberry.field(description="Expected departure HH:MM.")
    leg_distance_m: int | None = strawberry.field(description="Metres from the previous stop.")

    @strawberry.field(description="The retailer (null if outside your read scope).")
    async def retailer(self, info: Info) -> RetailerType | None:
        """Batched through the retailer loader."""
        return await load_retailer(info, self.retailer_pk)

    @classmethod
    def from_domain(cls, stop: AuditStop) -> AuditStopType:
        """Map a stored stop."""
        return cls(
            retailer_pk=stop.retailer_id,
            seq=stop.seq,
            retailer_id=gid("Retailer", stop.retailer_id),
            manager_id=gid("Manager", stop.manager_id),
            drawn=stop.drawn,
            stratum=list(stop.stratum),
            eta=None if stop.eta_s is None else hh_mm(stop.eta_s),
            etd=None if stop.etd_s is None else hh_mm(stop.etd_s),
            leg_distance_m=stop.leg_distance_m,
        )


@strawberry.type(name="AuditEdit", description="A manual change to the drawn list, as recorded.")
class AuditEditType:
    """One entry of the plan's history."""

    seq: int = strawberry.field(description="Order of the edit, from 1.")
    action: AuditEditActionEnum = strawberry.field(description="Added or removed.")
    retailer_id: strawberry.ID = strawberry.field(description="The retailer.")
    author_id: strawberry.ID = strawberry.field(description="Who made it (Staff ID).")
    reason: str = strawberry.field(description="Why.")
    at: dt.datetime = strawberry.field(description="When.")

    @classmethod
    def from_domain(cls, edit: AuditEdit) -> AuditEditType:
        """Map a stored edit."""
        return cls(
            seq=edit.seq,
            action=edit.action,
            retailer_id=gid("Retailer", edit.retailer_id),
            author_id=gid("Staff", edit.author_id),
            reason=edit.reason,
            at=edit.at,
        )


@strawberry.type(name="AuditStratum", description="One stratum of the draw.")
class AuditStratumType:
    """Population, expected and drawn seats of a stratum."""

    stratum: list[str] = strawberry.field(description="Stratum key (manager id first).")
    population: int = strawberry.field(description="Eligible retailers in the stratum.")
    expected: float = strawberry.field(description="Seats expected under the design.")
    drawn: int = strawberry.field(description="Seats drawn.")


@strawberry.type(name="AuditExclusion", description="A retailer left out as audited recently.")
class AuditExclusionType:
    """An excluded retailer."""

    retailer_id: strawberry.ID = strawberry.field(description="The retailer.")
    last_audited_on: dt.date = strawberry.field(description="Its last audit day.")


@strawberry.type(name="AuditRecord", description="One retailer's audit on site (R5.3).")
class AuditRecordType(Node):
    """The answers and the auditor's own verified position."""

    plan_id: strawberry.ID = strawberry.field(description="The audit plan.")
    retailer_id: strawberry.ID = strawberry.field(description="The retailer audited.")
    manager_id: strawberry.ID = strawberry.field(description="Its account manager.")
    auditor_id: strawberry.ID = strawberry.field(description="The auditor (Staff ID).")
    audited_on: dt.date = strawberry.field(description="Day of the audit (China time).")
    recorded_at: dt.datetime = strawberry.field(description="When it was recorded.")
    price_tags_shown: bool = strawberry.field(description="明码标价: price tags shown.")
    policy_promoted: bool = strawberry.field(description="政策宣传: policy promotion done.")
    satisfaction: int = strawberry.field(description="Customer satisfaction, 1 (worst) to 5.")
    manager_visited: RetailerAnswerEnum = strawberry.field(
        description="Did the manager visit in the period, as the retailer says."
    )
    notes: str = strawberry.field(description="Free text.")
    auditor_verdict: VerdictEnum = strawberry.field(
        description="Whether the auditor was proven at the retailer (auditors are audited too)."
    )
    auditor_distance_m: float | None = strawberry.field(
        description="Distance of the auditor's position estimate from the retailer."
    )
    auditor_evidence: JSON = strawberry.field(
        description="The verdict's details and reasons.",
        deprecation_reason="snake_case keys and raw ids; use auditorVerdictEvidence",
    )
    auditor_verdict_evidence: VerdictEvidenceType | None = strawberry.field(
        description="What the auditor's verdict was decided on, typed."
    )

    @classmethod
    def from_domain(cls, record: AuditRecordInfo) -> AuditRecordType:
        """Map a stored record."""
        return cls(
            id=gid("AuditRecord", record.id),
            plan_id=gid("AuditPlan", record.plan_id),
            retailer_id=gid("Retailer", record.retailer_id),
            manager_id=gid("Manager", record.manager_id),
            auditor_id=gid("Staff", record.auditor_id),
            audited_on=record.audited_on,
            recorded_at=record.recorded_at,
            price_tags_shown=record.price_tags_shown,
            policy_promoted=record.policy_promoted,
            satisfaction=record.satisfaction,
            manager_visited=record.manager_visited,
            notes=record.notes,
            auditor_verdict=record.auditor_verdict,
            auditor_distance_m=record.auditor_distance_m,
            auditor_evidence=as_json(dict(record.auditor_evidence)),
            auditor_verdict_evidence=VerdictEvidenceType.maybe(record.auditor_evidence),
        )


@strawberry.type(name="AuditPlan", description="A random audit plan with its draw and route (R5).")
class AuditPlanType(Node):
    """The stored draw (seed, design, digest), routed list, edits and records."""

    pk: strawberry.Private[int]
    plan_date: dt.date = strawberry.field(description="The audit day.")
    status: AuditPlanStatusEnum = strawberry.field(description="Open or completed.")
    seed: str = strawberry.field(
        description="Seed of the draw (decimal; up to 128 bits): same seed + inputs, same sample."
    )
    design: JSON = strawberry.field(description="The sampling design as drawn.")
    inputs_digest: str = strawberry.field(
        description="SHA-256 of the canonical candidate list and design the draw used."
    )
    department_id: strawberry.ID | None = strawberry.field(description="Department audited.")
    area_code: str | None = strawberry.field(description="Territory (area code) audited.")
    manager_ids: list[strawberry.ID] = strawberry.field(description="Managers in scope.")
    auditor_ids: list[strawberry.ID] = strawberry.field(description="The audit team (Staff IDs).")
    start_wgs84: strawberry.Private[tuple[float, float]]
    start_label: str = strawberry.field(description="Name of the start point.")
    method: str = strawberry.field(description="Routing algorithm used.")
    proven_optimal: bool = strawberry.field(description="No shorter feasible order exists.")
    gap: float | None = strawberry.field(description="Proven relative gap; null if unknown.")
    length_m: int = strawberry.field(description="Planned route length in metres.")
    duration_s: int = strawberry.field(description="Departure to return, seconds.")
    baseline_length_m: int | None = strawberry.field(
        description="Length in licence-number order, for the saving."
    )
    optimised_against: JSON = strawberry.field(description="What the route was optimised against.")
    strata: list[AuditStratumType] = strawberry.field(description="Per-stratum allocation.")
    excluded: list[AuditExclusionType] = strawberry.field(
        description="Retailers excluded as audited recently."
    )
    stops: list[AuditStopType] = strawberry.field(description="Current list in visiting order.")
    edits: list[AuditEditType] = strawberry.field(description="Manual edits, oldest first.")
    created_by: strawberry.ID = strawberry.field(description="Who created it (Staff ID).")
    created_at: dt.datetime = strawberry.field(description="When it was drawn.")

    @strawberry.field(description="The team's start point.")
    def start(self, coordinate_system: CoordinateSystemArg = WGS84) -> GeoPoint:
        """Converted to the datum asked for."""
        return GeoPoint.of(*self.start_wgs84, coordinate_system)

    @strawberry.field(
        description="The audit route on a map: a GeoJSON FeatureCollection of the start point, "
        "the stops (order, ETA, retailer) and the legs, back to the start; [lon, lat]."
    )
    async def map(self, info: Info, coordinate_system: CoordinateSystemArg = WGS84) -> RouteMap:
        """Straight legs; a retailer outside the caller's read scope is left out."""
        retailers = await info.context.loaders.retailers.load_many(
            [s.retailer_pk for s in self.stops]
        )
        start = RoutePoint(seq=0, at=self.start_wgs84, label=self.start_label)
        points = [start] + [
            RoutePoint(
                seq=s.seq,
                at=(r.lat, r.lon),
                retailer_id=s.retailer_id,
                eta=s.eta,
                etd=s.etd,
                leg_distance_m=s.leg_distance_m,
            )
            for s, r in zip(self.stops, retailers, strict=True)
            if r is not None
        ]
        return route_collection(points, coordinate_system, back_to=start)

    @strawberry.field(description="Records submitted so far.")
    def records(self, info: Info) -> list[AuditRecordType]:
        """Records of this plan."""
        return [AuditRecordType.from_domain(r) for r in info.context.audits.records(self.pk)]

    @classmethod
    def from_domain(cls, plan: AuditPlanInfo) -> AuditPlanType:
        """Map a stored plan."""
        return cls(
            id=gid("AuditPlan", plan.id),
            pk=plan.id,
            plan_date=plan.plan_date,
            status=plan.status,
            seed=str(plan.seed),
            design=camel_json(plan.design),
            inputs_digest=plan.inputs_digest,
            department_id=None
            if plan.department_id is None
            else gid("Department", plan.department_id),
            area_code=plan.area_code,
            manager_ids=[gid("Manager", m) for m in plan.manager_ids],
            auditor_ids=[gid("Staff", a) for a in plan.auditor_ids],
            start_wgs84=(plan.start_lat, plan.start_lon),
            start_label=plan.start_label,
            method=plan.method,
            proven_optimal=plan.proven_optimal,
            gap=plan.gap,
            length_m=plan.length_m,
            duration_s=plan.duration_s,
            baseline_length_m=plan.baseline_length_m,
            optimised_against=camel_json(plan.optimised_against),
            strata=[
                AuditStratumType(
                    stratum=list(a["stratum"]),
                    population=a["population"],
                    expected=a["expected"],
                    drawn=a["drawn"],
                )
                for a in plan.sample.get("strata", [])
            ],
            excluded=[
                AuditExclusionType(
                    retailer_id=gid("Retailer", rid), last_audited_on=dt.date.fromisoformat(day)
                )
                for rid, day in plan.sample.get("excluded", [])
            ],
            stops=[AuditStopType.from_domain(s) for s in plan.stops],
            edits=[AuditEditType.from_domain(e) for e in plan.edits],
            created_by=gid("Staff", plan.created_by),
            created_at=plan.created_at,
        )


@strawberry.type(name="AuditCheck", description="The cross-check of one audited retailer.")
class AuditCheckType:
    """The retailer's answer against the manager's visits in the period."""

    audit_id: strawberry.ID = strawberry.field(description="The audit record.")
    retailer_id: strawberry.ID = strawberry.field(description="The retailer.")
    manager_id: strawberry.ID = strawberry.field(description="The manager.")
    answer: RetailerAnswerEnum = strawberry.field(description="What the retailer said.")
    verdict: AuditVerdictEnum = strawberry.field(description="Whether the visit counts as done.")
    verified_visit_ids: list[strawberry.ID] = strawberry.field(description="Verified visits.")
    inconclusive_visit_ids: list[strawberry.ID] = strawberry.field(
        description="Inconclusive visits."
    )


@strawberry.type(name="Discrepancy", description="A disagreement a person has to look at (R5.4).")
class DiscrepancyType:
    """One discrepancy, citing the audit and the visits concerned."""

    audit_id: strawberry.ID = strawberry.field(description="The audit record.")
    retailer_id: strawberry.ID = strawberry.field(description="The retailer.")
    manager_id: strawberry.ID = strawberry.field(description="The manager.")
    kind: DiscrepancyKindEnum = strawberry.field(description="What disagrees.")
    visit_ids: list[strawberry.ID] = strawberry.field(description="The visits concerned.")


@strawberry.type(name="AuditCrossCheck", description="Audit answers against verified visits.")
class AuditCrossCheckType:
    """Per-retailer verdicts and the discrepancy list of a plan for a period."""

    first_day: dt.date = strawberry.field(description="First day of the period asked about.")
    last_day: dt.date = strawberry.field(description="Last day of the period.")
    checks: list[AuditCheckType] = strawberry.field(description="One per audited retailer.")
    discrepancies: list[DiscrepancyType] = strawberry.field(description="What disagrees.")

    @classmethod
    def from_domain(cls, result: audits.CrossCheckResult) -> AuditCrossCheckType:
        """Map the rules' result (ids are stored ids as text)."""
        return cls(
            first_day=result.first_day,
            last_day=result.last_day,
            checks=[
                AuditCheckType(
                    audit_id=gid("AuditRecord", c.audit_id),
                    retailer_id=gid("Retailer", c.retailer_id),
                    manager_id=gid("Manager", c.manager_id),
                    answer=_ANSWERS[c.answer],
                    verdict=c.verdict,
                    verified_visit_ids=[gid("Visit", v) for v in c.verified_visit_ids],
                    inconclusive_visit_ids=[gid("Visit", v) for v in c.inconclusive_visit_ids],
                )
                for c in result.checks
            ],
            discrepancies=[
                DiscrepancyType(
                    audit_id=gid("AuditRecord", d.audit_id),
                    retailer_id=gid("Retailer", d.retailer_id),
                    manager_id=gid("Manager", d.manager_id),
                    kind=d.kind,
                    visit_ids=[gid("Visit", v) for v in d.visit_ids],
                )
                for d in result.discrepancies
            ],
        )


_ANSWERS = {
    audits.VisitAnswer.YES: RetailerAnswerEnum.YES,
    audits.VisitAnswer.NO: RetailerAnswerEnum.NO,
    audits.VisitAnswer.NOT_SURE: RetailerAnswerEnum.NOT_SURE,
}
