"""A reproducible synthetic city district for tests and the partition benchmark.

Retailers cluster around a dense centre and a few town centres over a sparse rural background,
so per-retailer travel (and hence workload) genuinely varies across the district, as it does in
a real one. Attributes follow plausible shares: 5 grades, 4 business types, ~6 % key customers.
"""

from __future__ import annotations

import numpy as np

from geo import EARTH_RADIUS_M

from .retailers import RetailerSet

__all__ = ["synthetic_city"]


def synthetic_city(
    n: int,
    *,
    seed: int = 0,
    lat0_deg: float = 30.27,
    lon0_deg: float = 120.15,
    radius_m: float = 15_000.0,
) -> RetailerSet:
    """Return ``n`` synthetic retailers around ``(lat0_deg, lon0_deg)``.

    Examples
    --------
    >>> synthetic_city(100, seed=1).n
    100
    """
    rng = np.random.default_rng(seed)
    n_centre = int(0.45 * n)
    n_towns = int(0.35 * n)
    n_rural = n - n_centre - n_towns
    centre = rng.normal(0.0, 0.18 * radius_m, (n_centre, 2))
    town_xy = rng.uniform(-0.7 * radius_m, 0.7 * radius_m, (6, 2))
    town = town_xy[rng.integers(0, 6, n_towns)] + rng.normal(0.0, 0.07 * radius_m, (n_towns, 2))
    rural = rng.uniform(-radius_m, radius_m, (n_rural, 2))
    xy = np.clip(np.vstack([centre, town, rural]), -1.2 * radius_m, 1.2 * radius_m)
    xy = xy[rng.permutation(n)]
    lat = lat0_deg + np.degrees(xy[:, 0] / EARTH_RADIUS_M)
    lon = lon0_deg + np.degrees(xy[:, 1] / (EARTH_RADIUS_M * np.cos(np.radians(lat0_deg))))
    grade = rng.choice(np.arange(1, 6), size=n, p=[0.08, 0.17, 0.35, 0.25, 0.15])
    business = rng.choice(4, size=n, p=[0.80, 0.07, 0.06, 0.07])
    is_key = (rng.random(n) < 0.06) | ((grade == 1) & (rng.random(n) < 0.3))
    volume = rng.gamma(2.0, 60.0, n) * (6 - grade) / 3
    volume = np.round(np.where(rng.random(n) < 0.05, 0.0, volume), 1)
    order_day = np.where(volume > 0, rng.integers(0, 5, n), -1)
    open_min = np.where(business == 2, 10 * 60.0, rng.choice([7 * 60.0, 8 * 60.0, 9 * 60.0], n))
    close_min = np.where(business == 2, 23 * 60.0, rng.choice([20 * 60.0, 21 * 60.0, 22 * 60.0], n))
    return RetailerSet.build(
        retailer_id=np.arange(1, n + 1) * 10 + 7,
        lat_deg=lat,
        lon_deg=lon,
        grade=grade,
        business_type=business,
        is_key=is_key,
        order_weekday=order_day,
        order_volume=volume,
        open_min=open_min,
        close_min=close_min,
    )
