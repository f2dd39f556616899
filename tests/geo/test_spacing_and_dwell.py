"""Licence spacing (R6.3) and the check-out / dwell record (R3.3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from geo import (
    FixSource,
    Flag,
    InvalidRadius,
    InvalidTimestamp,
    PositionFix,
    RetailerIndex,
    SpacingRule,
    VerdictKind,
    VisitPolicy,
    Wgs84,
    haversine_m_to_many,
    record_visit,
    spacing_conflicts,
    verify_visit,
)


def test_spacing_conflicts_list_exactly_the_retailers_closer_than_allowed() -> None:
    """Conflicts equal a brute-force filter (< spacing), nearest first, with shortfalls."""
    rng = np.random.default_rng(31)
    ids = np.arange(500)
    lat, lon = 28.0 + rng.random(500) * 0.02, 120.7 + rng.random(500) * 0.02
    d = haversine_m_to_many(28.01, 120.71, lat, lon)
    want = ids[np.lexsort((ids, d))]
    want = [int(i) for i in want if d[i] < 150.0]
    got = spacing_conflicts((ids, lat, lon), 28.01, 120.71, 150.0)
    assert [c.retailer_id for c in got] == want
    assert all(c.shortfall_m == pytest.approx(150.0 - c.distance_m) for c in got)
    idx = RetailerIndex.from_arrays(ids, lat, lon)
    assert spacing_conflicts(idx, 28.01, 120.71, 150.0) == got
    assert [
        c.retailer_id for c in spacing_conflicts(idx, 28.01, 120.71, 150.0, exclude_id=want[0])
    ] == want[1:]


def test_a_retailer_exactly_at_the_minimum_spacing_is_not_a_conflict() -> None:
    """Distance equal to the spacing is allowed ("closer than allowed" is strict)."""
    idx = RetailerIndex.from_arrays([1], [28.0], [120.7])
    d = haversine_m_to_many(28.001, 120.7, [28.0], [120.7])[0]
    assert spacing_conflicts(idx, 28.001, 120.7, float(d)) == []
    assert len(spacing_conflicts(idx, 28.001, 120.7, float(d) + 0.01)) == 1


def test_spacing_rules_pick_business_type_then_area_then_default() -> None:
    """SpacingRule resolves the minimum spacing per business type and area."""
    rule = SpacingRule(50.0, by_area={"lucheng": 100.0}, by_business_type={"hotel": 30.0})
    assert rule.min_spacing_m() == 50.0
    assert rule.min_spacing_m(area="lucheng") == 100.0
    assert rule.min_spacing_m(area="lucheng", business_type="hotel") == 30.0
    with pytest.raises(InvalidRadius):
        SpacingRule(-1.0)
    with pytest.raises(InvalidRadius, match=r"min_spacing_m=-3\.0"):
        spacing_conflicts(RetailerIndex(), 28.0, 120.7, -3.0)


T0 = datetime(2026, 5, 11, 9, 0, tzinfo=UTC)
SHOP = Wgs84(28.0, 120.7)
POLICY = VisitPolicy()


def _event(at: datetime, lat: float = 28.0) -> object:
    fix = PositionFix(lat, 120.7, "WGS84", 8.0, FixSource.DEVICE_GPS, at)
    return verify_visit(fix, SHOP, POLICY, now=at)


def test_dwell_is_the_time_between_verified_check_in_and_check_out() -> None:
    """Two in-place events 25 min apart give an IN_PLACE visit of 1,500 s."""
    rec = record_visit(_event(T0), _event(T0 + timedelta(minutes=25)), POLICY)  # type: ignore[arg-type]
    assert rec.kind is VerdictKind.IN_PLACE
    assert rec.dwell_s == 1_500.0
    assert rec.arrival_at == T0
    assert Flag.SHORT_DWELL not in rec.flags


def test_a_check_out_elsewhere_makes_the_visit_not_in_place() -> None:
    """A check-out 1 km away makes the whole visit NOT_IN_PLACE."""
    rec = record_visit(_event(T0), _event(T0 + timedelta(minutes=20), lat=28.01), POLICY)  # type: ignore[arg-type]
    assert rec.kind is VerdictKind.NOT_IN_PLACE


def test_short_missing_or_reversed_check_outs() -> None:
    """A 30 s visit is SHORT_DWELL; no check-out is INCONCLUSIVE; reversed times raise."""
    short = record_visit(_event(T0), _event(T0 + timedelta(seconds=30)), POLICY)  # type: ignore[arg-type]
    assert Flag.SHORT_DWELL in short.flags
    open_visit = record_visit(_event(T0), None, POLICY)  # type: ignore[arg-type]
    assert open_visit.kind is VerdictKind.INCONCLUSIVE
    assert open_visit.dwell_s is None
    with pytest.raises(InvalidTimestamp, match="before check-in"):
        record_visit(_event(T0), _event(T0 - timedelta(minutes=1)), POLICY)  # type: ignore[arg-type]
