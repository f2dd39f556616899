"""Fixtures for the tsp tests: the instance folders in ``data/`` and a seeded generator."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pytest

from tests.tsp.known import DATA

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def rng() -> np.random.Generator:
    """A generator with a fixed seed, so failures reproduce."""
    return np.random.default_rng(20240611)


@pytest.fixture(scope="session")
def tsplib_dir() -> Path:
    """The TSPLIB instances in ``tests/tsp/data/tsplib`` (provenance in its README)."""
    return DATA / "tsplib"


@pytest.fixture(scope="session")
def tsptw_dir() -> Path:
    """The Dumas TSPTW instances in ``tests/tsp/data/tsptw`` (provenance in its README)."""
    return DATA / "tsptw"
