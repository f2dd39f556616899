"""Territory and schedule proposals as the marketing planning screen sees them (R6)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, TypeAlias

import strawberry
from strawberry.scalars import JSON

from gql.context import Context
from gql.domain import CoordinateSystem
from gql.domain.territories import (
    Proposal,
    ProposalAssignment,
    ProposalKind,
    ProposalStatus,
    ScheduleDay,
)
from gql.schema.inputs import pk_of
from gql.schema.relay import Node, encode_global_id
from gql.schema.scalars import camel_json
from gql.schema.types.directory import ManagerType, RetailerType, load_retailer
from gql.schema.types.enums import described_enum
from gql.schema.types.geojson import (
    Projector,
    RouteMap,
    RoutePoint,
    TerritoryFeature,
    TerritoryFeatureCollection,
    TerritoryProperties,
    route_collection,
)
from gql.schema.types.geometry import WGS84, CoordinateSystemArg, GeoPoint
from gql.services.geometry import territory_outline
from gql.services.territories.rules import MoveReason
from gql.services.territories.service import ManagerSchedule

__all__ = [
    "BalanceType",
    "DistrictZonesType",
    "ManagerScheduleType",
    "PartitionMetricsType",
    "ProposalAssignmentType",
    "ProposalKindEnum",
    "ProposalStatusEnum",
    "ScheduleDayType",
    "ScheduleMetricsType",
    "TerritoryProposalType",
    "TerritorySummaryType",
]

Info = strawberry.Info[Context, None]

described_enum(
    ProposalKind,
    name="ProposalKind",
    description="What a proposal plans.",
    value_descriptions={
        ProposalKind.TERRITORIES: "Which manager serves which retailer (balanced territories).",
        ProposalKind.SCHEDULE: "Weekday zones, week phases and routed days of a 4-week cycle.",
    },
)
ProposalKindEnum: TypeAlias = ProposalKind
described_enum(
    ProposalStatus,
    name="ProposalStatus",
    description="Where a proposal is in its life.",
    value_descriptions={
        ProposalStatus.PROPOSED: "Computed; nothing changed yet. Marketing may apply or discard.",
        ProposalStatus.APPLIED: "Applied by marketing (territories: retailers reassigned).",
        ProposalStatus.DISCARDED: "Rejected; kept for the record.",
    },
)
ProposalStatusEnum: TypeAlias = ProposalStatus
described_enum(
    MoveReason,
    name="MoveReason",
    description="Why a territory proposal gives a retailer the manager it gives it.",
    value_descriptions={
        MoveReason.KEPT: "Same manager as now.",
        MoveReason.UNASSIGNED: "It had no manager among those planned (a new licence, or its "
        "manager is not in this plan).",
        MoveReason.REPLAN: "The district was planned afresh (cold start, or today's plan too far "
        "off balance to repair); this is where the new plan puts it.",
        MoveReason.CONTIGUITY: "Staying would leave it cut off from the rest of its territory.",
        MoveReason.BALANCE: "Its territory was outside its workload, count or volume band; it "
        "was traded at the boundary.",
    },
)
MoveReasonEnum: TypeAlias = MoveReason


def _f(value: Any) -> float:
    return float(value or 0.0)


@strawberry.type(name="Balance", description="How evenly one criterion is spread over zones.")
class BalanceType:
    """Coefficient of variation, worst deviation and spread."""

    cv: float = strawberry.field(description="Coefficient of variation (std / mean); 0 = even.")
    worst_deviation: float = strawberry.field(description="Largest |value / mean − 1|.")
    mean: float = strawberry.field(description="Mean per zone, in the criterion's unit.")
    minimum: float = strawberry.field(description="Smallest zone value.")
    maximum: float = strawberry.field(description="Largest zone value.")

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BalanceType:
        """Map stored metrics."""
        return cls(
            cv=_f(data.get("cv")),
            worst_deviation=_f(data.get("worstDeviation")),
            mean=_f(data.get("mean")),
            minimum=_f(data.get("minimum")),
            maximum=_f(data.get("maximum")),
        )


@strawberry.type(name="PartitionMetrics", description="The quality of a partition, by criterion.")
class PartitionMetricsType:
    """Balance, class mix, compactness, contiguity and moves."""

    workload: BalanceType = strawberry.field(description="4-week workload (minutes) per manager.")
    retailer_count: BalanceType = strawberry.field(description="Retailers per manager.")
    order_volume: BalanceType = strawberry.field(description="Order volume per manager.")
    class_mix_distance: float = strawberry.field(
        description="Mean total-variation distance of territories' grade mix from the district's."
    )
    mean_distance_to_centre_m: float = strawberry.field(
        description="Mean distance from a retailer to its territory's centre (compactness)."
    )
    fragmented_territories: int = strawberry.field(
        description="Territories not connected on the Delaunay graph of the district."
    )
    moved_retailers: int = strawberry.field(description="Retailers that change manager.")
    median_home_distance_m: float = strawberry.field(
        description="Median distance from a manager's start point (home or office) to their "
        "territory's centre; 0 when not measured."
    )
    workload_with_commute: BalanceType | None = strawberry.field(
        description="Workload plus the daily commute start point → territory centre and back "
        "(20 days a cycle, at the workload model's speed and road factor); null when not "
        "measured."
    )

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PartitionMetricsType:
        """Map stored metrics."""
        return cls(
            workload=BalanceType.from_json(data.get("workload") or {}),
            retailer_count=BalanceType.from_json(data.get("retailerCount") or {}),
            order_volume=BalanceType.from_json(data.get("orderVolume") or {}),
            class_mix_distance=_f(data.get("classMixDistance")),
            mean_distance_to_centre_m=_f(data.get("meanDistanceToCentreM")),
            fragmented_territories=int(data.get("fragmentedTerritories") or 0),
            moved_retailers=int(data.get("movedRetailers") or 0),
            median_home_distance_m=_f(data.get("medianHomeDistanceM")),
            workload_with_commute=None
            if not data.get("workloadWithCommute")
            else BalanceType.from_json(data["workloadWithCommute"]),
        )


@strawberry.type(
    name="TerritoryLink",
    description="An edge a territory relies on beyond plain short neighbours.",
)
class TerritoryLinkType:
    """A bridge, ferry or extra edge inside a territory."""

    kind: str = strawberry.field(
        description="The crossing's kind (`bridge`, `ferry`…), `extra` (shortest edge to a part "
        "that is apart, e.g. a village) or `extra across barrier` (no declared crossing reaches "
        "that part)."
    )
    name: str = strawberry.field(description="The crossing's name; empty for extra edges.")
    length_m: float = strawberry.field(description="Length of the edge in metres.")


@strawberry.type(name="TerritorySummary", description="One manager's proposed territory.")
class TerritorySummaryType:
    """Totals of one territory."""

    manager_pk: strawberry.Private[int]
    retailers: int = strawberry.field(description="Retailers in the territory.")
    workload_min: float = strawberry.field(description="4-week workload in minutes.")
    order_volume: float = strawberry.field(description="Order volume per 4 weeks (cartons).")
    centre_lat: float = strawberry.field(
        description="Centre latitude (WGS-84).",
        deprecation_reason="use `centre(coordinateSystem:)` — goes in the next release",
    )
    centre_lon: float = strawberry.field(
        description="Centre longitude (WGS-84).",
        deprecation_reason="use `centre(coordinateSystem:)` — goes in the next release",
    )
    pieces: int = strawberry.field(
        description="Pieces of the territory in the district's contiguity graph (cut by its "
        "barriers); 1 for a connected territory, 0 when not measured (older proposals)."
    )
    detached_retailers: int = strawberry.field(
        description="Retailers outside the territory's largest piece."
    )
    pieces_why: str = strawberry.field(
        description="Why it is in pieces: `locked` (a locked retailer holds a detached piece) "
        "or `as assigned`; empty for one piece."
    )
    links: list[TerritoryLinkType] = strawberry.field(
        description="The bridges, ferries and extra edges it relies on, longest first."
    )

    @strawberry.field(description="The territory's centre.")
    def centre(self, coordinate_system: CoordinateSystemArg = WGS84) -> GeoPoint:
        """Converted to the datum asked for."""
        return GeoPoint.of(self.centre_lat, self.centre_lon, coordinate_system)

    @strawberry.field(description="The manager of the territory.")
    def manager_id(self) -> strawberry.ID:
        """Global ID of the manager."""
        return strawberry.ID(encode_global_id("Manager", self.manager_pk))

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TerritorySummaryType:
        """Map stored metrics."""
        return cls(
            manager_pk=int(data["managerId"]),
            retailers=int(data.get("retailers") or 0),
            workload_min=_f(data.get("workloadMin")),
            order_volume=_f(data.get("orderVolume")),
            centre_lat=_f(data.get("centreLat")),
            centre_lon=_f(data.get("centreLon")),
            pieces=int(data.get("pieces") or 0),
            detached_retailers=int(data.get("detachedRetailers") or 0),
            pieces_why=str(data.get("piecesWhy") or ""),
            links=[
                TerritoryLinkType(
                    kind=str(x["kind"]), name=str(x["name"]), length_m=_f(x["lengthM"])
                )
                for x in data.get("links") or ()
            ],
        )


@strawberry.type(name="ScheduleMetrics", description="Totals of a 4-week schedule.")
class ScheduleMetricsType:
    """Distance, day hours and cap compliance."""

    total_travel_m: float = strawberry.field(description="Metres driven over the 4 weeks.")
    day_hours: BalanceType = strawberry.field(description="Hours per working day.")
    max_day_hours: float = strawberry.field(description="The longest day, in hours.")
    cap_hours: float = strawberry.field(description="The daily cap it was planned against.")
    days_over_cap: int = strawberry.field(description="Days longer than the cap (0 expected).")
    late_stops: int = strawberry.field(description="Stops reached after closing.")

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ScheduleMetricsType:
        """Map stored metrics."""
        return cls(
            total_travel_m=_f(data.get("totalTravelM")),
            day_hours=BalanceType.from_json(data.get("dayHours") or {}),
            max_day_hours=_f(data.get("maxDayHours")),
            cap_hours=_f(data.get("capHours")),
            days_over_cap=int(data.get("daysOverCap") or 0),
            late_stops=int(data.get("lateStops") or 0),
        )


@strawberry.type(
    name="DistrictZones",
    description="Daily order-calling zones per weekday (Mon..Fri); delivery is the next "
    "working day's zone (R6.1).",
)
class DistrictZonesType:
    """Per-weekday totals and their balance."""

    ordering_retailers: list[float] = strawberry.field(
        description="Ordering retailers called per weekday (5 values, Monday first)."
    )
    orders: list[float] = strawberry.field(description="Orders per 4-week cycle per weekday.")
    order_volume: list[float] = strawberry.field(description="Order volume per weekday.")
    ordering_balance: BalanceType = strawberry.field(description="Balance of ordering retailers.")
    orders_balance: BalanceType = strawberry.field(description="Balance of orders.")
    volume_balance: BalanceType = strawberry.field(description="Balance of order volume.")
    order_day_changes: int = strawberry.field(
        description="Ordering retailers whose order day would change."
    )

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DistrictZonesType:
        """Map stored metrics."""
        return cls(
            ordering_retailers=[_f(v) for v in data.get("orderingRetailers") or []],
            orders=[_f(v) for v in data.get("orders") or []],
            order_volume=[_f(v) for v in data.get("orderVolume") or []],
            ordering_balance=BalanceType.from_json(data.get("orderingBalance") or {}),
            orders_balance=BalanceType.from_json(data.get("ordersBalance") or {}),
            volume_balance=BalanceType.from_json(data.get("volumeBalance") or {}),
            order_day_changes=int(data.get("orderDayChanges") or 0),
        )


@strawberry.type(name="ProposalAssignment", description="One retailer in a proposal.")
class ProposalAssignmentType:
    """Manager, and in a schedule weekday and week phase."""

    retailer_pk: strawberry.Private[int]
    manager_pk: strawberry.Private[int]
    previous_manager_pk: strawberry.Private[int | None]
    weekday: int | None = strawberry.field(description="Visit weekday 0 (Mon)..4 (schedules).")
    phase: int | None = strawberry.field(
        description="Week phase: fortnightly 0 (weeks 1, 3) or 1; monthly the week 0..3."
    )
    visits_per_cycle: int | None = strawberry.field(description="Visits per 4 weeks: 4, 2 or 1.")
    reason: MoveReasonEnum | None = strawberry.field(
        description="Territory proposals: why the retailer has this manager (null for "
        "schedules and for proposals stored before reasons were kept)."
    )

    @strawberry.field(description="The retailer.")
    def retailer_id(self) -> strawberry.ID:
        """Global ID of the retailer."""
        return strawberry.ID(encode_global_id("Retailer", self.retailer_pk))

    @strawberry.field(description="The proposed manager.")
    def manager_id(self) -> strawberry.ID:
        """Global ID of the proposed manager."""
        return strawberry.ID(encode_global_id("Manager", self.manager_pk))

    @strawberry.field(description="The manager when the proposal was computed (null: none).")
    def previous_manager_id(self) -> strawberry.ID | None:
        """Global ID of the previous manager."""
        if self.previous_manager_pk is None:
            return None
        return strawberry.ID(encode_global_id("Manager", self.previous_manager_pk))

    @strawberry.field(description="The retailer (null when outside the caller's scope).")
    async def retailer(self, info: Info) -> RetailerType | None:
        """Batched through the retailer loader."""
        return await load_retailer(info, self.retailer_pk)

    @strawberry.field(description="Whether the retailer changes manager.")
    def moved(self) -> bool:
        """Proposed manager differs from the previous one."""
        return self.previous_manager_pk is not None and self.previous_manager_pk != self.manager_pk

    @classmethod
    def from_domain(cls, a: ProposalAssignment) -> ProposalAssignmentType:
        """Map a domain assignment."""
        return cls(
            retailer_pk=a.retailer_id,
            manager_pk=a.manager_id,
            previous_manager_pk=a.previous_manager_id,
            weekday=a.weekday,
            phase=a.phase,
            visits_per_cycle=a.visits_per_cycle,
            reason=None if a.move_reason is None else MoveReason[a.move_reason],
        )


@strawberry.type(name="TerritoryProposal", description="A computed partition or schedule (R6).")
class TerritoryProposalType(Node):
    """A proposal with its metrics and the current plan's, for comparison."""

    pk: strawberry.Private[int]
    department_pk: strawberry.Private[int | None]
    manager_pks: strawberry.Private[tuple[int, ...]]
    kind: ProposalKindEnum = strawberry.field(description="TERRITORIES or SCHEDULE.")
    status: ProposalStatusEnum = strawberry.field(description="PROPOSED, APPLIED or DISCARDED.")
    parameters: JSON = strawberry.field(description="What it was computed with.")
    metrics: JSON = strawberry.field(description="Every stored metric, as computed.")
    created_at: dt.datetime = strawberry.field(description="When it was computed.")
    applied_at: dt.datetime | None = strawberry.field(description="When it was applied.")
    discarded_at: dt.datetime | None = strawberry.field(description="When it was discarded.")
    retailer_count: int = strawberry.field(description="Retailers planned.")
    moved_retailers: int | None = strawberry.field(
        description="Retailers that change manager (territory proposals)."
    )
    proposed: PartitionMetricsType | None = strawberry.field(
        description="The proposed partition's metrics (territory proposals)."
    )
    current: PartitionMetricsType | None = strawberry.field(
        description="The current assignment's metrics on the same retailers, for comparison."
    )
    territories: list[TerritorySummaryType] = strawberry.field(
        description="Per manager totals of the proposed territories (territory proposals)."
    )
    schedule: ScheduleMetricsType | None = strawberry.field(
        description="Totals of the schedule (schedule proposals)."
    )
    district_zones: DistrictZonesType | None = strawberry.field(
        description="Daily order-calling and delivery zones (schedule proposals)."
    )

    @strawberry.field(description="The district planned; null for the whole company.")
    def department_id(self) -> strawberry.ID | None:
        """Global ID of the department."""
        if self.department_pk is None:
            return None
        return strawberry.ID(encode_global_id("Department", self.department_pk))

    @strawberry.field(description="The managers planned for.")
    async def managers(self, info: Info) -> list[ManagerType]:
        """Batched through the manager loader."""
        found = await info.context.loaders.managers.load_many(list(self.manager_pks))
        return [ManagerType.from_domain(m) for m in found if m is not None]

    @strawberry.field(
        description="The proposed territories on a map: a GeoJSON FeatureCollection with one "
        "MultiPolygon per manager (concave hull of its retailers, grown by 60 m so each lies "
        "inside) and the territory's totals; [lon, lat]. Empty for schedule proposals."
    )
    async def map(
        self, info: Info, coordinate_system: CoordinateSystemArg = WGS84
    ) -> TerritoryFeatureCollection:
        """Retailers outside the caller's scope are left out of the outlines."""
        if self.kind is not ProposalKind.TERRITORIES:
            return TerritoryFeatureCollection(features=[])
        found = info.context.territories.assignments(self.pk)
        retailers = await info.context.loaders.retailers.load_many([a.retailer_id for a in found])
        by_manager: dict[int, list[tuple[float, float]]] = {}
        for a, r in zip(found, retailers, strict=True):
            if r is not None:
                by_manager.setdefault(a.manager_id, []).append((r.lat, r.lon))
        return territory_features(by_manager, self.territories, coordinate_system)

    @strawberry.field(description="Per-retailer assignments (optionally of one manager).")
    def assignments(
        self,
        info: Info,
        manager_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only this manager's proposed retailers."),
        ] = None,
        moved_only: Annotated[
            bool,
            strawberry.argument(description="Only retailers that would change manager."),
        ] = False,
    ) -> list[ProposalAssignmentType]:
        """Read through the service (scope checked again)."""
        managers = None
        if manager_id is not None:
            managers = (pk_of(manager_id, "Manager", "managerId"),)
        found = info.context.territories.assignments(
            self.pk, manager_ids=managers, moved_only=moved_only
        )
        return [ProposalAssignmentType.from_domain(a) for a in found]

    @classmethod
    def from_domain(cls, p: Proposal) -> TerritoryProposalType:
        """Map a domain proposal."""
        metrics = p.metrics
        proposed = metrics.get("proposal")
        current = metrics.get("current")
        schedule = metrics.get("schedule")
        zones = metrics.get("districtZones")
        moved = metrics.get("movedRetailers")
        return cls(
            id=strawberry.ID(encode_global_id("TerritoryProposal", p.id)),
            pk=p.id,
            department_pk=p.department_id,
            manager_pks=tuple(int(i) for i in p.parameters.get("managerIds") or ()),
            kind=p.kind,
            status=p.status,
            parameters=camel_json(p.parameters),
            metrics=camel_json(metrics),
            created_at=p.created_at,
            applied_at=p.applied_at,
            discarded_at=p.discarded_at,
            retailer_count=int(metrics.get("retailers") or 0),
            moved_retailers=None if moved is None else int(moved),
            proposed=None if proposed is None else PartitionMetricsType.from_json(proposed),
            current=None if current is None else PartitionMetricsType.from_json(current),
            territories=[
                TerritorySummaryType.from_json(t) for t in metrics.get("territories") or []
            ],
            schedule=None if schedule is None else ScheduleMetricsType.from_json(schedule),
            district_zones=None if zones is None else DistrictZonesType.from_json(zones),
        )


