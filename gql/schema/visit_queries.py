"""Queries and the live subscription for visits."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncGenerator
from typing import Annotated, TypeAlias

import strawberry

from gql.context import Context
from gql.domain import Verdict
from gql.schema.inputs import pk_list, pk_of
from gql.schema.paging import AfterArg, BeforeArg, FirstArg, LastArg, page_request
from gql.schema.relay import Connection, encode_global_id, to_connection
from gql.schema.types.directory import ManagerType, RetailerType, load_retailer
from gql.schema.types.enums import described_enum
from gql.schema.types.visits import VerdictEnum, VisitType
from gql.services.visits.events import VisitEventKind
from gql.services.visits.service import VisitQuery as VisitQueryCommand

__all__ = ["VisitFilter", "VisitQuery", "VisitSubscription"]

Info = strawberry.Info[Context, None]

described_enum(
    VisitEventKind,
    name="VisitEventKind",
    description="What happened to a visit.",
    value_descriptions={
        VisitEventKind.STARTED: "The manager pressed 'start visit'.",
        VisitEventKind.ENDED: "The manager pressed 'end visit'.",
        VisitEventKind.SYNCED: "An offline visit arrived late.",
    },
)
VisitEventKindEnum: TypeAlias = VisitEventKind


@strawberry.input(description="Filters for visits; all given filters must hold.")
class VisitFilter:
    """Visit search."""

    manager_ids: list[strawberry.ID] | None = strawberry.field(
        default=None, description="Only these managers' visits."
    )
    retailer_id: strawberry.ID | None = strawberry.field(
        default=None, description="One retailer's visit history."
    )
    verdicts: list[VerdictEnum] | None = strawberry.field(default=None, description="Verdicts.")
    started_from: dt.datetime | None = strawberry.field(
        default=None, description="Started at or after this instant."
    )
    started_before: dt.datetime | None = strawberry.field(
        default=None, description="Started before this instant."
    )
    day_from: dt.date | None = strawberry.field(
        default=None,
        description="Happened on or after this business day: the company's calendar day in its "
        "time zone (UTC+8), not a UTC date; by the device's start time, so an offline visit "
        "synced later counts on the day it was made.",
    )
    day_to: dt.date | None = strawberry.field(
        default=None,
        description="Happened on or before this business day (inclusive; company time zone, "
        "UTC+8). `dayFrom` = `dayTo` lists one day's visits.",
    )

    def to_domain(self) -> VisitQueryCommand:
        """Validate IDs into a service query."""
        return VisitQueryCommand(
            manager_ids=None
            if self.manager_ids is None
            else frozenset(pk_list(self.manager_ids, "Manager", ("filter", "manager_ids"))),
            retailer_id=None
            if self.retailer_id is None
            else pk_of(self.retailer_id, "Retailer", ("filter", "retailer_id")),
            verdicts=frozenset(self.verdicts or ()),
            started_from=self.started_from,
            started_before=self.started_before,
            day_from=self.day_from,
            day_to=self.day_to,
        )


@strawberry.type
class VisitQuery:
    """Visits."""

    @strawberry.field(description="Visits you may see, filtered, in ID order.")
    def visits(
        self,
        info: Info,
        filter: Annotated[VisitFilter | None, strawberry.argument(description="Filters.")] = None,
        first: FirstArg = None,
        after: AfterArg = None,
        last: LastArg = None,
        before: BeforeArg = None,
    ) -> Connection[VisitType]:
        """Visit list (by manager, retailer, verdict, time)."""
        query = (filter or VisitFilter()).to_domain()
        page = info.context.visits.visits(query, page_request(first, after, last, before))
        return to_connection(page, VisitType.from_domain)


@strawberry.type(name="VisitEvent", description="Something happened to a visit.")
class VisitEventType:
    """A live visit event."""

    visit_pk: strawberry.Private[int]
    manager_pk: strawberry.Private[int]
    retailer_pk: strawberry.Private[int]
    kind: VisitEventKindEnum = strawberry.field(description="What happened.")
    visit_id: strawberry.ID = strawberry.field(description="The visit's global ID.")
    manager_id: strawberry.ID = strawberry.field(description="The manager's global ID.")
    retailer_id: strawberry.ID = strawberry.field(description="The retailer's global ID.")
    verdict: VerdictEnum = strawberry.field(
        description="The verdict at that moment (a replayed event: the visit's verdict now)."
    )
    occurred_at: dt.datetime = strawberry.field(
        description="Server time of the event; pass the last one seen as `since` when you "
        "subscribe again."
    )
    dropped_before: int = strawberry.field(
        description="Events this subscriber missed just before this one (a slow consumer, or "
        "a replay longer than its limit)."
    )
    replayed: bool = strawberry.field(
        description="Read back for a board that subscribed with `since`, not heard live."
    )

    @strawberry.field(description="The visit itself, so a live board needs no second query.")
    def visit(self, info: Info) -> VisitType | None:
        """Read when the event is sent (null if it is no longer in your scope)."""
        found = info.context.visits.by_ids([self.visit_pk])[0]
        return None if found is None else VisitType.from_domain(found)

    @strawberry.field(description="The manager who made the visit.")
    async def manager(self, info: Info) -> ManagerType | None:
        """Through the subscriber's manager loader (its scope)."""
        return ManagerType.maybe(await info.context.loaders.managers.load(self.manager_pk))

    @strawberry.field(description="The retailer visited.")
    async def retailer(self, info: Info) -> RetailerType | None:
        """Through the subscriber's retailer loader (its scope)."""
        return await load_retailer(info, self.retailer_pk)


