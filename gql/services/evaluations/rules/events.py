"""Score events: the facts recorded during a month that the evaluation is computed from.

Every event is a frozen dataclass carrying who recorded it and when, so every point of a score
can name the event that caused it. Events validate themselves on construction: a malformed event
is rejected where it is created, not discovered when a score looks wrong.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from datetime import date, datetime

from gql.services.evaluations.rules.errors import EventError

__all__ = [
    "GRAVE_BREACHES",
    "AuditFinding",
    "AuditFindingKind",
    "BasicWorkCheck",
    "BreachKind",
    "Complaint",
    "ComplianceVeto",
    "LeaveRecord",
    "RuleBreach",
    "SalesSettlement",
    "ScoreEvent",
    "TrainingKind",
    "TrainingResult",
    "VetoKind",
]


class BreachKind(enum.StrEnum):
    """Kinds of discipline breach (第八条2(1))."""

    ORDINARY = "ordinary"  # 违章违纪: −5 each
    GIFTS = "gifts"  # 吃、拿、卡、要 from retailers
    PRIVATE_USE_OF_TOBACCO = "private_use_of_tobacco"  # 以烟谋私
    PRIVATE_BUSINESS = "private_business"  # 上班期间办私事、干私活
    LEAVING_POST = "leaving_post"  # 擅离职守


GRAVE_BREACHES = frozenset(BreachKind) - {BreachKind.ORDINARY}
"""Breaches that zero the discipline item and flag dismissal on the first occurrence."""


class TrainingKind(enum.StrEnum):
    """A written exam (scored) or a practical (pass/fail) (第八条2(3))."""

    EXAM = "exam"
    PRACTICAL = "practical"


class VetoKind(enum.StrEnum):
    """Compliance veto items (规范经营, 第七条3)."""

    SPLIT_ORDERS = "split_orders"  # 拆单分摊销售
    NOT_THROUGH_NETWORK = "not_through_network"  # 未100%入网、落地、入户销售
    FAKE_ORDERS = "fake_orders"  # 虚假订单
    FAKE_RETAILERS = "fake_retailers"  # 虚构商户
    FAKE_NETWORK_ENTRIES = "fake_network_entries"  # 虚假入网
    RESALE = "resale"  # 组织或参与套购倒卖
    UNLICENSED_SUPPLY = "unlicensed_supply"  # 向无证单位或个人供货
    OTHER = "other"  # 违反行业和公司规定的其它卷烟经营纪律


class AuditFindingKind(enum.StrEnum):
    """What an audit team found at a retailer that counts against the manager (R5.5)."""

    VISIT_NOT_IN_PLACE = "visit_not_in_place"
    PRICE_TAGS_MISSING = "price_tags_missing"
    POLICY_NOT_PROMOTED = "policy_not_promoted"


def _require_text(name: str, value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise EventError(f"{name} must be a non-empty string, got {value!r}")


def _require_finite(name: str, value: float, *, low: float = -math.inf) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise EventError(f"{name} must be a number, got {value!r}")
    if not math.isfinite(value) or value < low:
        raise EventError(f"{name} must be finite and >= {low}, got {value!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class ScoreEvent:
    """Fields shared by every event.

    Parameters
    ----------
    event_id : str
        Stable identifier; score lines cite it.
    manager_id : str
        The account manager the event is about.
    occurred_on : date
        The day it happened (decides the month it counts in).
    recorded_by : str
        Who recorded it (the marketing department or an auditor).
    recorded_at : datetime
        When it was recorded; must be timezone-aware.
    """

    event_id: str
    manager_id: str
    occurred_on: date
    recorded_by: str
    recorded_at: datetime

    def __post_init__(self) -> None:
        _require_text("event_id", self.event_id)
        _require_text("manager_id", self.manager_id)
        _require_text("recorded_by", self.recorded_by)
        if isinstance(self.occurred_on, datetime) or not isinstance(self.occurred_on, date):
            raise EventError(f"occurred_on must be a date, got {self.occurred_on!r}")
        if not isinstance(self.recorded_at, datetime) or self.recorded_at.utcoffset() is None:
            raise EventError(f"recorded_at must be a timezone-aware datetime ({self.event_id})")


@dataclass(frozen=True, slots=True, kw_only=True)
class SalesSettlement(ScoreEvent):
    """Monthly settlement of one sales target item (from the ordering system's data).

    ``points`` is the item's share of the business scale (the items of a month must sum to the
    policy's ``business.full_points``, 100 by default).
    """

    item: str
    target: float
    actual: float
    points: float

    def __post_init__(self) -> None:
        ScoreEvent.__post_init__(self)
        _require_text("item", self.item)
        _require_finite("target", self.target)
        if self.target <= 0:
            raise EventError(f"target of {self.item!r} must be > 0, got {self.target}")
        _require_finite("actual", self.actual, low=0)
        _require_finite("points", self.points)
        if self.points <= 0:
            raise EventError(f"points of {self.item!r} must be > 0, got {self.points}")

    @property
    def completion(self) -> float:
        """Actual over target (1.0 = target met)."""
        return self.actual / self.target


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleBreach(ScoreEvent):
    """A verified breach of the rules (查实)."""

    kind: BreachKind

    def __post_init__(self) -> None:
        ScoreEvent.__post_init__(self)
        if not isinstance(self.kind, BreachKind):
            raise EventError(f"kind must be a BreachKind, got {self.kind!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Complaint(ScoreEvent):
    """A customer complaint; only one with a subjective cause (主观原因) costs points."""

    subjective: bool
    retailer_id: str | None = None

    def __post_init__(self) -> None:
        ScoreEvent.__post_init__(self)
        if not isinstance(self.subjective, bool):
            raise EventError(f"subjective must be a bool, got {self.subjective!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class LeaveRecord(ScoreEvent):
    """One leave taken in one go, starting on ``occurred_on`` and lasting ``days`` days."""

    days: int

    def __post_init__(self) -> None:
        ScoreEvent.__post_init__(self)
        if isinstance(self.days, bool) or not isinstance(self.days, int) or self.days < 1:
            raise EventError(f"leave days must be an integer >= 1, got {self.days!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class BasicWorkCheck(ScoreEvent):
    """One basic-work item checked on site; ``passed=False`` means 不到位或不达标."""

    item: str
    passed: bool

    def __post_init__(self) -> None:
        ScoreEvent.__post_init__(self)
        _require_text("item", self.item)
        if not isinstance(self.passed, bool):
            raise EventError(f"passed must be a bool, got {self.passed!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class TrainingResult(ScoreEvent):
    """A written exam with its ``exam_score`` or a practical with ``passed``."""

    kind: TrainingKind
    exam_score: float | None = None
    passed: bool | None = None

    def __post_init__(self) -> None:
        ScoreEvent.__post_init__(self)
        if self.kind is TrainingKind.EXAM:
            if self.exam_score is None or self.passed is not None:
                raise EventError("an exam needs exam_score and no passed flag")
            _require_finite("exam_score", self.exam_score, low=0)
        elif self.kind is TrainingKind.PRACTICAL:
            if self.passed is None or self.exam_score is not None:
                raise EventError("a practical needs a passed flag and no exam_score")
            if not isinstance(self.passed, bool):
                raise EventError(f"passed must be a bool, got {self.passed!r}")
        else:
            raise EventError(f"kind must be a TrainingKind, got {self.kind!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class ComplianceVeto(ScoreEvent):
    """A proven compliance violation; ``bad_effect`` is the paper's 造成负面影响."""

    kind: VetoKind
    bad_effect: bool

    def __post_init__(self) -> None:
        ScoreEvent.__post_init__(self)
        if not isinstance(self.kind, VetoKind):
            raise EventError(f"kind must be a VetoKind, got {self.kind!r}")
        if not isinstance(self.bad_effect, bool):
            raise EventError(f"bad_effect must be a bool, got {self.bad_effect!r}")


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditFinding(ScoreEvent):
    """A finding of the audit team (片区考核) against the manager, citing the audit."""

    kind: AuditFindingKind
    audit_id: str

    def __post_init__(self) -> None:
        ScoreEvent.__post_init__(self)
        if not isinstance(self.kind, AuditFindingKind):
            raise EventError(f"kind must be an AuditFindingKind, got {self.kind!r}")
        _require_text("audit_id", self.audit_id)
