"""Point types, coordinate-system names and coordinate validation."""

from __future__ import annotations

import math

import pytest

import geo
from geo import (
    Bd09,
    CoordSystem,
    Gcj02,
    InvalidCoordinate,
    SwappedCoordinates,
    UnknownCoordSystem,
    Wgs84,
    point_in,
)


@pytest.mark.parametrize(
    ("name", "system"),
    [("WGS84", CoordSystem.WGS84), ("wgs-84", CoordSystem.WGS84), ("EPSG:4326", CoordSystem.WGS84),
     ("gcj02", CoordSystem.GCJ02), ("GCJ-02", CoordSystem.GCJ02), ("bd09", CoordSystem.BD09)],
)  # fmt: skip
def test_system_names_parse_to_their_enum(name: str, system: CoordSystem) -> None:
    """Common spellings of each system parse to the right enum member."""
    assert CoordSystem.parse(name) is system


@pytest.mark.parametrize("name", ["", "UTM", "gcj", "CGCS2000", 4326, None])
def test_unknown_system_names_raise_a_typed_error_naming_the_value(name: object) -> None:
    """An unknown system raises UnknownCoordSystem whose message names the bad value."""
    with pytest.raises(
        UnknownCoordSystem, match=repr(name).replace("(", r"\(").replace(")", r"\)")
    ):
        point_in(name, 28.0, 120.7)  # type: ignore[arg-type]


def test_point_in_builds_the_type_of_its_system() -> None:
    """point_in returns a Wgs84, Gcj02 or Bd09 according to the system name."""
    assert type(point_in("WGS84", 28.0, 120.7)) is Wgs84
    assert type(point_in(CoordSystem.GCJ02, 28.0, 120.7)) is Gcj02
    assert type(point_in("bd-09", 28.0, 120.7)) is Bd09


def test_point_types_are_distinct_frozen_and_slotted() -> None:
    """Same numbers in two systems are unequal objects; points cannot be mutated."""
    assert Wgs84(28.0, 120.7) != Gcj02(28.0, 120.7)
    p = Wgs84(28.0, 120.7)
    with pytest.raises(AttributeError):
        p.lat = 1.0  # type: ignore[misc]
    assert not hasattr(p, "__dict__")


@pytest.mark.parametrize(
    ("lat", "lon"),
    [(math.nan, 120.0), (28.0, math.nan), (math.inf, 120.0), (28.0, -math.inf), (91.0, 0.0),
     (-90.5, 0.0), (0.0, 180.5), (0.0, -181.0)],
)  # fmt: skip
def test_nan_infinite_or_out_of_range_coordinates_are_rejected(lat: float, lon: float) -> None:
    """NaN, infinite and out-of-range latitudes/longitudes raise InvalidCoordinate."""
    for cls in (Wgs84, Gcj02, Bd09):
        with pytest.raises(InvalidCoordinate):
            cls(lat, lon)


def test_swapped_lat_lon_is_recognised_and_says_so() -> None:
    """(lon, lat) given as (lat, lon) raises SwappedCoordinates naming the order."""
    with pytest.raises(SwappedCoordinates, match=r"lat=120\.7.*swapped"):
        Wgs84(120.7, 28.0)


def test_non_numeric_coordinates_raise_invalid_coordinate() -> None:
    """Strings that are not numbers raise InvalidCoordinate, not a bare ValueError."""
    with pytest.raises(InvalidCoordinate, match="not numbers"):
        Wgs84("north", 120.7)  # type: ignore[arg-type]


def test_every_geo_error_is_a_value_error() -> None:
    """The whole error family derives from GeoError(ValueError)."""
    for name in geo.__all__:
        obj = getattr(geo, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, geo.GeoError)
            assert issubclass(obj, ValueError)
