"""Reproducible stratified audit sample: same seed same sample, shares match the design."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date

import numpy as np
import pytest

from gql.services.audits.rules import (
    Allocation,
    Candidate,
    SampleDesign,
    SamplingError,
    StratumBy,
    draw_sample,
    expected_allocation,
)

PLAN_DAY = date(2026, 3, 2)


def _candidates() -> list[Candidate]:
    """4 managers with 7, 13, 20 and 5 retailers (N = 45), grades A/B alternating."""
    out: list[Candidate] = []
    for manager, n in (("m1", 7), ("m2", 13), ("m3", 20), ("m4", 5)):
        out.extend(Candidate(f"{manager}-r{i:02d}", manager, grade="AB"[i % 2]) for i in range(n))
    return out


def test_the_same_seed_and_inputs_give_the_same_sample_in_any_input_order() -> None:
    """Reproducible: the draw depends on the seed and the set of candidates, not their order."""
    cs = _candidates()
    design = SampleDesign(size=10)
    a = draw_sample(cs, design, seed=20260302, plan_date=PLAN_DAY)
    shuffled = list(cs)
    random.Random(1).shuffle(shuffled)
    b = draw_sample(shuffled, design, seed=20260302, plan_date=PLAN_DAY)
    assert a == b
    assert a.inputs_digest == b.inputs_digest
    assert len(a.retailer_ids) == 10


def test_different_seeds_give_different_samples() -> None:
    """Over 50 seeds the sample is not constant (it really is random)."""
    cs = _candidates()
    samples = {
        draw_sample(cs, SampleDesign(size=10), seed=s, plan_date=PLAN_DAY).retailer_ids
        for s in range(50)
    }
    assert len(samples) > 40


def test_proportional_shares_match_the_design_over_many_seeds() -> None:
    """Mean seats per stratum over 2000 seeds is within 0.05 of size·N_h/N.

    Each stratum's count is its quota's integer part plus a Bernoulli(fraction), so its
    standard deviation is at most 0.5 and the standard error of the mean over 2000 seeds at
    most 0.5/√2000 ≈ 0.011; 0.05 is more than four standard errors. The total is always 10.
    """
    cs = _candidates()
    design = SampleDesign(size=10)
    expected = expected_allocation(cs, design, plan_date=PLAN_DAY)
    # 10·7/45 = 1.556, 10·13/45 = 2.889, 10·20/45 = 4.444, 10·5/45 = 1.111
    assert expected[("m1",)] == pytest.approx(70 / 45)
    counts: Counter[tuple[str, ...]] = Counter()
    seeds = 2000
    for seed in range(seeds):
        sample = draw_sample(cs, design, seed=seed, plan_date=PLAN_DAY)
        assert len(sample.selected) == 10
        for a in sample.strata:
            assert a.drawn in (int(a.expected), int(a.expected) + 1)
            counts[a.stratum] += a.drawn
    for stratum, e in expected.items():
        assert counts[stratum] / seeds == pytest.approx(e, abs=0.05)


def test_risk_weights_set_the_chance_of_a_single_seat_within_a_stratum() -> None:
    """One seat per stratum drawn with weights 1, 2, 3, 4: frequencies within 0.03 of w/10.

    Over 4000 seeds a frequency p has standard error √(p(1−p)/4000) ≤ 0.008; 0.03 is more
    than three and a half standard errors.
    """
    cs = [Candidate(f"r{i}", "m1", risk_weight=float(i + 1)) for i in range(4)]
    design = SampleDesign(allocation=Allocation.EQUAL, per_stratum=1, weighted=True)
    hits: Counter[str] = Counter()
    seeds = 4000
    for seed in range(seeds):
        hits.update(draw_sample(cs, design, seed=seed, plan_date=PLAN_DAY).retailer_ids)
    for i in range(4):
        assert hits[f"r{i}"] / seeds == pytest.approx((i + 1) / 10, abs=0.03)


def test_within_stratum_selection_is_uniform_without_weights() -> None:
    """Each of m2's 13 retailers is drawn with frequency ≈ seats/13 (chi-square below 40)."""
    cs = _candidates()
    design = SampleDesign(allocation=Allocation.EQUAL, per_stratum=3)
    hits: Counter[str] = Counter()
    seeds = 1300
    for seed in range(seeds):
        sample = draw_sample(cs, design, seed=seed, plan_date=PLAN_DAY)
        hits.update(s.retailer_id for s in sample.selected if s.manager_id == "m2")
    observed = np.array([hits[f"m2-r{i:02d}"] for i in range(13)], dtype=float)
    expected = 3 * seeds / 13
    chi2 = float(((observed - expected) ** 2 / expected).sum())
    assert chi2 < 40.0  # 12 degrees of freedom: P(χ² > 40) < 1e-4


