"""The organisation's change log as the API shows it."""

from __future__ import annotations

from datetime import date, datetime

import strawberry
from strawberry.scalars import JSON

from gql.schema.relay import encode_global_id
from gql.schema.scalars import as_json
from gql.store.repositories import OrgChange

__all__ = ["OrgChangeType"]


@strawberry.type(name="OrgChange", description="One recorded change of the organisation.")
class OrgChangeType:
    """Who changed which department, person or manager, when, and how."""

    at: datetime = strawberry.field(description="When the change was made.")
    actor_id: strawberry.ID | None = strawberry.field(
        description="Staff ID of who made it; null for the command line (imports)."
    )
    subject: str = strawberry.field(description="DEPARTMENT, STAFF or MANAGER.")
    subject_id: strawberry.ID = strawberry.field(description="ID of the changed object.")
    action: str = strawberry.field(
        description="CREATED, CHANGED, DEACTIVATED, REACTIVATED, PHONE_CHANGED or IMPORTED."
    )
    effective_on: date = strawberry.field(description="The business day it takes effect.")
    detail: JSON = strawberry.field(
        description="What changed: new values, or [before, after] pairs; phone numbers masked."
    )

    @classmethod
    def from_domain(cls, change: OrgChange) -> OrgChangeType:
        """Map a recorded change."""
        type_name = {"DEPARTMENT": "Department", "STAFF": "Staff", "MANAGER": "Manager"}
        return cls(
            at=change.at,
            actor_id=None
            if change.actor_id is None
            else strawberry.ID(encode_global_id("Staff", change.actor_id)),
            subject=change.subject,
            subject_id=strawberry.ID(
                encode_global_id(type_name.get(change.subject, "Staff"), change.subject_id)
            ),
            action=change.action,
            effective_on=change.effective_on,
            detail=as_json(change.detail),
        )
