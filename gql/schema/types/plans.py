"""Visit plans as the planning screen and the handheld app see them."""

from __future__ import annotations

import datetime as dt
from typing import TypeAlias

import strawberry
from strawberry.scalars import JSON

from gql.context import Context
from gql.domain import PlanStatus, PlanStop, VisitPlan, hh_mm
from gql.schema.relay import Node, encode_global_id
from gql.schema.scalars import as_json
from gql.schema.types.directory import ManagerType, RetailerType
from gql.schema.types.enums import described_enum

__all__ = ["PlanStatusEnum", "PlanStopType", "VisitPlanType"]

Info = strawberry.Info[Context, None]

described_enum(
    PlanStatus,
    name="PlanStatus",
    description="Where a plan is in its life.",
    value_descriptions={
        PlanStatus.DRAFT: "Computed, not yet sent to the handheld; re-planning replaces it.",
        PlanStatus.PUBLISHED: "The day's plan on the manager's handheld.",
        PlanStatus.SUPERSEDED: "Replaced by a newer plan; kept for history.",
    },
)
PlanStatusEnum: TypeAlias = PlanStatus


@strawberry.type(name="PlanStop", description="One stop of a plan, in visiting order.")
class PlanStopType:
    """A stop with its expected times and the leg that arrives at it."""

    retailer_pk: strawberry.Private[int]
    plan_stop_id: strawberry.ID = strawberry.field(
        description="Global ID of the stop; pass as `visitStart(input: {planStopId})` to tie "
        "the visit to this stop."
    )
    seq: int = strawberry.field(description="Position in the day, from 1.")
    eta_s: int = strawberry.field(description="Expected arrival, seconds since midnight.")
    etd_s: int = strawberry.field(description="Expected departure, seconds since midnight.")
    eta: str = strawberry.field(description="Expected arrival as HH:MM.")
    etd: str = strawberry.field(description="Expected departure as HH:MM.")
    leg_distance_m: int = strawberry.field(description="Road-model metres from the previous stop.")
    leg_duration_s: int = strawberry.field(description="Travel seconds from the previous stop.")

    @strawberry.field(description="The retailer to visit.")
    async def retailer(self, info: Info) -> RetailerType | None:
        """Batched through the retailer loader."""
        retailer = await info.context.loaders.retailers.load(self.retailer_pk)
        return None if retailer is None else RetailerType.from_domain(retailer)

    @classmethod
    def from_domain(cls, stop: PlanStop) -> PlanStopType:
        """Map a domain stop."""
        return cls(
            retailer_pk=stop.retailer_id,
            plan_stop_id=strawberry.ID(encode_global_id("PlanStop", stop.id)),
            seq=stop.seq,
            eta_s=stop.eta_s,
            etd_s=stop.etd_s,
            eta=hh_mm(stop.eta_s),
            etd=hh_mm(stop.etd_s),
            leg_distance_m=stop.leg_distance_m,
            leg_duration_s=stop.leg_duration_s,
        )


@strawberry.type(name="VisitPlan", description="A manager's routed plan for one day (R2).")
class VisitPlanType(Node):
    """A day plan and the evidence of how good it is."""

    pk: strawberry.Private[int]
    manager_pk: strawberry.Private[int]
    plan_date: dt.date = strawberry.field(description="The day planned.")
    status: PlanStatusEnum = strawberry.field(description="Draft, published or superseded.")
    method: str = strawberry.field(
        description="Algorithm used: held-karp, windows-dp, local-search, windows-local-search."
    )
    proven_optimal: bool = strawberry.field(description="No shorter feasible order exists.")
    gap: float | None = strawberry.field(
        description="Proven relative gap to a lower bound; 0 when optimal, null if unknown."
    )
    length_m: int = strawberry.field(description="Planned route length in metres.")
    duration_s: int = strawberry.field(description="From departure to return, in seconds.")
    baseline_length_m: int | None = strawberry.field(
        description="Length of the manager's own order (by licence number), for the saving."
    )
    saving_m: int | None = strawberry.field(description="baselineLengthM − lengthM.")
    optimised_against: JSON = strawberry.field(
        description="What the route was optimised against (matrix, speed, windows, ...)."
    )
    created_at: dt.datetime = strawberry.field(description="When it was computed.")
    stops: list[PlanStopType] = strawberry.field(description="Stops in visiting order.")

    @strawberry.field(description="The plan's manager.")
    async def manager(self, info: Info) -> ManagerType | None:
        """Batched through the manager loader."""
        manager = await info.context.loaders.managers.load(self.manager_pk)
        return ManagerType.maybe(manager)

    @strawberry.field(
        description="The route as a GeoJSON Feature (LineString start → stops → end, [lon, lat])."
    )
    async def route(self, info: Info) -> JSON:
        """Route geometry for map libraries (straight legs between stops)."""
        manager = await info.context.loaders.managers.load(self.manager_pk)
        retailers = await info.context.loaders.retailers.load_many(
            [stop.retailer_pk for stop in self.stops]
        )
        points: list[list[float]] = []
        if manager is not None:
            points.append([manager.start_lon, manager.start_lat])
        points += [[r.lon, r.lat] for r in retailers if r is not None]
        closed = bool(dict(self.optimised_against).get("return_to_start"))  # type: ignore[call-overload]
        if manager is not None and closed:
            points.append([manager.start_lon, manager.start_lat])
        return as_json(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": points},
                "properties": {"lengthM": self.length_m, "stops": len(self.stops)},
            }
        )

    @classmethod
    def from_domain(cls, plan: VisitPlan) -> VisitPlanType:
        """Map a domain plan."""
        return cls(
            id=strawberry.ID(encode_global_id("VisitPlan", plan.id)),
            pk=plan.id,
            manager_pk=plan.manager_id,
            plan_date=plan.plan_date,
            status=plan.status,
            method=plan.method,
            proven_optimal=plan.proven_optimal,
            gap=plan.gap,
            length_m=plan.length_m,
            duration_s=plan.duration_s,
            baseline_length_m=plan.baseline_length_m,
            saving_m=(
                None if plan.baseline_length_m is None else plan.baseline_length_m - plan.length_m
            ),
            optimised_against=as_json(dict(plan.optimised_against)),
            created_at=plan.created_at,
            stops=[PlanStopType.from_domain(s) for s in plan.stops],
        )
