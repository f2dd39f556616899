"""verify_visit: each rule of the verdict, flag and evidence, and its bad-input errors."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo import (
    MAX_ACCURACY_M,
    ErrorModel,
    FixSource,
    Flag,
    Gcj02,
    GeoError,
    InvalidAccuracy,
    InvalidArgument,
    InvalidRadius,
    InvalidTimestamp,
    Neighbour,
    PositionFix,
    PreviousEvent,
    Reason,
    RetailerIndex,
    SourceRule,
    UnknownCoordSystem,
    VerdictKind,
    VisitPolicy,
    Wgs84,
    from_wgs84,
    verify_visit,
)

NOW = datetime(2026, 5, 11, 9, 30, tzinfo=UTC)
SHOP = Wgs84(28.0, 120.7)
POLICY = VisitPolicy()
M_PER_DEG = 111_195.0


def north_of(point: Wgs84, metres: float) -> Wgs84:
    return Wgs84(point.lat + metres / M_PER_DEG, point.lon)


def gps(point: Wgs84, accuracy_m: float = 10.0, *, at: datetime = NOW, **kw: object) -> PositionFix:
    return PositionFix(point.lat, point.lon, "WGS84", accuracy_m, FixSource.DEVICE_GPS, at, **kw)  # type: ignore[arg-type]


def cell(point: Wgs84, accuracy_m: float = 150.0, *, at: datetime = NOW) -> PositionFix:
    return PositionFix(point.lat, point.lon, "WGS84", accuracy_m, FixSource.CARRIER_CELL, at)


def test_a_sharp_fix_at_the_shop_is_in_place_with_its_evidence() -> None:
    """A 10 m GPS fix 20 m from the shop is IN_PLACE; evidence keeps the raw fix."""
    fix = gps(north_of(SHOP, 20.0), raw="<pos/>")
    v = verify_visit(fix, SHOP, POLICY, now=NOW)
    assert v.kind is VerdictKind.IN_PLACE
    assert v.reasons == (Reason.WITHIN_RADIUS,)
    assert v.distance_m == pytest.approx(20.0, abs=0.1)
    assert v.probability_within is not None
    assert v.probability_within > 0.98  # the 5 % multipath circle keeps it below 1
    assert v.radius_m == 100.0
    (ev,) = v.evidence
    assert (ev.source, ev.raw, ev.used, ev.accuracy_m) == (
        FixSource.DEVICE_GPS,
        "<pos/>",
        True,
        10.0,
    )


def test_a_sharp_fix_far_away_is_not_in_place() -> None:
    """A 10 m GPS fix 400 m away is NOT_IN_PLACE with OUTSIDE_RADIUS."""
    v = verify_visit(gps(north_of(SHOP, 400.0)), SHOP, POLICY, now=NOW)
    assert v.kind is VerdictKind.NOT_IN_PLACE
    assert v.reasons == (Reason.OUTSIDE_RADIUS,)
    assert v.outside_p_value is not None
    assert v.outside_p_value < 1e-6


def test_a_coarse_cell_fix_cannot_prove_presence_even_dead_centre() -> None:
    """A 150 m cell fix exactly on a 30 m-radius shop is INCONCLUSIVE, never IN_PLACE."""
    v = verify_visit(cell(SHOP), SHOP, POLICY, now=NOW, radius_m=30.0)
    assert v.kind is VerdictKind.INCONCLUSIVE
    assert Reason.ACCURACY_COARSER_THAN_RADIUS in v.reasons


def test_a_borderline_fix_is_inconclusive() -> None:
    """A 30 m GPS fix right on the 100 m edge proves neither presence nor absence."""
    v = verify_visit(gps(north_of(SHOP, 100.0), 30.0), SHOP, POLICY, now=NOW)
    assert v.kind is VerdictKind.INCONCLUSIVE
    assert v.reasons == (Reason.UNCERTAIN,)


def test_radius_comes_from_retailer_then_business_type_then_area_then_default() -> None:
    """The per-retailer radius overrides the business-type, area and default radii."""
    policy = VisitPolicy(
        default_radius_m=80.0,
        radius_by_business_type={"chain_supermarket": 150.0},
        radius_by_area={"oujiang": 60.0},
    )
    fix = gps(SHOP)
    assert verify_visit(fix, SHOP, policy, now=NOW).radius_m == 80.0
    assert verify_visit(fix, SHOP, policy, now=NOW, area="oujiang").radius_m == 60.0
    assert (
        verify_visit(
            fix, SHOP, policy, now=NOW, business_type="chain_supermarket", area="oujiang"
        ).radius_m
        == 150.0
    )
    assert (
        verify_visit(
            fix, SHOP, policy, now=NOW, radius_m=40.0, business_type="chain_supermarket"
        ).radius_m
        == 40.0
    )


def test_retailer_position_may_be_given_in_gcj02() -> None:
    """A retailer registered in GCJ-02 is converted before measuring."""
    v = verify_visit(gps(SHOP), from_wgs84(SHOP, "GCJ02"), POLICY, now=NOW)
    assert v.distance_m is not None
    assert v.distance_m < 0.01


def test_a_gcj02_fix_is_converted_before_measuring() -> None:
    """A carrier answering in GCJ-02 is measured in WGS-84 (no ~500 m offset)."""
    g = from_wgs84(SHOP, "GCJ02")
    assert isinstance(g, Gcj02)
    fix = PositionFix(g.lat, g.lon, "GCJ02", 20.0, FixSource.CARRIER_AGPS, NOW)
    v = verify_visit(fix, SHOP, POLICY, now=NOW)
    assert v.kind is VerdictKind.IN_PLACE


def test_stale_and_old_fixes_are_kept_as_evidence_but_not_used() -> None:
    """A source-stale fix and one measured 10 min before the press give INCONCLUSIVE."""
    old = gps(SHOP, at=NOW - timedelta(minutes=10))
    marked = gps(SHOP, stale=True)
    v = verify_visit([old, marked], SHOP, POLICY, now=NOW)
    assert v.kind is VerdictKind.INCONCLUSIVE
    assert v.reasons == (Reason.NO_USABLE_FIX,)
    assert Flag.STALE_FIX in v.flags
    assert [e.used for e in v.evidence] == [False, False]
    assert v.evidence[0].age_s == 600.0


def test_an_event_without_any_fix_is_inconclusive_not_an_error() -> None:
    """GPS off and the carrier failed: INCONCLUSIVE with NO_USABLE_FIX and no evidence."""
    v = verify_visit([], SHOP, POLICY, now=NOW)
    assert v.kind is VerdictKind.INCONCLUSIVE
    assert v.reasons == (Reason.NO_USABLE_FIX,)
    assert v.evidence == ()
    assert v.distance_m is None


def test_a_fix_from_the_future_is_not_used() -> None:
    """A fix time-stamped an hour after now is flagged FUTURE_FIX and ignored."""
    v = verify_visit(gps(SHOP, at=NOW + timedelta(hours=1)), SHOP, POLICY, now=NOW)
    assert Flag.FUTURE_FIX in v.flags
    assert v.kind is VerdictKind.INCONCLUSIVE


def test_late_uploads_are_judged_by_the_fixes_of_their_time() -> None:
    """An event uploaded 2 h late is verified on its own fixes and flagged LATE_UPLOAD."""
    event = NOW - timedelta(hours=2)
    v = verify_visit(gps(SHOP, at=event), SHOP, POLICY, now=NOW, event_at=event)
    assert v.kind is VerdictKind.IN_PLACE
    assert Flag.LATE_UPLOAD in v.flags
    # a carrier fix taken at upload time says nothing about two hours ago
    late_cell = cell(north_of(SHOP, 3_000.0), 150.0, at=NOW)
    v2 = verify_visit([gps(SHOP, at=event), late_cell], SHOP, POLICY, now=NOW, event_at=event)
    assert Flag.POSSIBLE_SPOOFING not in v2.flags
    assert Flag.STALE_FIX in v2.flags


def test_a_disallowed_source_is_kept_as_evidence_only() -> None:
    """With Wi-Fi disallowed by policy, a Wi-Fi fix alone is INCONCLUSIVE."""
    policy = VisitPolicy(source_rules={FixSource.DEVICE_WIFI: SourceRule(allowed=False)})
    fix = PositionFix(SHOP.lat, SHOP.lon, "WGS84", 10.0, FixSource.DEVICE_WIFI, NOW)
    v = verify_visit(fix, SHOP, policy, now=NOW)
    assert v.kind is VerdictKind.INCONCLUSIVE
    assert Flag.SOURCE_NOT_ALLOWED in v.flags


def test_a_source_that_may_not_prove_presence_can_still_show_absence() -> None:
    """can_prove_presence=False blocks IN_PLACE but not NOT_IN_PLACE."""
    policy = VisitPolicy(source_rules={FixSource.DEVICE_GPS: SourceRule(can_prove_presence=False)})
    near = verify_visit(gps(SHOP), SHOP, policy, now=NOW)
    assert near.kind is VerdictKind.INCONCLUSIVE
    assert Reason.SOURCE_CANNOT_PROVE_PRESENCE in near.reasons
    assert (
        verify_visit(gps(north_of(SHOP, 500.0)), SHOP, policy, now=NOW).kind
        is VerdictKind.NOT_IN_PLACE
    )


def test_device_and_carrier_disagreement_is_flagged_and_not_in_place_is_not_claimed() -> None:
    """GPS at the shop with the carrier seeing the phone 2 km away → POSSIBLE_SPOOFING."""
    v = verify_visit([gps(SHOP), cell(north_of(SHOP, 2_000.0))], SHOP, POLICY, now=NOW)
    assert Flag.POSSIBLE_SPOOFING in v.flags
    assert v.kind is VerdictKind.INCONCLUSIVE
    assert Reason.FIXES_DISAGREE in v.reasons


def test_consistent_fixes_of_independent_sources_are_fused_into_a_sharper_estimate() -> None:
    """A GPS and a Wi-Fi fix that agree give a σ smaller than either alone."""
    a = gps(north_of(SHOP, 5.0), 20.0)
    south = north_of(SHOP, -5.0)
    b = PositionFix(south.lat, south.lon, "WGS84", 20.0, FixSource.DEVICE_WIFI, NOW)
    v = verify_visit([a, b], SHOP, POLICY, now=NOW)
    single = verify_visit(a, SHOP, POLICY, now=NOW)
    assert v.sigma_m is not None
    assert single.sigma_m is not None
    assert v.sigma_m == pytest.approx(single.sigma_m / 2**0.5, rel=1e-6)
    assert v.distance_m is not None
    assert v.distance_m < 1.0


def test_nineteen_copies_of_a_cell_fix_prove_no_more_than_one() -> None:
    """19 identical 150 m cell fixes at the shop stay INCONCLUSIVE at 50 m, σ unchanged.

    Before issue 21 the copies were averaged as independent: σ/√19 proved presence.
    """
    one = verify_visit(cell(SHOP), SHOP, POLICY, now=NOW, radius_m=50.0)
    many = verify_visit([cell(SHOP)] * 19, SHOP, POLICY, now=NOW, radius_m=50.0)
    assert many.kind is VerdictKind.INCONCLUSIVE
    assert Reason.ACCURACY_COARSER_THAN_RADIUS in many.reasons
    assert many.sigma_m == pytest.approx(one.sigma_m)
    assert many.probability_within == pytest.approx(one.probability_within)
    jittered = [cell(north_of(SHOP, 0.5 * k)) for k in range(19)]  # within 9 m: near-identical
    assert verify_visit(jittered, SHOP, POLICY, now=NOW, radius_m=50.0).kind is (
        VerdictKind.INCONCLUSIVE
    )


def test_repeat_correlation_is_a_policy_setting_but_copies_always_count_once() -> None:
    """With repeat_correlation 0, distinct GPS fixes average; identical ones still do not."""
    independent = VisitPolicy(
        source_rules={FixSource.DEVICE_GPS: SourceRule(repeat_correlation=0.0)}
    )
    a, b = gps(north_of(SHOP, 8.0), 20.0), gps(north_of(SHOP, -8.0), 20.0)
    single = verify_visit(a, SHOP, independent, now=NOW).sigma_m
    assert single is not None
    pair = verify_visit([a, b], SHOP, independent, now=NOW).sigma_m
    assert pair == pytest.approx(single / 2**0.5)
    assert verify_visit([a, a, a], SHOP, independent, now=NOW).sigma_m == pytest.approx(single)
    correlated = verify_visit([a, b], SHOP, POLICY, now=NOW).sigma_m  # default: 1
    assert correlated == pytest.approx(single)


def test_device_gps_and_carrier_agps_share_their_errors() -> None:
    """The handheld's GPS and the carrier's A-GPS are one GNSS group: no extra evidence."""
    a = gps(SHOP, 20.0)
    b = PositionFix(SHOP.lat, SHOP.lon, "WGS84", 20.0, FixSource.CARRIER_AGPS, NOW)
    both = verify_visit([a, b], SHOP, POLICY, now=NOW).sigma_m
    assert both == pytest.approx(verify_visit(a, SHOP, POLICY, now=NOW).sigma_m)


def test_a_nearer_retailer_is_reported_from_an_index_or_a_list() -> None:
    """Another shop nearer to the fix than the claimed one raises NEARER_RETAILER."""
    fix = gps(north_of(SHOP, 60.0))
    other = north_of(SHOP, 70.0)
    idx = RetailerIndex.from_arrays(
        [1, 2, 3], [SHOP.lat, other.lat, 28.1], [SHOP.lon, other.lon, 120.7]
    )
    v = verify_visit(fix, SHOP, POLICY, now=NOW, retailer_id=1, neighbours=idx)
    assert Flag.NEARER_RETAILER in v.flags
    assert [n.retailer_id for n in v.nearer_retailers] == [2]
    assert v.nearer_retailers[0].distance_m == pytest.approx(10.0, abs=0.1)
    v2 = verify_visit(
        fix,
        SHOP,
        POLICY,
        now=NOW,
        retailer_id=1,
        neighbours=[Neighbour(2, other), Neighbour(1, SHOP)],
    )
    assert [n.retailer_id for n in v2.nearer_retailers] == [2]
    alone = verify_visit(gps(SHOP), SHOP, POLICY, now=NOW, retailer_id=1, neighbours=idx)
    assert Flag.NEARER_RETAILER not in alone.flags


def test_an_impossible_speed_from_the_previous_event_is_flagged() -> None:
    """30 km in 5 minutes (360 km/h) is IMPOSSIBLE_SPEED; 3 km in 10 minutes is not."""
    far = PreviousEvent(north_of(SHOP, 30_000.0), NOW - timedelta(minutes=5), accuracy_m=10.0)
    near = PreviousEvent(north_of(SHOP, 3_000.0), NOW - timedelta(minutes=10), accuracy_m=10.0)
    assert (
        Flag.IMPOSSIBLE_SPEED
        in verify_visit(gps(SHOP), SHOP, POLICY, now=NOW, previous_event=far).flags
    )
    assert (
        Flag.IMPOSSIBLE_SPEED
        not in verify_visit(gps(SHOP), SHOP, POLICY, now=NOW, previous_event=near).flags
    )


def test_bit_identical_gps_coordinates_from_another_visit_are_flagged() -> None:
    """Reusing another visit's exact GPS coordinates is REUSED_COORDINATES; cell fixes are not."""
    p = north_of(SHOP, 3.0)
    v = verify_visit(gps(p), SHOP, POLICY, now=NOW, other_visit_points=[p, Wgs84(28.1, 120.6)])
    assert Flag.REUSED_COORDINATES in v.flags
    fresh = verify_visit(gps(north_of(SHOP, 3.5)), SHOP, POLICY, now=NOW, other_visit_points=[p])
    assert Flag.REUSED_COORDINATES not in fresh.flags
    tower = verify_visit(cell(p), SHOP, POLICY, now=NOW, other_visit_points=[p])
    assert Flag.REUSED_COORDINATES not in tower.flags


