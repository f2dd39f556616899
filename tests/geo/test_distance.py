"""Great-circle distances and the integer cost matrices handed to tsp/."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo import (
    EARTH_RADIUS_M,
    InvalidArgument,
    InvalidCoordinate,
    ShapeMismatch,
    Wgs84,
    cost_matrix,
    distance_m,
    haversine_m,
    haversine_m_array,
    haversine_m_to_many,
)

lats = st.floats(-89.9, 89.9)
lons = st.floats(-180.0, 180.0)


def test_one_degree_of_the_equator_is_its_arc_length() -> None:
    """One degree of longitude on the equator is R·π/180 metres."""
    assert haversine_m(0.0, 0.0, 0.0, 1.0) == pytest.approx(EARTH_RADIUS_M * math.pi / 180.0)


def test_antipodes_are_half_the_circumference_apart() -> None:
    """Antipodal points are π·R apart (the clamp keeps asin in its domain)."""
    assert haversine_m(10.0, 20.0, -10.0, -160.0) == pytest.approx(math.pi * EARTH_RADIUS_M)


@settings(deadline=None)  # the first example may pay numba's cache load
@given(lats, lons, lats, lons)
def test_distance_is_symmetric_and_non_negative(a: float, b: float, c: float, d: float) -> None:
    """d(p, q) = d(q, p) ≥ 0, and the vectorised form agrees with the scalar one."""
    pq = haversine_m(a, b, c, d)
    assert pq >= 0.0
    assert pq == pytest.approx(haversine_m(c, d, a, b), abs=1e-6)
    assert haversine_m_array([a], [b], [c], [d])[0] == pytest.approx(pq, abs=1e-6)
    assert haversine_m_to_many(a, b, [c], [d])[0] == pytest.approx(pq, abs=1e-6)


def test_distance_m_takes_wgs84_points() -> None:
    """distance_m on Wgs84 points equals haversine_m on their numbers."""
    assert distance_m(Wgs84(28.0, 120.7), Wgs84(28.01, 120.71)) == haversine_m(
        28.0, 120.7, 28.01, 120.71
    )


def test_distance_rejects_bad_coordinates_and_shapes() -> None:
    """NaN and mismatched arrays raise typed errors."""
    with pytest.raises(InvalidCoordinate):
        haversine_m(math.nan, 0.0, 0.0, 0.0)
    with pytest.raises(ShapeMismatch):
        haversine_m_array([0.0, 1.0], [0.0, 1.0], [0.0], [0.0])


@pytest.fixture
def stops() -> tuple[np.ndarray, np.ndarray]:
    """Twelve random stops around Wenzhou."""
    rng = np.random.default_rng(7)
    return 27.9 + rng.random(12) * 0.2, 120.6 + rng.random(12) * 0.2


def test_cost_matrix_in_metres_is_the_rounded_great_circle(
    stops: tuple[np.ndarray, np.ndarray],
) -> None:
    """Entry (i, j) is round(haversine); zero diagonal; symmetric; int64."""
    lat, lon = stops
    m = cost_matrix(lat, lon)
    assert m.dtype == np.int64
    n = lat.size
    expected = np.array(
        [[round(haversine_m(lat[i], lon[i], lat[j], lon[j])) for j in range(n)] for i in range(n)]
    )
    assert np.array_equal(m, expected)


def test_cost_matrix_in_seconds_divides_by_speed(stops: tuple[np.ndarray, np.ndarray]) -> None:
    """unit='s' gives metres / speed, rounded."""
    lat, lon = stops
    metres = cost_matrix(lat, lon).astype(float)
    seconds = cost_matrix(lat, lon, unit="s", speed_mps=5.0)
    assert np.abs(seconds - metres / 5.0).max() <= 0.5 + 1e-9


def test_per_point_road_factors_average_over_each_leg(stops: tuple[np.ndarray, np.ndarray]) -> None:
    """With factors f, leg i→j costs the great circle × (f_i + f_j)/2; a scalar scales all."""
    lat, lon = stops
    f = np.linspace(1.1, 1.8, lat.size)
    m = cost_matrix(lat, lon, road_factor=f)
    raw = cost_matrix(lat, lon).astype(float)
    scale = 0.5 * (f[:, None] + f[None, :])
    assert np.abs(m - raw * scale).max() <= 1.0 + 0.5 * f.max()
    assert np.array_equal(
        cost_matrix(lat, lon, road_factor=1.3), cost_matrix(lat, lon, road_factor=[1.3] * lat.size)
    )


def test_a_supplied_road_matrix_replaces_the_great_circle() -> None:
    """road_matrix is used as given (rounded), also asymmetric, and converted to seconds."""
    road = np.array([[0.0, 1200.4, 900.0], [1500.0, 0.0, 700.6], [880.0, 650.0, 0.0]])
    lat, lon = [28.0, 28.01, 28.02], [120.7, 120.7, 120.7]
    assert cost_matrix(lat, lon, road_matrix=road).tolist() == [
        [0, 1200, 900],
        [1500, 0, 701],
        [880, 650, 0],
    ]
    assert cost_matrix(lat, lon, unit="s", speed_mps=10.0, road_matrix=road)[0, 1] == 120


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [({"unit": "km"}, InvalidArgument, "unit='km'"),
     ({"unit": "s", "speed_mps": 0.0}, InvalidArgument, "speed_mps=0.0"),
     ({"road_factor": -1.0}, InvalidArgument, "road_factor=-1.0"),
     ({"road_factor": [1.0, 2.0]}, ShapeMismatch, "2 entries for 3"),
     ({"road_matrix": np.zeros((2, 2))}, ShapeMismatch, r"\(2, 2\)"),
     ({"road_matrix": -np.ones((3, 3))}, InvalidArgument, r"road_matrix\[0, 0\]=-1.0"),
     ({"road_matrix": np.zeros((3, 3)), "road_factor": 1.2}, InvalidArgument,
      "road_factor must be 1.0")],
)  # fmt: skip
def test_cost_matrix_rejects_bad_arguments_by_name(
    kwargs: dict[str, object], error: type, match: str
) -> None:
    """Each bad argument raises a typed error whose message names it."""
    with pytest.raises(error, match=match):
        cost_matrix([28.0, 28.01, 28.02], [120.7, 120.7, 120.7], **kwargs)  # type: ignore[arg-type]


def test_cost_matrix_of_no_stops_is_empty() -> None:
    """Zero stops give a 0×0 int64 matrix."""
    m = cost_matrix([], [])
    assert m.shape == (0, 0)
    assert m.dtype == np.int64
