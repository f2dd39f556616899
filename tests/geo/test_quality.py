"""Verification quality on the simulated set (issue 3, "Done when")."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from geo import Flag, VerdictKind, VisitPolicy, verify_visit
from tests.geo import simulate

N = 4_000
POLICY = VisitPolicy()


def _kinds(visits: list[simulate.SimVisit], radius_m: float) -> Counter[VerdictKind]:
    return Counter(
        verify_visit(
            v.fixes,
            v.retailer,
            POLICY,
            now=simulate.NOW,
            event_at=simulate.EVENT_AT,
            radius_m=radius_m,
        ).kind
        for v in visits
    )


@pytest.mark.parametrize("radius_m", [50.0, 100.0])
def test_genuine_on_site_check_ins_are_rarely_judged_not_in_place(radius_m: float) -> None:
    """At most 1 % of on-site GPS check-ins (noise as stated) come out NOT_IN_PLACE."""
    kinds = _kinds(simulate.genuine(np.random.default_rng(1), N), radius_m)
    assert kinds[VerdictKind.NOT_IN_PLACE] <= 0.01 * N
    assert kinds[VerdictKind.IN_PLACE] > 0  # the set is not vacuous


def test_genuine_check_ins_at_a_100_m_radius_are_mostly_proven() -> None:
    """With 5–40 m GPS at 100 m, at least 95 % of genuine visits are IN_PLACE."""
    kinds = _kinds(simulate.genuine(np.random.default_rng(2), N), 100.0)
    assert kinds[VerdictKind.IN_PLACE] >= 0.95 * N


@pytest.mark.parametrize("radius_m", [50.0, 100.0, 150.0])
def test_check_ins_300_m_or_more_away_are_judged_not_in_place(radius_m: float) -> None:
    """At least 99 % of GPS check-ins made 300–1000 m away are NOT_IN_PLACE."""
    kinds = _kinds(simulate.away(np.random.default_rng(3), N), radius_m)
    assert kinds[VerdictKind.NOT_IN_PLACE] >= 0.99 * N


def test_150_m_cell_fixes_never_prove_presence_at_a_50_m_radius() -> None:
    """No 150 m carrier cell fix yields IN_PLACE at a 50 m radius, even at the shop."""
    kinds = _kinds(simulate.cell_at_shop(np.random.default_rng(4), N), 50.0)
    assert kinds[VerdictKind.IN_PLACE] == 0
    assert kinds[VerdictKind.INCONCLUSIVE] > 0.9 * N


def test_spoofed_device_positions_are_caught_by_the_carrier_fix() -> None:
    """At least 90 % of device-at-shop / carrier-1-km-away pairs raise POSSIBLE_SPOOFING."""
    visits = simulate.spoof_pair(np.random.default_rng(5), N)
    verdicts = [
        verify_visit(v.fixes, v.retailer, POLICY, now=simulate.NOW, event_at=simulate.EVENT_AT)
        for v in visits
    ]
    caught = sum(Flag.POSSIBLE_SPOOFING in v.flags for v in verdicts)
    assert caught >= 0.90 * N
    assert all(
        v.kind is not VerdictKind.IN_PLACE for v in verdicts if Flag.POSSIBLE_SPOOFING in v.flags
    )


def test_honest_device_and_carrier_pairs_are_rarely_flagged() -> None:
    """At most 2 % of honest device+carrier pairs raise POSSIBLE_SPOOFING."""
    visits = simulate.honest_pair(np.random.default_rng(6), N)
    flagged = sum(
        Flag.POSSIBLE_SPOOFING
        in verify_visit(
            v.fixes, v.retailer, POLICY, now=simulate.NOW, event_at=simulate.EVENT_AT
        ).flags
        for v in visits
    )
    assert flagged <= 0.02 * N
