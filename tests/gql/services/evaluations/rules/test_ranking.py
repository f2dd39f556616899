"""Standard competition ranking on rounded scores."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from gql.services.evaluations.rules import competition_ranks


def test_ties_share_the_best_rank_and_the_next_rank_skips() -> None:
    """95, 90, 90, 80 → 1, 2, 2, 4."""
    assert competition_ranks({"a": 95, "b": 90, "c": 90, "d": 80}) == {
        "a": 1,
        "b": 2,
        "c": 2,
        "d": 4,
    }


def test_ascending_ranking_ranks_the_lowest_first() -> None:
    """descending=False is used for the elimination cut."""
    assert competition_ranks({"a": 1, "b": 2, "c": 1}, descending=False) == {"a": 1, "b": 3, "c": 1}


@given(st.dictionaries(st.text(min_size=1, max_size=3), st.integers(0, 5), max_size=12))
def test_rank_equals_one_plus_the_number_strictly_better(scores: dict[str, int]) -> None:
    """The defining property of competition ranking."""
    ranks = competition_ranks({k: float(v) for k, v in scores.items()})
    for k, v in scores.items():
        assert ranks[k] == 1 + sum(1 for w in scores.values() if w > v)
