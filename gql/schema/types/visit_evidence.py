"""Verdict evidence of a visit as typed objects instead of the stored JSON blob.

The service stores each verdict's evidence as a dict (``verdict_json``) beside the fixes; this
module reads that record into camelCase types with global IDs, so clients never meet
snake_case keys or raw database ids.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import strawberry

from gql.context import Context
from gql.schema.relay import encode_global_id
from gql.schema.types.directory import RetailerType, load_retailer

__all__ = ["CarrierOutcomeType", "NearerRetailerType", "VerdictEvidenceType"]

Info = strawberry.Info[Context, None]


@strawberry.type(
    name="NearerRetailer",
    description="A licensed retailer closer to the position estimate than the one visited.",
)
class NearerRetailerType:
    """One nearer retailer, resolvable without a follow-up query."""

    retailer_pk: strawberry.Private[int]
    retailer_id: strawberry.ID = strawberry.field(description="Global ID of the nearer retailer.")
    distance_m: float = strawberry.field(
        description="Metres from the position estimate, one decimal."
    )

    @strawberry.field(description="The nearer retailer; null if outside your scope.")
    async def retailer(self, info: Info) -> RetailerType | None:
        """Batched through the retailer loader."""
        return await load_retailer(info, self.retailer_pk)


@strawberry.type(
    name="VerdictEvidence",
    description="What a check-in or check-out verdict was decided on, as recorded then.",
)
class VerdictEvidenceType:
    """One phase's verdict evidence."""

    kind: str = strawberry.field(description="IN_PLACE, NOT_IN_PLACE or INCONCLUSIVE.")
    radius_m: float = strawberry.field(description="The policy radius around the retailer.")
    distance_m: float | None = strawberry.field(
        description="Metres from the position estimate to the retailer, one decimal."
    )
    probability_within: float | None = strawberry.field(
        description="Probability the phone was inside the radius (error model), 0..1."
    )
    sigma_m: float | None = strawberry.field(
        description="Standard deviation of the position estimate, metres."
    )
    reasons: list[str] = strawberry.field(description="Why the verdict is what it is.")
    flags: list[str] = strawberry.field(description="Plausibility findings of this phase.")
    nearer_retailers: list[NearerRetailerType] = strawberry.field(
        description="Licensed retailers closer to the estimate than the one visited."
    )
    event_at: dt.datetime | None = strawberry.field(
        description="When the button was pressed (UTC)."
    )

    @classmethod
    def maybe(cls, record: Mapping[str, Any] | None) -> VerdictEvidenceType | None:
        """Read a stored ``verdict_json`` record; null when the phase has none."""
        if not record:
            return None
        event_at = record.get("event_at")
        return cls(
            kind=str(record.get("kind")),
            radius_m=float(record.get("radius_m") or 0.0),
            distance_m=record.get("distance_m"),
            probability_within=record.get("probability_within"),
            sigma_m=record.get("sigma_m"),
            reasons=list(record.get("reasons", [])),
            flags=list(record.get("flags", [])),
            nearer_retailers=[
                NearerRetailerType(
                    retailer_pk=int(near["retailer_id"]),
                    retailer_id=strawberry.ID(
                        encode_global_id("Retailer", int(near["retailer_id"]))
                    ),
                    distance_m=float(near["distance_m"]),
                )
                for near in record.get("nearer_retailers", [])
            ],
            event_at=None if event_at is None else dt.datetime.fromisoformat(event_at),
        )


@strawberry.type(
    name="CarrierOutcome",
    description="How the carrier's network position lookup at check-in ended.",
)
class CarrierOutcomeType:
    """The outcome code and the carrier's own words; the raw exchange stays server-side."""

    outcome: str | None = strawberry.field(description="The carrier's outcome code.")
    detail: str | None = strawberry.field(description="The carrier's explanation, if any.")

    @classmethod
    def maybe(cls, record: Mapping[str, Any] | None) -> CarrierOutcomeType | None:
        """Read the stored carrier record; null when there was no lookup."""
        if not record:
            return None
        outcome, detail = record.get("outcome"), record.get("detail")
        return cls(
            outcome=None if outcome is None else str(outcome),
            detail=None if detail is None else str(detail),
        )
