"""Fixtures for the tsp tests: shared instance folders and a seeded generator."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

SHARED = Path(__file__).resolve().parents[2].parent / "shared"


@pytest.fixture
def rng() -> np.random.Generator:
    """A generator with a fixed seed, so failures reproduce."""
    return np.random.default_rng(20240611)


@pytest.fixture(scope="session")
def tsplib_dir() -> Path:
    """The read-only TSPLIB instances shipped in ../shared/tsplib."""
    return SHARED / "tsplib"


@pytest.fixture(scope="session")
def tsptw_dir() -> Path:
    """The read-only Dumas TSPTW instances shipped in ../shared/tsptw."""
    return SHARED / "tsptw"