def test_bad_input_raises_typed_errors_naming_the_value() -> None:
    """Naive times, negative radius, zero accuracy, bad system or source are refused."""
    with pytest.raises(InvalidArgument, match="PositionFix"):
        verify_visit([(28.0, 120.7)], SHOP, POLICY, now=NOW)  # type: ignore[list-item]
    with pytest.raises(InvalidTimestamp, match="no time zone"):
        verify_visit(gps(SHOP), SHOP, POLICY, now=datetime(2026, 5, 11, 9, 30))
    with pytest.raises(InvalidTimestamp):
        gps(SHOP, at=datetime(2026, 5, 11, 9, 30))
    with pytest.raises(InvalidRadius, match=r"-5\.0"):
        verify_visit(gps(SHOP), SHOP, POLICY, now=NOW, radius_m=-5.0)
    with pytest.raises(InvalidRadius):
        VisitPolicy(default_radius_m=float("nan"))
    with pytest.raises(InvalidAccuracy, match=r"accuracy_m=0\.0"):
        gps(SHOP, 0.0)
    with pytest.raises(UnknownCoordSystem, match="'BAIDU'"):
        PositionFix(28.0, 120.7, "BAIDU", 10.0, FixSource.DEVICE_GPS, NOW)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="'SATELLITE'"):
        PositionFix(28.0, 120.7, "WGS84", 10.0, "SATELLITE", NOW)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="VisitPolicy"):
        verify_visit(gps(SHOP), SHOP, {"radius": 5}, now=NOW)  # type: ignore[arg-type]