def test_grade_strata_and_equal_allocation_cap_small_strata() -> None:
    """Stratified by manager × grade, 3 per stratum; m4 grade B has 2 retailers → takes both."""
    cs = _candidates()
    design = SampleDesign(
        allocation=Allocation.EQUAL, per_stratum=3, stratify_by=(StratumBy.GRADE,)
    )
    s = draw_sample(cs, design, seed=5, plan_date=PLAN_DAY)
    drawn = {a.stratum: a.drawn for a in s.strata}
    assert drawn[("m4", "B")] == 2
    assert drawn[("m1", "A")] == 3
    assert len(drawn) == 8
    assert all(sel.retailer_id.startswith(sel.stratum[0]) for sel in s.selected)


def test_recently_audited_retailers_are_excluded_and_listed() -> None:
    """Audited 29 days ago is excluded with a 30-day window; 30 days ago is eligible."""
    cs = [
        Candidate("r1", "m1", last_audited_on=date(2026, 2, 1)),  # 29 days before 2 March
        Candidate("r2", "m1", last_audited_on=date(2026, 1, 31)),  # 30 days
        Candidate("r3", "m1"),
    ]
    design = SampleDesign(size=2, exclude_audited_within_days=30)
    s = draw_sample(cs, design, seed=1, plan_date=PLAN_DAY)
    assert [e.retailer_id for e in s.excluded] == ["r1"]
    assert sorted(s.retailer_ids) == ["r2", "r3"]


@pytest.mark.parametrize(
    ("candidates", "design", "seed", "message"),
    [
        ([Candidate("r1", "m1")] * 2, SampleDesign(size=1), 1, "listed twice"),
        ([Candidate("r1", "m1")], SampleDesign(size=2), 1, "exceeds"),
        ([Candidate("r1", "m1")], SampleDesign(size=1), -1, "seed"),
        ([Candidate("r1", "m1")], SampleDesign(size=1), 2**128, "seed"),
        ([], SampleDesign(size=1), 1, "no eligible"),
        (
            [Candidate("r1", "m1", last_audited_on=date(2026, 4, 1))],
            SampleDesign(size=1),
            1,
            "after",
        ),
    ],
)
def test_bad_sampling_inputs_are_rejected(
    candidates: list[Candidate], design: SampleDesign, seed: int, message: str
) -> None:
    """Duplicates, an oversize sample, a bad seed, nothing to draw, a future audit date."""
    with pytest.raises(SamplingError, match=message):
        draw_sample(candidates, design, seed=seed, plan_date=PLAN_DAY)


def test_bad_designs_and_candidates_are_rejected() -> None:
    """A design must say its size the way its allocation needs; weights must be positive."""
    with pytest.raises(SamplingError, match="needs size"):
        SampleDesign()
    with pytest.raises(SamplingError, match="needs per_stratum"):
        SampleDesign(allocation=Allocation.EQUAL, size=3)
    with pytest.raises(SamplingError, match="size must be an integer"):
        SampleDesign(size=2.5)  # type: ignore[arg-type]
    with pytest.raises(SamplingError, match="risk_weight"):
        Candidate("r", "m", risk_weight=0.0)
    with pytest.raises(SamplingError, match="risk_weight"):
        Candidate("r", "m", risk_weight=float("nan"))
