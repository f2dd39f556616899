"""``visitsSync``: upload visits captured while the handheld had no signal (R3.5)."""

from __future__ import annotations

import datetime as dt

import strawberry

from gql.context import Context
from gql.schema.errors import UserError, user_errors
from gql.schema.inputs import pk_of
from gql.schema.mutations._visit_inputs import DeviceFixInput, device_fix
from gql.schema.types.visits import VisitType
from gql.services.errors import FieldPath
from gql.services.visits.service import MAX_SYNC_BATCH, CheckIn, SyncItem

__all__ = [
    "SYNC_ALIASES",
    "OfflineVisitInput",
    "VisitsSyncInput",
    "VisitsSyncPayload",
    "visits_sync",
]

SYNC_ALIASES: dict[str, FieldPath] = {
    "items": ("visits",),
    "check_in": (),
    "device_time": ("started_at",),
    "device_fix": ("start_fix",),
}
"""The service's ``items`` are the input's ``visits``; an item's check-in fields are named as
:class:`OfflineVisitInput` names them."""


@strawberry.input(description="One visit recorded offline on the handheld.")
class OfflineVisitInput:
    """An offline visit: its key, device times and fixes."""

    retailer_id: strawberry.ID = strawberry.field(description="The retailer visited.")
    idempotency_key: str = strawberry.field(description="The key made when it was recorded.")
    started_at: dt.datetime = strawberry.field(description="Device time of 'start visit'.")
    start_fix: DeviceFixInput | None = strawberry.field(default=None, description="Start fix.")
    ended_at: dt.datetime | None = strawberry.field(default=None, description="Device end time.")
    end_fix: DeviceFixInput | None = strawberry.field(default=None, description="End fix.")
    plan_stop_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="The stop of the published plan this visit fulfils (PlanStop ID); without "
        "it, a visit to a stop's retailer that day settles the stop anyway.",
    )


@strawberry.input(description=f"A batch of offline visits (at most {MAX_SYNC_BATCH}).")
class VisitsSyncInput:
    """The batch."""

    visits: list[OfflineVisitInput] = strawberry.field(description="In any order.")


@strawberry.type(name="VisitSyncResult", description="What happened to one offline visit.")
class VisitSyncResultType:
    """Per-item result."""

    idempotency_key: str = strawberry.field(description="The item's key.")
    visit: VisitType | None = strawberry.field(description="The stored visit.")
    created: bool = strawberry.field(description="False when it had been synced before.")
    error: UserError | None = strawberry.field(
        description="Why this item was not stored (its first fault; the path starts at the item)."
    )


@strawberry.type(description="Result of `visitsSync`.")
class VisitsSyncPayload:
    """Per-item results in input order."""

    results: list[VisitSyncResultType] = strawberry.field(
        default_factory=list, description="One per input item."
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why the batch was refused."
    )


async def visits_sync(
    info: strawberry.Info[Context, None], input: VisitsSyncInput
) -> VisitsSyncPayload:
    """Store offline visits: device times kept, marked late, no carrier lookup for the past."""
    items = [
        SyncItem(
            check_in=CheckIn(
                retailer_id=pk_of(v.retailer_id, "Retailer", ("items", n, "retailer_id")),
                idempotency_key=v.idempotency_key,
                device_fix=device_fix(v.start_fix),
                device_time=v.started_at,
                plan_stop_id=None
                if v.plan_stop_id is None
                else pk_of(v.plan_stop_id, "PlanStop", ("items", n, "plan_stop_id")),
            ),
            ended_at=v.ended_at,
            end_fix=device_fix(v.end_fix),
        )
        for n, v in enumerate(input.visits)
    ]
    results = await info.context.visits.sync(items)
    index = {item.check_in.idempotency_key: n for n, item in enumerate(items)}
    return VisitsSyncPayload(
        results=[
            VisitSyncResultType(
                idempotency_key=r.idempotency_key,
                visit=None if r.visit is None else VisitType.from_domain(r.visit),
                created=r.created,
                error=next(
                    iter(
                        user_errors(
                            r.problems,
                            root=("input", "visits", str(index[r.idempotency_key])),
                            aliases=SYNC_ALIASES,
                        )
                    ),
                    None,
                ),
            )
            for r in results
        ]
    )