# --- issue 21: verdicts under real noise, and numbers that cannot crash it -------------


def test_a_sharp_gps_claim_just_outside_a_small_radius_is_not_an_accusation() -> None:
    """A fix claiming 5 m, 45 m from the shop at r = 30 m is not NOT_IN_PLACE (multipath).

    Taken at its word (Gaussian, σ = 5 / 1.51) the fix would be rejected; the GNSS
    multipath circle of the policy keeps it INCONCLUSIVE. 400 m away it still is rejected.
    """
    assert ErrorModel(5.0 / 1.5096).outside_p_value(45.0, 30.0) < POLICY.max_outside_p_value
    v = verify_visit(gps(north_of(SHOP, 45.0), 5.0), SHOP, POLICY, now=NOW, radius_m=30.0)
    assert v.kind is VerdictKind.INCONCLUSIVE
    assert v.outside_p_value is not None
    assert v.outside_p_value >= POLICY.max_outside_p_value
    far = verify_visit(gps(north_of(SHOP, 400.0), 5.0), SHOP, POLICY, now=NOW, radius_m=30.0)
    assert far.kind is VerdictKind.NOT_IN_PLACE


def test_the_gnss_floor_is_a_policy_setting() -> None:
    """Without multipath circle and floor the fix is rejected; tiny claims are floored."""
    bare = VisitPolicy(source_rules={FixSource.DEVICE_GPS: SourceRule()})
    v = verify_visit(gps(north_of(SHOP, 45.0), 5.0), SHOP, bare, now=NOW, radius_m=30.0)
    assert v.kind is VerdictKind.NOT_IN_PLACE
    floored = verify_visit(gps(SHOP, 1.0), SHOP, POLICY, now=NOW)
    assert floored.sigma_m == pytest.approx(5.0 / 1.5096, rel=1e-3)
    assert floored.evidence[0].accuracy_m == 1.0  # the evidence keeps what was stated


