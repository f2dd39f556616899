"""Benchmark (issue 20): every figure of the issue on a realistic city, beside two peers.

The city (``contrib/bench/realistic_city.py``): a river crossed only by three bridges,
an estuary island with one bridge, a ferry-only island, a peninsula, a dense old town, arterial
suburbs, towns and villages, log-normal volumes with chain supermarkets ~50x corner shops,
KTVs open 14:00-02:00, managers living among the shops. Per seed, in one run:

* ours: ``partition_territories`` (cold, barrier-aware settings), its warm re-plans and its
  4-week schedule (depots = managers' homes, matched to territories by least squared distance);
* k-means (scipy ``kmeans2``, k-means++ init, 50 Lloyd iterations; scikit-learn is an
  optional extra not in the project venv) and a workload-balanced min-cost-flow assignment
  (retailers to the k-means centres, each territory's workload within mean +/- 1 %,
  minimising squared distance; an LP over the 8 nearest centres solved by HiGHS, then
  rounded to each retailer's largest share);
* a geography-blind schedule peer (same territories and frequencies, random weekday/week).

    PYTHONPATH=. .venv/bin/python contrib/bench/bench_city.py [--n 25000] [--managers 125]
        [--seeds 1 2 3] [--no-schedule] [--max-order-day-changes SHARE]
        [--secondary-weights 0 0.5] [--homes] [--secondary-limit 0.12]

``--secondary-weights`` adds a column per weight: ours with that ``secondary_weight`` (the
default is 1), with its own warm re-plans, for the trade-off table in docs/planning.md.
``--homes`` gives ours the managers' homes (``home_lat_deg``/``home_lon_deg``) with
``count_commute``: each territory is placed near its manager's home and holds visits plus the
daily commute even, and the schedule starts manager j from home j. ``--secondary-limit`` sets
ours' ``PartitionSettings.secondary_limit`` (an outer limit on count and volume deviation;
0 turns it off; by default the library's).
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from scipy.cluster.vq import kmeans2
from scipy.optimize import linear_sum_assignment, linprog
from scipy.spatial import cKDTree

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from contrib.bench.realistic_city import KTV, City, realistic_city
from gql.services.territories.rules import (
    InfeasibleCapError,
    PartitionSettings,
    RetailerSet,
    WeekdayPlan,
    WorkloadPolicy,
    district_zones,
    estimate_workload,
    evaluate_partition,
    match_homes,
    partition_territories,
    plan_schedule,
    project_local_m,
    route_schedule,
)
from gql.services.territories.rules.contiguity import piece_counts
from gql.services.territories.rules.territories import district_graph

CUT_M = 2_000.0
CANDIDATES = 24


def mcf_peer(
    xy: np.ndarray, w: np.ndarray, centres: np.ndarray, band: float = 0.01, rounds: int = 3
) -> np.ndarray:
    """Workload-balanced min-cost assignment, alternated with centre updates ``rounds`` times.

    Each round is a transport LP: every retailer to one of its ``CANDIDATES`` nearest centres,
    each territory's workload within mean +/- ``band`` (leaving the band is priced by a slack
    far above any distance, so the LP is always feasible), minimising squared km; the LP's
    split retailers go to their largest share, then centres move to the workload-weighted
    centroids.
    """
    n, k = xy.shape[0], centres.shape[0]
    cand = min(CANDIDATES, k)
    mean = w.sum() / k
    t = np.zeros(n, dtype=np.int64)
    for _ in range(rounds):
        d, j = cKDTree(centres).query(xy, k=cand)
        cost = np.r_[((d / 1000.0) ** 2).ravel(), np.full(2 * k, 1e4 / mean)]
        rows = np.repeat(np.arange(n), cand)
        cols = j.ravel()
        nv = n * cand
        a_eq = sp.hstack(
            [sp.csr_matrix((np.ones(nv), (rows, np.arange(nv))), shape=(n, nv)),
             sp.csr_matrix((n, 2 * k))]
        )  # fmt: skip
        load = sp.csr_matrix((w[rows], (cols, np.arange(nv))), shape=(k, nv))
        eye = sp.identity(k)
        a_ub = sp.vstack(
            [sp.hstack([load, -eye, sp.csr_matrix((k, k))]),
             sp.hstack([-load, sp.csr_matrix((k, k)), -eye])]
        ).tocsr()  # fmt: skip
        b_ub = np.r_[np.full(k, mean * (1 + band)), np.full(k, -mean * (1 - band))]
        bounds = np.c_[np.zeros(nv + 2 * k), np.r_[np.ones(nv), np.full(2 * k, np.inf)]]
        res = linprog(cost, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=np.ones(n), bounds=bounds,
                      method="highs")  # fmt: skip
        share = res.x[:nv].reshape(n, cand)
        t = j[np.arange(n), share.argmax(axis=1)].astype(np.int64)
        tw = np.bincount(t, w, k)
        live = tw > 0
        centres = centres.copy()
        centres[live] = (
            np.c_[np.bincount(t, w * xy[:, 0], k), np.bincount(t, w * xy[:, 1], k)][live]
            / tw[live, None]
        )
    return t


def spread(x: np.ndarray) -> float:
    return float(np.abs(x / x.mean() - 1).max())


def territory_centres(xy: np.ndarray, t: np.ndarray, k: int) -> np.ndarray:
    cnt = np.bincount(t, minlength=k).astype(float)
    return (
        np.c_[np.bincount(t, xy[:, 0], k), np.bincount(t, xy[:, 1], k)]
        / np.maximum(cnt, 1)[:, None]
    )


def home_match(
    home_xy: np.ndarray, xy: np.ndarray, t: np.ndarray, k: int
) -> tuple[np.ndarray, float]:
    """Homes to territories as the library matches them (least squared distance, ``match_homes``).

    Returns the home index per territory and the median home -> centre distance in metres.
    """
    c = territory_centres(xy, t, k)
    home_of = np.empty(k, dtype=np.int64)
    home_of[match_homes(c, home_xy)] = np.arange(k)
    return home_of, float(np.median(np.linalg.norm(home_xy[home_of] - c, axis=1)))


def measure(label, city: City, t: np.ndarray, k: int, settings, open_settings, secs, home_xy, xy):
    m = evaluate_partition(city.retailers, t, k, settings=settings).metrics
    pieces = piece_counts(district_graph(city.retailers, xy, settings), t, k)
    pieces_open = piece_counts(district_graph(city.retailers, xy, open_settings), t, k)
    _, home_med = home_match(home_xy, xy, t, k)
    return {
        "label": label,
        "time_s": secs,
        "wl_cv": m.workload.cv,
        "wl_worst": m.workload.worst_deviation,
        "count": m.retailer_count.worst_deviation,
        "volume": m.order_volume.worst_deviation,
        "frag": m.fragmented_territories,
        "frag_barrier": int(((pieces > 1) & (pieces_open == 1)).sum()),
        "mean_dist": m.mean_distance_to_centre_m,
        "home_med": home_med,
    }


def churn(city: City, t: np.ndarray, k: int, seed: int) -> RetailerSet:
    """Close 1 % of retailers and open 1 % new ones (from a sibling city) with no manager."""
    r = city.retailers
    rng = np.random.default_rng(seed + 77)
    n = r.n
    keep = np.sort(rng.choice(n, size=n - n // 100, replace=False))
    sib = realistic_city(n, k, seed=seed + 1000, id_offset=10**9).retailers
    fresh = sib.subset(np.sort(rng.choice(n, size=n // 100, replace=False)))
    names = (
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
    cols = {x: np.r_[getattr(r, x)[keep], getattr(fresh, x)] for x in names}
    current = np.r_[t[keep], np.full(fresh.n, -1)]
    return RetailerSet(
        retailer_id=np.r_[r.retailer_id[keep], fresh.retailer_id],
        locked=np.zeros(current.size, dtype=bool),
        current_manager=current,
        **cols,
    )


def ktv_closed_visits(city: City, schedule, home_lat, home_lon, home_of, policy) -> tuple[int, int]:
    """Replay each routed day; count KTV visits outside 14:00-02:00 and all KTV visits."""
    r = city.retailers
    pos = {int(x): i for i, x in enumerate(r.retailer_id.tolist())}
    wl = estimate_workload(r, policy)
    speed = policy.speed_mps
    bad = total = 0
    for day in schedule.days:
        idx = np.array([pos[int(x)] for x in day.retailer_id.tolist()], dtype=np.int64)
        if idx.size == 0 or not (city.kind[idx] == KTV).any():
            continue
        h = home_of[day.manager]
        lat = np.r_[home_lat[h], r.lat_deg[idx]]
        lon = np.r_[home_lon[h], r.lon_deg[idx]]
        xy = project_local_m(lat, lon)
        leg = np.linalg.norm(np.diff(xy, axis=0), axis=1) * policy.road_factor / speed / 60
        t = 8.5 * 60
        for s, i in enumerate(idx.tolist()):
            t = max(t + leg[s], r.open_min[i])
            if city.kind[i] == KTV:
                total += 1
                bad += int(not (14 * 60 <= t <= 26 * 60))
            t += wl.service_min[i]
    return bad, total


def warm_figures(city: City, terr: np.ndarray, k: int, settings, seed: int) -> dict:
    """Warm re-plans of ``terr``: with no change (moved), and after 1 % close + 1 % open."""
    r = city.retailers
    same = replace(r, current_manager=np.asarray(terr, dtype=np.int64))  # every column kept
    t0 = time.perf_counter()
    warm0 = partition_territories(same, k, settings=settings)
    out = {"warm0": warm0.metrics.moved_retailers, "warm0_s": time.perf_counter() - t0}
    changed = churn(city, terr, k, seed)
    t0 = time.perf_counter()
    warm1 = partition_territories(changed, k, settings=settings)
    existing = int((changed.current_manager >= 0).sum())
    out["warm1"] = warm1.metrics.moved_retailers / existing
    out["warm1_s"] = time.perf_counter() - t0
    out["warm1_wl"] = warm1.metrics.workload.worst_deviation
    return out


def run_seed(
    seed: int,
    n: int,
    k: int,
    do_schedule: bool,
    weights: list[float],
    order_day_share: float | None = None,
    homes: bool = False,
    secondary_limit: float | None = None,
    commute_allowance: float = 0.0,
) -> dict:
    city = realistic_city(n, k, seed=seed)
    r = city.retailers
    settings = PartitionSettings(barriers=city.barriers, cut_m=CUT_M)
    if secondary_limit is not None:  # 0: none
        settings = dataclasses.replace(settings, secondary_limit=secondary_limit or None)
    if homes:  # manager j starts from home j: territory j is placed and sized for that commute
        settings = dataclasses.replace(
            settings,
            home_lat_deg=tuple(map(float, city.home_lat)),
            home_lon_deg=tuple(map(float, city.home_lon)),
            count_commute=True,
            commute_allowance=commute_allowance,
        )
    open_settings = PartitionSettings(cut_m=CUT_M)
    xy = project_local_m(r.lat_deg, r.lon_deg)
    lat0, lon0 = float(r.lat_deg.mean()), float(r.lon_deg.mean())
    from gql.services.territories.rules._geometry import project_about_m

    home_xy = project_about_m(city.home_lat, city.home_lon, lat0, lon0)
    v = r.order_volume
    print(
        f"\n=== seed {seed}: {r.n} retailers, {k} managers; supermarket/corner median volume "
        f"{np.median(v[city.kind == 1]) / np.median(v[city.kind == 0]):.0f}x; "
        f"KTVs {(city.kind == KTV).sum()}",
        flush=True,
    )

    t0 = time.perf_counter()
    ours = partition_territories(r, k, settings=settings)
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    km_centres, km_labels = kmeans2(xy, k, iter=50, minit="++", seed=seed)
    t_km = time.perf_counter() - t0
    w = estimate_workload(r).total_min
    t0 = time.perf_counter()
    mcf = mcf_peer(xy, w, km_centres)
    t_mcf = time.perf_counter() - t0 + t_km
    terr = np.asarray(ours.territory, dtype=np.int64)
    rows = [
        measure("ours", city, terr, k, settings, open_settings, t_ours, home_xy, xy),
        measure(
            "k-means",
            city,
            km_labels.astype(np.int64),
            k,
            settings,
            open_settings,
            t_km,
            home_xy,
            xy,
        ),
        measure("min-cost-flow", city, mcf, k, settings, open_settings, t_mcf, home_xy, xy),
    ]
    with_commute = ours.metrics.workload_with_commute
    if with_commute is not None:  # --homes: the balance the partition holds
        rows[0]["wc_cv"], rows[0]["wc_worst"] = with_commute.cv, with_commute.worst_deviation
    for weight in weights:  # the secondary-balance trade-off: ours at other weights
        lean = PartitionSettings(barriers=city.barriers, cut_m=CUT_M, secondary_weight=weight)
        t0 = time.perf_counter()
        wo = partition_territories(r, k, settings=lean)
        secs = time.perf_counter() - t0
        t_wo = np.asarray(wo.territory, dtype=np.int64)
        row = measure(
            f"ours sw={weight:g}", city, t_wo, k, settings, open_settings, secs, home_xy, xy
        )
        row.update(warm_figures(city, t_wo, k, lean, seed))
        rows.append(row)
    base = rows[2]["mean_dist"]
    for row in rows:
        row["compact"] = row["mean_dist"] / base

    # warm re-plans (ours only: the peers have no warm start)
    rows[0].update(warm_figures(city, terr, k, settings, seed))
    changed = churn(city, terr, k, seed)
    # a peer's "re-plan": recluster the changed city and count moves (label-matched)
    cxy = project_local_m(changed.lat_deg, changed.lon_deg)
    _, km2_labels = kmeans2(cxy, k, iter=50, minit="++", seed=seed + 1)
    old = changed.current_manager
    m = old >= 0
    conf = np.zeros((k, k))
    np.add.at(conf, (old[m], km2_labels[m]), 1)
    ri, ci = linear_sum_assignment(-conf)
    rows[1]["warm1"] = 1 - conf[ri, ci].sum() / m.sum()

    if do_schedule:
        policy = WorkloadPolicy()
        home_of = np.arange(k) if homes else home_match(home_xy, xy, terr, k)[0]
        dlat, dlon = city.home_lat[home_of], city.home_lon[home_of]
        share = order_day_share
        t0 = time.perf_counter()
        try:
            schedule = plan_schedule(
                r, terr, k, depot_lat_deg=dlat, depot_lon_deg=dlon,
                max_order_day_change_share=share,
            )  # fmt: skip
            rows[0]["cap"] = 8
        except InfeasibleCapError as exc:
            print(f"  schedule at the 8 h cap failed ({time.perf_counter() - t0:.1f} s): {exc}")
            print("  -> re-planned with cap_hours=24 (days over 8 h counted below)", flush=True)
            t0 = time.perf_counter()
            schedule = plan_schedule(
                r, terr, k, cap_hours=24.0, depot_lat_deg=dlat, depot_lon_deg=dlon,
                max_order_day_change_share=share,
            )  # fmt: skip
            rows[0]["cap"] = 24
        rows[0]["sched_s"] = time.perf_counter() - t0
        hours = np.zeros(k)
        for d in schedule.days:
            hours[d.manager] += d.hours
        rows[0]["cycle_cv"] = float(hours.std() / hours.mean())
        rows[0]["mgr_mean_max"] = float(hours.max() / 20)
        rows[0]["late"] = schedule.metrics.late_stops
        rows[0]["max_day"] = schedule.metrics.max_day_hours
        rows[0]["over_cap"] = int(sum(d.hours > 8 for d in schedule.days))
        rows[0]["day_moves"] = schedule.metrics.phase_moves
        rows[0]["order_changes"] = district_zones(r, schedule.plan).order_day_changes / int(
            ((r.order_volume > 0) & (r.order_weekday >= 0)).sum()
        )
        bad, tot = ktv_closed_visits(city, schedule, city.home_lat, city.home_lon, home_of, policy)
        rows[0]["ktv_bad"], rows[0]["ktv_total"] = bad, tot
        workload = estimate_workload(r)
        rng = np.random.default_rng(seed)
        visits = workload.visits_per_cycle
        phase = np.where(
            visits == 2, rng.integers(0, 2, r.n), np.where(visits == 1, rng.integers(0, 4, r.n), 0)
        )
        blind = WeekdayPlan(
            territory=terr,
            weekday=rng.integers(0, 5, r.n),
            phase=phase.astype(np.int64),
            visits_per_cycle=visits,
        )
        blind_row: dict = {"label": "geo-blind sched"}
        rows.insert(3, blind_row)
        t0 = time.perf_counter()
        bs = route_schedule(
            r, blind, k, workload, cap_hours=24.0, depot_lat_deg=dlat, depot_lon_deg=dlon
        )
        blind_row["sched_s"] = time.perf_counter() - t0
        rows[0]["km"] = schedule.metrics.total_travel_m / 1000
        blind_row["km"] = bs.metrics.total_travel_m / 1000
        blind_row["over_cap"] = int(sum(d.hours > 8 for d in bs.days))
        rows[0]["saving"] = 1 - schedule.metrics.total_travel_m / bs.metrics.total_travel_m
        bh = np.zeros(k)
        for d in bs.days:
            bh[d.manager] += d.hours
        blind_row["cycle_cv"] = float(bh.std() / bh.mean())
    table(rows)
    return {"rows": rows}


TARGETS = [
    ("time_s", "partition time s", "<= 60", lambda x: x <= 60, "{:.1f}"),
    ("wl_cv", "workload CV", "<= 2.5 %", lambda x: x <= 0.025, "{:.2%}"),
    ("wl_worst", "workload worst", "<= 5 %", lambda x: x <= 0.05, "{:.2%}"),
    ("wc_cv", "  workload + commute CV", "<= 2.5 %", lambda x: x <= 0.025, "{:.2%}"),
    ("wc_worst", "  workload + commute worst", "<= 5 %", lambda x: x <= 0.05, "{:.2%}"),
    ("count", "count spread", "<= 5 % (10 %)", lambda x: x <= 0.05, "{:.1%}"),
    ("volume", "volume spread", "<= 5 % (15 %)", lambda x: x <= 0.05, "{:.1%}"),
    ("frag", "fragmented (barrier graph)", "0", lambda x: x == 0, "{}"),
    ("frag_barrier", "  of which only by a barrier", "0", lambda x: x == 0, "{}"),
    ("mean_dist", "mean dist to centre m", "", None, "{:.0f}"),
    ("compact", "compactness / MCF", "<= 1.15", lambda x: x <= 1.15, "{:.3f}"),
    ("home_med", "home->centre median m", "<= 3000", lambda x: x <= 3000, "{:.0f}"),
    ("warm0", "warm, no change: moved", "0", lambda x: x == 0, "{}"),
    ("warm1", "warm, 1 % churn: moved", "<= 5 %", lambda x: x <= 0.05, "{:.2%}"),
    ("warm1_wl", "  warm workload worst", "<= 5 %", lambda x: x <= 0.05, "{:.2%}"),
    ("sched_s", "schedule time s", "<= 120", lambda x: x <= 120, "{:.1f}"),
    ("km", "schedule km (4 weeks)", "", None, "{:,.0f}"),
    ("saving", "km saved vs blind", ">= 30 %", lambda x: x >= 0.30, "{:.1%}"),
    ("cycle_cv", "cycle hours CV / manager", "<= 5 %", lambda x: x <= 0.05, "{:.2%}"),
    ("cap", "schedule cap used h", "8", lambda x: x == 8, "{}"),
    ("max_day", "longest day h", "<= 8", lambda x: x <= 8, "{:.2f}"),
    ("over_cap", "days over 8 h", "0", lambda x: x == 0, "{}"),
    ("mgr_mean_max", "worst manager's mean day h", "<= 8", lambda x: x <= 8, "{:.2f}"),
    ("day_moves", "  cap repair moves", "", None, "{}"),
    ("order_changes", "order days changed", "", None, "{:.1%}"),
    ("late", "late stops (all)", "0", lambda x: x == 0, "{}"),
    ("ktv_bad", "KTV visits while closed", "0", lambda x: x == 0, "{}"),
    ("ktv_total", "  KTV visits planned", "", None, "{}"),
]


def table(rows: list[dict]) -> None:
    print(f"  {'figure':<30}{'target':>15}  " + "".join(f"{r['label']:>16}" for r in rows))
    for key, name, target, ok, fmt in TARGETS:
        if not any(key in r for r in rows):
            continue  # e.g. the commute rows without --homes
        cells = []
        for r in rows:
            if key not in r:
                cells.append(f"{'-':>16}")
                continue
            mark = "" if ok is None else (" ✔" if ok(r[key]) else " ✘")
            cells.append(f"{fmt.format(r[key]) + mark:>16}")
        print(f"  {name:<30}{target:>15}  " + "".join(cells))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=25_000)
    parser.add_argument("--managers", type=int, default=125)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--no-schedule", action="store_true")
    parser.add_argument(
        "--max-order-day-changes",
        type=float,
        default=None,
        help="schedule with this cap on order-day changes (the service's default is 0.1)",
    )
    parser.add_argument(
        "--secondary-weights",
        type=float,
        nargs="*",
        default=[],
        metavar="W",
        help="add columns: ours with these secondary_weight values (partition and re-plans)",
    )
    parser.add_argument(
        "--homes",
        action="store_true",
        help="give the partition the managers' homes and count their commute in the workload",
    )
    parser.add_argument(
        "--secondary-limit",
        type=float,
        default=None,
        metavar="L",
        help="ours with PartitionSettings.secondary_limit=L (outer limit on count/volume; "
        "0: none; default: the library's)",
    )
    parser.add_argument(
        "--commute-allowance",
        type=float,
        default=0.0,
        metavar="A",
        help="with --homes: count only the commute beyond A x the managers' median commute",
    )
    parser.add_argument(
        "--workload-only", action="store_true", help="same as --secondary-weights 0 0.5"
    )
    args = parser.parse_args()
    weights = args.secondary_weights or ([0.0, 0.5] if args.workload_only else [])
    print(f"load average {os.getloadavg()}; cpus {os.cpu_count()}", flush=True)
    for seed in args.seeds:
        run_seed(
            seed,
            args.n,
            args.managers,
            not args.no_schedule,
            weights,
            args.max_order_day_changes,
            args.homes,
            args.secondary_limit,
            args.commute_allowance,
        )
        print(f"  load average {os.getloadavg()}", flush=True)


if __name__ == "__main__":
    main()
