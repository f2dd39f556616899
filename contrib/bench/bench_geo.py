"""Benchmark geo/ against brute-force numpy baselines, in one process and one run.

Run from the project root:  .venv/bin/python contrib/bench/bench_geo.py [--quick]

Targets (issue 3): index build for 30,000 retailers <= 0.3 s; nearest(k=5) median <= 30 us;
100,000 verifications in a batch <= 1 s. Each line prints our figure beside the peer's.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

try:
    import geo
except ImportError:  # running as a script from a checkout that is not pip-installed
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    import geo

N_RETAILERS = 30_000
N_VISITS = 100_000
R_M = geo.EARTH_RADIUS_M


def retailers(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Wenzhou-like layout: 70 % in a dense centre, the rest over the prefecture."""
    dense = rng.random(n) < 0.7
    lat = np.where(dense, 28.0 + rng.normal(0, 0.03, n), 27.6 + rng.random(n) * 0.8)
    lon = np.where(dense, 120.65 + rng.normal(0, 0.03, n), 120.2 + rng.random(n) * 0.9)
    return rng.permutation(10 * n)[:n].astype(np.int64), lat, lon


def brute_haversine(lat: float, lon: float, lat_r: np.ndarray, lon_r: np.ndarray) -> np.ndarray:
    p = math.radians(lat)
    s_lat = np.sin(0.5 * (lat_r - p))
    s_lon = np.sin(0.5 * (lon_r - math.radians(lon)))
    h = s_lat * s_lat + math.cos(p) * np.cos(lat_r) * s_lon * s_lon
    return 2.0 * R_M * np.arcsin(np.sqrt(np.minimum(h, 1.0)))


def brute_nearest(ids, lat_r, lon_r, lat, lon, k):  # type: ignore[no-untyped-def]
    d = brute_haversine(lat, lon, lat_r, lon_r)
    part = np.argpartition(d, k)[: k + 8]
    order = part[np.lexsort((ids[part], d[part]))][:k]
    return ids[order]


def median_us(fn, args_list) -> float:  # type: ignore[no-untyped-def]
    times = []
    for args in args_list:
        t0 = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e6


