"""The audit report's facts (R8.3): each audit record cross-checked as the audit team does.

A record is compared with its manager's visits to that retailer in the 30 days ending on the
audit day, counting only visits started before the audit: the rule and the window of
``AuditService.cross_check``, applied per record so that every record has its own window.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from gql.domain import Verdict
from gql.services.audits import rules as audit_rules
from gql.services.audits.mapping import pure_record
from gql.services.calendar import local_day, local_midnight
from gql.services.reports import rules
from gql.store.repositories.activity import ActivityRepository
from gql.store.repositories.audits import AuditRepository
from gql.store.repositories.report_facts import ReportFactRepository

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from sqlalchemy.orm import Session

    from gql.services.reports.groups import GroupBy, ReportGroup

__all__ = ["LOOKBACK_DAYS", "AuditFacts", "AuditReport", "AuditRow", "audit_facts", "audit_report"]

LOOKBACK_DAYS = 30
"""Days (ending on the audit day) whose visits answer "did your manager visit?"."""

_PROOF = {
    Verdict.IN_PLACE: audit_rules.VisitProof.VERIFIED,
    Verdict.NOT_IN_PLACE: audit_rules.VisitProof.REJECTED,
    Verdict.INCONCLUSIVE: audit_rules.VisitProof.INCONCLUSIVE,
    Verdict.PENDING: audit_rules.VisitProof.INCONCLUSIVE,
}


@dataclass(frozen=True, slots=True)
class AuditRow:
    """Audit measures of one group over one bucket (``bucket`` ``None``: the whole period)."""

    group: ReportGroup
    bucket: rules.Bucket | None
    measures: rules.AuditMeasures


@dataclass(frozen=True, slots=True)
class AuditReport:
    """Rows per group and bucket (every bucket, empty ones too), then one total per group."""

    period: rules.ReportPeriod
    grain: rules.Grain
    by: GroupBy
    rows: list[AuditRow]
    totals: list[AuditRow]


@dataclass(frozen=True, slots=True)
class AuditFacts:
    """The period's audit records as facts, and each manager's active retailers now."""

    records: list[rules.AuditFact]
    retailers: dict[int, int]


def audit_facts(
    session: Session, manager_ids: Sequence[int], period: rules.ReportPeriod
) -> AuditFacts:
    """Cross-check every audit of ``manager_ids`` made in ``period``."""
    facts = ReportFactRepository(session)
    ids = facts.audit_record_ids(manager_ids, period.first, period.last)
    records = [r for r in AuditRepository(session).get_records(ids) if r is not None]
    pairs = {(r.manager_id, r.retailer_id) for r in records}
    since = local_midnight(period.first - timedelta(days=LOOKBACK_DAYS - 1))
    until = local_midnight(period.last + timedelta(days=1))
    visits: dict[tuple[int, int], list[audit_rules.VisitEvidence]] = defaultdict(list)
    for v in ActivityRepository(session).visits(sorted({m for m, _ in pairs}), since, until):
        if (v.manager_id, v.retailer_id) in pairs:
            visits[(v.manager_id, v.retailer_id)].append(
                audit_rules.VisitEvidence(
                    str(v.visit_id),
                    str(v.manager_id),
                    str(v.retailer_id),
                    local_day(v.at),
                    _PROOF[v.verdict],
                    v.at,
                )
            )
    out: list[rules.AuditFact] = []
    for record in records:
        result = audit_rules.cross_check(
            [pure_record(record)],
            visits.get((record.manager_id, record.retailer_id), []),
            first_day=record.audited_on - timedelta(days=LOOKBACK_DAYS - 1),
            last_day=record.audited_on,
        )
        [check] = result.checks
        kind = result.discrepancies[0].kind.value.upper() if result.discrepancies else None
        out.append(
            rules.AuditFact(
                manager_id=record.manager_id,
                retailer_id=record.retailer_id,
                day=record.audited_on,
                answer=record.manager_visited.value,
                verified_visit=bool(check.verified_visit_ids),
                verdict=check.verdict.value.upper(),
                discrepancy=kind,
                price_tags_shown=record.price_tags_shown,
                policy_promoted=record.policy_promoted,
                satisfaction=record.satisfaction,
            )
        )
    return AuditFacts(out, facts.retailer_counts(manager_ids))


def audit_report(
    period: rules.ReportPeriod,
    grain: rules.Grain,
    by: GroupBy,
    manager_ids: Sequence[int],
    group_of: Callable[[int], ReportGroup],
    found: AuditFacts,
) -> AuditReport:
    """Group the facts: coverage denominators are the group's managers and retailers now."""
    managers: dict[ReportGroup, int] = defaultdict(int)
    retailers: dict[ReportGroup, int] = defaultdict(int)
    for m in manager_ids:
        managers[group_of(m)] += 1
        retailers[group_of(m)] += found.retailers.get(m, 0)
    facts: dict[tuple[ReportGroup, rules.Bucket], list[rules.AuditFact]] = defaultdict(list)
    for f in found.records:
        facts[(group_of(f.manager_id), rules.bucket_of(f.day, grain, period))].append(f)
    groups = sorted(managers)

    def measure(g: ReportGroup, records: list[rules.AuditFact]) -> rules.AuditMeasures:
        return rules.audits(records, retailers=retailers[g], managers=managers[g])

    rows = [
        AuditRow(g, b, measure(g, facts.get((g, b), [])))
        for g in groups
        for b in rules.buckets(period, grain)
    ]
    totals = [
        AuditRow(g, None, measure(g, [f for (k, _), fs in facts.items() if k == g for f in fs]))
        for g in groups
    ]
    return AuditReport(period, grain, by, rows, totals)
