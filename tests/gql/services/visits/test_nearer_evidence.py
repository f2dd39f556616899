"""Nearer-retailer evidence names only the manager's own shops, a handful at most (issue 14)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import geo
from gql.services.visits.device_fixes import MAX_NEARER_SHOWN, verdict_json
from gql.services.visits.service import _no_fix_verdict

NOW = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)


def _verdict_naming(ids: list[int]) -> geo.Verdict:
    base = _no_fix_verdict(geo.VisitPolicy(), now=NOW, event_at=NOW)
    nearer = tuple(geo.NearerRetailer(rid, 10.0 + rid, 0.9) for rid in ids)
    return dataclasses.replace(base, nearer_retailers=nearer)


def test_other_managers_retailers_stay_out_of_the_evidence() -> None:
    """Of 871 nearer shops, 642 of them other managers': the evidence names own shops only."""
    verdict = _verdict_naming(list(range(1, 872)))
    own = {3, 7, 800}
    shown = [n["retailer_id"] for n in verdict_json(verdict, own)["nearer_retailers"]]
    assert shown == [3, 7, 800]


def test_the_evidence_names_a_handful_at_most() -> None:
    """Even when every nearer shop is the manager's own."""
    ids = list(range(1, 60))
    shown = verdict_json(_verdict_naming(ids), set(ids))["nearer_retailers"]
    assert len(shown) == MAX_NEARER_SHOWN == 5
    assert [n["retailer_id"] for n in shown] == ids[:5]
    assert verdict_json(_verdict_naming(ids), set())["nearer_retailers"] == []
