"""Cohen's κ on tables small enough to work out by hand."""

import pytest

from gql.services.reports.rules import cohen_kappa


def _table(yy: int, yn: int, ny: int, nn: int) -> list[tuple[bool, bool]]:
    return [(True, True)] * yy + [(True, False)] * yn + [(False, True)] * ny + [(False, False)] * nn


def test_kappa_of_the_textbook_table() -> None:
    """20/5/10/15: p_o = 35/50 = 0.7; p_e = 0.5·0.6 + 0.5·0.4 = 0.5; κ = 0.2 / 0.5 = 0.4."""
    found = cohen_kappa(_table(20, 5, 10, 15))
    assert found is not None
    assert found.n == 50
    assert found.observed == pytest.approx(0.7)
    assert found.expected == pytest.approx(0.5)
    assert found.kappa == pytest.approx(0.4)


def test_kappa_of_a_lopsided_table() -> None:
    """45/5/5/5: p_o = 0.8333; both say yes 5/6 of the time, p_e = 25/36 + 1/36 = 26/36;
    κ = (50/60 − 26/36) / (1 − 26/36) = (30/36 − 26/36) / (10/36) = 0.4."""
    found = cohen_kappa(_table(45, 5, 5, 5))
    assert found is not None
    assert found.observed == pytest.approx(50 / 60)
    assert found.expected == pytest.approx(26 / 36)
    assert found.kappa == pytest.approx(0.4)


def test_perfect_agreement_and_its_reverse() -> None:
    """Agreeing on every item is κ = 1; disagreeing on every item of a balanced table is −1."""
    assert cohen_kappa(_table(3, 0, 0, 7)).kappa == pytest.approx(1.0)  # type: ignore[union-attr]
    assert cohen_kappa(_table(0, 5, 5, 0)).kappa == pytest.approx(-1.0)  # type: ignore[union-attr]


def test_kappa_is_undefined_when_both_raters_use_one_category() -> None:
    """p_e = 1 leaves no agreement beyond chance to measure; no pairs give no answer at all."""
    found = cohen_kappa(_table(4, 0, 0, 0))
    assert found is not None
    assert found.observed == 1.0
    assert found.kappa is None
    assert cohen_kappa([]) is None


def test_kappa_takes_any_categories() -> None:
    """Three categories: a/a, a/b, b/b, c/c: p_o = 3/4; p_e = (2·1 + 1·2 + 1·1)/16 = 5/16;
    κ = (12/16 − 5/16) / (11/16) = 7/11."""
    found = cohen_kappa([("a", "a"), ("a", "b"), ("b", "b"), ("c", "c")])
    assert found is not None
    assert found.kappa == pytest.approx(7 / 11)
