"""A seeded, realistic 40 x 40 km city for the issue-20 benchmark (independent of the library's).

Geography (local metres, x east, y north, origin at the map centre):

* a sinuous river from the west edge to the coast at x = 14 km, crossed only by three bridges;
* the sea east of x = 14 km, with a peninsula (x 14..19.5 km, y -12.5..-10 km) joined by land;
* an estuary island just south of the river mouth, ringed by water, with one bridge;
* a ferry-only island offshore (no bridge, one ferry line);
* a dense old town astride the river, suburbs strung along six arterial roads, three satellite
  towns, ~40 villages and a thin rural scatter.

Trade: corner shops, chain supermarkets (~50x a corner shop's volume), KTVs and hotels (hotel /
entertainment class), other outlets; log-normal volumes. KTVs open 14:00-02:00; the library
takes ``0 <= open < close <= 1440`` only, so their hours are stored as 14:00-24:00 and the
after-midnight tail is reported as not expressible. Managers live among the shops (each home is
a random shop's position plus ~200 m).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from geo import EARTH_RADIUS_M
from gql.services.territories.rules import RetailerSet
from gql.services.territories.rules.barriers import Barrier, Barriers, Crossing

LAT0, LON0 = 30.27, 120.15
COAST_X = 14_000.0
PENINSULA = (14_000.0, 19_500.0, -12_500.0, -10_000.0)  # x0, x1, y0, y1
BRIDGES_X = (-9_000.0, -1_500.0, 6_000.0)
FERRY_ISLAND = (17_500.0, 9_000.0, 1_500.0)  # cx, cy, r
CORNER, SUPERMARKET, KTV, HOTEL, OTHER = range(5)
KTV_OPEN_MIN, KTV_CLOSE_MIN = 14 * 60.0, 26 * 60.0  # 02:00 next day


def river_y(x: np.ndarray | float) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    return 1_500.0 * np.sin(x / 6_000.0) + 500.0 * np.sin(x / 2_300.0) + 1_000.0


def estuary_island() -> tuple[float, float, float]:
    cx = 11_500.0
    return cx, float(river_y(cx)) - 1_300.0, 900.0


@dataclass(frozen=True)
class City:
    retailers: RetailerSet
    barriers: Barriers
    home_lat: np.ndarray
    home_lon: np.ndarray
    xy: np.ndarray  # (n, 2) east, north metres
    kind: np.ndarray  # CORNER.. OTHER
    zone: np.ndarray  # str labels: oldtown, suburb, town, village, rural, estuary, ferry, peninsula
    true_ktv_close_min: float = KTV_CLOSE_MIN


def to_latlon(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lat = LAT0 + np.degrees(np.asarray(y) / EARTH_RADIUS_M)
    lon = LON0 + np.degrees(np.asarray(x) / (EARTH_RADIUS_M * np.cos(np.radians(LAT0))))
    return lat, lon


def _in_disc(x: np.ndarray, y: np.ndarray, disc: tuple[float, float, float]) -> np.ndarray:
    return np.hypot(x - disc[0], y - disc[1]) < disc[2]


def on_mainland(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Land that is neither island nor water (peninsula included), away from the river bed."""
    x0, x1, y0, y1 = PENINSULA
    pen = (x >= x0) & (x <= x1) & (y >= y0 + 60) & (y <= y1 - 60)
    main = (x < COAST_X - 60) & (np.abs(y - river_y(x)) > 80)
    inland = (np.abs(x) <= 20_000) & (np.abs(y) <= 20_000)
    return (
        (main | pen) & inland & ~_in_disc(x, y, (*estuary_island()[:2], estuary_island()[2] + 80))
    )


def _ring(disc: tuple[float, float, float], m: int = 24) -> tuple[np.ndarray, np.ndarray]:
    t = np.linspace(0, 2 * np.pi, m + 1)
    return disc[0] + disc[2] * np.cos(t), disc[1] + disc[2] * np.sin(t)


def _line(name: str, kind: str, x: np.ndarray, y: np.ndarray, cls: type) -> object:
    lat, lon = to_latlon(np.asarray(x), np.asarray(y))
    return cls(name, kind, tuple(lat.tolist()), tuple(lon.tolist()))


