"""The organisation's change log as the API shows it."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from gql.schema.relay import encode_global_id
from gql.store.repositories import OrgChange

__all__ = ["OrgChangeType", "OrgFieldChangeType"]

_NOTES = ("reason", "file")


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


@strawberry.type(name="OrgFieldChange", description="One field of a recorded change.")
class OrgFieldChangeType:
    """A field's value before and after, as text (IDs are database keys)."""

    field: str = strawberry.field(description="The field (snake_case, as stored).")
    old: str | None = strawberry.field(description="Before; null when the object was created.")
    new: str | None = strawberry.field(description="After.")


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
        description="CREATED, CHANGED, DEACTIVATED, REACTIVATED, PHONE_CHANGED, START_MOVED "
        "or IMPORTED."
    )
    effective_on: date = strawberry.field(description="The business day it takes effect.")
    reason: str | None = strawberry.field(description="Why, as the changer said.")
    source_file: str | None = strawberry.field(description="The CSV file of an import.")
    changes: list[OrgFieldChangeType] = strawberry.field(
        description="What changed, field by field; phone numbers masked."
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
            reason=_text(change.detail.get("reason")),
            source_file=_text(change.detail.get("file")),
            changes=[
                _field(name, value) for name, value in change.detail.items() if name not in _NOTES
            ],
        )


def _field(name: str, value: object) -> OrgFieldChangeType:
    """``[before, after]`` pairs are changes; anything else is a value set (``old`` null)."""
    if isinstance(value, list) and len(value) == 2:
        return OrgFieldChangeType(field=name, old=_text(value[0]), new=_text(value[1]))
    return OrgFieldChangeType(field=name, old=None, new=_text(value))
