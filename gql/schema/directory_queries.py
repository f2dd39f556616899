"""The query root: each resolver reads its arguments, calls one service, maps the result."""

from __future__ import annotations

import asyncio
from typing import Annotated

import strawberry

from gql.context import Context
from gql.schema.inputs import RetailerFilter, global_id_of, pk_of
from gql.schema.paging import AfterArg, BeforeArg, FirstArg, LastArg, page_request
from gql.schema.relay import MAX_PAGE_SIZE, Connection, Node, to_connection
from gql.schema.types.audits import AuditPlanType, AuditRecordType
from gql.schema.types.directory import (
    DepartmentType,
    ManagerType,
    RetailerType,
    StaffType,
    retailer_connection,
)
from gql.schema.types.enums import RoleEnum
from gql.schema.types.plans import VisitPlanType
from gql.schema.types.scores import EvaluationResultType, GoalType, ScoreEventType
from gql.schema.types.territories import TerritoryProposalType
from gql.schema.types.visits import VisitType
from gql.services.errors import InvalidInput

__all__ = ["DirectoryQuery"]

Info = strawberry.Info[Context, None]


@strawberry.type(description="The signed-in caller and what they may do.")
class Viewer:
    """The caller."""

    staff: StaffType = strawberry.field(description="The caller's staff record.")
    role: RoleEnum = strawberry.field(description="The caller's role.")

    @strawberry.field(description="The caller's department.")
    async def department(self, info: Info) -> DepartmentType | None:
        """The caller's own department."""
        department = await info.context.loaders.departments.load(self.staff.department_pk)
        return None if department is None else DepartmentType.from_domain(department)

    @strawberry.field(description="The caller as an account manager, if they are one.")
    async def manager(self, info: Info) -> ManagerType | None:
        """Account managers see their own manager record; others get null."""
        manager = await info.context.loaders.managers.load(self.staff.pk)
        return ManagerType.maybe(manager)


_SCORE_NODES = frozenset({"AuditPlan", "AuditRecord", "ScoreEvent", "EvaluationResult", "Goal"})


def _score_node(info: Info, type_name: str, pk: int) -> Node | None:
    """Audit and score nodes, each through its service's scope."""
    context = info.context
    if type_name == "AuditPlan":
        plan = context.audits.by_ids([pk])[0]
        return None if plan is None else AuditPlanType.from_domain(plan)
    if type_name == "AuditRecord":
        record = context.audits.records_by_ids([pk])[0]
        return None if record is None else AuditRecordType.from_domain(record)
    if type_name == "ScoreEvent":
        event = context.evaluations.events_by_ids([pk])[0]
        return None if event is None else ScoreEventType.from_domain(event)
    if type_name == "EvaluationResult":
        view = context.evaluations.result_views_by_ids([pk])[0]
        return None if view is None else EvaluationResultType.from_domain(view)
    goal = context.performance.goals_by_ids([pk])[0]
    return None if goal is None else GoalType.from_domain(goal)


async def _node(info: Info, type_name: str, pk: int) -> Node | None:
    """Relay object refetch; obeys the same scope as every list."""
    loaders = info.context.loaders
    if type_name == "Retailer":
        retailer = await loaders.retailers.load(pk)
        return None if retailer is None else RetailerType.from_domain(retailer)
    if type_name == "Manager":
        manager = await loaders.managers.load(pk)
        return ManagerType.maybe(manager)
    if type_name == "Department":
        department = await loaders.departments.load(pk)
        return None if department is None else DepartmentType.from_domain(department)
    if type_name == "VisitPlan":
        plan = info.context.plans.by_ids([pk])[0]
        return None if plan is None else VisitPlanType.from_domain(plan)
    if type_name == "Visit":
        visit = info.context.visits.by_ids([pk])[0]
        return None if visit is None else VisitType.from_domain(visit)
    if type_name in _SCORE_NODES:
        return _score_node(info, type_name, pk)
    if type_name == "TerritoryProposal":
        proposal = info.context.territories.proposal(pk)
        return None if proposal is None else TerritoryProposalType.from_domain(proposal)
    if type_name == "Staff":
        staff = info.context.organisation.staff_member(pk)
        return None if staff is None else StaffType.from_domain(staff)
    return None


@strawberry.type(description="Read the city's retailers, managers, plans, visits and scores.")
class DirectoryQuery:
    """Reference data: the caller, retailers, managers, departments."""

    @strawberry.field(description="The signed-in caller.")
    def viewer(self, info: Info) -> Viewer:
        """Who is asking."""
        staff = info.context.directory.viewer()
        return Viewer(staff=StaffType.from_domain(staff), role=staff.role)

    @strawberry.field(description="Any object by its global ID; null if missing or not yours.")
    async def node(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="Global ID.")],
    ) -> Node | None:
        """Relay object refetch; obeys the same scope as every list."""
        type_name, pk = global_id_of(id)
        return await _node(info, type_name, pk)

    @strawberry.field(
        description=f"Objects by their global IDs (at most {MAX_PAGE_SIZE}), in the order "
        "asked; null for each one missing or not yours."
    )
    async def nodes(
        self,
        info: Info,
        ids: Annotated[list[strawberry.ID], strawberry.argument(description="Global IDs.")],
    ) -> list[Node | None]:
        """Batch refetch: one loader round for all IDs, same scope as `node`."""
        if len(ids) > MAX_PAGE_SIZE:
            raise InvalidInput(f"at most {MAX_PAGE_SIZE} IDs, got {len(ids)}", field=("ids",))
        keys = [global_id_of(one, ("ids", str(index))) for index, one in enumerate(ids)]
        return list(await asyncio.gather(*(_node(info, name, pk) for name, pk in keys)))

    @strawberry.field(description="One retailer; null if missing or outside your scope.")
    async def retailer(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="Retailer ID.")],
    ) -> RetailerType | None:
        """Retailer by ID."""
        retailer = await info.context.loaders.retailers.load(pk_of(id, "Retailer"))
        return None if retailer is None else RetailerType.from_domain(retailer)

    @strawberry.field(description="Retailers you may see, filtered, in ID order.")
    def retailers(
        self,
        info: Info,
        filter: Annotated[
            RetailerFilter | None, strawberry.argument(description="Filters; all must hold.")
        ] = None,
        first: FirstArg = None,
        after: AfterArg = None,
        last: LastArg = None,
        before: BeforeArg = None,
    ) -> Connection[RetailerType]:
        """Retailer search."""
        query = (filter or RetailerFilter()).to_domain()
        page = info.context.directory.retailers(query, page_request(first, after, last, before))
        return retailer_connection(page, info)

    @strawberry.field(description="One account manager; null if missing or outside your scope.")
    async def manager(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="Manager ID.")],
    ) -> ManagerType | None:
        """Manager by ID."""
        manager = await info.context.loaders.managers.load(pk_of(id, "Manager"))
        return ManagerType.maybe(manager)

    @strawberry.field(description="Account managers you may see, optionally of one department.")
    def managers(
        self,
        info: Info,
        department_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only this department.")
        ] = None,
        first: FirstArg = None,
        after: AfterArg = None,
        last: LastArg = None,
        before: BeforeArg = None,
    ) -> Connection[ManagerType]:
        """Manager list."""
        department = None if department_id is None else pk_of(department_id, "Department")
        page = info.context.directory.managers(department, page_request(first, after, last, before))
        return to_connection(page, ManagerType.from_domain)

    @strawberry.field(description="Every department of the company.")
    def departments(self, info: Info) -> list[DepartmentType]:
        """Department list."""
        return [DepartmentType.from_domain(d) for d in info.context.directory.departments()]