def test_nearer_retailer_needs_another_shop_to_be_likelier_by_the_error_model() -> None:
    """Same-building shops are never named; a sharp fix on another shop is, with a probability."""
    others = [Neighbour(2, north_of(SHOP, 3.0)), Neighbour(3, Wgs84(SHOP.lat, SHOP.lon + 4e-5))]
    v = verify_visit(
        gps(north_of(SHOP, 2.0), 10.0), SHOP, POLICY, now=NOW, retailer_id=1, neighbours=others
    )
    assert Flag.NEARER_RETAILER not in v.flags  # 2 m vs 1 m: nothing to choose between them
    across = north_of(SHOP, 40.0)
    v = verify_visit(
        gps(across, 5.0), SHOP, POLICY, now=NOW, retailer_id=1, neighbours=[Neighbour(4, across)]
    )
    assert [n.retailer_id for n in v.nearer_retailers] == [4]
    assert v.nearer_retailers[0].probability >= POLICY.nearer_retailer_probability
    coarse = verify_visit(
        cell(across, 150.0), SHOP, POLICY, now=NOW, retailer_id=1, neighbours=[Neighbour(4, across)]
    )
    assert Flag.NEARER_RETAILER not in coarse.flags  # a 150 m cell fix cannot tell 40 m apart
    strict = VisitPolicy(nearer_retailer_probability=0.999999)
    v = verify_visit(
        gps(across, 5.0), SHOP, strict, now=NOW, retailer_id=1, neighbours=[Neighbour(4, across)]
    )
    assert Flag.NEARER_RETAILER not in v.flags