RIVER_VERTICES = 140


def _pad(x: np.ndarray, y: np.ndarray, m: int = RIVER_VERTICES) -> tuple[np.ndarray, np.ndarray]:
    """Repeat the last vertex up to ``m`` vertices.

    Works around a library bug: ``barrier_cuts`` (rules/barriers.py) builds all barriers with
    one ``shapely.linestrings`` call on a list of arrays, which fails with "inhomogeneous
    shape" unless every barrier has the same number of vertices.
    """
    return np.r_[x, np.full(m - x.size, x[-1])], np.r_[y, np.full(m - y.size, y[-1])]


def barriers() -> Barriers:
    rx = np.linspace(-20_500.0, COAST_X, RIVER_VERTICES)
    _, x1, y0, y1 = PENINSULA
    coast_x = np.array([COAST_X, COAST_X, x1, x1, COAST_X, COAST_X])
    coast_y = np.array([-20_500.0, y0, y0, y1, y1, 20_500.0])
    walls = [
        _line("river", "river", rx, river_y(rx), Barrier),
        _line("coast", "coast", *_pad(coast_x, coast_y), Barrier),
        _line("estuary island shore", "coast", *_pad(*_ring(estuary_island())), Barrier),
        _line("ferry island shore", "coast", *_pad(*_ring(FERRY_ISLAND)), Barrier),
    ]
    ways = [
        _line(
            f"bridge {i + 1}",
            "bridge",
            np.array([bx, bx]),
            river_y(bx) + np.array([-250, 250]),
            Crossing,
        )
        for i, bx in enumerate(BRIDGES_X)
    ]
    ex, ey, er = estuary_island()
    ways.append(
        _line(
            "island bridge",
            "bridge",
            np.array([ex, ex]),
            np.array([ey - er + 150, ey - er - 250]),
            Crossing,
        )
    )
    fx, fy, fr = FERRY_ISLAND
    ways.append(
        _line(
            "ferry", "ferry", np.array([COAST_X - 300, fx - fr + 150]), np.array([fy, fy]), Crossing
        )
    )
    return Barriers(barriers=tuple(walls), crossings=tuple(ways))  # type: ignore[arg-type]


def _draw(rng: np.random.Generator, count: int, sampler, accept) -> np.ndarray:
    out: list[np.ndarray] = []
    got = 0
    while got < count:
        xy = sampler(max(2 * (count - got), 64))
        xy = xy[accept(xy[:, 0], xy[:, 1])]
        out.append(xy)
        got += len(xy)
    return np.vstack(out)[:count]


