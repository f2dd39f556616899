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
    "ScoreEventInfo",
    "ScoreEventKind",
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


@dataclass(frozen=True, slots=True)
class ScoreEventInfo:
    """One recorded input with who recorded it and when; ``details`` holds its kind's fields.

    ``source_key`` makes derived events idempotent (a sales settlement per manager, month and
    item; an audit finding per audit record and kind).
    """

    id: int
    manager_id: int
    kind: ScoreEventKind
    occurred_on: date
    recorded_by: int
    recorded_at: datetime
    details: Mapping[str, Any]
    source_key: str | None = None


@dataclass(frozen=True, slots=True)
class AmendmentInfo:
    """A recorded change to a closed result: author, reason, time and the new values."""

    id: int
    seq: int
    author_id: int
    reason: str
    at: datetime
    changes: Mapping[str, Any]


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
