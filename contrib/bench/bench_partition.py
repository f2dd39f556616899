"""Benchmark: partition-then-route on a generated 25,000-retailer city (issue 8 targets).

Runs, in one process, our territory partition and its peer (plain k-means, scikit-learn), the
warm start after 1 % close / 1 % open, the full 4-week routed schedule and its peer (a
schedule that keeps the territories and visit frequencies but picks weekdays and weeks at
random, i.e. ignores geography), and prints every measured number next to its target.

    .venv/bin/python contrib/bench/bench_partition.py [--n 25000] [--managers 150] [--seed 3]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from sklearn.cluster import KMeans

from gql.services.territories.rules import (
    RetailerSet,
    TerritoryMetrics,
    WeekdayPlan,
    district_zones,
    estimate_workload,
    evaluate_partition,
    partition_territories,
    plan_schedule,
    project_local_m,
    route_schedule,
    synthetic_city,
)


def churn(city: RetailerSet, territory: np.ndarray, seed: int) -> RetailerSet:
    """Close 1 % of retailers and open 1 % new ones with no manager."""
    rng = np.random.default_rng(seed)
    n = city.n
    keep = np.sort(rng.choice(n, size=n - n // 100, replace=False))
    fresh = synthetic_city(n // 100, seed=seed + 1000)
    cols = {
        name: np.r_[getattr(city, name)[keep], getattr(fresh, name)]
        for name in (
            "lat_deg",
            "lon_deg",
            "grade",
            "business_type",
            "is_key",
            "service_min",
            "order_weekday",
            "order_volume",
            "open_min",
            "close_min",
        )
    }
    current = np.r_[territory[keep], np.full(fresh.n, -1)]
    return RetailerSet(
        retailer_id=np.r_[city.retailer_id[keep], 10**9 + fresh.retailer_id],
        locked=np.zeros(current.size, dtype=bool),
        current_manager=current,
        **cols,
    )


def show(label: str, m: TerritoryMetrics) -> None:
    w, c, v = m.workload, m.retailer_count, m.order_volume
    print(
        f"  {label:<22} workload CV {w.cv:6.2%} worst {w.worst_deviation:6.2%} | count worst "
        f"{c.worst_deviation:6.2%} | volume worst {v.worst_deviation:6.2%} | mean dist "
        f"{m.mean_distance_to_centre_m:7.1f} m | fragmented {m.fragmented_territories} | "
        f"class-mix TVD {m.class_mix_distance:.3f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=25_000)
    parser.add_argument("--managers", type=int, default=150)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    k = args.managers
    city = synthetic_city(args.n, seed=args.seed)
    print(f"city: {city.n} retailers, {k} managers (seed {args.seed})")

    t0 = time.perf_counter()
    ours = partition_territories(city, k)
    t_ours = time.perf_counter() - t0
    xy = project_local_m(city.lat_deg, city.lon_deg)
    t0 = time.perf_counter()
    km = KMeans(n_clusters=k, n_init=1, random_state=args.seed).fit(xy)
    t_km = time.perf_counter() - t0
    plain = evaluate_partition(city, km.labels_.astype(np.int64), k)
    print("territories")
    print(f"  ours (MCF + local search)  {t_ours:6.1f} s   (target <= 60 s)")
    print(f"  plain k-means (sklearn)    {t_km:6.1f} s")
    show("ours", ours.metrics)
    show("plain k-means", plain.metrics)
    ratio = ours.metrics.mean_distance_to_centre_m / plain.metrics.mean_distance_to_centre_m
    print(f"  compactness ratio ours / k-means = {ratio:.3f}   (target <= 1.15)")

    changed = churn(city, np.asarray(ours.territory), seed=args.seed)
    t0 = time.perf_counter()
    warm = partition_territories(changed, k)
    t_warm = time.perf_counter() - t0
    existing = int((changed.current_manager >= 0).sum())
    print("warm start after 1 % close / 1 % open")
    print(
        f"  time {t_warm:.1f} s; moved {warm.metrics.moved_retailers} of {existing} existing "
        f"= {warm.metrics.moved_retailers / existing:.2%}   (target <= 5 %)"
    )
    show("warm", warm.metrics)

    t0 = time.perf_counter()
    schedule = plan_schedule(city, ours.territory, k)
    t_sched = time.perf_counter() - t0
    zones = district_zones(city, schedule.plan)
    sm = schedule.metrics
    print("schedule (weekday zones + phases + 3000 routed days)")
    print(f"  time {t_sched:.1f} s   (target <= 120 s)")
    print(
        f"  total {sm.total_travel_m / 1000:,.0f} km; day hours mean {sm.day_hours.mean:.2f} "
        f"max {sm.max_day_hours:.2f} (cap 8); days over cap {sm.days_over_cap}; late stops "
        f"{sm.late_stops}; phase moves {sm.phase_moves}"
    )
    print(
        f"  district per-weekday CV: ordering retailers {zones.ordering_balance.cv:.2%}, "
        f"orders {zones.orders_balance.cv:.2%}, volume {zones.volume_balance.cv:.2%}   "
        f"(target <= 3 %)"
    )

    workload = estimate_workload(city)
    rng = np.random.default_rng(args.seed)
    visits = workload.visits_per_cycle
    blind_phase = np.where(
        visits == 2,
        rng.integers(0, 2, city.n),
        np.where(visits == 1, rng.integers(0, 4, city.n), 0),
    )
    blind = WeekdayPlan(
        territory=np.asarray(ours.territory),
        weekday=rng.integers(0, 5, city.n),
        phase=blind_phase.astype(np.int64),
        visits_per_cycle=visits,
    )
    t0 = time.perf_counter()
    blind_schedule = route_schedule(city, blind, k, workload, cap_hours=24.0)
    t_blind = time.perf_counter() - t0
    bm = blind_schedule.metrics
    saving = 1 - sm.total_travel_m / bm.total_travel_m
    print("geography-blind peer (same territories and frequencies, random weekday/week)")
    over = int(sum(d.hours > 8 for d in blind_schedule.days))
    print(
        f"  time {t_blind:.1f} s; total {bm.total_travel_m / 1000:,.0f} km; max day "
        f"{bm.max_day_hours:.2f} h; days over 8 h {over}"
    )
    print(f"  ours drives {saving:.1%} fewer km   (target >= 30 %)")
    modelled_h = (workload.visits_per_cycle * workload.travel_min_per_visit).sum() / 60
    routed_h = (
        sum(d.hours for d in schedule.days)
        - (workload.visits_per_cycle * workload.service_min).sum() / 60
    )
    print(
        f"workload model check: modelled travel {modelled_h:,.0f} h vs routed travel+waiting "
        f"{routed_h:,.0f} h over the cycle"
    )


if __name__ == "__main__":
    main()
