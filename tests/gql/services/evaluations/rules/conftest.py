"""Fixtures of the scoring tests."""

from __future__ import annotations

import pytest

from gql.services.evaluations.rules import ScoringPolicy, default_policy


@pytest.fixture(scope="session")
def policy() -> ScoringPolicy:
    """The packaged policy with the paper's values."""
    return default_policy()
