from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from geo import EARTH_RADIUS_M
from gql.services.territories.rules import (
    NO_MANAGER,
    InvalidRetailersError,
    LockedRetailerError,
    MoveReason,
    PartitionSettings,
    RetailerSet,
    TerritoryProposal,
    TooManyManagersError,
    evaluate_partition,
    match_homes,
    partition_territories,
    synthetic_city,
)
from gql.services.territories.rules._geometry import project_about_m, project_local_m
from gql.services.territories.rules.contiguity import count_fragmented, neighbour_graph

from ._heavy_city import heavy_tailed_city
from .conftest import with_columns


def test_cold_partition_balances_workload_count_and_volume(proposal: TerritoryProposal) -> None:
    """Workload, retailer count and order volume are each within ±5 % of the mean."""
    m = proposal.metrics
    assert m.workload.worst_deviation <= 0.05
    assert m.workload.cv <= 0.025
    assert m.retailer_count.worst_deviation <= 0.05
    assert m.order_volume.worst_deviation <= 0.05


def test_every_territory_is_contiguous_on_the_delaunay_graph(
    city: RetailerSet, proposal: TerritoryProposal
) -> None:
    """An independent recount finds no fragmented territory and no empty one."""
    graph = neighbour_graph(project_local_m(city.lat_deg, city.lon_deg))
    assert count_fragmented(graph, proposal.territory, 6) == 0
    assert proposal.metrics.fragmented_territories == 0
    assert np.bincount(proposal.territory, minlength=6).min() > 0


def test_reported_workload_matches_the_assignment(
    city: RetailerSet, proposal: TerritoryProposal
) -> None:
    """Per-territory workload equals an independent re-evaluation of the same assignment."""
    again = evaluate_partition(city, proposal.territory, 6)
    np.testing.assert_allclose(again.workload_min, proposal.workload_min)
    assert again.metrics.workload == proposal.metrics.workload


def test_partition_is_more_compact_than_an_arbitrary_balanced_split(
    city: RetailerSet, proposal: TerritoryProposal
) -> None:
    """Mean distance to centre beats a balanced split by retailer id (geography-blind)."""
    blind = evaluate_partition(city, np.arange(city.n) % 6, 6)
    assert (
        proposal.metrics.mean_distance_to_centre_m < 0.75 * blind.metrics.mean_distance_to_centre_m
    )


