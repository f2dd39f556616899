"""RetailerIndex: exact nearest/within against brute force, updates, bad input, threads."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from geo import (
    InvalidArgument,
    InvalidCoordinate,
    InvalidRadius,
    RetailerIndex,
    ShapeMismatch,
    UnknownRetailer,
    haversine_m_to_many,
)


@pytest.fixture(scope="module")
def retailers() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """3,000 retailers with shuffled sparse ids, dense centre and sparse outskirts."""
    rng = np.random.default_rng(11)
    n = 3_000
    ids = rng.permutation(1_000_000)[:n]
    dense = rng.random(n) < 0.7
    lat = np.where(dense, 28.0 + rng.normal(0, 0.01, n), 27.8 + rng.random(n) * 0.4)
    lon = np.where(dense, 120.65 + rng.normal(0, 0.01, n), 120.4 + rng.random(n) * 0.5)
    return ids, lat, lon


def _brute(ids: np.ndarray, lat: np.ndarray, lon: np.ndarray, q_lat: float, q_lon: float):  # type: ignore[no-untyped-def]
    d = haversine_m_to_many(q_lat, q_lon, lat, lon)
    order = np.lexsort((ids, d))
    return ids[order], d[order]


def test_nearest_returns_exactly_the_k_nearest_by_great_circle(retailers) -> None:  # type: ignore[no-untyped-def]
    """For random queries and k in 1..20, nearest() equals a brute-force ranking in metres."""
    ids, lat, lon = retailers
    idx = RetailerIndex.from_arrays(ids, lat, lon)
    rng = np.random.default_rng(12)
    for _ in range(300):
        q_lat, q_lon = 27.7 + rng.random() * 0.6, 120.3 + rng.random() * 0.7
        k = int(rng.integers(1, 21))
        want_ids, want_d = _brute(ids, lat, lon, q_lat, q_lon)
        got_ids, got_d = idx.nearest_with_distance(q_lat, q_lon, k)
        assert got_ids.tolist() == want_ids[:k].tolist()
        assert np.allclose(got_d, want_d[:k])


def test_nearest_far_outside_the_data_still_finds_k(retailers) -> None:  # type: ignore[no-untyped-def]
    """A query 1,000 km away widens its search until it has the true k nearest."""
    ids, lat, lon = retailers
    idx = RetailerIndex.from_arrays(ids, lat, lon)
    assert idx.nearest(38.0, 110.0, 3) == _brute(ids, lat, lon, 38.0, 110.0)[0][:3].tolist()


def test_nearest_with_k_above_the_size_returns_everything_in_order() -> None:
    """k larger than the index returns all retailers, nearest first."""
    idx = RetailerIndex.from_arrays([5, 6], [28.0, 28.1], [120.7, 120.7])
    assert idx.nearest(28.09, 120.7, k=10) == [6, 5]
    assert RetailerIndex().nearest(28.0, 120.7, k=3) == []


def test_within_is_exact_in_metres(retailers) -> None:  # type: ignore[no-untyped-def]
    """within() returns exactly the retailers at distance ≤ radius, nearest first."""
    ids, lat, lon = retailers
    idx = RetailerIndex.from_arrays(ids, lat, lon)
    rng = np.random.default_rng(13)
    for _ in range(200):
        q_lat, q_lon = 27.8 + rng.random() * 0.4, 120.4 + rng.random() * 0.5
        radius = float(rng.uniform(0.0, 3_000.0))
        want_ids, want_d = _brute(ids, lat, lon, q_lat, q_lon)
        assert idx.within(q_lat, q_lon, radius) == want_ids[want_d <= radius].tolist()


def test_ties_are_broken_by_id() -> None:
    """Retailers at the same position come back in ascending id order."""
    idx = RetailerIndex.from_arrays([9, 3, 7], [28.0, 28.0, 28.0], [120.7, 120.7, 120.7])
    assert idx.nearest(28.0, 120.7, k=3) == [3, 7, 9]


def test_bbox_returns_the_ids_inside_the_box(retailers) -> None:  # type: ignore[no-untyped-def]
    """bbox() equals a brute-force filter of lat/lon ranges, ascending ids."""
    ids, lat, lon = retailers
    idx = RetailerIndex.from_arrays(ids, lat, lon)
    inside = (lat >= 27.95) & (lat <= 28.05) & (lon >= 120.6) & (lon <= 120.7)
    assert idx.bbox(27.95, 120.6, 28.05, 120.7) == sorted(ids[inside].tolist())


def test_insert_delete_and_move_are_seen_by_queries() -> None:
    """Updates change query answers exactly as the new positions say."""
    idx = RetailerIndex()
    idx.insert(1, 28.0, 120.7)
    idx.insert(2, 28.001, 120.7)
    assert idx.nearest(28.0, 120.7, 1) == [1]
    idx.move(1, 28.01, 120.7)
    assert idx.nearest(28.0, 120.7, 1) == [2]
    assert idx.position(1).lat == 28.01
    idx.delete(2)
    assert idx.nearest(28.0, 120.7, 2) == [1]
    assert len(idx) == 1
    assert 2 not in idx
    for i in range(100, 140):  # growth past the initial capacity and slot reuse
        idx.insert(i, 28.0 + i * 1e-5, 120.7)
    assert len(idx) == 41
    assert idx.within(28.0, 120.7, 10_000.0)[-1] == 1


def test_bad_input_raises_typed_errors() -> None:
    """Duplicates, unknown ids, bad k, negative radius, NaN and swapped boxes are refused."""
    with pytest.raises(InvalidArgument, match="duplicate retailer id 4"):
        RetailerIndex.from_arrays([4, 4], [28.0, 28.1], [120.7, 120.7])
    with pytest.raises(InvalidCoordinate, match="row 1"):
        RetailerIndex.from_arrays([1, 2], [28.0, np.nan], [120.7, 120.7])
    with pytest.raises(ShapeMismatch):
        RetailerIndex.from_arrays([1, 2, 3], [28.0, 28.1], [120.7, 120.7])
    with pytest.raises(InvalidArgument, match="integers"):
        RetailerIndex.from_arrays([1.5], [28.0], [120.7])
    idx = RetailerIndex.from_arrays([1], [28.0], [120.7])
    with pytest.raises(InvalidArgument, match="already"):
        idx.insert(1, 28.0, 120.7)
    with pytest.raises(UnknownRetailer, match="retailer id 2"):
        idx.delete(2)
    with pytest.raises(UnknownRetailer):
        idx.move(2, 28.0, 120.7)
    with pytest.raises(InvalidArgument, match="k=0"):
        idx.nearest(28.0, 120.7, 0)
    with pytest.raises(InvalidRadius, match=r"radius_m=-5\.0"):
        idx.within(28.0, 120.7, -5.0)
    with pytest.raises(InvalidCoordinate):
        idx.nearest(120.7, 28.0, 1)
    with pytest.raises(InvalidArgument, match="south must be <= north"):
        idx.bbox(28.1, 120.6, 28.0, 120.7)


def test_queries_near_the_antimeridian_and_pole_are_exact() -> None:
    """Circles that cross ±180° or reach a pole still find the right retailers."""
    idx = RetailerIndex.from_arrays([1, 2, 3], [0.0, 0.0, 89.99], [179.999, -179.999, 0.0])
    assert sorted(idx.within(0.0, 180.0, 500.0)) == [1, 2]
    assert sorted(idx.nearest(0.0, -180.0, 2)) == [1, 2]
    assert idx.within(89.995, 90.0, 2_000.0) == [3]


def test_readers_never_see_a_half_applied_move_while_a_writer_moves() -> None:
    """Threads querying during 2,000 moves always see the moving retailer exactly once."""
    rng = np.random.default_rng(14)
    n = 2_000
    idx = RetailerIndex.from_arrays(
        np.arange(n), 28.0 + rng.random(n) * 0.1, 120.6 + rng.random(n) * 0.1
    )
    idx.move(0, 28.2, 120.8)  # away from everyone else
    a, b = (28.2, 120.8), (28.2004, 120.8)  # 44 m apart; both within 100 m of the midpoint
    errors: list[str] = []
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            seen = idx.within(28.2002, 120.8, 100.0)
            if seen != [0]:
                errors.append(repr(seen))
            if idx.nearest(28.2002, 120.8, 1) != [0]:
                errors.append("nearest")

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    for i in range(2_000):
        idx.move(0, *(a if i % 2 else b))
    stop.set()
    for t in threads:
        t.join()
    assert errors == []
    assert len(idx) == n
