"""``retailerSuspend``, ``retailerClose``, ``retailerReopen``: a licence's status from a day on."""

from __future__ import annotations

import datetime as dt

import strawberry

from gql.context import Context
from gql.domain import RetailerStatus
from gql.schema.errors import UserError
from gql.schema.inputs import pk_of
from gql.schema.types.directory import RetailerType
from gql.schema.types.retailer_status import RetailerStatusChangeType
from gql.services.directory.lifecycle import StatusChangeCommand

__all__ = [
    "RetailerStatusChangeInput",
    "RetailerStatusChangePayload",
    "retailer_close",
    "retailer_reopen",
    "retailer_suspend",
]


@strawberry.input(description="A retailer's licence status changes from a business day on.")
class RetailerStatusChangeInput:
    """Which retailer, from when, and why."""

    id: strawberry.ID = strawberry.field(description="The retailer.")
    effective_on: dt.date = strawberry.field(
        description="First business day of the new status (within a year of today)."
    )
    reason: str = strawberry.field(description="Why, e.g. the licence authority's decision.")


@strawberry.type(description="Result of `retailerSuspend` / `retailerClose` / `retailerReopen`.")
class RetailerStatusChangePayload:
    """The retailer and the recorded change, or why not."""

    retailer: RetailerType | None = strawberry.field(
        default=None, description="The retailer afterwards (`status` is today's)."
    )
    change: RetailerStatusChangeType | None = strawberry.field(
        default=None, description="The recorded change."
    )
    stops_let_go: int | None = strawberry.field(
        default=None,
        description="Stops at the retailer in current plans from the effective day on, now "
        "skipped with the reason (suspend and close).",
    )
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing was changed."
    )


def _change(
    info: strawberry.Info[Context, None], given: RetailerStatusChangeInput, status: RetailerStatus
) -> RetailerStatusChangePayload:
    changed = info.context.retailer_lifecycle.change(
        StatusChangeCommand(
            retailer_id=pk_of(given.id, "Retailer", ("retailer_id",)),
            status=status,
            effective_on=given.effective_on,
            reason=given.reason,
        )
    )
    return RetailerStatusChangePayload(
        retailer=RetailerType.from_domain(changed.retailer),
        change=RetailerStatusChangeType.from_domain(changed.change),
        stops_let_go=changed.stops_let_go,
    )


def retailer_suspend(
    info: strawberry.Info[Context, None], input: RetailerStatusChangeInput
) -> RetailerStatusChangePayload:
    """Suspend an active licence (administrators, marketing)."""
    return _change(info, input, RetailerStatus.SUSPENDED)


def retailer_close(
    info: strawberry.Info[Context, None], input: RetailerStatusChangeInput
) -> RetailerStatusChangePayload:
    """Close an active or suspended licence (administrators, marketing)."""
    return _change(info, input, RetailerStatus.CLOSED)


def retailer_reopen(
    info: strawberry.Info[Context, None], input: RetailerStatusChangeInput
) -> RetailerStatusChangePayload:
    """Reopen a suspended or closed licence (administrators, marketing)."""
    return _change(info, input, RetailerStatus.ACTIVE)