def test_at_most_max_nearer_retailers_are_named_likeliest_first() -> None:
    """A fix amid 40 shops names at most five, ordered by probability."""
    spot = north_of(SHOP, 300.0)
    ring = [Neighbour(10 + k, north_of(spot, 1.0 * k)) for k in range(40)]
    v = verify_visit(gps(spot, 5.0), SHOP, POLICY, now=NOW, retailer_id=1, neighbours=ring)
    assert 1 <= len(v.nearer_retailers) <= POLICY.max_nearer_retailers
    probabilities = [n.probability for n in v.nearer_retailers]
    assert probabilities == sorted(probabilities, reverse=True)
    none = VisitPolicy(max_nearer_retailers=0)
    assert (
        verify_visit(
            gps(spot, 5.0), SHOP, none, now=NOW, retailer_id=1, neighbours=ring
        ).nearer_retailers
        == ()
    )


def test_a_carrier_fix_dated_five_years_ahead_is_rejected_with_a_reason() -> None:
    """FIX_FROM_FUTURE names why; the evidence marks the fix future and unused."""
    ahead = PositionFix(
        SHOP.lat, SHOP.lon, "WGS84", 20.0, FixSource.CARRIER_AGPS, NOW + timedelta(days=5 * 365)
    )
    v = verify_visit(ahead, SHOP, POLICY, now=NOW)
    assert v.kind is VerdictKind.INCONCLUSIVE
    assert v.reasons == (Reason.NO_USABLE_FIX, Reason.FIX_FROM_FUTURE)
    assert Flag.FUTURE_FIX in v.flags
    (ev,) = v.evidence
    assert (ev.future, ev.used) == (True, False)
    with_device = verify_visit([gps(SHOP), ahead], SHOP, POLICY, now=NOW)
    assert with_device.kind is VerdictKind.IN_PLACE  # judged on the device fix alone
    assert Reason.FIX_FROM_FUTURE in with_device.reasons
    skewed = PositionFix(
        SHOP.lat, SHOP.lon, "WGS84", 20.0, FixSource.CARRIER_AGPS, NOW + timedelta(seconds=20)
    )
    ok = verify_visit(skewed, SHOP, POLICY, now=NOW)
    assert ok.kind is VerdictKind.IN_PLACE
    assert Reason.FIX_FROM_FUTURE not in ok.reasons


