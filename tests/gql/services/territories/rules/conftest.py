"""Small shared cities for the planning tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from gql.services.territories.rules import (
    PartitionSettings,
    RetailerSet,
    TerritoryProposal,
    partition_territories,
    synthetic_city,
)

if TYPE_CHECKING:
    import numpy as np


@pytest.fixture(scope="session")
def city() -> RetailerSet:
    """A 900-retailer synthetic district (dense centre, towns, rural background)."""
    return synthetic_city(900, seed=11)


@pytest.fixture(scope="session")
def proposal(city: RetailerSet) -> TerritoryProposal:
    """A cold-start partition of ``city`` into 6 territories."""
    return partition_territories(city, 6, settings=PartitionSettings(warm_start=False))


def with_columns(rs: RetailerSet, **columns: np.ndarray) -> RetailerSet:
    """Return ``rs`` with some columns replaced."""
    names = (
        "retailer_id",
        "lat_deg",
        "lon_deg",
        "grade",
        "business_type",
        "is_key",
        "service_min",
        "order_weekday",
        "order_volume",
        "locked",
        "current_manager",
        "open_min",
        "close_min",
    )
    values = {name: columns.get(name, getattr(rs, name)) for name in names}
    return RetailerSet(**values)
