"""The error model: closed forms against Monte Carlo, and the guarantees the decision relies on."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo import (
    FixSource,
    InvalidArgument,
    PositionFix,
    VerdictKind,
    VisitPolicy,
    Wgs84,
    outside_p_value,
    probability_within,
    sigma_m,
    verify_batch,
    verify_visit,
)
from tests.geo.simulate import EVENT_AT


def test_sigma_makes_the_accuracy_circle_hold_its_confidence() -> None:
    """A circular normal with σ = sigma_m(a, c) puts fraction c inside radius a."""
    rng = np.random.default_rng(41)
    for confidence in (0.5, 0.68, 0.95):
        s = float(sigma_m(30.0, confidence))
        r = np.hypot(*rng.normal(0.0, s, size=(2, 200_000)))
        assert np.mean(r <= 30.0) == pytest.approx(confidence, abs=0.005)
    with pytest.raises(InvalidArgument):
        sigma_m(30.0, 1.0)


@pytest.mark.parametrize(
    ("d", "r", "s"), [(0.0, 50.0, 99.4), (40.0, 50.0, 10.0), (120.0, 100.0, 30.0)]
)
def test_probability_within_matches_a_monte_carlo_posterior(d: float, r: float, s: float) -> None:
    """P(|T − R| ≤ r) for T ~ N(F, σ²I) agrees with sampling to 0.005."""
    rng = np.random.default_rng(42)
    t = rng.normal(0.0, s, size=(2, 400_000))
    t[0] += d
    assert float(probability_within(d, r, s)) == pytest.approx(
        np.mean(np.hypot(*t) <= r), abs=0.005
    )


@pytest.mark.parametrize("s", [5.0, 26.0, 99.0])
def test_outside_p_value_is_the_tail_of_fixes_from_a_device_on_the_edge(s: float) -> None:
    """For a device exactly on the radius, P(fix ≥ d away) equals outside_p_value(d)."""
    rng = np.random.default_rng(43)
    r = 100.0
    e = rng.normal(0.0, s, size=(2, 400_000))
    reported = np.hypot(r + e[0], e[1])
    for d in (r, r + s, r + 2.5 * s):
        assert float(outside_p_value(d, r, s)) == pytest.approx(np.mean(reported >= d), abs=0.004)


def test_devices_on_the_edge_are_wrongly_accused_at_most_alpha_of_the_time() -> None:
    """Genuine devices standing on the radius edge get NOT_IN_PLACE ≈ α = 1 %, not more."""
    rng = np.random.default_rng(44)
    n, r = 50_000, 60.0
    acc = rng.uniform(5.0, 150.0, n)
    s = np.asarray(sigma_m(acc, 0.68))
    theta = rng.uniform(0, 2 * math.pi, n)
    north = r * np.cos(theta) + rng.normal(0, 1, n) * s
    east = r * np.sin(theta) + rng.normal(0, 1, n) * s
    lat = 28.0 + north / 111_195.0
    lon = 120.7 + east / (111_195.0 * math.cos(math.radians(28.0)))
    out = verify_batch(
        lat, lon, acc, np.full(n, 28.0), np.full(n, 120.7), VisitPolicy(), radius_m=r
    )
    assert out.count(VerdictKind.NOT_IN_PLACE) / n <= 0.012


@settings(deadline=None, max_examples=200)
@given(
    accuracy_m=st.floats(1.0, 2_000.0),
    radius_m=st.floats(5.0, 500.0),
    offset_m=st.floats(0.0, 3_000.0),
    source=st.sampled_from(list(FixSource)),
)
def test_a_fix_coarser_than_the_radius_is_never_in_place(
    accuracy_m: float, radius_m: float, offset_m: float, source: FixSource
) -> None:
    """Whatever the distance, accuracy_m > radius_m (68 % circles) never gives IN_PLACE."""
    shop = Wgs84(28.0, 120.7)
    fix = PositionFix(28.0 + offset_m / 111_195.0, 120.7, "WGS84", accuracy_m, source, EVENT_AT)
    v = verify_visit(fix, shop, VisitPolicy(), now=EVENT_AT, radius_m=radius_m)
    if accuracy_m > radius_m:
        assert v.kind is not VerdictKind.IN_PLACE
    if v.kind is VerdictKind.IN_PLACE:
        assert v.distance_m is not None
        assert v.distance_m < radius_m
