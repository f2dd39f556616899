"""Print the verification-quality figures: the current rule beside the rule before issue 21.

Run from the project root: ``.venv/bin/python -m tests.geo.simulate [--n 10000]``.
Every line judges the same simulated visits with both rules (``geo.verify_visit`` with the
default policy, and :func:`tests.geo.simulate.legacy.legacy_verify`).
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable

import numpy as np

from geo import Flag, Verdict, VerdictKind, VisitPolicy, verify_batch
from tests.geo.simulate import scenarios as sc
from tests.geo.simulate.compare import Judged, judge
from tests.geo.simulate.legacy import LegacyVerdict
from tests.geo.simulate.noise import (
    EXACT,
    GAUSSIAN,
    GaussianMixture,
    LogNormalRadial,
    Multipath,
    Noise,
    StudentT,
)

POLICY = VisitPolicy()


def share(
    judged: list[Judged], new: Callable[[Verdict], bool], old: Callable[[LegacyVerdict], bool]
) -> str:
    """``new % | old %`` for one predicate."""
    if not judged:
        return "   n/a  |    n/a"
    n = len(judged)
    a = 100.0 * sum(new(j.new) for j in judged) / n
    b = 100.0 * sum(old(j.old) for j in judged) / n
    return f"{a:6.2f} % | {b:6.2f} %"


def kind_is(kind: VerdictKind) -> tuple[Callable[[Verdict], bool], Callable[[LegacyVerdict], bool]]:
    """Predicates for one verdict kind in both rules."""
    return (lambda v: v.kind is kind), (lambda v: v.kind == kind.value)


def line(
    label: str,
    judged: list[Judged],
    what: str,
    preds: tuple[Callable[[Verdict], bool], Callable[[LegacyVerdict], bool]],
) -> None:
    """Print one figure, current rule first."""
    print(f"{label:<58} {what:<18} {share(judged, *preds)}")


NOT_IN = kind_is(VerdictKind.NOT_IN_PLACE)
IN = kind_is(VerdictKind.IN_PLACE)
SPOOF = (lambda v: Flag.POSSIBLE_SPOOFING in v.flags), (lambda v: v.spoofing)
NEARER = (lambda v: Flag.NEARER_RETAILER in v.flags), (lambda v: v.nearer_retailer)
USED = (lambda v: any(e.used for e in v.evidence)), (lambda v: v.used_fixes > 0)


def main() -> None:
    """Print every figure of docs/geo.md's verification-quality table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000, help="visits per line")
    n = parser.parse_args().n
    t0 = time.perf_counter()
    print(
        f"# tests.geo.simulate  n = {n:,} per line  load average {os.getloadavg()[0]:.2f}"
        "  columns: current rule | rule before issue 21 (same visits)"
    )
    print("\n## Gaussian noise (the model of issue 3), seed 20260511: the original sets")
    rng = np.random.default_rng(20260511)
    for radius in (50.0, 100.0):
        j = judge(sc.genuine(rng, n), radius)
        line(f"genuine GPS, r = {radius:.0f} m", j, "NOT_IN_PLACE", NOT_IN)
        line("", j, "IN_PLACE", IN)
    for radius in (50.0, 100.0, 150.0):
        line(
            f"300-1000 m away, r = {radius:.0f} m",
            judge(sc.away(rng, n), radius),
            "NOT_IN_PLACE",
            NOT_IN,
        )
    line("150 m cell at the shop, r = 50 m", judge(sc.cell_at_shop(rng, n), 50.0), "IN_PLACE", IN)
    line(
        "spoof (device at shop, carrier 1-3 km away)",
        judge(sc.spoof_pair(rng, n), 100.0),
        "POSSIBLE_SPOOFING",
        SPOOF,
    )
    line(
        "honest device + carrier pair",
        judge(sc.honest_pair(rng, n), 100.0),
        "POSSIBLE_SPOOFING",
        SPOOF,
    )

    rng = np.random.default_rng(21)
    print("\n## Gaussian noise, seed 21: genuine GPS at r = 30 m")
    j = judge(sc.genuine(rng, n), 30.0)
    line("genuine GPS, r = 30 m", j, "NOT_IN_PLACE", NOT_IN)
    line("", j, "IN_PLACE", IN)

    carrier_models: list[Noise] = [GAUSSIAN, StudentT(), GaussianMixture(), LogNormalRadial()]
    print("\n## Carrier error models (68 % within the stated accuracy; heavy ones 95 % within 2x)")
    for model in carrier_models:
        print(f"# carrier noise: {model.name}")
        line(
            "  spoof pairs",
            judge(sc.spoof_pair(rng, n, carrier_noise=model), 100.0),
            "POSSIBLE_SPOOFING",
            SPOOF,
        )
        line(
            "  honest pairs",
            judge(sc.honest_pair(rng, n, carrier_noise=model), 100.0),
            "POSSIBLE_SPOOFING",
            SPOOF,
        )
        for radius in (30.0, 50.0, 100.0):
            j = judge(sc.carrier_only(rng, n, noise=model), radius)
            line(
                f"  genuine, cell fix only (100-200 m), r = {radius:.0f} m",
                j,
                "NOT_IN_PLACE",
                NOT_IN,
            )
        line(
            "  150 m cell at the shop, r = 50 m",
            judge(sc.cell_at_shop(rng, n, noise=model), 50.0),
            "IN_PLACE",
            IN,
        )

    mp = Multipath()
    print(f"\n## Urban canyon GNSS: {mp.name}, 90 % of biases < 73 m")
    for radius in (30.0, 50.0, 100.0):
        j = judge(sc.urban_canyon(rng, n), radius)
        line(f"genuine GPS, r = {radius:.0f} m", j, "NOT_IN_PLACE", NOT_IN)
        line(
            "  of which fixes with a multipath bias",
            [x for x in j if x.visit.tag],
            "NOT_IN_PLACE",
            NOT_IN,
        )
        line("", j, "IN_PLACE", IN)
    for radius in (50.0, 100.0, 150.0):
        line(
            f"300-1000 m away, urban canyon, r = {radius:.0f} m",
            judge(sc.away(rng, n, noise=mp), radius),
            "NOT_IN_PLACE",
            NOT_IN,
        )
    heavy = Multipath(share=0.5)
    j = judge(sc.urban_canyon(rng, n, noise=heavy), 30.0)
    line("genuine GPS, half the fixes biased (stress), r = 30 m", j, "NOT_IN_PLACE", NOT_IN)

    print("\n## Repeated fixes (one 150 m cell fix of a phone in the shop, sent 19 times)")
    line("19 identical copies, r = 50 m", judge(sc.repeated_fix(rng, n), 50.0), "IN_PLACE", IN)
    line(
        "19 copies within 5 m of each other, r = 50 m",
        judge(sc.repeated_fix(rng, n, jitter_m=5.0), 50.0),
        "IN_PLACE",
        IN,
    )
    j = judge(sc.repeated_fix(rng, n, noise=EXACT), 50.0)
    line("19 copies of a fix on the phone (worst case), r = 50 m", j, "IN_PLACE", IN)
    j = judge(sc.repeated_fix(rng, n, copies=1, noise=EXACT), 50.0)
    line("the same fix sent once, r = 50 m", j, "IN_PLACE", IN)

    print("\n## Fixes from the future (live check-in; the only fix: carrier A-GPS at the shop)")
    ahead = (
        ("five years ahead", 5 * 365 * 86400.0),
        ("one hour ahead", 3600.0),
        ("60 s ahead (beyond the 30 s skew)", 60.0),
        ("20 s ahead (within the skew)", 20.0),
    )
    for label, ahead_s in ahead:
        j = judge(sc.future_carrier(rng, n, ahead_s=ahead_s), 100.0)
        line(f"dated {label}", j, "fix used", USED)
        line("", j, "IN_PLACE", IN)
    for label, ahead_s in ahead[:2]:
        fresh = _batch_fresh(n, -ahead_s)
        print(f"{'verify_batch, fix ' + label:<58} {'fix used':<18} {fresh}")
    print("\n## NEARER_RETAILER on genuine visits")
    for noise in (GAUSSIAN, mp):
        tag = "urban canyon" if noise is mp else "Gaussian GPS"
        line(
            f"dense street ({tag})",
            judge(sc.dense_street(rng, n, noise=noise), 50.0),
            "NEARER_RETAILER",
            NEARER,
        )
        line(
            f"same building ({tag})",
            judge(sc.same_building(rng, n, noise=noise), 50.0),
            "NEARER_RETAILER",
            NEARER,
        )
    print(f"\n# {time.perf_counter() - t0:.0f} s")


def _batch_fresh(n: int, age_s: float) -> str:
    """Share of batch rows whose fix counts, for fixes ``-age_s`` after the event."""
    ones = np.ones(n)
    out = verify_batch(
        28.0 * ones,
        120.7 * ones,
        10.0 * ones,
        28.0 * ones,
        120.7 * ones,
        POLICY,
        age_s=age_s * ones,
    )
    old = np.full(n, age_s) <= POLICY.max_fix_age_s  # the rule before issue 21
    return f"{100.0 * out.usable.mean():6.2f} % | {100.0 * old.mean():6.2f} %"


if __name__ == "__main__":
    main()