@strawberry.type(name="ScheduleDay", description="One routed working day of a manager.")
class ScheduleDayType:
    """A day's visits in route order, with expected hours and distance."""

    retailer_pks: strawberry.Private[tuple[int, ...]]
    manager_pk: strawberry.Private[int]
    week: int = strawberry.field(description="Week of the cycle, 0..3.")
    weekday: int = strawberry.field(description="0 (Monday)..4 (Friday).")
    travel_m: float = strawberry.field(description="Metres driven, depot to depot.")
    hours: float = strawberry.field(description="Expected hours, depot to depot.")
    late_stops: int = strawberry.field(description="Stops reached after closing.")

    @strawberry.field(description="The retailers to visit, in route order.")
    def retailer_ids(self) -> list[strawberry.ID]:
        """Global IDs in route order."""
        return [strawberry.ID(encode_global_id("Retailer", pk)) for pk in self.retailer_pks]

    @strawberry.field(description="The retailers to visit, in route order (loaded).")
    async def retailers(self, info: Info) -> list[RetailerType]:
        """Batched through the retailer loader (retailers outside your scope are left out)."""
        found = await info.context.loaders.retailers.load_many(list(self.retailer_pks))
        return [RetailerType.from_domain(r) for r in found if r is not None]

    @strawberry.field(
        description="The day on a map: a GeoJSON FeatureCollection of the manager's start "
        "(depot), the stops in route order (retailer) and the legs, back to the depot; "
        "[lon, lat]."
    )
    async def map(self, info: Info, coordinate_system: CoordinateSystemArg = WGS84) -> RouteMap:
        """Straight legs; retailers outside the caller's scope are left out."""
        manager = await info.context.loaders.managers.load(self.manager_pk)
        found = await info.context.loaders.retailers.load_many(list(self.retailer_pks))
        start = (
            None
            if manager is None
            else RoutePoint(
                seq=0, at=(manager.start_lat, manager.start_lon), label=manager.start_label
            )
        )
        stops = [
            RoutePoint(
                seq=n,
                at=(r.lat, r.lon),
                retailer_id=strawberry.ID(encode_global_id("Retailer", r.id)),
            )
            for n, r in enumerate(found, start=1)
            if r is not None
        ]
        points = stops if start is None else [start, *stops]
        return route_collection(points, coordinate_system, back_to=start)

    @classmethod
    def from_domain(cls, d: ScheduleDay) -> ScheduleDayType:
        """Map a domain day."""
        return cls(
            retailer_pks=d.retailer_ids,
            manager_pk=d.manager_id,
            week=d.week,
            weekday=d.weekday,
            travel_m=d.travel_m,
            hours=d.hours,
            late_stops=d.late_stops,
        )


