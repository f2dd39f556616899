"""verify_batch agrees with verify_visit and validates its arrays."""

from __future__ import annotations

import numpy as np
import pytest

from geo import (
    FixSource,
    InvalidAccuracy,
    InvalidRadius,
    ShapeMismatch,
    VerdictKind,
    VisitPolicy,
    verify_batch,
    verify_visit,
)
from tests.geo import simulate


def test_batch_verdicts_equal_single_verdicts_on_a_mixed_simulated_set() -> None:
    """Kind, distance and probability match verify_visit visit by visit."""
    rng = np.random.default_rng(21)
    visits = simulate.genuine(rng, 300) + simulate.away(rng, 300, away_min_m=50.0, away_max_m=400.0)
    visits += simulate.cell_at_shop(rng, 200)
    fixes = [v.fixes[0] for v in visits]
    policy = VisitPolicy()
    out = verify_batch(
        [f.lat for f in fixes], [f.lon for f in fixes], [f.accuracy_m for f in fixes],
        [v.retailer.lat for v in visits], [v.retailer.lon for v in visits], policy,
        source=[f.source for f in fixes], radius_m=60.0,
    )  # fmt: skip
    singles = [
        verify_visit(
            v.fixes, v.retailer, policy, now=simulate.NOW, event_at=simulate.EVENT_AT, radius_m=60.0
        )
        for v in visits
    ]
    assert out.kinds() == [s.kind for s in singles]
    assert np.allclose(out.distance_m, [s.distance_m for s in singles], atol=1e-6)
    assert np.allclose(out.probability_within, [s.probability_within for s in singles], atol=1e-9)
    assert {VerdictKind.IN_PLACE, VerdictKind.NOT_IN_PLACE, VerdictKind.INCONCLUSIVE} <= set(
        out.kinds()
    )


def test_stale_or_old_batch_fixes_are_inconclusive() -> None:
    """age_s above the policy's maximum or stale=True make a visit INCONCLUSIVE."""
    out = verify_batch(
        [28.0] * 3, [120.7] * 3, [5.0] * 3, [28.0] * 3, [120.7] * 3, VisitPolicy(),
        age_s=[0.0, 500.0, 0.0], stale=[False, False, True],
    )  # fmt: skip
    assert [k.value for k in out.kinds()] == ["IN_PLACE", "INCONCLUSIVE", "INCONCLUSIVE"]
    assert out.count(VerdictKind.INCONCLUSIVE) == 2


def test_batch_rejects_bad_arrays_naming_the_row() -> None:
    """Mismatched lengths, zero accuracy and negative radii raise typed errors."""
    policy = VisitPolicy()
    with pytest.raises(ShapeMismatch):
        verify_batch([28.0, 28.0], [120.7, 120.7], [5.0, 5.0], [28.0], [120.7], policy)
    with pytest.raises(InvalidAccuracy, match="row 1"):
        verify_batch([28.0, 28.0], [120.7, 120.7], [5.0, 0.0], [28.0] * 2, [120.7] * 2, policy)
    with pytest.raises(InvalidRadius, match="row 0"):
        verify_batch([28.0], [120.7], [5.0], [28.0], [120.7], policy, radius_m=-1.0)
    with pytest.raises(ShapeMismatch):
        verify_batch(
            [28.0], [120.7], [5.0], [28.0], [120.7], policy, source=[FixSource.DEVICE_GPS] * 2
        )