def _churned(city: RetailerSet, territory: np.ndarray, seed: int) -> RetailerSet:
    """Close 1 % of retailers and open 1 % new ones (no manager yet)."""
    rng = np.random.default_rng(seed)
    n = city.n
    keep = np.sort(rng.choice(n, size=n - n // 100, replace=False))
    fresh = synthetic_city(n // 100, seed=seed + 100)
    current = np.r_[territory[keep], np.full(fresh.n, -1)]
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
    return RetailerSet(
        retailer_id=np.r_[city.retailer_id[keep], 10_000_000 + fresh.retailer_id],
        locked=np.zeros(current.size, dtype=bool),
        current_manager=current,
        **cols,
    )


def test_warm_start_after_churn_moves_at_most_five_percent(
    city: RetailerSet, proposal: TerritoryProposal
) -> None:
    """After 1 % close and 1 % open, the warm start moves ≤ 5 % of existing retailers."""
    churned = _churned(city, np.asarray(proposal.territory), seed=5)
    warm = partition_territories(churned, 6)
    existing = int((churned.current_manager >= 0).sum())
    assert warm.metrics.moved_retailers <= 0.05 * existing
    assert warm.metrics.workload.worst_deviation <= 0.05
    assert warm.metrics.fragmented_territories == 0


def test_locked_retailers_never_move(city: RetailerSet) -> None:
    """Retailers locked to a deliberately bad manager keep that manager in the proposal."""
    rng = np.random.default_rng(3)
    current = np.asarray(
        partition_territories(city, 4, settings=PartitionSettings(warm_start=False)).territory
    )
    locked = np.zeros(city.n, dtype=bool)
    locked[rng.choice(city.n, size=40, replace=False)] = True
    current = current.copy()
    current[locked] = (current[locked] + 1) % 4  # lock them to a neighbour's territory
    rs = with_columns(city, locked=locked, current_manager=current)
    for warm in (True, False):
        result = partition_territories(rs, 4, settings=PartitionSettings(warm_start=warm))
        np.testing.assert_array_equal(result.territory[locked], current[locked])


def test_more_managers_than_retailers_is_a_clear_error() -> None:
    """Asking for more territories than retailers names the maximum allowed."""
    rs = synthetic_city(5, seed=1)
    with pytest.raises(TooManyManagersError, match="at most 5 managers"):
        partition_territories(rs, 6)


def test_zero_managers_is_rejected() -> None:
    """n_managers must be positive."""
    with pytest.raises(InvalidRetailersError, match="at least 1"):
        partition_territories(synthetic_city(5, seed=1), 0)


def test_locked_to_an_unknown_manager_is_a_clear_error(city: RetailerSet) -> None:
    """A locked retailer whose manager index is outside the plan is a LockedRetailerError."""
    current = np.zeros(city.n, dtype=np.int64)
    current[0] = 9
    locked = np.zeros(city.n, dtype=bool)
    locked[0] = True
    rs = with_columns(city, locked=locked, current_manager=current)
    with pytest.raises(LockedRetailerError, match=r"outside 0\.\.2"):
        partition_territories(rs, 3)


def test_a_single_territory_takes_everyone() -> None:
    """With one manager, every retailer is in territory 0 and balance is trivially perfect."""
    rs = synthetic_city(30, seed=2)
    result = partition_territories(rs, 1)
    assert set(result.territory.tolist()) == {0}
    assert result.metrics.workload.cv == 0.0


def test_as_many_managers_as_retailers_gives_one_each() -> None:
    """n retailers into n territories puts exactly one retailer in each."""
    rs = synthetic_city(12, seed=4)
    result = partition_territories(rs, 12)
    assert sorted(result.territory.tolist()) == list(range(12))


def test_progress_reports_reach_their_total(city: RetailerSet) -> None:
    """The progress callback ends with done == total."""
    seen: list[tuple[str, int, int]] = []
    partition_territories(city, 3, progress=lambda s, d, t: seen.append((s, d, t)))
    assert seen[-1][1] == seen[-1][2]
    assert seen[0][1] == 0


def test_evaluate_rejects_assignment_of_wrong_length(city: RetailerSet) -> None:
    """Evaluating a plan with a missing manager index names the valid range."""
    with pytest.raises(InvalidRetailersError, match=r"0\.\.5"):
        evaluate_partition(city, np.zeros(city.n - 1, dtype=np.int64), 6)


def test_replan_with_unchanged_data_moves_nothing(
    city: RetailerSet, proposal: TerritoryProposal
) -> None:
    """A warm re-plan of an unchanged district is a no-op, run after run."""
    planned = with_columns(city, current_manager=np.asarray(proposal.territory))
    for _ in range(3):
        again = partition_territories(planned, 6)
        assert again.metrics.moved_retailers == 0
        planned = with_columns(planned, current_manager=np.asarray(again.territory))


def test_churn_repair_keeps_the_promised_balance(
    city: RetailerSet, proposal: TerritoryProposal
) -> None:
    """After 1 %/1 % churn the repair moves ≤ 5 % and keeps workload within ±2.5 %."""
    churned = _churned(city, np.asarray(proposal.territory), seed=7)
    warm = partition_territories(churned, 6)
    existing = int((churned.current_manager >= 0).sum())
    assert warm.metrics.moved_retailers <= 0.05 * existing
    assert warm.metrics.workload.worst_deviation <= 0.025
    assert warm.metrics.fragmented_territories == 0


def test_max_moves_caps_the_repair(city: RetailerSet, proposal: TerritoryProposal) -> None:
    """A user cap on moves holds even when balance would want more."""
    territory = np.asarray(proposal.territory)
    # unbalance a contiguous plan: territory 0 sells 1.5 times as much
    volume = np.where(territory == 0, 1.5, 1.0) * city.order_volume
    skewed = with_columns(city, current_manager=territory, order_volume=volume)
    free = partition_territories(skewed, 6)
    capped = partition_territories(skewed, 6, settings=PartitionSettings(max_moves=3))
    assert free.metrics.moved_retailers > 3
    assert capped.metrics.moved_retailers <= 3


def test_a_plan_far_out_of_balance_is_repaired_within_the_cap_not_replanned(
    city: RetailerSet, proposal: TerritoryProposal
) -> None:
    """A plan far out of balance (one territory ~40 % over) is repaired locally: balance
    improves, moves stay under the user's cap, nothing is re-planned from scratch."""
    territory = np.asarray(proposal.territory)
    service = np.where(territory == 0, 30.0, np.nan)  # territory 0's visits take far longer
    skewed = with_columns(city, current_manager=territory, service_min=service)
    today = evaluate_partition(skewed, territory, 6).metrics.workload.worst_deviation
    assert today > 0.3  # far outside the old re-plan gate (3 bands of ±2.5 %)

    cap = 40
    capped = partition_territories(skewed, 6, settings=PartitionSettings(max_moves=cap))
    assert 0 < capped.metrics.moved_retailers <= cap
    assert capped.metrics.workload.worst_deviation < today
    assert capped.metrics.fragmented_territories == 0

    free = partition_territories(skewed, 6)
    assert free.metrics.workload.worst_deviation <= 0.05
    assert free.metrics.moved_retailers < 0.25 * city.n  # a repair, not a new plan
    assert set(np.asarray(free.move_reason).tolist()) <= {
        MoveReason.KEPT, MoveReason.BALANCE, MoveReason.CONTIGUITY
    }  # fmt: skip


def test_heavy_tailed_replan_moves_nothing_though_volume_is_out_of_band() -> None:
    """Chain supermarkets selling ~50x a corner shop: the cold plan cannot hold volume within
    ±3 % x 3 (the old repair gate), yet re-planning it with unchanged data moves no one."""
    base = synthetic_city(1500, seed=3)
    rng = np.random.default_rng(8)
    volume = rng.lognormal(3.0, 0.6, base.n)
    chains = rng.choice(base.n, size=base.n // 40, replace=False)
    volume[chains] *= 50.0
    heavy = with_columns(base, order_volume=volume)
    k = 10
    plan = partition_territories(heavy, k, settings=PartitionSettings(warm_start=False))
    assert plan.metrics.order_volume.worst_deviation > 3 * 0.03
    assert plan.metrics.workload.worst_deviation <= 0.05
    current = np.asarray(plan.territory)
    for _ in range(2):
        again = partition_territories(with_columns(heavy, current_manager=current), k)
        assert again.metrics.moved_retailers == 0
        current = np.asarray(again.territory)


def _reasons(result: TerritoryProposal) -> dict[str, int]:
    codes = np.asarray(result.move_reason)
    return {r.name: int((codes == r).sum()) for r in MoveReason if (codes == r).any()}


def test_every_move_says_why(city: RetailerSet, proposal: TerritoryProposal) -> None:
    """Each reason where its stage made it: a skewed territory trades at its boundary (BALANCE),
    a shop stranded inside a neighbour's territory joins it (CONTIGUITY), a new licence joins
    its neighbours (UNASSIGNED), a cold start re-plans (REPLAN); unmoved retailers are KEPT."""
    territory = np.asarray(proposal.territory).copy()
    same = with_columns(city, current_manager=territory)
    assert _reasons(partition_territories(same, 6)) == {"KEPT": city.n}

    volume = np.where(territory == 0, 1.2, 1.0) * city.order_volume  # off, but repairable
    skewed = partition_territories(with_columns(same, order_volume=volume), 6)
    codes = np.asarray(skewed.move_reason)
    moved = np.asarray(skewed.territory) != territory
    assert moved.any()
    assert set(codes[moved].tolist()) <= {MoveReason.BALANCE, MoveReason.CONTIGUITY}
    assert (codes[moved] == MoveReason.BALANCE).any()
    assert (codes[~moved] == MoveReason.KEPT).all()

    xy = project_local_m(city.lat_deg, city.lon_deg)
    inside_1 = np.flatnonzero(territory == 1)
    # the retailer of territory 1 deepest inside it, handed to territory 2 on paper
    centre = xy[inside_1].mean(axis=0)
    stranded = int(inside_1[np.argmin(((xy[inside_1] - centre) ** 2).sum(axis=1))])
    current = territory.copy()
    current[stranded] = 2
    current[0] = NO_MANAGER  # and a new licence without a manager
    churned = partition_territories(with_columns(same, current_manager=current), 6)
    codes = np.asarray(churned.move_reason)
    assert churned.territory[stranded] == 1
    assert codes[stranded] == MoveReason.CONTIGUITY
    assert codes[0] == MoveReason.UNASSIGNED

    relabelled = with_columns(same, current_manager=(territory + 1) % 6)
    cold = partition_territories(relabelled, 6, settings=PartitionSettings(warm_start=False))
    cold_moved = np.asarray(cold.territory) != (territory + 1) % 6
    cold_codes = np.asarray(cold.move_reason)[cold_moved]
    assert cold_moved.sum() > city.n // 2  # the labels of a cold start owe nothing to today's
    assert (cold_codes == MoveReason.REPLAN).sum() > cold_moved.sum() // 2
    assert set(cold_codes.tolist()) <= {
        MoveReason.REPLAN, MoveReason.CONTIGUITY, MoveReason.BALANCE
    }  # fmt: skip


def test_homes_give_each_manager_the_territory_near_home_and_count_the_commute() -> None:
    """Managers living among the shops: with their homes, a cold start puts each territory
    near its manager's home (median well under the plan without homes); counting the commute
    evens out visits plus commute, not visits alone, and re-planning that plan moves nothing."""
    city = synthetic_city(3000, seed=11)
    k = 15
    rng = np.random.default_rng(4)
    pick = rng.choice(city.n, size=k, replace=False)
    homes = PartitionSettings(
        home_lat_deg=tuple((city.lat_deg[pick] + rng.normal(0, 0.003, k)).tolist()),
        home_lon_deg=tuple((city.lon_deg[pick] + rng.normal(0, 0.003, k)).tolist()),
    )
    cold = PartitionSettings(warm_start=False)
    plain = partition_territories(city, k, settings=cold)
    matched = partition_territories(city, k, settings=replace(homes, warm_start=False))
    placed = partition_territories(
        city, k, settings=replace(homes, warm_start=False, count_commute=True)
    )
    measured = evaluate_partition(city, plain.territory, k, settings=homes).metrics
    with_homes = placed.metrics
    assert matched.metrics.median_home_distance_m < 0.5 * measured.median_home_distance_m
    assert matched.metrics.workload.cv <= 0.025  # matching alone keeps visits even
    assert with_homes.median_home_distance_m < 0.5 * measured.median_home_distance_m
    assert with_homes.workload_with_commute is not None
    assert measured.workload_with_commute is not None
    assert with_homes.workload_with_commute.cv <= 0.03
    assert with_homes.workload_with_commute.cv < 0.5 * measured.workload_with_commute.cv
    assert with_homes.fragmented_territories == 0
    assert plain.metrics.median_home_distance_m == 0.0  # not measured without homes
    planned = with_columns(city, current_manager=np.asarray(placed.territory))
    for _ in range(3):  # the commute is priced at the plan's own centres: a fixed point
        again = partition_territories(planned, k, settings=replace(homes, count_commute=True))
        assert again.metrics.moved_retailers == 0
        planned = with_columns(planned, current_manager=np.asarray(again.territory))
    with pytest.raises(InvalidRetailersError, match="one home per manager"):
        partition_territories(city, k + 1, settings=homes)


def test_matching_homes_spreads_a_mismatch_instead_of_sending_one_manager_across() -> None:
    """Where homes and territories lie apart (homes crowd the west), the least-squared matching
    is optimal for its cost and its farthest commute is shorter than a least-total matching's."""
    rng = np.random.default_rng(5)
    centres = rng.uniform(0, 40_000, (60, 2))
    homes = rng.uniform(0, 40_000, (60, 2)) * np.array([1.0, 0.6])  # the west is crowded
    chosen = match_homes(centres, homes)
    dist = np.linalg.norm(homes[:, None, :] - centres[None, :, :], axis=2)
    _, total_first = linear_sum_assignment(dist)
    ours = dist[np.arange(60), chosen]
    theirs = dist[np.arange(60), total_first]
    assert sorted(chosen.tolist()) == list(range(60))
    assert (ours**2).sum() <= (theirs**2).sum()
    assert ours.max() < 0.8 * theirs.max()


def test_a_cold_start_hands_each_manager_the_finished_territory_nearest_home() -> None:
    """With homes, the finished territories (not the start boxes) are matched to the managers:
    matching them again changes nothing; a locked retailer keeps its manager all the same."""
    city = synthetic_city(3000, seed=11)
    k = 15
    rng = np.random.default_rng(4)
    pick = rng.choice(city.n, size=k, replace=False)
    lat = city.lat_deg[pick] + rng.normal(0, 0.003, k)
    lon = city.lon_deg[pick] + rng.normal(0, 0.003, k)
    homes = PartitionSettings(
        home_lat_deg=tuple(lat.tolist()), home_lon_deg=tuple(lon.tolist()), warm_start=False
    )
    t = np.asarray(partition_territories(city, k, settings=homes).territory)
    xy = project_local_m(city.lat_deg, city.lon_deg)
    size = np.bincount(t, minlength=k)[:, None]
    centres = np.c_[np.bincount(t, xy[:, 0], k), np.bincount(t, xy[:, 1], k)] / size
    homes_m = project_about_m(lat, lon, float(city.lat_deg.mean()), float(city.lon_deg.mean()))
    assert match_homes(centres, homes_m).tolist() == list(range(k))
    locked = np.zeros(city.n, dtype=bool)
    locked[:3] = True
    current = np.full(city.n, -1)
    current[:3] = [4, 9, 9]
    held = with_columns(city, locked=locked, current_manager=current)
    kept = np.asarray(partition_territories(held, k, settings=homes).territory)
    assert kept[:3].tolist() == [4, 9, 9]


def test_a_warm_replan_keeps_each_manager_on_their_territory_whatever_their_home() -> None:
    """Only a cold start hands territories out by home: a warm re-plan re-planned whole (a
    manager without retailers: a newcomer) keeps each territory with its current manager even
    where another manager lives nearer to it."""
    city = synthetic_city(3000, seed=11)
    k = 15
    plan = np.asarray(partition_territories(city, k).territory)
    drifted = np.where(plan == 0, 1, plan)  # manager 0 is new: territory 0 is manager 1's now
    xy = project_local_m(city.lat_deg, city.lon_deg)
    size = np.bincount(plan, minlength=k)[:, None]
    centres = np.c_[np.bincount(plan, xy[:, 0], k), np.bincount(plan, xy[:, 1], k)] / size
    lat0, lon0 = float(city.lat_deg.mean()), float(city.lon_deg.mean())
    north_m, east_m = centres[::-1, 0], centres[::-1, 1]  # j lives at territory k-1-j's centre
    lat = lat0 + np.degrees(north_m / EARTH_RADIUS_M)
    lon = lon0 + np.degrees(east_m / (EARTH_RADIUS_M * np.cos(np.radians(lat0))))
    homes = PartitionSettings(home_lat_deg=tuple(lat.tolist()), home_lon_deg=tuple(lon.tolist()))
    held = with_columns(city, current_manager=drifted)
    replanned = np.asarray(partition_territories(held, k, settings=homes).territory)
    assert np.mean(replanned == drifted) > 0.7


def test_secondary_limit_pulls_the_worst_volume_within_fifteen_percent() -> None:
    """Without the outer limit and without triple re-splits the worst territory's volume is
    outside ±15 % (the issue's relaxed promise); the default limit (13 %) alone brings it
    within, workload within ±5 %, count within ±10 %, and a re-plan of that plan moves no one.
    The default (limit and triples) is within too."""
    city, k = heavy_tailed_city(), 8
    unlimited = PartitionSettings(warm_start=False, triple_passes=0, secondary_limit=None)
    plain = partition_territories(city, k, settings=unlimited)
    assert plain.metrics.order_volume.worst_deviation > 0.15
    default = partition_territories(city, k, settings=PartitionSettings(warm_start=False))
    assert default.metrics.order_volume.worst_deviation <= 0.15
    limited = PartitionSettings(warm_start=False, triple_passes=0)
    plan = partition_territories(city, k, settings=limited)
    m = plan.metrics
    assert m.order_volume.worst_deviation <= 0.15
    assert m.workload.worst_deviation <= 0.05
    assert m.retailer_count.worst_deviation <= 0.10
    assert m.fragmented_territories == 0
    again = partition_territories(with_columns(city, current_manager=np.asarray(plan.territory)), k)
    assert again.metrics.moved_retailers == 0


@pytest.mark.parametrize("limit", [0.0, 1.0, -0.1])
def test_secondary_limit_must_be_a_fraction(limit: float) -> None:
    with pytest.raises(InvalidRetailersError, match="secondary_limit"):
        PartitionSettings(secondary_limit=limit)


def test_commute_allowance_shrinks_only_the_far_managers_territory() -> None:
    """With the commute counted beyond twice the median, the one manager living ~15 km away
    gets fewer visits while the others, living among their shops, keep visits even (counting
    every commute spreads everyone's visits); re-planning that plan moves nothing."""
    city = synthetic_city(1500, seed=5)
    k = 8
    rng = np.random.default_rng(6)
    pick = rng.choice(city.n, size=k, replace=False)
    lat = city.lat_deg[pick] + rng.normal(0, 0.003, k)
    lat[0] = city.lat_deg.max() + 0.14  # ~15 km beyond the district's edge
    homes = PartitionSettings(
        warm_start=False,
        home_lat_deg=tuple(lat.tolist()),
        home_lon_deg=tuple((city.lon_deg[pick] + rng.normal(0, 0.003, k)).tolist()),
        count_commute=True,
    )
    every = partition_territories(city, k, settings=homes)
    allowed = partition_territories(city, k, settings=replace(homes, commute_allowance=2.0))
    visits = np.asarray(allowed.workload_min)
    assert visits[0] < 0.9 * visits.mean()
    rest = np.delete(visits, 0)
    rest_every = np.delete(np.asarray(every.workload_min), 0)
    assert np.abs(rest / rest.mean() - 1).max() <= 0.05
    assert rest.std() / rest.mean() < rest_every.std() / rest_every.mean()
    again = partition_territories(
        with_columns(city, current_manager=np.asarray(allowed.territory)),
        k,
        settings=replace(homes, warm_start=True, commute_allowance=2.0),
    )
    assert again.metrics.moved_retailers == 0
    with pytest.raises(InvalidRetailersError, match="commute_allowance"):
        PartitionSettings(commute_allowance=-1.0)