def test_absurd_radii_and_accuracies_are_typed_errors_not_overflows() -> None:
    """1e308 m radius and 1e160 m accuracy are InvalidRadius / InvalidAccuracy (issue 14 #12)."""
    with pytest.raises(InvalidRadius, match="circumference"):
        verify_visit(gps(SHOP), SHOP, POLICY, now=NOW, radius_m=1e308)
    with pytest.raises(InvalidAccuracy, match="circumference"):
        cell(SHOP, 1e308)
    with pytest.raises(InvalidAccuracy):
        gps(SHOP, 1e160)
    with pytest.raises(InvalidAccuracy, match="below"):
        gps(SHOP, 1e-300)
    with pytest.raises(InvalidRadius):
        VisitPolicy(radius_by_area={"x": 1e300})
    with pytest.raises(InvalidRadius):
        PreviousEvent(SHOP, NOW, accuracy_m=1e300)
    with pytest.raises(InvalidArgument):
        VisitPolicy(max_nearer_retailers=-1)
    with pytest.raises(InvalidArgument):
        SourceRule(multipath_share=0.9, multipath_m=50.0)


def test_the_largest_accuracy_gives_a_verdict_with_a_reason() -> None:
    """A fix as wide as half the Earth: INCONCLUSIVE, ACCURACY_COARSER_THAN_RADIUS, finite."""
    wide = [gps(SHOP, MAX_ACCURACY_M), cell(north_of(SHOP, 10.0), MAX_ACCURACY_M)]
    v = verify_visit(wide, SHOP, POLICY, now=NOW, radius_m=MAX_ACCURACY_M / 2)
    assert v.kind is VerdictKind.INCONCLUSIVE
    assert Reason.ACCURACY_COARSER_THAN_RADIUS in v.reasons
    for value in (v.distance_m, v.probability_within, v.outside_p_value, v.sigma_m):
        assert value is not None
        assert math.isfinite(value)


