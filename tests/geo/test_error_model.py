"""The error model: closed forms against Monte Carlo, and the guarantees the decision relies on."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, stats
from scipy.special import chndtr

from geo import (
    ErrorModel,
    FixSource,
    GeoError,
    InvalidAccuracy,
    InvalidArgument,
    PositionFix,
    VerdictKind,
    VisitPolicy,
    Wgs84,
    outside_p_value,
    pair_threshold_m,
    probability_within,
    sigma_m,
    student_t_dof,
    verify_batch,
    verify_visit,
)
from geo.error_model import disagreement_threshold_m, unit_radius
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
    """Genuine devices standing on the radius edge get NOT_IN_PLACE at most α (0.5 %)."""
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
    assert out.count(VerdictKind.NOT_IN_PLACE) / n <= VisitPolicy().max_outside_p_value * 1.2


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


# --- the heavy-tailed model (issue 21) -------------------------------------------------


def test_the_disc_kernel_equals_scipys_noncentral_chi2_for_the_gaussian() -> None:
    """Over 20,000 random (d, r, σ) spanning 1e-3 to 1e4 σ, |ours − chndtr| ≤ 2e-5."""
    rng = np.random.default_rng(45)
    n = 20_000
    s = np.exp(rng.uniform(np.log(0.5), np.log(500.0), n))
    d = s * np.exp(rng.uniform(-7.0, np.log(1e4), n))
    r = np.where(
        rng.random(n) < 0.4,
        np.abs(d + s * rng.normal(0, 3, n)),
        s * np.exp(rng.uniform(-7.0, 9.0, n)),
    )
    ours_in = probability_within(d, r, s)
    assert np.abs(ours_in - chndtr((r / s) ** 2, 2.0, (d / s) ** 2)).max() <= 2e-5
    ours_out = outside_p_value(d, r, s)
    ref_out = 1.0 - chndtr((d / s) ** 2, 2.0, (r / s) ** 2)
    assert np.abs(ours_out - ref_out).max() <= 2e-5
    tail = (ref_out > 1e-6) & (ref_out < 0.1)  # where a p-value is compared with α
    assert np.max(np.abs(ours_out[tail] - ref_out[tail]) / ref_out[tail]) <= 1e-4


@pytest.mark.parametrize(("d", "r"), [(0.0, 30.0), (20.0, 30.0), (60.0, 30.0), (300.0, 100.0)])
def test_the_t_probabilities_equal_quadrature_over_the_ts_gaussian_mixture(
    d: float, r: float
) -> None:
    """A bivariate t is a Gaussian whose variance is ν/χ²_ν: integrate chndtr over it."""
    nu, s = 5.02, 12.0
    scale = s * 1.5096 / unit_radius(0.68, nu)  # the t scale with σ's 68 % circle

    def mixed(f: Callable[[float], float]) -> float:
        density = stats.chi2(nu).pdf
        value, _ = integrate.quad(
            lambda g: f(scale * math.sqrt(nu / g)) * density(g), 0, np.inf, limit=200
        )
        return float(value)

    p_in = mixed(lambda sd: float(chndtr((r / sd) ** 2, 2.0, (d / sd) ** 2)))
    p_out = mixed(lambda sd: float(1.0 - chndtr((d / sd) ** 2, 2.0, (r / sd) ** 2)))
    assert float(probability_within(d, r, s, dof=nu)) == pytest.approx(p_in, abs=2e-5)
    assert float(outside_p_value(d, r, s, dof=nu)) == pytest.approx(p_out, abs=2e-5, rel=1e-3)


def test_the_fitted_t_holds_68_percent_within_a_and_95_within_2a() -> None:
    """student_t_dof fits both points of the carriers' semantics (checked by sampling)."""
    nu = student_t_dof(0.68, 0.95)
    assert nu == pytest.approx(5.0225, abs=1e-3)
    s = float(sigma_m(100.0, 0.68, nu))
    assert s == pytest.approx(100.0 / 1.5096, rel=1e-4)  # same 68 % circle as a Gaussian
    rng = np.random.default_rng(46)
    scale = s * 1.5096 / unit_radius(0.68, nu)
    e = rng.normal(0.0, 1.0, (2, 400_000)) * np.sqrt(nu / rng.chisquare(nu, 400_000)) * scale
    length = np.hypot(*e)
    assert np.mean(length <= 100.0) == pytest.approx(0.68, abs=0.003)
    assert np.mean(length <= 200.0) == pytest.approx(0.95, abs=0.002)
    assert student_t_dof(0.68, None) == math.inf
    assert student_t_dof(0.68, 0.999) == math.inf  # lighter than a Gaussian: the Gaussian
    with pytest.raises(InvalidArgument, match="must exceed"):
        student_t_dof(0.68, 0.6)


def test_the_pair_threshold_is_exceeded_by_honest_heavy_tailed_pairs_at_most_alpha() -> None:
    """Device (Gaussian + multipath) and carrier (t) fixes of one spot: ≤ α beyond the threshold."""
    device, carrier = (
        ErrorModel(10.0, multipath_share=0.05, multipath_sigma_m=67.0),
        ErrorModel(99.4, 5.02),
    )
    threshold = pair_threshold_m(device, carrier, 0.01)
    rng = np.random.default_rng(47)
    n = 400_000
    wide = rng.random(n) < 0.05
    dev = rng.normal(0.0, 1.0, (2, n)) * np.where(wide, 67.0, 10.0)
    scale = 99.4 * 1.5096 / unit_radius(0.68, 5.02)
    car = rng.normal(0.0, 1.0, (2, n)) * np.sqrt(5.02 / rng.chisquare(5.02, n)) * scale
    assert np.mean(np.hypot(*(dev - car)) > threshold) <= 0.01
    assert threshold > disagreement_threshold_m(10.0, 99.4, 0.01)  # wider than the Gaussian's


def test_an_error_model_is_validated_and_its_quantile_inverts_its_survival() -> None:
    """Shares, σ and ν out of range are typed errors; quantile and survival agree."""
    m = ErrorModel(20.0, 5.0, 0.05, 70.0)
    for p in (0.5, 0.68, 0.99, 0.999):
        assert m.survival(m.quantile_m(p)) == pytest.approx(1.0 - p, rel=1e-6)
    with pytest.raises(InvalidArgument):
        ErrorModel(20.0, multipath_share=0.05, multipath_sigma_m=10.0)  # narrower than the core
    with pytest.raises(InvalidArgument):
        ErrorModel(20.0, dof=0.0)
    with pytest.raises(InvalidAccuracy):
        ErrorModel(float("nan"))
    with pytest.raises(InvalidAccuracy):
        ErrorModel(1e160)


finite_or_not = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, 5e-324, 1e-300, 1e-3, 2.0e7, 2.1e7, 1e160, 1e308]),
)


@settings(deadline=None, max_examples=400)
@given(
    d=finite_or_not, r=finite_or_not, s=finite_or_not, dof=st.sampled_from([math.inf, 5.02, 0.7])
)
def test_public_probabilities_never_overflow_nor_return_nan(
    d: float, r: float, s: float, dof: float
) -> None:
    """Any float in: a probability in [0, 1] or a typed GeoError, never OverflowError or NaN."""
    for fn in (probability_within, outside_p_value):
        try:
            value = float(fn(d, r, s, dof))
        except GeoError:
            continue
        assert 0.0 <= value <= 1.0
    try:
        threshold = disagreement_threshold_m(s, r, 0.01, dof)
    except GeoError:
        return
    assert math.isfinite(threshold)
    assert threshold >= 0.0
