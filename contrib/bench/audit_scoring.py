"""Benchmark of the audit sample, the cross-check and the monthly score.

Run: .venv/bin/python contrib/bench/audit_scoring.py

Peer for the stratified sample: scikit-learn's ``train_test_split(stratify=...)`` (proportional
allocation by stratum, the closest library equivalent), run on the same inputs in the same
process. Both are timed (median of repeats) and their allocation error is printed: the largest
|seats drawn - size·N_h/N| over strata, and whether the total is exact.
"""

from __future__ import annotations

import random
import statistics
import sys
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
from sklearn.model_selection import train_test_split

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from contrib.bench._common import timings_ms
from gql.services.audits.rules import (
    AuditRecord,
    Candidate,
    SampleDesign,
    VisitAnswer,
    VisitEvidence,
    VisitProof,
    cross_check,
    draw_sample,
    expected_allocation,
)
from gql.services.evaluations.rules import (
    BasicWorkCheck,
    Complaint,
    Month,
    RuleBreach,
    SalesSettlement,
    default_policy,
    score_month,
)
from gql.services.evaluations.rules.events import BreachKind

REPEATS = 15


def _median_ms(fn, repeats: int = REPEATS) -> float:  # type: ignore[no-untyped-def]
    return statistics.median(timings_ms(lambda _: fn(), repeats))


def bench_sampling(n_retailers: int = 20_000, n_managers: int = 100, size: int = 400) -> None:
    rng = random.Random(1)
    managers = [f"m{rng.randrange(n_managers):03d}" for _ in range(n_retailers)]
    cands = [
        Candidate(f"r{i:06d}", m, risk_weight=1.0 + rng.random() * 3)
        for i, m in enumerate(managers)
    ]
    plan_day = date(2026, 3, 2)
    design = SampleDesign(size=size)
    weighted = SampleDesign(size=size, weighted=True)
    expected = expected_allocation(cands, design, plan_date=plan_day)

    ours = _median_ms(lambda: draw_sample(cands, design, seed=7, plan_date=plan_day))
    ours_w = _median_ms(lambda: draw_sample(cands, weighted, seed=7, plan_date=plan_day))
    ids = np.array([c.retailer_id for c in cands])
    strata = np.array(managers)
    peer = _median_ms(
        lambda: train_test_split(ids, train_size=size, stratify=strata, random_state=7)
    )

    def max_error(drawn: Counter[str]) -> float:
        return max(abs(drawn.get(k[0], 0) - e) for k, e in expected.items())

    errs_ours, errs_peer, totals_ours, totals_peer = [], [], set(), set()
    for seed in range(50):
        s = draw_sample(cands, design, seed=seed, plan_date=plan_day)
        c = Counter(sel.manager_id for sel in s.selected)
        errs_ours.append(max_error(c))
        totals_ours.add(sum(c.values()))
        chosen, _ = train_test_split(ids, train_size=size, stratify=strata, random_state=seed)
        by_id = dict(zip(ids.tolist(), managers, strict=True))
        cp = Counter(by_id[r] for r in chosen.tolist())
        errs_peer.append(max_error(cp))
        totals_peer.add(sum(cp.values()))
    print(f"sample {size} of {n_retailers} retailers, {n_managers} manager strata (median ms):")
    print(f"  visitgis draw_sample uniform     {ours:8.1f} ms")
    print(f"  visitgis draw_sample risk-weight {ours_w:8.1f} ms")
    print(f"  sklearn train_test_split strat.  {peer:8.1f} ms")
    print(
        f"  max |drawn - expected| per stratum over 50 seeds: visitgis {max(errs_ours):.2f}, "
        f"sklearn {max(errs_peer):.2f}; totals visitgis {sorted(totals_ours)}, "
        f"sklearn {sorted(totals_peer)}"
    )


def bench_cross_check(n_records: int = 2_000, n_visits: int = 200_000) -> None:
    rng = random.Random(2)
    first, last = date(2026, 3, 1), date(2026, 3, 31)
    t = datetime(2026, 4, 2, tzinfo=UTC)
    visits = [
        VisitEvidence(
            f"v{i}",
            f"m{rng.randrange(100)}",
            f"r{rng.randrange(20_000)}",
            first + timedelta(days=rng.randrange(31)),
            rng.choice(list(VisitProof)),
        )
        for i in range(n_visits)
    ]
    records = [
        AuditRecord(
            audit_id=f"a{i}",
            plan_id="p",
            retailer_id=f"r{i}",
            manager_id=f"m{rng.randrange(100)}",
            auditor_id="aud",
            audited_on=date(2026, 4, 2),
            recorded_at=t,
            price_tags_shown=True,
            policy_promoted=True,
            satisfaction=4,
            manager_visited=rng.choice(list(VisitAnswer)),
        )
        for i in range(n_records)
    ]
    ms = _median_ms(lambda: cross_check(records, visits, first_day=first, last_day=last), 5)
    print(f"cross_check {n_records} audits against {n_visits} visits: {ms:.1f} ms (median of 5)")


def bench_monthly(n_managers: int = 1_000) -> None:
    policy = default_policy()
    month = Month(2026, 1)
    t = datetime(2026, 2, 1, tzinfo=UTC)
    rng = random.Random(3)
    months = []
    for m in range(n_managers):
        mid = f"m{m}"
        events: list = []  # type: ignore[type-arg]
        common = {"manager_id": mid, "recorded_by": "mk", "recorded_at": t}
        events.append(
            SalesSettlement(
                event_id=f"{mid}-s",
                occurred_on=date(2026, 1, 31),
                item="volume",
                target=1000,
                actual=rng.uniform(700, 1200),
                points=100,
                **common,
            )
        )
        for k in range(30):
            day = date(2026, 1, rng.randint(1, 31))
            kind = rng.random()
            if kind < 0.1:
                events.append(
                    RuleBreach(
                        event_id=f"{mid}-{k}", occurred_on=day, kind=BreachKind.ORDINARY, **common
                    )
                )
            elif kind < 0.2:
                events.append(
                    Complaint(
                        event_id=f"{mid}-{k}",
                        occurred_on=day,
                        subjective=rng.random() < 0.5,
                        **common,
                    )
                )
            else:
                events.append(
                    BasicWorkCheck(
                        event_id=f"{mid}-{k}",
                        occurred_on=day,
                        item="check",
                        passed=rng.random() < 0.9,
                        **common,
                    )
                )
        months.append((mid, events))
    ms = _median_ms(lambda: [score_month(mid, month, ev, policy) for mid, ev in months], 5)
    print(f"score_month for {n_managers} managers × 31 events: {ms:.1f} ms (median of 5)")


if __name__ == "__main__":
    bench_sampling()
    bench_cross_check()
    bench_monthly()
