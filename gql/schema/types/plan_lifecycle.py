"""A plan's progress through the day as the planning screen and the handheld see it."""

from __future__ import annotations

import datetime as dt
from typing import TypeAlias

import strawberry

from gql.domain.plan_lifecycle import PlanProgress, StopProgress, StopState
from gql.schema.relay import encode_global_id
from gql.schema.types.enums import described_enum
from gql.schema.types.visits import VerdictEnum

__all__ = ["PlanLifecycleType", "PlanProgressEnum", "StopProgressType", "StopStateEnum"]

described_enum(
    PlanProgress,
    name="PlanProgress",
    description="Where a plan is in its day.",
    value_descriptions={
        PlanProgress.DRAFT: "Computed, not yet on the handheld.",
        PlanProgress.PUBLISHED: "On the handheld; no stop settled yet.",
        PlanProgress.IN_PROGRESS: "Some stops visited or skipped.",
        PlanProgress.DONE: "Every stop visited, skipped, or left when the day ended.",
        PlanProgress.SUPERSEDED: "Replaced by a re-plan; kept for history.",
    },
)
described_enum(
    StopState,
    name="StopState",
    description="Where one stop of a plan stands.",
    value_descriptions={
        StopState.PLANNED: "Still to visit.",
        StopState.VISITED: "Visited: see `visitId` and `verdict`.",
        StopState.SKIPPED: "Not to be visited, for the manager's `skipReason`.",
        StopState.NOT_VISITED: "The day ended without a visit or a reason.",
    },
)
PlanProgressEnum: TypeAlias = PlanProgress
StopStateEnum: TypeAlias = StopState


@strawberry.type(name="StopProgress", description="One stop's state and its evidence.")
class StopProgressType:
    """Visited (with the visit and its verdict), skipped (with the reason), or neither."""

    plan_stop_id: strawberry.ID = strawberry.field(description="The stop (PlanStop ID).")
    state: StopStateEnum = strawberry.field(description="Planned, visited, skipped, not visited.")
    visit_id: strawberry.ID | None = strawberry.field(description="The visit that settled it.")
    verdict: VerdictEnum | None = strawberry.field(description="That visit's verdict.")
    skip_reason: str | None = strawberry.field(description="Why the manager skipped it.")
    skipped_at: dt.datetime | None = strawberry.field(description="When it was skipped.")

    @classmethod
    def from_domain(cls, stop: StopProgress) -> StopProgressType:
        """Map a stop's progress."""
        return cls(
            plan_stop_id=strawberry.ID(encode_global_id("PlanStop", stop.stop_id)),
            state=stop.state,
            visit_id=None
            if stop.visit_id is None
            else strawberry.ID(encode_global_id("Visit", stop.visit_id)),
            verdict=stop.verdict,
            skip_reason=stop.skip_reason,
            skipped_at=stop.skipped_at,
        )


@strawberry.type(name="PlanLifecycle", description="A plan's publication and progress.")
class PlanLifecycleType:
    """Version and reason of the publication, and every stop's state."""

    progress: PlanProgressEnum = strawberry.field(description="Draft … done.")
    version: int | None = strawberry.field(
        description="1 for the day's first published plan, then one more per re-plan."
    )
    replan_reason: str | None = strawberry.field(description="Why this plan replaced one.")
    published_at: dt.datetime | None = strawberry.field(description="When it was published.")
    stops: list[StopProgressType] = strawberry.field(description="Stops in visiting order.")
