"""Simulated check-ins for the verification-quality tests and report (docs/geo.md).

``python -m tests.geo.simulate`` prints the verification-quality figures, the current rule
beside the rule before issue 21 (:mod:`tests.geo.simulate.legacy`), on the same visits.
"""

from __future__ import annotations

from tests.geo.simulate.scenarios import (
    CLAIMED_ID,
    EVENT_AT,
    NOW,
    SimVisit,
    away,
    carrier_only,
    cell_at_shop,
    dense_street,
    future_carrier,
    genuine,
    honest_pair,
    repeated_fix,
    same_building,
    spoof_pair,
    urban_canyon,
)

__all__ = [
    "CLAIMED_ID",
    "EVENT_AT",
    "NOW",
    "SimVisit",
    "away",
    "carrier_only",
    "cell_at_shop",
    "dense_street",
    "future_carrier",
    "genuine",
    "honest_pair",
    "repeated_fix",
    "same_building",
    "spoof_pair",
    "urban_canyon",
]
