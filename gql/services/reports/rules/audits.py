"""Audit measures (R8.3): how much the audit team saw, what it found, and whether it agrees.

An audit record is one retailer's check on site (R5.3). Its cross-check verdict and
discrepancy come from the audit rules (``gql.services.audits.rules.cross_check``); here they
are counted, and the managers' side (a verified visit before the audit) is compared with the
retailer's answer by Cohen's κ.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gql.services.reports.rules.agreement import Agreement, cohen_kappa

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date

__all__ = [
    "ANSWERS",
    "AUDIT_VERDICTS",
    "DISCREPANCY_KINDS",
    "FINDING_KINDS",
    "AuditFact",
    "AuditMeasures",
    "audits",
]

ANSWERS = ("YES", "NO", "NOT_SURE")
"""The retailer's answers to "did your account manager visit?"."""
AUDIT_VERDICTS = ("IN_PLACE", "INCONCLUSIVE", "NOT_IN_PLACE")
"""Cross-check verdicts, in report order."""
FINDING_KINDS = ("VISIT_NOT_IN_PLACE", "PRICE_TAGS_MISSING", "POLICY_NOT_PROMOTED")
"""What an audit can find against a manager (the score events of R5.5)."""
DISCREPANCY_KINDS = (
    "RETAILER_DENIES_VERIFIED_VISIT",
    "RETAILER_CONFIRMS_UNVERIFIED_VISIT",
    "ONLY_INCONCLUSIVE_VISITS",
)
"""Disagreements between the two proofs that a person must look at."""


@dataclass(frozen=True, slots=True)
class AuditFact:
    """One audit record with its cross-check against the manager's visits before it."""

    manager_id: int
    retailer_id: int
    day: date
    answer: str
    verified_visit: bool
    """The manager had an IN_PLACE visit to this retailer in the look-back before the audit."""
    verdict: str
    discrepancy: str | None
    price_tags_shown: bool
    policy_promoted: bool
    satisfaction: int


@dataclass(frozen=True, slots=True)
class AuditMeasures:
    """Every audit measure of one group and period (see docs/reports.md)."""

    audits: int
    audited_retailers: int
    retailers: int
    retailer_coverage_pct: float | None
    audited_managers: int
    managers: int
    manager_coverage_pct: float | None
    answer_counts: dict[str, int]
    verdict_counts: dict[str, int]
    finding_counts: dict[str, int]
    finding_pct: dict[str, float | None]
    discrepancies: int
    discrepancy_pct: float | None
    discrepancy_counts: dict[str, int]
    agreement: Agreement | None
    """κ between "a verified visit" and "the retailer says yes" (NOT_SURE left out)."""
    both_yes: int
    manager_only: int
    """Verified visit, retailer says no."""
    retailer_only: int
    """No verified visit, retailer says yes."""
    both_no: int
    satisfaction_mean: float | None


def _pct(part: int, whole: int) -> float | None:
    return None if whole == 0 else 100.0 * part / whole


def audits(facts: Sequence[AuditFact], *, retailers: int, managers: int) -> AuditMeasures:
    """Measure one group's audits; ``retailers`` and ``managers`` are the group's totals."""
    n = len(facts)
    findings = {
        "VISIT_NOT_IN_PLACE": sum(1 for f in facts if f.verdict == "NOT_IN_PLACE"),
        "PRICE_TAGS_MISSING": sum(1 for f in facts if not f.price_tags_shown),
        "POLICY_NOT_PROMOTED": sum(1 for f in facts if not f.policy_promoted),
    }
    answers = Counter(f.answer for f in facts)
    verdicts = Counter(f.verdict for f in facts)
    kinds = Counter(f.discrepancy for f in facts if f.discrepancy is not None)
    rated = [(f.verified_visit, f.answer == "YES") for f in facts if f.answer in ("YES", "NO")]
    table = Counter(rated)
    audited_retailers = len({f.retailer_id for f in facts})
    audited_managers = len({f.manager_id for f in facts})
    return AuditMeasures(
        audits=n,
        audited_retailers=audited_retailers,
        retailers=retailers,
        retailer_coverage_pct=_pct(audited_retailers, retailers),
        audited_managers=audited_managers,
        managers=managers,
        manager_coverage_pct=_pct(audited_managers, managers),
        answer_counts={a: answers.get(a, 0) for a in ANSWERS},
        verdict_counts={v: verdicts.get(v, 0) for v in AUDIT_VERDICTS},
        finding_counts=findings,
        finding_pct={k: _pct(c, n) for k, c in findings.items()},
        discrepancies=sum(kinds.values()),
        discrepancy_pct=_pct(sum(kinds.values()), n),
        discrepancy_counts={k: kinds.get(k, 0) for k in DISCREPANCY_KINDS},
        agreement=cohen_kappa(rated),
        both_yes=table[(True, True)],
        manager_only=table[(True, False)],
        retailer_only=table[(False, True)],
        both_no=table[(False, False)],
        satisfaction_mean=sum(f.satisfaction for f in facts) / n if n else None,
    )