def positions(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    shares = {
        "oldtown": 0.24,
        "suburb": 0.30,
        "town": 0.13,
        "village": 0.14,
        "rural": 0.07,
        "estuary": 0.02,
        "ferry": 0.012,
        "peninsula": 0.03,
    }
    counts = {z: int(s * n) for z, s in shares.items()}
    counts["oldtown"] += n - sum(counts.values())
    old = np.array([-2_000.0, float(river_y(-2_000.0))])
    roads = rng.uniform(0, 2 * np.pi, 6)
    towns = np.array([[-13_000.0, -9_000.0], [-12_000.0, 12_000.0], [7_000.0, -13_000.0]])
    villages = rng.uniform(-19_000, 13_000, (40, 2))
    villages = villages[on_mainland(villages[:, 0], villages[:, 1])]
    ex, ey, er = estuary_island()
    fx, fy, fr = FERRY_ISLAND
    px0, px1, py0, py1 = PENINSULA

    def disc_sampler(c: tuple[float, float, float]):
        def s(m: int) -> np.ndarray:
            r = c[2] * np.sqrt(rng.random(m)) * 0.9
            t = rng.uniform(0, 2 * np.pi, m)
            return np.c_[c[0] + r * np.cos(t), c[1] + r * np.sin(t)]

        return s

    samplers = {
        "oldtown": (lambda m: old + rng.normal(0, 1_600, (m, 2)), on_mainland),
        "suburb": (
            lambda m: (
                old
                + (rng.exponential(5_000, m) + 1_500)[:, None]
                * np.c_[np.cos(a := roads[rng.integers(0, 6, m)]), np.sin(a)]
                + rng.normal(0, 250, (m, 2))
            ),
            on_mainland,
        ),
        "town": (lambda m: towns[rng.integers(0, 3, m)] + rng.normal(0, 900, (m, 2)), on_mainland),
        "village": (
            lambda m: villages[rng.integers(0, len(villages), m)] + rng.normal(0, 300, (m, 2)),
            on_mainland,
        ),
        "rural": (lambda m: rng.uniform(-20_000, 20_000, (m, 2)), on_mainland),
        "estuary": (disc_sampler((ex, ey, er - 60)), lambda x, y: np.ones(x.size, bool)),
        "ferry": (disc_sampler((fx, fy, fr - 60)), lambda x, y: np.ones(x.size, bool)),
        "peninsula": (
            lambda m: np.c_[px0 + (px1 - px0) * rng.power(0.6, m), rng.uniform(py0, py1, m)],
            on_mainland,
        ),
    }
    xy_parts, zone_parts = [], []
    for z, c in counts.items():
        sampler, accept = samplers[z]
        xy_parts.append(_draw(rng, c, sampler, accept))
        zone_parts.append(np.full(c, z))
    return np.vstack(xy_parts), np.concatenate(zone_parts)


def realistic_city(
    n: int = 25_000, n_managers: int = 125, seed: int = 0, id_offset: int = 0
) -> City:
    rng = np.random.default_rng(seed)
    xy, zone = positions(n, rng)
    order = rng.permutation(n)
    xy, zone = xy[order], zone[order]
    kind = rng.choice(5, size=n, p=[0.66, 0.04, 0.03, 0.03, 0.24])
    median = np.array([60.0, 3_000.0, 300.0, 150.0, 40.0])[kind]
    volume = np.round(median * rng.lognormal(0.0, 0.6, n), 1)
    volume = np.where((kind == CORNER) & (rng.random(n) < 0.04), 0.0, volume)
    rank = volume.argsort().argsort() / n
    grade = np.select([rank > 0.92, rank > 0.75, rank > 0.40, rank > 0.15], [1, 2, 3, 4], 5)
    is_key = (kind == SUPERMARKET) | ((grade == 1) & (rng.random(n) < 0.4))
    workload_class = np.array([0, 1, 2, 2, 3])[kind]
    open_min = np.where(kind == KTV, KTV_OPEN_MIN, rng.choice([7 * 60.0, 8 * 60.0], n))
    close_min = np.where(kind == KTV, 24 * 60.0, rng.choice([21 * 60.0, 22 * 60.0], n))
    open_min = np.where(kind == HOTEL, 0.0, open_min)
    close_min = np.where(kind == HOTEL, 24 * 60.0, close_min)
    order_day = np.where(volume > 0, rng.integers(0, 5, n), -1)
    lat, lon = to_latlon(xy[:, 0], xy[:, 1])
    retailers = RetailerSet.build(
        retailer_id=id_offset + np.arange(1, n + 1) * 10 + 3,
        lat_deg=lat,
        lon_deg=lon,
        grade=grade,
        business_type=workload_class,
        is_key=is_key,
        order_weekday=order_day,
        order_volume=volume,
        open_min=open_min,
        close_min=close_min,
    )
    pick = rng.choice(n, size=n_managers, replace=False)
    hx, hy = xy[pick, 0], xy[pick, 1]
    jitter = rng.normal(0, 200, (n_managers, 2))
    ok = on_mainland(hx + jitter[:, 0], hy + jitter[:, 1]) | np.isin(
        zone[pick], ["estuary", "ferry"]
    )
    hx = np.where(ok & ~np.isin(zone[pick], ["estuary", "ferry"]), hx + jitter[:, 0], hx)
    hy = np.where(ok & ~np.isin(zone[pick], ["estuary", "ferry"]), hy + jitter[:, 1], hy)
    home_lat, home_lon = to_latlon(hx, hy)
    return City(retailers, barriers(), home_lat, home_lon, xy, kind, zone)
