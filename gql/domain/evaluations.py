"""Score events, closed evaluation results, amendments and goals as stored (考评, R7).

The rules that turn events into scores live in :mod:`gql.services.evaluations.rules`; these types
are what the store returns. A closed result is never updated: a change is an :class:`AmendmentInfo`
appended to it (R7.5, 一人一档).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import date, datetime

__all__ = [
    "AmendmentInfo",
    "EvaluationResultInfo",
    "GoalInfo",
    "PeriodKind",
    "RankScope",
    "ReopeningInfo",
    "ReviewInfo",
    "ScoreEventInfo",
    "ScoreEventKind",
    "ScoreEventStatus",
]


class ScoreEventKind(enum.StrEnum):
    """Every input kind of the evaluation (issue 7, item 4)."""

    SALES_SETTLEMENT = "SALES_SETTLEMENT"
    RULE_BREACH = "RULE_BREACH"
    COMPLAINT = "COMPLAINT"
    LEAVE = "LEAVE"
    BASIC_WORK_CHECK = "BASIC_WORK_CHECK"
    TRAINING_RESULT = "TRAINING_RESULT"
    COMPLIANCE_VETO = "COMPLIANCE_VETO"
    AUDIT_FINDING = "AUDIT_FINDING"


class PeriodKind(enum.StrEnum):
    """The evaluation periods that are closed into a person's file."""

    MONTH = "MONTH"
    QUARTER = "QUARTER"
    YEAR = "YEAR"


class ScoreEventStatus(enum.StrEnum):
    """Where an input is in its life; only ``RECORDED`` events count in a score.

    ``HELD``: an audit finding whose auditor's own position was not verified in place, waiting
    for marketing's review. ``PROPOSED``: an input for a closed period, a pending amendment
    proposal for marketing (never a silent write). ``RETRACTED``: withdrawn while its period
    was open. ``REJECTED``: a held or proposed input marketing declined.
    """

    RECORDED = "RECORDED"
    HELD = "HELD"
    PROPOSED = "PROPOSED"
    RETRACTED = "RETRACTED"
    REJECTED = "REJECTED"


class RankScope(enum.StrEnum):
    """The population a closed result was ranked in."""

    DEPARTMENT = "DEPARTMENT"
    COMPANY = "COMPANY"


@dataclass(frozen=True, slots=True)
class ScoreEventInfo:
    """One recorded input with who recorded it and when; ``details`` holds its kind's fields.

    ``source_key`` makes derived events idempotent (a sales settlement per manager, month and
    item; an audit finding per audit record and kind). ``status_reason`` says why an event is
    held or proposed; ``decided_*`` who retracted, accepted or rejected it, when and why.
    """

    id: int
    manager_id: int
    kind: ScoreEventKind
    occurred_on: date
    recorded_by: int
    recorded_at: datetime
    details: Mapping[str, Any]
    source_key: str | None = None
    status: ScoreEventStatus = ScoreEventStatus.RECORDED
    status_reason: str | None = None
    decided_by: int | None = None
    decided_at: datetime | None = None
    decision_reason: str | None = None


@dataclass(frozen=True, slots=True)
class AmendmentInfo:
    """A recorded change to a closed result: author, reason, time and the new values."""

    id: int
    seq: int
    author_id: int
    reason: str
    at: datetime
    changes: Mapping[str, Any]
    event_id: int | None = None
    """The input (an accepted proposal) the amendment applied, if any."""


@dataclass(frozen=True, slots=True)
class ReopeningInfo:
    """A closed period reopened by marketing: which, why, by whom and when."""

    id: int
    kind: PeriodKind
    period: str
    department_id: int | None
    reason: str
    reopened_by: int
    reopened_at: datetime


@dataclass(frozen=True, slots=True)
class ReviewInfo:
    """A review meeting held (月度/季度工作评价会): of a department's month or the quarter."""

    id: int
    kind: PeriodKind
    period: str
    department_id: int | None
    held_on: date
    recorded_by: int
    recorded_at: datetime
    note: str


@dataclass(frozen=True, slots=True)
class EvaluationResultInfo:
    """A closed result of one person for one period (version 0) and its amendments.

    ``values`` are the scalar fields as closed; ``detail`` keeps the provenance (score lines,
    dismissal flags, elimination reasons) that explains them.
    """

    id: int
    kind: PeriodKind
    period: str
    manager_id: int
    department_id: int
    policy_version: str
    values: Mapping[str, Any]
    detail: Mapping[str, Any]
    closed_by: int
    closed_at: datetime
    amendments: tuple[AmendmentInfo, ...] = field(default=())
    revision: int = 1
    """1 for the first closing; each re-closing after a reopening adds one (history kept)."""
    scope: RankScope = RankScope.DEPARTMENT
    reopening: ReopeningInfo | None = None
    """Set when the period was reopened: the result is then superseded, kept in the file."""


@dataclass(frozen=True, slots=True)
class GoalInfo:
    """A quantified goal of a manager for a period, and its latest measured value."""

    id: int
    manager_id: int
    period: str
    title: str
    unit: str
    baseline: float
    target: float
    direction: str
    current: float | None
    created_by: int
    created_at: datetime
    updated_at: datetime
    lowest: float | None = None
    highest: float | None = None
