"""Four-quadrant classification on ability × initiative with the career channel (essay 3)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from gql.services.evaluations.rules import (
    CareerChannel,
    EventError,
    Quadrant,
    ScoringPolicy,
    classify,
)
from tests.gql.services.evaluations.rules.factory import JAN, monthly


def _month(sales: float, training: float, basic: float, discipline: float):  # type: ignore[no-untyped-def]
    return replace(
        monthly("m", JAN, 0.0),
        sales_completion=sales,
        training=training,
        basic_work=basic,
        discipline=discipline,
    )


@pytest.mark.parametrize(
    ("month", "visits", "goals", "ability", "initiative", "quadrant", "channel"),
    [
        # ability = 100 × (0.5·1.0 + 0.25·20/20 + 0.25·40/40) = 100
        # initiative = 100 × (0.4·40/40 + 0.3·0.9 + 0.3·0.8) = 91
        (
            (1.0, 20, 40, 40),
            0.9,
            0.8,
            100.0,
            91.0,
            Quadrant.HIGH_ABILITY_HIGH_INITIATIVE,
            CareerChannel.PROMOTION,
        ),
        # ability = 100 × (0.5·0.6 + 0.25·10/20 + 0.25·20/40) = 55; initiative 91
        (
            (0.6, 10, 20, 40),
            0.9,
            0.8,
            55.0,
            91.0,
            Quadrant.LOW_ABILITY_HIGH_INITIATIVE,
            CareerChannel.LATERAL_TRANSFER,
        ),
        # ability 55; initiative = 100 × (0.4·20/40 + 0.3·0.5 + 0.3·0.0) = 35
        (
            (0.6, 10, 20, 20),
            0.5,
            0.0,
            55.0,
            35.0,
            Quadrant.LOW_ABILITY_LOW_INITIATIVE,
            CareerChannel.EXIT,
        ),
        # ability = 100 × (0.5·1.0 + 0.25·1 + 0.25·1) = 100 (sales 130 % capped); initiative 35
        (
            (1.3, 20, 40, 20),
            0.5,
            0.0,
            100.0,
            35.0,
            Quadrant.HIGH_ABILITY_LOW_INITIATIVE,
            CareerChannel.SKILL_GRADE,
        ),
    ],
)
def test_each_quadrant_gets_its_career_channel(
    policy: ScoringPolicy,
    month: tuple[float, float, float, float],
    visits: float,
    goals: float,
    ability: float,
    initiative: float,
    quadrant: Quadrant,
    channel: CareerChannel,
) -> None:
    """Measures computed by hand; the quadrant follows the thresholds and the channel the paper."""
    c = classify(
        "m", [_month(*month)], verified_visit_share=visits, goal_achievement=goals, policy=policy
    )
    assert c.ability == pytest.approx(ability)
    assert c.initiative == pytest.approx(initiative)
    assert (c.quadrant, c.channel) == (quadrant, channel)


def test_a_measure_exactly_at_the_threshold_counts_as_high(policy: ScoringPolicy) -> None:
    """Ability 70 = threshold → high: 100 × (0.5·0.4 + 0.25·1 + 0.25·1) = 70."""
    c = classify(
        "m",
        [_month(0.4, 20, 40, 40)],
        verified_visit_share=1.0,
        goal_achievement=1.0,
        policy=policy,
    )
    assert c.ability == pytest.approx(70.0)
    assert c.quadrant is Quadrant.HIGH_ABILITY_HIGH_INITIATIVE


def test_bad_inputs_to_classification_are_rejected(policy: ScoringPolicy) -> None:
    """No months, another manager's month, or a share outside [0, 1] is an error."""
    with pytest.raises(EventError, match="no monthly results"):
        classify("m", [], verified_visit_share=0.5, goal_achievement=0.5, policy=policy)
    with pytest.raises(EventError, match="passed to classify"):
        classify(
            "x",
            [_month(1, 20, 40, 40)],
            verified_visit_share=0.5,
            goal_achievement=0.5,
            policy=policy,
        )
    with pytest.raises(EventError, match="verified_visit_share"):
        classify(
            "m",
            [_month(1, 20, 40, 40)],
            verified_visit_share=1.5,
            goal_achievement=0.5,
            policy=policy,
        )
