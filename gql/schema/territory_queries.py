"""Queries for territories, territory and schedule proposals, schedules and district zones."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping, Sequence
from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from gql.context import Context
from gql.schema.inputs import pk_of
from gql.schema.paging import AfterArg, BeforeArg, FirstArg, LastArg, page_request
from gql.schema.relay import Connection, encode_global_id, to_connection
from gql.schema.scalars import camel_json
from gql.schema.types.geojson import TerritoryFeatureCollection
from gql.schema.types.geometry import WGS84, CoordinateSystemArg
from gql.schema.types.jobs import JobType
from gql.schema.types.proposal_comparison import ProposalComparisonType
from gql.schema.types.territories import (
    DistrictZonesType,
    ManagerScheduleType,
    PartitionMetricsType,
    ProposalKindEnum,
    ProposalStatusEnum,
    TerritoryProposalType,
    TerritorySummaryType,
    territory_features,
)

__all__ = ["CurrentTerritoriesType", "JobSubscription", "TerritoryQuery"]

Info = strawberry.Info[Context, None]


@strawberry.type(
    name="CurrentTerritories", description="The current assignment of a district, measured."
)
class CurrentTerritoriesType:
    """Today's territories: the baseline every proposal is compared with."""

    department_pk: strawberry.Private[int | None]
    metrics: PartitionMetricsType | None = strawberry.field(
        description="Balance, compactness and contiguity of the current territories."
    )
    territories: list[TerritorySummaryType] = strawberry.field(
        description="Per manager totals of the current territories."
    )
    raw: JSON = strawberry.field(description="The same metrics as stored JSON.")
    positions: strawberry.Private[Mapping[int, Sequence[tuple[float, float]]]]

    @strawberry.field(
        description="The current territories on a map: a GeoJSON FeatureCollection with one "
        "MultiPolygon per manager (concave hull of its retailers, grown by 60 m so each lies "
        "inside) and the territory's totals; [lon, lat]; side by side with a proposal's `map`."
    )
    def map(self, coordinate_system: CoordinateSystemArg = WGS84) -> TerritoryFeatureCollection:
        """Outlines of the assignment that was measured."""
        return territory_features(self.positions, self.territories, coordinate_system)

    @strawberry.field(description="The district; null for the whole company.")
    def department_id(self) -> strawberry.ID | None:
        """Global ID of the department."""
        if self.department_pk is None:
            return None
        return strawberry.ID(encode_global_id("Department", self.department_pk))


def _department(department_id: strawberry.ID | None) -> int | None:
    return None if department_id is None else pk_of(department_id, "Department", "departmentId")


