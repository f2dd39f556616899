"""``scoreEventRetract`` and ``scoreEventDecide``: an input's life after it is recorded.

A recorded input is retracted (with reason, by whom) while its month is open; a held audit
finding or an amendment proposal is accepted or rejected by marketing.
"""

from __future__ import annotations

import strawberry

from gql.context import Context
from gql.schema.errors import UserError
from gql.schema.inputs import pk_of
from gql.schema.types.scores import ScoreEventType

__all__ = [
    "ScoreEventDecideInput",
    "ScoreEventPayload",
    "ScoreEventRetractInput",
    "score_event_decide",
    "score_event_retract",
]


@strawberry.input(description="Withdraw a recorded input while its month is open.")
class ScoreEventRetractInput:
    """Which input and why."""

    event_id: strawberry.ID = strawberry.field(description="The ScoreEvent.")
    reason: str = strawberry.field(description="Why (kept; at most 400 characters).")


@strawberry.input(description="Marketing's decision on a HELD finding or a PROPOSED input.")
class ScoreEventDecideInput:
    """Accept (it counts; in a closed month it amends the result) or reject."""

    event_id: strawberry.ID = strawberry.field(description="The ScoreEvent.")
    accept: bool = strawberry.field(description="true: count it; false: reject it.")
    reason: str = strawberry.field(description="Why (kept; at most 400 characters).")


@strawberry.type(description="Result of `scoreEventRetract` / `scoreEventDecide`.")
class ScoreEventPayload:
    """The event in its new status, or why not."""

    event: ScoreEventType | None = strawberry.field(default=None, description="The event.")
    user_errors: list[UserError] = strawberry.field(
        default_factory=list, description="Why nothing changed."
    )


def score_event_retract(
    info: strawberry.Info[Context, None], input: ScoreEventRetractInput
) -> ScoreEventPayload:
    """Retract: the event stays on record as RETRACTED and no longer counts."""
    event = info.context.evaluations.retract(
        pk_of(input.event_id, "ScoreEvent", ("event_id",)), input.reason
    )
    return ScoreEventPayload(event=ScoreEventType.from_domain(event))


def score_event_decide(
    info: strawberry.Info[Context, None], input: ScoreEventDecideInput
) -> ScoreEventPayload:
    """Decide a held finding or an amendment proposal."""
    event = info.context.evaluations.decide(
        pk_of(input.event_id, "ScoreEvent", ("event_id",)), accept=input.accept, reason=input.reason
    )
    return ScoreEventPayload(event=ScoreEventType.from_domain(event))
