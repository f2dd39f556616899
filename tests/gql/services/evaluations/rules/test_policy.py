"""The versioned policy file: paper defaults, strict validation, regional override."""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import TYPE_CHECKING, Any

import pytest

from gql.services.evaluations.rules import PolicyError, default_policy, load_policy, parse_policy

if TYPE_CHECKING:
    from pathlib import Path


def _data() -> dict[str, Any]:
    text = (
        resources.files("gql.services.evaluations.rules").joinpath("policy.toml").read_text("utf-8")
    )
    return tomllib.loads(text)


def test_default_policy_carries_the_papers_values() -> None:
    """60/40 weights, 40/40/20 items, −5/−10/−5/−10, thresholds 3, 15 days, 80 marks."""
    p = default_policy()
    assert (p.weights.business, p.weights.quality) == (0.6, 0.4)
    assert (p.discipline.full_points, p.basic_work.full_points, p.training.full_points) == (
        40.0,
        40.0,
        20.0,
    )
    assert (p.discipline.breach_points, p.discipline.complaint_points) == (5.0, 10.0)
    assert (p.basic_work.item_points, p.training.fail_points) == (5.0, 10.0)
    assert (p.discipline.breaches_for_zero, p.discipline.complaints_for_dismissal) == (3, 3)
    assert (p.discipline.max_single_leave_days, p.discipline.leaves_for_dismissal) == (15, 3)
    assert p.training.exam_pass_mark == 80.0
    assert (
        p.supervisors.complaint_head_points,
        p.supervisors.complaint_deputy_points,
        p.supervisors.veto_head_points,
    ) == (3.0, 1.0, 10.0)
    assert (p.ranking.eliminate_lowest, p.ranking.model_workers, p.ranking.advanced_workers) == (
        2,
        1,
        2,
    )
    assert (p.review.monthly_days_after, p.review.quarterly_days_after) == (3, 7)
    assert p.goals.max_per_period == 5
    assert p.version


def test_a_region_can_load_its_own_file(tmp_path: Path) -> None:
    """A regional file with a different value and version is honoured."""
    text = (
        resources.files("gql.services.evaluations.rules").joinpath("policy.toml").read_text("utf-8")
    )
    text = text.replace('version = "2026.1-paper"', 'version = "region-7"').replace(
        "breach_points = 5.0", "breach_points = 4.0"
    )
    path = tmp_path / "region.toml"
    path.write_text(text, encoding="utf-8")
    p = load_policy(path)
    assert (p.version, p.discipline.breach_points) == ("region-7", 4.0)


@pytest.mark.parametrize(
    ("mutate", "key", "problem"),
    [
        (lambda d: d["discipline"].pop("breach_points"), "discipline.breach_points", "missing"),
        (
            lambda d: d["discipline"].update(breach_pionts=5),
            "discipline.breach_pionts",
            "not a known",
        ),
        (lambda d: d["weights"].update(business=0.7), "weights", "sum to 1"),
        (lambda d: d["training"].update(fail_points=True), "training.fail_points", "number"),
        (
            lambda d: d["ranking"].update(eliminate_lowest=2.5),
            "ranking.eliminate_lowest",
            "integer",
        ),
        (
            lambda d: d["discipline"].update(breach_points=-5),
            "discipline.breach_points",
            "must be in",
        ),
        (lambda d: d.update(version=""), "version", "non-empty"),
        (lambda d: d.pop("goals"), "goals", "missing"),
    ],
)
def test_bad_policies_name_the_offending_key(mutate: Any, key: str, problem: str) -> None:
    """A typo, a missing key or a wrong value is reported with its dotted path."""
    data = _data()
    mutate(data)
    with pytest.raises(PolicyError, match=problem) as info:
        parse_policy(data)
    assert info.value.key == key


def test_a_file_that_is_not_toml_is_a_policy_error(tmp_path: Path) -> None:
    """Syntax errors are translated, not leaked as tomllib errors."""
    path = tmp_path / "bad.toml"
    path.write_text("version = \n", encoding="utf-8")
    with pytest.raises(PolicyError, match="not valid TOML"):
        load_policy(path)