coordinates = st.tuples(st.floats(-90.0, 90.0), st.floats(-180.0, 180.0))
metres = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, 5e-324, 0.01, 1.0, 150.0, 2.0e7, MAX_ACCURACY_M, 2.1e7, 1e160, 1e308]),
)


@settings(deadline=None, max_examples=300)
@given(
    fixes=st.lists(
        st.tuples(
            coordinates, metres, st.sampled_from(list(FixSource)), st.integers(-(10**9), 10**9)
        ),
        max_size=4,
    ),
    shop=coordinates,
    radius_m=metres,
)
def test_any_numbers_give_a_verdict_or_a_typed_error(
    fixes: list[tuple[tuple[float, float], float, FixSource, int]],
    shop: tuple[float, float],
    radius_m: float,
) -> None:
    """No OverflowError, ZeroDivisionError or NaN verdict, whatever the numbers."""
    try:
        built = [
            PositionFix(lat, lon, "WGS84", acc, source, NOW + timedelta(seconds=dt))
            for (lat, lon), acc, source, dt in fixes
        ]
        v = verify_visit(
            built,
            Wgs84(*shop),
            POLICY,
            now=NOW,
            radius_m=radius_m,
            neighbours=[Neighbour(9, Wgs84(*shop))],
            retailer_id=1,
            previous_event=PreviousEvent(Wgs84(*shop), NOW - timedelta(hours=1)),
        )
    except GeoError:
        return
    for value in (v.distance_m, v.probability_within, v.outside_p_value, v.sigma_m):
        assert value is None or math.isfinite(value)
    assert all(math.isfinite(e.probability_within) and math.isfinite(e.sigma_m) for e in v.evidence)
    assert all(0.0 <= n.probability <= 1.0 for n in v.nearer_retailers)
