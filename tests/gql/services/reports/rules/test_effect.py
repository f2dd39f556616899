"""Effect evaluation: differences, bootstrap intervals and DiD on hand-worked units."""

import numpy as np
import pytest

from gql.services.reports.rules import Draws, ReportRuleError, Statistic, Units, evaluate

# coverage: (visited, planned) per manager-day
BEFORE = Units.of([(1, 2), (1, 2)])  # 2 / 4 = 50 %
AFTER = Units.of([(4, 5), (4, 5)])  # 8 / 10 = 80 %
CONTROL_BEFORE = Units.of([(3, 5), (3, 5)])  # 60 %
CONTROL_AFTER = Units.of([(7, 10), (7, 10)])  # 70 %


def test_difference_and_did_of_identical_units() -> None:
    """After − before = 30 points; the comparison rose 10, so the DiD is 20. Every unit of a
    period is alike, so every resample gives the same value and each interval is a point."""
    e = evaluate(
        BEFORE,
        AFTER,
        statistic=Statistic.RATIO,
        scale=100.0,
        comparison=(CONTROL_BEFORE, CONTROL_AFTER),
    )
    assert (e.before, e.after) == (pytest.approx(50.0), pytest.approx(80.0))
    assert e.difference == pytest.approx(30.0)
    assert e.difference_ci is not None
    assert (e.difference_ci.low, e.difference_ci.high) == (pytest.approx(30.0),) * 2
    assert (e.comparison_before, e.comparison_after) == (pytest.approx(60.0), pytest.approx(70.0))
    assert e.did == pytest.approx(20.0)
    assert e.did_ci is not None
    assert (e.did_ci.low, e.did_ci.high) == (pytest.approx(20.0),) * 2
    assert (e.units_before, e.units_after) == (2, 2)


def test_ratio_is_of_sums() -> None:
    """(1/1, 0/3): Σ 1 / Σ 4 = 25 %, not the mean of 100 % and 0 %."""
    e = evaluate(Units.of([(1, 1), (0, 3)]), AFTER, statistic=Statistic.RATIO, scale=100.0)
    assert e.before == pytest.approx(25.0)


def test_bootstrap_interval_of_two_unlike_units() -> None:
    """Two units 0/1 and 1/1: a resample holds 0, 1 or 2 ones (p = 1/4, 1/2, 1/4), so the
    resampled share is 0, 0.5 or 1 and the 95 % interval runs from 0 to 1."""
    e = evaluate(Units.of([(0, 1), (1, 1)]), AFTER, statistic=Statistic.RATIO)
    assert e.before == 0.5
    assert e.before_ci is not None
    assert (e.before_ci.low, e.before_ci.high) == (0.0, 1.0)


def test_same_seed_same_numbers() -> None:
    """The intervals are reproducible from the seed."""
    units = Units.of([(i % 3, 1 + i % 2) for i in range(40)])
    first = evaluate(units, AFTER, statistic=Statistic.RATIO, seed=5)
    again = evaluate(units, AFTER, statistic=Statistic.RATIO, seed=5)
    assert first == again
    assert first.before_ci is not None
    assert first.before_ci.low < first.before < first.before_ci.high  # type: ignore[operator]


def test_cv_leaves_out_units_without_a_denominator() -> None:
    """Hours 36/4, 40/4 and a manager with no worked day: CV of 9 and 10 = 0.5 / 9.5."""
    units = Units.of([(36, 4), (40, 4), (0, 0)])
    e = evaluate(units, units, statistic=Statistic.CV)
    assert e.before == pytest.approx(0.5 / 9.5)
    assert e.difference == pytest.approx(0.0)


def test_empty_periods_have_no_value_and_no_interval() -> None:
    """Nothing measured is undefined, not zero."""
    e = evaluate(Units.of([]), AFTER, statistic=Statistic.RATIO)
    assert e.before is None
    assert e.before_ci is None
    assert e.difference is None
    assert e.difference_ci is None


@pytest.mark.parametrize("resamples", [0, 99, 20_001])
def test_resamples_out_of_range_are_refused(resamples: int) -> None:
    """Too few resamples give a meaningless interval; too many, a slow one."""
    with pytest.raises(ReportRuleError, match="resamples must be") as caught:
        evaluate(BEFORE, AFTER, statistic=Statistic.RATIO, resamples=resamples)
    assert caught.value.field == "resamples"


def test_a_negative_seed_is_refused() -> None:
    """NumPy's generators take seeds of 0 or more."""
    with pytest.raises(ReportRuleError, match="seed") as caught:
        evaluate(BEFORE, AFTER, statistic=Statistic.RATIO, seed=-1)
    assert caught.value.field == "seed"


def test_shared_draws_give_the_numbers_of_fresh_draws() -> None:
    """One Draws object across measures (of the same and of other unit counts, a CV leaving a
    unit out) gives exactly what each measure drawing afresh gives."""
    rng = np.random.default_rng(3)

    def units(n: int) -> Units:
        return Units.of([(float(a), float(b)) for a, b in rng.integers(0, 9, size=(n, 2))])

    days = (units(40), units(35), units(30), units(45))
    people = (units(6), units(7), units(5), units(6))
    shared = Draws()
    for statistic, (b, a, cb, ca) in [
        (Statistic.RATIO, days),
        (Statistic.RATIO, days),
        (Statistic.CV, people),
        (Statistic.RATIO, days),
        (Statistic.CV, days),
    ]:
        kwargs = {"statistic": statistic, "comparison": (cb, ca), "resamples": 200, "seed": 5}
        assert evaluate(b, a, draws=shared, **kwargs) == evaluate(b, a, **kwargs)  # type: ignore[arg-type]
        alone = evaluate(b, a, draws=shared, statistic=statistic, resamples=200, seed=5)
        assert alone == evaluate(b, a, statistic=statistic, resamples=200, seed=5)
