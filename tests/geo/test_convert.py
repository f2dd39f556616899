"""Conversions against PRCoords (an independent implementation), round trips, outside China."""

from __future__ import annotations

import warnings

import numpy as np
import prcoords  # test-only dependency: Mingye Wang's PRCoords 1.0.2 (CC0/GPLv3+)
import pytest

from geo import (
    Bd09,
    CoordSystem,
    Gcj02,
    Wgs84,
    convert,
    convert_arrays,
    from_wgs84,
    haversine_m_array,
    in_china,
    to_wgs84,
)

N = 10_000


@pytest.fixture(scope="module")
def china_points() -> tuple[np.ndarray, np.ndarray]:
    """10,000 random WGS-84 points inside mainland China (by our outline), seeded."""
    rng = np.random.default_rng(20260511)
    lat = rng.uniform(18.5, 53.0, size=4 * N)
    lon = rng.uniform(74.0, 134.5, size=4 * N)
    inside = in_china(lat, lon)
    return lat[inside][:N], lon[inside][:N]


def _reference(fn: object, lat: np.ndarray, lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # PRCoords warns when it thinks a point is abroad
        out = [fn((a, b)) for a, b in zip(lat.tolist(), lon.tolist(), strict=True)]  # type: ignore[operator]
    return np.array([p.lat for p in out]), np.array([p.lon for p in out])


_TO_SYSTEM = {
    "WGS84": lambda p: prcoords.Coords(*p),
    "GCJ02": prcoords.wgs_gcj,
    "BD09": prcoords.wgs_bd,
}


def test_sample_is_large_and_inside_china(china_points: tuple[np.ndarray, np.ndarray]) -> None:
    """The fixture really holds 10,000 points."""
    assert china_points[0].shape == (N,)


@pytest.mark.parametrize(
    ("src", "dst", "reference"),
    [
        ("WGS84", "GCJ02", prcoords.wgs_gcj),
        ("GCJ02", "WGS84", prcoords.gcj_wgs_bored),
        ("GCJ02", "BD09", prcoords.gcj_bd),
        ("BD09", "GCJ02", prcoords.bd_gcj_bored),
        ("WGS84", "BD09", prcoords.wgs_bd),
        ("BD09", "WGS84", prcoords.bd_wgs_bored),
    ],
)
def test_conversions_agree_with_prcoords_within_half_a_metre(
    china_points: tuple[np.ndarray, np.ndarray], src: str, dst: str, reference: object
) -> None:
    """Each direction matches PRCoords to ≤ 0.5 m on 10,000 random points in China."""
    lat, lon = _reference(_TO_SYSTEM[src], *china_points)  # the sample's places, in src
    ours = convert_arrays(lat, lon, src, dst)
    theirs = _reference(reference, lat, lon)
    gap_m = haversine_m_array(ours[0], ours[1], theirs[0], theirs[1])
    assert gap_m.max() <= 0.5
    # and the shift itself is real (hundreds of metres), so agreement is not trivial
    if src != "GCJ02" or dst != "BD09":
        assert np.median(haversine_m_array(lat, lon, ours[0], ours[1])) > 100.0


@pytest.mark.parametrize("system", ["GCJ02", "BD09"])
def test_round_trips_return_within_a_centimetre(
    china_points: tuple[np.ndarray, np.ndarray], system: str
) -> None:
    """WGS-84 → X → WGS-84 and X → WGS-84 → X both come back within 0.01 m."""
    lat, lon = china_points
    there = convert_arrays(lat, lon, "WGS84", system)
    back = convert_arrays(*there, system, "WGS84")
    assert haversine_m_array(lat, lon, *back).max() <= 0.01
    # X coordinates of places in China are the forward images of WGS-84 places in China
    again = convert_arrays(*convert_arrays(*there, system, "WGS84"), "WGS84", system)
    assert haversine_m_array(*there, *again).max() <= 0.01


@pytest.mark.parametrize(
    ("city", "lat", "lon", "inside"),
    [("Wenzhou", 28.0, 120.7, True), ("Shanghai", 31.23, 121.47, True),
     ("Dalian", 38.91, 121.6, True), ("Kashgar", 39.47, 75.99, True),
     ("Haikou", 20.03, 110.33, True),
     ("Hong Kong", 22.28, 114.16, True), ("Mohe", 52.97, 122.53, True),
     ("Seoul", 37.57, 126.98, False), ("Pyongyang", 39.03, 125.75, False),
     ("Taipei", 25.03, 121.56, False), ("Hanoi", 21.03, 105.85, False),
     ("Ulaanbaatar", 47.9, 106.9, False), ("Kathmandu", 27.7, 85.3, False),
     ("Almaty", 43.25, 76.9, False), ("Vladivostok", 43.1, 131.9, False),
     ("Tokyo", 35.68, 139.7, False), ("Paris", 48.85, 2.35, False)],
)  # fmt: skip
def test_the_china_outline_classifies_well_known_cities(
    city: str, lat: float, lon: float, inside: bool
) -> None:
    """Cities inside mainland China are shifted; neighbouring capitals are not."""
    assert bool(in_china([lat], [lon])[0]) is inside, city


@pytest.mark.parametrize("system", list(CoordSystem))
def test_points_outside_china_pass_through_unchanged(system: CoordSystem) -> None:
    """Outside mainland China every conversion returns its input exactly."""
    seoul = Wgs84(37.57, 126.98)
    converted = from_wgs84(seoul, system)
    assert (converted.lat, converted.lon) == (seoul.lat, seoul.lon)
    assert to_wgs84(converted) == seoul


def test_scalar_conversions_match_the_vectorised_ones() -> None:
    """to_wgs84 / from_wgs84 give the same numbers as convert_arrays."""
    gcj = Gcj02(27.99112, 120.70398)
    w = to_wgs84(gcj)
    lat, lon = convert_arrays([gcj.lat], [gcj.lon], "GCJ02", "WGS84")
    assert (w.lat, w.lon) == (lat[0], lon[0])
    bd = from_wgs84(w, "BD09")
    assert isinstance(bd, Bd09)
    assert to_wgs84(bd).lat == pytest.approx(w.lat, abs=1e-9)


def test_to_wgs84_of_a_gcj02_point_moves_it_by_the_known_offset() -> None:
    """The adapters' call geo.to_wgs84(geo.Gcj02(...)) moves Wenzhou by ~300–600 m."""
    gcj = Gcj02(28.0, 120.7)
    w = to_wgs84(gcj)
    assert isinstance(w, Wgs84)
    shift_m = haversine_m_array([gcj.lat], [gcj.lon], [w.lat], [w.lon])[0]
    assert 300.0 < shift_m < 700.0


def test_convert_changes_the_type_to_the_target_system() -> None:
    """convert() returns the point type of the target system."""
    assert isinstance(convert(Bd09(28.0, 120.7), "GCJ02"), Gcj02)
    assert isinstance(convert(Gcj02(28.0, 120.7), CoordSystem.WGS84), Wgs84)


def test_from_wgs84_refuses_a_point_of_another_system() -> None:
    """Passing a Gcj02 where Wgs84 is required is a TypeError, not a silent shift."""
    with pytest.raises(TypeError, match="Gcj02"):
        from_wgs84(Gcj02(28.0, 120.7), "BD09")  # type: ignore[arg-type]


def test_convert_arrays_validates_its_input() -> None:
    """NaN rows and unknown systems raise typed errors naming the problem."""
    from geo import InvalidCoordinate, ShapeMismatch, UnknownCoordSystem

    with pytest.raises(InvalidCoordinate, match="row 1"):
        convert_arrays([28.0, np.nan], [120.7, 120.7], "WGS84", "GCJ02")
    with pytest.raises(UnknownCoordSystem, match="'MARS'"):
        convert_arrays([28.0], [120.7], "MARS", "WGS84")
    with pytest.raises(ShapeMismatch):
        convert_arrays([28.0, 28.1], [120.7], "WGS84", "GCJ02")
