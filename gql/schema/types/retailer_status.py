"""A retailer's recorded licence status changes (issue 16)."""

from __future__ import annotations

import datetime as dt

import strawberry

from gql.domain.retailers import RetailerStatusChange
from gql.schema.relay import encode_global_id
from gql.schema.types.enums import RetailerStatusEnum

__all__ = ["RetailerStatusChangeType"]


@strawberry.type(
    name="RetailerStatusChange", description="A recorded licence status change of a retailer."
)
class RetailerStatusChangeType:
    """Who changed what, when, in force from which day."""

    status: RetailerStatusEnum = strawberry.field(description="The status from `effectiveOn`.")
    previous_status: RetailerStatusEnum = strawberry.field(description="The status it replaced.")
    effective_on: dt.date = strawberry.field(description="First business day in force.")
    reason: str = strawberry.field(description="Why.")
    changed_by_id: strawberry.ID | None = strawberry.field(
        description="Staff member who recorded it."
    )
    changed_at: dt.datetime = strawberry.field(description="When it was recorded.")

    @classmethod
    def from_domain(cls, change: RetailerStatusChange) -> RetailerStatusChangeType:
        """Map a recorded change."""
        return cls(
            status=change.status,
            previous_status=change.previous_status,
            effective_on=change.effective_on,
            reason=change.reason,
            changed_by_id=None
            if change.changed_by is None
            else strawberry.ID(encode_global_id("Staff", change.changed_by)),
            changed_at=change.changed_at,
        )
