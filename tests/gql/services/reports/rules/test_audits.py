"""Audit measures on six records worked out by hand."""

from datetime import date

import pytest

from gql.services.reports.rules import AuditFact, audits

DAY = date(2026, 11, 18)


def _fact(
    manager: int,
    retailer: int,
    answer: str,
    verified: bool,
    verdict: str,
    discrepancy: str | None = None,
    *,
    tags: bool = True,
    policy: bool = True,
    satisfaction: int = 4,
) -> AuditFact:
    return AuditFact(
        manager, retailer, DAY, answer, verified, verdict, discrepancy, tags, policy, satisfaction
    )


FACTS = [
    _fact(1, 10, "YES", True, "IN_PLACE"),
    _fact(1, 11, "YES", True, "IN_PLACE", tags=False),
    _fact(1, 12, "NO", True, "INCONCLUSIVE", "RETAILER_DENIES_VERIFIED_VISIT", satisfaction=2),
    _fact(2, 20, "YES", False, "INCONCLUSIVE", "RETAILER_CONFIRMS_UNVERIFIED_VISIT"),
    _fact(2, 21, "NO", False, "NOT_IN_PLACE", policy=False, satisfaction=1),
    _fact(2, 22, "NOT_SURE", False, "NOT_IN_PLACE", satisfaction=5),
]


def test_audit_counts_coverage_findings_and_discrepancies() -> None:
    """6 audits of 6 retailers out of 30 (20 %), both of 4 managers (50 %)."""
    m = audits(FACTS, retailers=30, managers=4)
    assert (m.audits, m.audited_retailers, m.audited_managers) == (6, 6, 2)
    assert m.retailer_coverage_pct == pytest.approx(20.0)
    assert m.manager_coverage_pct == pytest.approx(50.0)
    assert m.answer_counts == {"YES": 3, "NO": 2, "NOT_SURE": 1}
    assert m.verdict_counts == {"IN_PLACE": 2, "INCONCLUSIVE": 2, "NOT_IN_PLACE": 2}
    assert m.finding_counts == {
        "VISIT_NOT_IN_PLACE": 2,
        "PRICE_TAGS_MISSING": 1,
        "POLICY_NOT_PROMOTED": 1,
    }
    assert m.finding_pct["VISIT_NOT_IN_PLACE"] == pytest.approx(100 * 2 / 6)
    assert m.discrepancies == 2
    assert m.discrepancy_pct == pytest.approx(100 * 2 / 6)
    assert m.discrepancy_counts == {
        "RETAILER_DENIES_VERIFIED_VISIT": 1,
        "RETAILER_CONFIRMS_UNVERIFIED_VISIT": 1,
        "ONLY_INCONCLUSIVE_VISITS": 0,
    }
    assert m.satisfaction_mean == pytest.approx((4 + 4 + 2 + 4 + 1 + 5) / 6)


def test_agreement_leaves_not_sure_out() -> None:
    """Five rated pairs (verified, says yes): (T,T)×2, (T,F), (F,T), (F,F).

    p_o = 3/5; manager yes 3/5, retailer yes 3/5: p_e = 9/25 + 4/25 = 13/25;
    κ = (15/25 − 13/25) / (12/25) = 1/6.
    """
    m = audits(FACTS, retailers=30, managers=4)
    assert (m.both_yes, m.manager_only, m.retailer_only, m.both_no) == (2, 1, 1, 1)
    assert m.agreement is not None
    assert m.agreement.n == 5
    assert m.agreement.kappa == pytest.approx(1 / 6)


def test_no_audits_measure_nothing() -> None:
    """Shares over nothing are undefined, not zero."""
    m = audits([], retailers=0, managers=3)
    assert m.audits == 0
    assert m.retailer_coverage_pct is None
    assert m.manager_coverage_pct == 0.0
    assert m.agreement is None
    assert m.satisfaction_mean is None
