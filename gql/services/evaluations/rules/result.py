"""The monthly score and its provenance: one line per point, each citing its events."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import date

    from gql.services.evaluations.rules.periods import Month

__all__ = ["Dismissal", "DismissalReason", "MonthlyScore", "Part", "ScoreLine"]


class Part(enum.StrEnum):
    """The scored parts of the monthly assessment, plus the veto that voids them."""

    BUSINESS = "business"  # 经营业绩, ×0.6
    DISCIPLINE = "discipline"  # 作风纪律, of the ×0.4 quality
    BASIC_WORK = "basic_work"  # 基础工作
    TRAINING = "training"  # 培训成绩
    VETO = "veto"  # 规范经营: no points, voids the period


class DismissalReason(enum.StrEnum):
    """Why a manager is flagged for dismissal (解聘/辞退); the decision is the company's."""

    BREACH_LIMIT = "breach_limit"  # 累计被查处达3次
    GRAVE_BREACH = "grave_breach"  # 吃拿卡要, 以烟谋私, 办私事干私活, 擅离职守
    LONG_LEAVE = "long_leave"  # 一次性请假超过15天
    FREQUENT_LEAVE = "frequent_leave"  # 一个月中累计请假达三次
    COMPLAINT_LIMIT = "complaint_limit"  # 累计因主观原因导致客户投诉达三次
    COMPLIANCE_VETO = "compliance_veto"  # 违规经营且造成负面影响


@dataclass(frozen=True, slots=True)
class Dismissal:
    """One dismissal flag with the events that raised it."""

    reason: DismissalReason
    event_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ScoreLine:
    """One traceable contribution to a score.

    Parameters
    ----------
    part : Part
        Which part the line belongs to.
    rule : str
        Short name of the rule applied (see docs/scoring.md), e.g. ``"breach"``.
    points : float
        Effect on the part's own scale (e.g. −5 of the discipline 40). A deduction that would
        take the part below 0 is cut to what was left, so ``points`` is always the real effect.
    weighted_points : float
        Effect on the 100-point total (``points`` × the part's weight). The lines of a result
        sum to its ``total``.
    event_ids : tuple[str, ...]
        The events that caused it; empty only for the full-marks base line of a part.
    note : str
        Human-readable explanation for the manager's file.
    """

    part: Part
    rule: str
    points: float
    weighted_points: float
    event_ids: tuple[str, ...]
    note: str


@dataclass(frozen=True, slots=True)
class MonthlyScore:
    """A manager's monthly assessment with its breakdown, flags and provenance.

    ``business`` is on its 0–100 scale and ``discipline``/``basic_work``/``training`` on their
    40/40/20 scales (before the veto). ``total`` is ``business``×0.6 + quality×0.4, or 0 when
    the period is void by veto. ``review_deadline`` is the last day for the monthly review
    meeting (每月工作结束后三日内).
    """

    manager_id: str
    month: Month
    policy_version: str
    business: float
    discipline: float
    basic_work: float
    training: float
    total: float
    lines: tuple[ScoreLine, ...]
    dismissals: tuple[Dismissal, ...]
    void_by_veto: bool
    honours_lost: bool
    target_missed: bool
    sales_completion: float
    review_deadline: date
    no_target: bool = False
    """No sales target was set: the business part follows ``policy.business.no_target``."""

    @property
    def quality(self) -> float:
        """Discipline + basic work + training, on the 100-point quality scale."""
        return self.discipline + self.basic_work + self.training

    @property
    def dismissal_flag(self) -> bool:
        """Whether any rule flags the manager for dismissal this month."""
        return bool(self.dismissals)