@strawberry.type
class TerritoryQuery:
    """Territories and proposals (marketing; heads and deputies for their department)."""

    @strawberry.field(
        description="The current territories of a district and their metrics (marketing; "
        "heads and deputies for their own department). Null when not yours to see."
    )
    async def territories(
        self,
        info: Info,
        department_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="The department; null: the company (or yours)."),
        ] = None,
    ) -> CurrentTerritoriesType | None:
        """Measure the current assignment."""
        found = await info.context.territories.current(_department(department_id))
        if found is None:
            return None
        return CurrentTerritoriesType(
            department_pk=found.department_id,
            metrics=PartitionMetricsType.from_json(found.metrics) if found.metrics else None,
            territories=[TerritorySummaryType.from_json(t) for t in found.territories],
            raw=camel_json(found.metrics),
            positions=found.positions,
        )

    @strawberry.field(description="Territory and schedule proposals you may see, newest first.")
    def territory_proposals(
        self,
        info: Info,
        department_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only this department's.")
        ] = None,
        kind: Annotated[
            ProposalKindEnum | None, strawberry.argument(description="Only this kind.")
        ] = None,
        status: Annotated[
            ProposalStatusEnum | None, strawberry.argument(description="Only this status.")
        ] = None,
        first: FirstArg = None,
        after: AfterArg = None,
        last: LastArg = None,
        before: BeforeArg = None,
    ) -> Connection[TerritoryProposalType]:
        """Proposal list."""
        page = info.context.territories.proposals(
            page_request(first, after, last, before),
            department_id=_department(department_id),
            kinds=() if kind is None else (kind,),
            statuses=() if status is None else (status,),
        )
        return to_connection(page, TerritoryProposalType.from_domain)

    @strawberry.field(description="One proposal with its metrics and the current plan's.")
    def territory_proposal(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The proposal's ID.")],
    ) -> TerritoryProposalType | None:
        """Proposal lookup (null when missing or not yours to see)."""
        found = info.context.territories.proposal(pk_of(id, "TerritoryProposal", "id"))
        return None if found is None else TerritoryProposalType.from_domain(found)

    @strawberry.field(
        description="A planning job (`territoryProposalRequest`, `scheduleProposalRequest`): "
        "status, progress and, once done, the proposal. Null when missing or not yours "
        "(its requester's and marketing's)."
    )
    def job(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The job's ID.")],
    ) -> JobType | None:
        """Job lookup."""
        found = info.context.jobs.find(pk_of(id, "Job", "id"))
        return None if found is None else JobType.from_domain(found)

    @strawberry.field(
        description="A district's barriers and crossings as the GeoJSON FeatureCollection "
        "`districtBarriersSet` stored (null: none set). Marketing; heads and deputies for their "
        "own department."
    )
    def district_barriers(
        self,
        info: Info,
        department_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="The department; null: the whole company."),
        ] = None,
    ) -> JSON | None:
        """One service call."""
        department = (
            None if department_id is None else pk_of(department_id, "Department", "departmentId")
        )
        found = info.context.territories.barriers(department)
        return None if found is None else camel_json(found)  # GeoJSON keys are one word

    @strawberry.field(
        description="Two territory proposals side by side: every retailer they give to "
        "different managers, and their stored measures (marketing; heads and deputies for their "
        "department). Errors as missing when either is not yours to see."
    )
    def territory_proposal_comparison(
        self,
        info: Info,
        a: Annotated[strawberry.ID, strawberry.argument(description="A TERRITORIES proposal.")],
        b: Annotated[strawberry.ID, strawberry.argument(description="Another one.")],
    ) -> ProposalComparisonType:
        """One service call."""
        found = info.context.territories.compare(
            pk_of(a, "TerritoryProposal", "a"), pk_of(b, "TerritoryProposal", "b")
        )
        return ProposalComparisonType.from_domain(*found)

    @strawberry.field(
        description="A manager's routed days: the newest applied schedule, or a given one."
    )
    def schedule(
        self,
        info: Info,
        manager_id: Annotated[strawberry.ID, strawberry.argument(description="The manager.")],
        week: Annotated[
            int | None, strawberry.argument(description="Week of the cycle 0..3; null: all 4.")
        ] = None,
        proposal_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="A schedule proposal; null: the applied one."),
        ] = None,
    ) -> ManagerScheduleType | None:
        """Schedule lookup (managers: their own applied schedule)."""
        found = info.context.territories.schedule(
            pk_of(manager_id, "Manager", "managerId"),
            week=week,
            proposal_id=None
            if proposal_id is None
            else pk_of(proposal_id, "TerritoryProposal", "proposalId"),
        )
        return None if found is None else ManagerScheduleType.from_domain(found)

    @strawberry.field(description="The daily order-calling and delivery zones of a schedule.")
    def district_zones(
        self,
        info: Info,
        proposal_id: Annotated[
            strawberry.ID, strawberry.argument(description="A schedule proposal.")
        ],
    ) -> DistrictZonesType | None:
        """Zones stored with a schedule proposal (null for territory proposals)."""
        found = info.context.territories.proposal(
            pk_of(proposal_id, "TerritoryProposal", "proposalId")
        )
        if found is None:
            return None
        return TerritoryProposalType.from_domain(found).district_zones


@strawberry.type
class JobSubscription:
    """A planning job, followed live."""

    @strawberry.subscription(
        description="A planning job's states as they change: now, then at each progress "
        "report, ending with SUCCEEDED (and its proposal), FAILED or CANCELLED. Its requester's "
        "and marketing's; anyone else gets NOT_FOUND, as for a missing job. Over "
        "graphql-transport-ws with the bearer token as `Authorization` in connection_init."
    )
    async def job_updates(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The job's ID.")],
    ) -> AsyncGenerator[JobType, None]:
        """Follow the job; each state's fields are read in a unit of work of their own."""
        updates = info.context.job_follower.follow(pk_of(id, "Job", "id"))
        # the job is read in short units of work of its own: don't pin a connection meanwhile
        info.context.end_unit_of_work(commit=False)
        try:
            async for job in updates:
                yield JobType.from_domain(job)
                info.context.end_unit_of_work(commit=False)
        finally:
            info.context.end_unit_of_work(commit=False)