@strawberry.type
class VisitSubscription:
    """Live events."""

    @strawberry.subscription(
        description="Visit events of a department (heads, deputies, marketing), over "
        "graphql-transport-ws; send the bearer token as `Authorization` in connection_init."
    )
    async def visit_events(
        self,
        info: Info,
        department_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="The department; default: your own."),
        ] = None,
        since: Annotated[
            dt.datetime | None,
            strawberry.argument(
                description="Replay first the events after this server time (the `occurredAt` "
                "of the last event you saw before a disconnect; at most 24 h back), then go on "
                "live. Nothing falls between the replay and the live events, and none comes "
                "twice."
            ),
        ] = None,
    ) -> AsyncGenerator[VisitEventType, None]:
        """Stream events after checking the caller may watch the department."""
        wanted = (
            None if department_id is None else pk_of(department_id, "Department", "departmentId")
        )
        stream = info.context.live.subscribe(wanted, since)
        # The stream needs the database only to authenticate, and a dashboard stays subscribed
        # for hours: end the unit of work now rather than pin a pooled connection (and, on
        # PostgreSQL, locks that block DDL) for the life of the subscription.
        info.context.end_unit_of_work(commit=False)
        try:
            async for event in stream:
                yield VisitEventType(
                    visit_pk=event.visit_id,
                    manager_pk=event.manager_id,
                    retailer_pk=event.retailer_id,
                    kind=event.kind,
                    visit_id=strawberry.ID(encode_global_id("Visit", event.visit_id)),
                    manager_id=strawberry.ID(encode_global_id("Manager", event.manager_id)),
                    retailer_id=strawberry.ID(encode_global_id("Retailer", event.retailer_id)),
                    verdict=Verdict(event.verdict),
                    occurred_at=event.occurred_at,
                    dropped_before=event.dropped_before,
                    replayed=event.replayed,
                )
                # resumed once this event's fields (visit, manager, retailer) have been read and
                # sent, in a unit of work of their own: end it now, not when the next event comes
                info.context.end_unit_of_work(commit=False)
        finally:
            # a board that disconnects right after an event: that event's unit of work (and
            # its evidence-access log entry) ends here, not with the garbage collector
            info.context.end_unit_of_work(commit=False)
