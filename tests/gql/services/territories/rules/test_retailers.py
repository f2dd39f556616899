from __future__ import annotations

import numpy as np
import pytest

from gql.services.territories.rules import (
    InvalidRetailersError,
    LockedRetailerError,
    MissingPositionError,
    PlanningError,
    RetailerSet,
)


def test_retailers_without_position_are_named_in_the_error() -> None:
    """A NaN or (0, 0) position raises MissingPositionError listing those retailer ids."""
    with pytest.raises(MissingPositionError, match="2 retailer") as info:
        RetailerSet.build(
            retailer_id=[5, 6, 7], lat_deg=[30.0, np.nan, 0.0], lon_deg=[120.0, 120.0, 0.0]
        )
    assert info.value.retailer_ids == (6, 7)
    assert isinstance(info.value, ValueError)


def test_duplicate_ids_are_rejected() -> None:
    """Duplicate retailer ids are an InvalidRetailersError that names the duplicate."""
    with pytest.raises(InvalidRetailersError, match=r"\[5\]"):
        RetailerSet.build(retailer_id=[5, 5], lat_deg=[30.0, 30.1], lon_deg=[120.0, 120.1])


def test_misaligned_columns_are_rejected() -> None:
    """A column of the wrong length names the column and the expected shape."""
    with pytest.raises(InvalidRetailersError, match="grade has shape"):
        RetailerSet.build(
            retailer_id=[1, 2], lat_deg=[30.0, 30.1], lon_deg=[120.0, 120.1], grade=[1, 2, 3]
        )


def test_locked_retailer_without_manager_is_rejected() -> None:
    """Locking a retailer that nobody serves is a LockedRetailerError."""
    with pytest.raises(LockedRetailerError, match="no current manager"):
        RetailerSet.build(
            retailer_id=[1, 2], lat_deg=[30.0, 30.1], lon_deg=[120.0, 120.1], locked=[True, False]
        )


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("grade", 0),
        ("business_type", 9),
        ("order_weekday", 5),
        ("order_volume", -1.0),
        ("service_min", 0.0),
        ("close_min", 60.0),
    ],
)
def test_out_of_range_values_are_planning_errors(column: str, value: float) -> None:
    """Every out-of-range column value raises a PlanningError, never a crash."""
    kwargs = {column: [value, value]}
    with pytest.raises(PlanningError):
        RetailerSet.build(
            retailer_id=[1, 2], lat_deg=[30.0, 30.1], lon_deg=[120.0, 120.1], **kwargs
        )  # type: ignore[arg-type]


def test_arrays_are_read_only() -> None:
    """The validated arrays cannot be mutated behind the validation's back."""
    rs = RetailerSet.build(retailer_id=[1, 2], lat_deg=[30.0, 30.1], lon_deg=[120.0, 120.1])
    with pytest.raises(ValueError, match="read-only"):
        rs.lat_deg[0] = 99.0
