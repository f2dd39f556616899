"""Where a published plan and each of its stops stand during the day (R2.1)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime

    from gql.domain.visits import Verdict

__all__ = ["PlanProgress", "StopProgress", "StopState"]


class PlanProgress(enum.StrEnum):
    """DRAFT → PUBLISHED → IN_PROGRESS (a stop settled) → DONE (all settled, or the day over)."""

    DRAFT = "DRAFT"
    PUBLISHED = "PUBLISHED"
    IN_PROGRESS = "IN_PROGRESS"
    DONE = "DONE"
    SUPERSEDED = "SUPERSEDED"


class StopState(enum.StrEnum):
    """A stop is planned until visited or skipped; a stop left after the day is not visited."""

    PLANNED = "PLANNED"
    VISITED = "VISITED"
    SKIPPED = "SKIPPED"
    NOT_VISITED = "NOT_VISITED"


@dataclass(frozen=True, slots=True)
class StopProgress:
    """One stop's state with its evidence: the visit and its verdict, or the skip's reason."""

    stop_id: int
    state: StopState
    visit_id: int | None = None
    verdict: Verdict | None = None
    skip_reason: str | None = None
    skipped_at: datetime | None = None
