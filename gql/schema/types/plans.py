"""Visit plans as the planning screen and the handheld app see them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TypeAlias

import strawberry
from strawberry.scalars import JSON

from gql.context import Context
from gql.domain import OpeningWindow, PlanStatus, PlanStop, VisitPlan, hh_mm
from gql.domain.plan_sources import PlanSource, PlanSourceEntry
from gql.schema.relay import Node, encode_global_id
from gql.schema.scalars import as_json, camel_json
from gql.schema.types.directory import ManagerType, RetailerType, load_retailer
from gql.schema.types.enums import described_enum
from gql.schema.types.geojson import (
    Projector,
    RouteMap,
    RoutePoint,
    route_collection,
)
from gql.schema.types.geometry import WGS84, CoordinateSystemArg
from gql.schema.types.plan_lifecycle import PlanLifecycleType, StopProgressType

__all__ = [
    "PlanRetailerSourceType",
    "PlanSourceEnum",
    "PlanStatusEnum",
    "PlanStopType",
    "VisitPlanType",
]


def _window(windows: Sequence[OpeningWindow], weekday: int, eta_s: int) -> tuple[str, str] | None:
    """The opening window of that weekday the stop is planned in (or the next, or the first)."""
    today = sorted(
        (w for w in windows if w.weekday is None or w.weekday == weekday), key=lambda w: w.open_s
    )
    if not today:
        return None
    chosen = next((w for w in today if eta_s <= w.close_s), today[0])
    return hh_mm(chosen.open_s), hh_mm(chosen.close_s)


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


described_enum(
    PlanSource,
    name="PlanSource",
    description="Why a retailer is on a day plan (or was taken off it).",
    value_descriptions={
        PlanSource.SCHEDULED: "The applied 4-week schedule's day for the manager.",
        PlanSource.KEY_CUSTOMER: "A key customer whose order day it is, not on the schedule.",
        PlanSource.ORDER_DAY: "No schedule applied: a retailer whose order day it is.",
        PlanSource.REQUESTED: "The planner named exactly the day's retailers.",
        PlanSource.ADDED: "The planner added it to the day's list.",
        PlanSource.REMOVED: "The planner took it off the day's list (not a stop).",
    },
)
PlanSourceEnum: TypeAlias = PlanSource


@strawberry.type(
    name="PlanRetailerSource", description="One retailer of a plan's composition and its source."
)
class PlanRetailerSourceType:
    """Where a retailer of the plan came from."""

    retailer_pk: strawberry.Private[int]
    retailer_id: strawberry.ID = strawberry.field(description="The retailer.")
    source: PlanSourceEnum = strawberry.field(description="Why it is on the plan (or not).")

    @strawberry.field(description="The retailer (null when outside the caller's scope).")
    async def retailer(self, info: Info) -> RetailerType | None:
        """Batched through the retailer loader."""
        return await load_retailer(info, self.retailer_pk)

    @classmethod
    def from_domain(cls, entry: PlanSourceEntry) -> PlanRetailerSourceType:
        """Map a composition entry."""
        return cls(
            retailer_pk=entry.retailer_id,
            retailer_id=strawberry.ID(encode_global_id("Retailer", entry.retailer_id)),
            source=entry.source,
        )


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
        return await load_retailer(info, self.retailer_pk)

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

    @strawberry.field(
        description="Publication (version, re-plan reason) and each stop's state: planned, "
        "visited (with visit and verdict), skipped (with reason) or not visited."
    )
    def lifecycle(self, info: Info) -> PlanLifecycleType:
        """Derived from the stops' visits and skips each time it is asked."""
        found = info.context.plan_lifecycle.lifecycle(self.pk)
        return PlanLifecycleType(
            progress=found.progress,
            version=None if found.publication is None else found.publication.version,
            replan_reason=None
            if found.publication is None or not found.publication.reason
            else found.publication.reason,
            published_at=None if found.publication is None else found.publication.published_at,
            stops=[StopProgressType.from_domain(s) for s in found.stops],
        )

    @strawberry.field(
        description="Every retailer the day started from, added or removed, with its source "
        "(a retailer left out as inactive or deferred is listed too; the stops say which made "
        "it); empty for plans made before sources were kept."
    )
    def sources(self, info: Info) -> list[PlanRetailerSourceType]:
        """Recorded when the plan was created."""
        return [PlanRetailerSourceType.from_domain(e) for e in info.context.plans.sources(self.pk)]

    @strawberry.field(description="The plan's manager.")
    async def manager(self, info: Info) -> ManagerType | None:
        """Batched through the manager loader."""
        manager = await info.context.loaders.managers.load(self.manager_pk)
        return ManagerType.maybe(manager)

    @strawberry.field(
        description="The route as a GeoJSON Feature (LineString start → stops → end, [lon, lat]).",
        deprecation_reason=(
            "untyped JSON; use `map` (a typed FeatureCollection of stops and legs) — goes in "
            "the next release"
        ),
    )
    async def route(self, info: Info, coordinate_system: CoordinateSystemArg = WGS84) -> JSON:
        """Route geometry for map libraries (straight legs between stops)."""
        manager = await info.context.loaders.managers.load(self.manager_pk)
        retailers = await info.context.loaders.retailers.load_many(
            [stop.retailer_pk for stop in self.stops]
        )
        points: list[tuple[float, float]] = []
        if manager is not None:
            points.append((manager.start_lat, manager.start_lon))
        points += [(r.lat, r.lon) for r in retailers if r is not None]
        closed = bool(dict(self.optimised_against).get("return_to_start"))  # type: ignore[call-overload]
        if manager is not None and closed:
            points.append((manager.start_lat, manager.start_lon))
        return as_json(
            {
                "type": "Feature",
                "geometry": {
                    "type": "LineString",
                    "coordinates": Projector(coordinate_system).positions(points),
                },
                "properties": {"lengthM": self.length_m, "stops": len(self.stops)},
            }
        )

    @strawberry.field(
        description="The day on a map: a GeoJSON FeatureCollection of the start point and the "
        "stops (order, ETA, opening window, retailer) and the legs between them; [lon, lat]."
    )
    async def map(self, info: Info, coordinate_system: CoordinateSystemArg = WGS84) -> RouteMap:
        """Straight legs; a stop whose retailer is outside the caller's scope is left out."""
        manager = await info.context.loaders.managers.load(self.manager_pk)
        retailers = await info.context.loaders.retailers.load_many(
            [stop.retailer_pk for stop in self.stops]
        )
        weekday = self.plan_date.weekday()
        points: list[RoutePoint] = []
        start = None
        if manager is not None:
            start = RoutePoint(
                seq=0, at=(manager.start_lat, manager.start_lon), label=manager.start_label
            )
            points.append(start)
        for stop, retailer in zip(self.stops, retailers, strict=True):
            if retailer is None:
                continue
            points.append(
                RoutePoint(
                    seq=stop.seq,
                    at=(retailer.lat, retailer.lon),
                    retailer_id=strawberry.ID(encode_global_id("Retailer", retailer.id)),
                    plan_stop_id=stop.plan_stop_id,
                    eta=stop.eta,
                    etd=stop.etd,
                    window=_window(retailer.opening_windows, weekday, stop.eta_s),
                    leg_distance_m=stop.leg_distance_m,
                    leg_duration_s=stop.leg_duration_s,
                )
            )
        closed = bool(dict(self.optimised_against).get("return_to_start"))  # type: ignore[call-overload]
        return route_collection(points, coordinate_system, back_to=start if closed else None)

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
            optimised_against=camel_json(plan.optimised_against),
            created_at=plan.created_at,
            stops=[PlanStopType.from_domain(s) for s in plan.stops],
        )