def best_and_median_s(fn, repeat: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    parser.add_argument("--seed", type=int, default=20260511)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    repeat = 3 if args.quick else 7
    n_queries = 2_000 if args.quick else 20_000

    print(
        f"# bench_geo  python {platform.python_version()}  numpy {np.__version__}  "
        f"{platform.machine()}  seed {args.seed}  "
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"
    )
    t0 = time.perf_counter()
    geo.warm_up()
    print(f"warm_up (numba cache load/compile)          {time.perf_counter() - t0:8.3f} s")

    ids, lat, lon = retailers(rng, N_RETAILERS)
    best, med = best_and_median_s(lambda: geo.RetailerIndex.from_arrays(ids, lat, lon), repeat)
    _, b_med = best_and_median_s(lambda: (np.radians(lat), np.radians(lon)), repeat)
    print(
        f"index build, 30,000 retailers    ours best {best:8.4f} s  median {med:8.4f} s"
        f"  | numpy brute force (no index; radians prep) {b_med:8.4f} s   target <= 0.3 s"
    )

    idx = geo.RetailerIndex.from_arrays(ids, lat, lon)
    lat_r, lon_r = np.radians(lat), np.radians(lon)
    queries = [(28.0 + rng.normal(0, 0.04), 120.65 + rng.normal(0, 0.04)) for _ in range(n_queries)]
    for q_lat, q_lon in queries[:500]:  # correctness beside speed
        assert (
            idx.nearest(q_lat, q_lon, 5)
            == brute_nearest(ids, lat_r, lon_r, q_lat, q_lon, 5).tolist()
        )
    ours = median_us(lambda a, b: idx.nearest(a, b, 5), queries)
    peer = median_us(
        lambda a, b: brute_nearest(ids, lat_r, lon_r, a, b, 5), queries[: n_queries // 4]
    )
    print(
        f"nearest(k=5) median                 ours {ours:8.1f} us"
        f"  | numpy brute force {peer:8.1f} us   target <= 30 us  (500 answers identical)"
    )
    from rtree import index as rtree_index

    points = np.ascontiguousarray(np.column_stack((lon, lat)))
    plain = rtree_index.Index((np.arange(N_RETAILERS, dtype=np.int64), points, points))
    peer = median_us(lambda a, b: list(plain.nearest((b, a, b, a), 5)), queries)
    print(
        f"   rtree's own nearest(k=5), planar in degrees, default capacity {peer:8.1f} us"
        "  (not exact in metres)"
    )
    ours = median_us(lambda a, b: idx.within(a, b, 300.0), queries)
    peer = median_us(
        lambda a, b: ids[brute_haversine(a, b, lat_r, lon_r) <= 300.0], queries[: n_queries // 4]
    )
    print(
        f"within(300 m) median                ours {ours:8.1f} us"
        f"  | numpy brute force {peer:8.1f} us"
    )

    # 100,000 single-fix verifications
    shop = rng.integers(0, N_RETAILERS, N_VISITS)
    acc = rng.uniform(5.0, 40.0, N_VISITS)
    sigma = acc / math.sqrt(-2.0 * math.log(0.32))
    f_lat = lat[shop] + rng.normal(0, 1, N_VISITS) * sigma / 111_195.0
    f_lon = lon[shop] + rng.normal(0, 1, N_VISITS) * sigma / (
        111_195.0 * np.cos(np.radians(lat[shop]))
    )
    policy = geo.VisitPolicy()
    out = geo.verify_batch(f_lat, f_lon, acc, lat[shop], lon[shop], policy)
    best, med = best_and_median_s(
        lambda: geo.verify_batch(f_lat, f_lon, acc, lat[shop], lon[shop], policy), repeat
    )

    def naive() -> np.ndarray:
        p, q = np.radians(f_lat), np.radians(lat[shop])
        s1, s2 = np.sin(0.5 * (q - p)), np.sin(0.5 * np.radians(lon[shop] - f_lon))
        d = 2 * R_M * np.arcsin(np.sqrt(s1 * s1 + np.cos(p) * np.cos(q) * s2 * s2))
        return d <= 100.0

    _, b_med = best_and_median_s(naive, repeat)

    def gaussian_rule() -> np.ndarray:
        """The decision before issue 21: Gaussian σ = a / 1.51, two chndtr calls per visit."""
        from scipy.special import chndtr

        p, q = np.radians(f_lat), np.radians(lat[shop])
        s1, s2 = np.sin(0.5 * (q - p)), np.sin(0.5 * np.radians(lon[shop] - f_lon))
        d = 2 * R_M * np.arcsin(np.sqrt(s1 * s1 + np.cos(p) * np.cos(q) * s2 * s2))
        s = acc / 1.5096
        p_in = chndtr((100.0 / s) ** 2, 2.0, (d / s) ** 2)
        p_out = 1.0 - chndtr((d / s) ** 2, 2.0, (100.0 / s) ** 2)
        return np.where(p_out < 0.01, 1, np.where(p_in >= 0.9, 0, 2))

    _, g_med = best_and_median_s(gaussian_rule, repeat)
    print(
        f"verify_batch, 100,000 visits     ours best {best:8.4f} s  median {med:8.4f} s"
        f"  | numpy distance<=radius only {b_med:8.4f} s   target <= 1 s"
    )
    print(
        f"   peer: the Gaussian rule before issue 21 (scipy chndtr, no floor/multipath/t)"
        f" median {g_med:8.4f} s"
    )
    print(
        f"   (genuine GPS set: IN_PLACE {out.count(geo.VerdictKind.IN_PLACE)}, "
        f"NOT_IN_PLACE {out.count(geo.VerdictKind.NOT_IN_PLACE)}, "
        f"INCONCLUSIVE {out.count(geo.VerdictKind.INCONCLUSIVE)})"
    )

    now = datetime(2026, 5, 11, 9, 30, tzinfo=UTC)
    fixes = [
        geo.PositionFix(float(f_lat[i]), float(f_lon[i]), "WGS84", float(acc[i]),
                        geo.FixSource.DEVICE_GPS, now)
        for i in range(2_000)
    ]  # fmt: skip
    shops = [geo.Wgs84(float(lat[shop[i]]), float(lon[shop[i]])) for i in range(2_000)]
    ours = median_us(
        lambda f, s: geo.verify_visit(f, s, policy, now=now), list(zip(fixes, shops, strict=True))
    )
    print(f"verify_visit (one fix, scalar) median ours {ours:8.1f} us")

    # conversions: ours vectorised vs PRCoords (pure Python, one point at a time)
    c_lat, c_lon = 22.0 + rng.random(N_VISITS) * 20.0, 100.0 + rng.random(N_VISITS) * 20.0
    best, med = best_and_median_s(lambda: geo.convert_arrays(c_lat, c_lon, "GCJ02", "WGS84"), 3)
    try:
        import prcoords

        pts = list(zip(c_lat[:10_000].tolist(), c_lon[:10_000].tolist(), strict=True))
        t0 = time.perf_counter()
        for p in pts:
            prcoords.gcj_wgs_bored(p)
        peer = (time.perf_counter() - t0) * 10.0
        peer_txt = f"prcoords.gcj_wgs_bored loop {peer:8.3f} s (10k timed, x10)"
    except ImportError:
        peer_txt = "prcoords not installed"
    print(f"GCJ-02 -> WGS-84, 100,000 points  ours median {med:8.4f} s  | {peer_txt}")

    # cost matrix for the TSP core
    m_lat, m_lon = lat[:300], lon[:300]
    best, med = best_and_median_s(lambda: geo.cost_matrix(m_lat, m_lon, road_factor=1.3), repeat)

    def numpy_matrix() -> np.ndarray:
        p, q = np.radians(m_lat)[:, None], np.radians(m_lat)[None, :]
        s1 = np.sin(0.5 * (q - p))
        s2 = np.sin(0.5 * (np.radians(m_lon)[None, :] - np.radians(m_lon)[:, None]))
        h = s1 * s1 + np.cos(p) * np.cos(q) * s2 * s2
        return np.rint(2 * R_M * np.arcsin(np.sqrt(h)) * 1.3).astype(np.int64)

    assert np.abs(numpy_matrix() - geo.cost_matrix(m_lat, m_lon, road_factor=1.3)).max() <= 1
    _, b_med = best_and_median_s(numpy_matrix, repeat)
    print(
        f"cost_matrix 300x300                  ours {med * 1e3:8.2f} ms"
        f" | numpy broadcasting {b_med * 1e3:8.2f} ms"
    )


if __name__ == "__main__":
    main()
