"""Four-quadrant classification (essay 3): ability × initiative → career channel (R7.6).

The paper classifies on 工作能力 (ability) and 工作主观能动性 (initiative: 进取心 and 创新性)
but gives no measure. Ours, both on 0–100 and averaged over the months given:

* **ability** = weighted mean of sales completion (capped at 100 %), training (of its 20) and
  basic work (of its 40): what the manager *can* deliver.
* **initiative** = weighted mean of discipline (of its 40), the share of planned visits that
  were verified, and the achievement of the manager's own goals: what they *choose* to do.

A measure at or above its policy threshold is "high". Quadrants follow the paper's numbering.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gql.services.evaluations.rules.errors import EventError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from gql.services.evaluations.rules.policy import ScoringPolicy
    from gql.services.evaluations.rules.result import MonthlyScore

__all__ = ["CHANNELS", "CareerChannel", "Classification", "Quadrant", "classify"]


class Quadrant(enum.StrEnum):
    """Quadrants as numbered in essay 3, section 3."""

    HIGH_ABILITY_HIGH_INITIATIVE = "I"
    LOW_ABILITY_HIGH_INITIATIVE = "II"
    LOW_ABILITY_LOW_INITIATIVE = "III"
    HIGH_ABILITY_LOW_INITIATIVE = "IV"


class CareerChannel(enum.StrEnum):
    """Career channels of essay 3, section 4."""

    PROMOTION = "promotion"  # 4.2 纵向晋升通道 / 特殊贡献晋升通道
    LATERAL_TRANSFER = "lateral_transfer"  # 4.3 横向业务转换通道
    EXIT = "exit"  # 4.4 退出机制: 待岗查看, then 辞退
    SKILL_GRADE = "skill_grade"  # 4.1 职业技能等级通道: 初级→中级→高级营销师


CHANNELS: dict[Quadrant, CareerChannel] = {
    Quadrant.HIGH_ABILITY_HIGH_INITIATIVE: CareerChannel.PROMOTION,
    Quadrant.LOW_ABILITY_HIGH_INITIATIVE: CareerChannel.LATERAL_TRANSFER,
    Quadrant.LOW_ABILITY_LOW_INITIATIVE: CareerChannel.EXIT,
    Quadrant.HIGH_ABILITY_LOW_INITIATIVE: CareerChannel.SKILL_GRADE,
}


@dataclass(frozen=True, slots=True)
class Classification:
    """A manager's measures, quadrant and career channel."""

    manager_id: str
    ability: float
    initiative: float
    quadrant: Quadrant
    channel: CareerChannel


def _share(name: str, value: float) -> float:
    if isinstance(value, bool) or not math.isfinite(value) or not 0.0 <= value <= 1.0:
        raise EventError(f"{name} must be a share in [0, 1], got {value!r}")
    return value


def classify(
    manager_id: str,
    scores: Sequence[MonthlyScore],
    *,
    verified_visit_share: float,
    goal_achievement: float,
    policy: ScoringPolicy,
) -> Classification:
    """Classify one manager from their monthly results, visits and goals.

    Parameters
    ----------
    manager_id : str
        The manager; every result must be theirs.
    scores : Sequence[MonthlyScore]
        The months the classification covers (at least one).
    verified_visit_share : float
        Verified visits over planned visits in the same months, in [0, 1].
    goal_achievement : float
        Mean progress of the manager's goals for the period, in [0, 1] (see ``goals``).
    policy : ScoringPolicy
        Thresholds and weights.

    Returns
    -------
    Classification
        Measures on 0–100 with quadrant and channel.

    Raises
    ------
    EventError
        If there are no results, a result is another manager's, or a share is out of range.
    """
    if not scores:
        raise EventError(f"no monthly results to classify {manager_id!r} on")
    for s in scores:
        if s.manager_id != manager_id:
            raise EventError(f"result for {s.manager_id!r} passed to classify {manager_id!r}")
    visits = _share("verified_visit_share", verified_visit_share)
    goals = _share("goal_achievement", goal_achievement)
    n = len(scores)
    sales = sum(min(s.sales_completion, 1.0) for s in scores) / n
    training = sum(s.training for s in scores) / n / policy.training.full_points
    basic = sum(s.basic_work for s in scores) / n / policy.basic_work.full_points
    discipline = sum(s.discipline for s in scores) / n / policy.discipline.full_points
    aw = policy.classification.ability_weights
    iw = policy.classification.initiative_weights
    ability = 100.0 * (aw.sales * sales + aw.training * training + aw.basic_work * basic)
    initiative = 100.0 * (
        iw.discipline * discipline + iw.verified_visits * visits + iw.goals * goals
    )
    high_a = ability >= policy.classification.ability_high
    high_i = initiative >= policy.classification.initiative_high
    if high_a and high_i:
        quadrant = Quadrant.HIGH_ABILITY_HIGH_INITIATIVE
    elif high_i:
        quadrant = Quadrant.LOW_ABILITY_HIGH_INITIATIVE
    elif high_a:
        quadrant = Quadrant.HIGH_ABILITY_LOW_INITIATIVE
    else:
        quadrant = Quadrant.LOW_ABILITY_LOW_INITIATIVE
    return Classification(manager_id, ability, initiative, quadrant, CHANNELS[quadrant])
