from __future__ import annotations

import numpy as np
import pytest

import gql.services.territories.rules as planning
from gql.services.territories.rules import balance_of


def test_balance_of_equal_values_is_perfect() -> None:
    """Equal zone totals have zero CV and zero worst deviation."""
    b = balance_of([5.0, 5.0, 5.0])
    assert (b.cv, b.worst_deviation) == (0.0, 0.0)


def test_balance_of_matches_its_definition() -> None:
    """CV is std/mean and worst deviation is max |v/mean - 1|."""
    v = np.array([80.0, 100.0, 120.0, 100.0])
    b = balance_of(v)
    assert b.cv == pytest.approx(v.std() / 100.0)
    assert b.worst_deviation == pytest.approx(0.2)
    assert (b.minimum, b.maximum) == (80.0, 120.0)


def test_every_exported_name_exists() -> None:
    """__all__ lists only names the package really defines, and no private ones."""
    for name in planning.__all__:
        assert hasattr(planning, name), name
        assert not name.startswith("_")
    assert len(set(planning.__all__)) == len(planning.__all__)