@strawberry.type(name="ManagerSchedule", description="A manager's days from one schedule.")
class ManagerScheduleType:
    """The schedule proposal and the manager's days."""

    manager_pk: strawberry.Private[int]
    proposal: TerritoryProposalType = strawberry.field(description="The schedule proposal.")
    days: list[ScheduleDayType] = strawberry.field(description="Days by week, then weekday.")

    @strawberry.field(description="The manager.")
    def manager_id(self) -> strawberry.ID:
        """Global ID of the manager."""
        return strawberry.ID(encode_global_id("Manager", self.manager_pk))

    @classmethod
    def from_domain(cls, s: ManagerSchedule) -> ManagerScheduleType:
        """Map a service schedule."""
        return cls(
            manager_pk=s.manager_id,
            proposal=TerritoryProposalType.from_domain(s.proposal),
            days=[ScheduleDayType.from_domain(d) for d in s.days],
        )


def territory_features(
    by_manager: Mapping[int, Sequence[tuple[float, float]]],
    totals: Sequence[TerritorySummaryType],
    coordinate_system: CoordinateSystem,
) -> TerritoryFeatureCollection:
    """One outline per manager (concave hull of the retailers' (lat, lon)) with its totals."""
    by_pk = {t.manager_pk: t for t in totals}
    projector = Projector(coordinate_system)
    return TerritoryFeatureCollection(
        features=[
            TerritoryFeature(
                geometry=projector.multipolygon(territory_outline(list(points))),
                properties=TerritoryProperties(
                    manager_id=strawberry.ID(encode_global_id("Manager", manager_pk)),
                    retailers=len(points),
                    workload_min=None
                    if manager_pk not in by_pk
                    else by_pk[manager_pk].workload_min,
                    order_volume=None
                    if manager_pk not in by_pk
                    else by_pk[manager_pk].order_volume,
                ),
            )
            for manager_pk, points in sorted(by_manager.items())
        ]
    )
