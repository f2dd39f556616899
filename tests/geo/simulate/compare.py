"""Judge simulated visits with the current rule and the rule before issue 21, side by side."""

from __future__ import annotations

from dataclasses import dataclass

from geo import Verdict, VisitPolicy, verify_visit
from tests.geo.simulate.legacy import LegacyVerdict, legacy_verify
from tests.geo.simulate.scenarios import CLAIMED_ID, SimVisit

__all__ = ["Judged", "judge"]


@dataclass(frozen=True)
class Judged:
    """Both rules' verdicts on one simulated visit."""

    visit: SimVisit
    new: Verdict
    old: LegacyVerdict


def judge(
    visits: list[SimVisit], radius_m: float, policy: VisitPolicy | None = None
) -> list[Judged]:
    """Judge every visit with both rules (the current one under ``policy``, default policy)."""
    current = policy or VisitPolicy()
    out = []
    for v in visits:
        new = verify_visit(
            v.fixes,
            v.retailer,
            current,
            now=v.now,
            event_at=v.event_at,
            radius_m=radius_m,
            retailer_id=CLAIMED_ID,
            neighbours=list(v.neighbours) if v.neighbours else None,
        )
        old = legacy_verify(
            v.fixes,
            v.retailer,
            now=v.now,
            event_at=v.event_at,
            radius_m=radius_m,
            neighbours=v.neighbours,
        )
        out.append(Judged(v, new, old))
    return out
