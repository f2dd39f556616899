"""Cross-check of audit answers against the manager's verified visits (R5.4).

Two independent proofs of a visit exist: the manager's own position proof (the visit's
verification verdict, R3) and the retailer's answer to the audit team. For each audited retailer
the visits of *its* manager to *it* within the period are compared with the answer:

==========================  ================  ===============================  ==============
visits in the period        answer            verdict                          discrepancy
==========================  ================  ===============================  ==============
≥ 1 verified                yes / not sure    IN_PLACE                         –
≥ 1 verified                no                INCONCLUSIVE                     RETAILER_DENIES
no verified, ≥ 1 inconcl.   yes / not sure    INCONCLUSIVE                     ONLY_INCONCL.
no verified, ≥ 1 inconcl.   no                NOT_IN_PLACE                     ONLY_INCONCL.
none (or only rejected)     yes               INCONCLUSIVE                     UNVERIFIED_YES
none (or only rejected)     no / not sure     NOT_IN_PLACE                     –
==========================  ================  ===============================  ==============

A discrepancy is a disagreement or a gap a person has to look at; NOT_IN_PLACE where both sources
agree is not a discrepancy but is a finding that feeds the manager's score.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from gql.services.audits.rules.errors import CrossCheckError
from gql.services.audits.rules.records import AuditRecord, VisitAnswer
from gql.services.evaluations.rules.events import AuditFinding, AuditFindingKind

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "AuditVerdict",
    "CrossCheck",
    "CrossCheckResult",
    "Discrepancy",
    "DiscrepancyKind",
    "VisitEvidence",
    "VisitProof",
    "cross_check",
    "findings_from",
]


class VisitProof(enum.StrEnum):
    """Outcome of verifying a manager's visit from their position (R3)."""

    VERIFIED = "verified"
    REJECTED = "rejected"
    INCONCLUSIVE = "inconclusive"


class AuditVerdict(enum.StrEnum):
    """Whether the manager's visit to the audited retailer is taken as done (拜访到位)."""

    IN_PLACE = "in_place"
    NOT_IN_PLACE = "not_in_place"
    INCONCLUSIVE = "inconclusive"


class DiscrepancyKind(enum.StrEnum):
    """The disagreements issue 7 lists."""

    RETAILER_DENIES_VERIFIED_VISIT = "retailer_denies_verified_visit"
    RETAILER_CONFIRMS_UNVERIFIED_VISIT = "retailer_confirms_unverified_visit"
    ONLY_INCONCLUSIVE_VISITS = "only_inconclusive_visits"


@dataclass(frozen=True, slots=True)
class VisitEvidence:
    """A manager's visit as recorded and verified by the visit service.

    ``at`` is when the visit started; with the record's ``audited_at`` it keeps a visit made
    after the audit out of the comparison (the retailer was asked about the visits before).
    """

    visit_id: str
    manager_id: str
    retailer_id: str
    day: date
    proof: VisitProof
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CrossCheck:
    """The comparison for one audited retailer."""

    audit_id: str
    retailer_id: str
    manager_id: str
    answer: VisitAnswer
    verdict: AuditVerdict
    verified_visit_ids: tuple[str, ...]
    inconclusive_visit_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Discrepancy:
    """One disagreement to review, citing the audit and the visits concerned."""

    audit_id: str
    retailer_id: str
    manager_id: str
    kind: DiscrepancyKind
    visit_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CrossCheckResult:
    """Per-retailer verdicts and the discrepancy list, both in audit-id order."""

    first_day: date
    last_day: date
    checks: tuple[CrossCheck, ...]
    discrepancies: tuple[Discrepancy, ...]


def _verdict(
    answer: VisitAnswer, verified: bool, inconclusive: bool
) -> tuple[AuditVerdict, DiscrepancyKind | None]:
    if verified:
        if answer is VisitAnswer.NO:
            return AuditVerdict.INCONCLUSIVE, DiscrepancyKind.RETAILER_DENIES_VERIFIED_VISIT
        return AuditVerdict.IN_PLACE, None
    if inconclusive:
        if answer is VisitAnswer.NO:
            return AuditVerdict.NOT_IN_PLACE, DiscrepancyKind.ONLY_INCONCLUSIVE_VISITS
        return AuditVerdict.INCONCLUSIVE, DiscrepancyKind.ONLY_INCONCLUSIVE_VISITS
    if answer is VisitAnswer.YES:
        return AuditVerdict.INCONCLUSIVE, DiscrepancyKind.RETAILER_CONFIRMS_UNVERIFIED_VISIT
    return AuditVerdict.NOT_IN_PLACE, None


def cross_check(
    records: Sequence[AuditRecord],
    visits: Sequence[VisitEvidence],
    *,
    first_day: date,
    last_day: date,
) -> CrossCheckResult:
    """Compare every audit answer with the manager's visits in ``[first_day, last_day]``.

    Parameters
    ----------
    records : Sequence[AuditRecord]
        Audit records; one per audit id.
    visits : Sequence[VisitEvidence]
        Visits of any managers and days; only the record's manager's visits to the record's
        retailer inside the period count, and only those started before the audit (when both
        the record's ``audited_at`` and the visit's ``at`` are known): like is compared with
        like, so a check-in later that day is not taken as a visit the retailer denied.
    first_day, last_day : date
        The period the retailers were asked about (inclusive).

    Returns
    -------
    CrossCheckResult
        A verdict per record and the discrepancies.

    Raises
    ------
    CrossCheckError
        For an empty or inverted period, duplicate audit or visit ids, or two audits of the
        same retailer in one cross-check.
    """
    for name, d in (("first_day", first_day), ("last_day", last_day)):
        if isinstance(d, datetime) or not isinstance(d, date):
            raise CrossCheckError(f"{name} must be a date, got {d!r}")
    if last_day < first_day:
        raise CrossCheckError(f"last_day {last_day} is before first_day {first_day}")
    audit_ids = [r.audit_id for r in records]
    if len(set(audit_ids)) != len(audit_ids):
        raise CrossCheckError("duplicate audit ids")
    retailers = [r.retailer_id for r in records]
    if len(set(retailers)) != len(retailers):
        raise CrossCheckError("a retailer is audited twice in one cross-check")
    visit_ids = [v.visit_id for v in visits]
    if len(set(visit_ids)) != len(visit_ids):
        raise CrossCheckError("duplicate visit ids")

    by_pair: dict[tuple[str, str], list[VisitEvidence]] = defaultdict(list)
    for v in visits:
        if first_day <= v.day <= last_day:
            by_pair[(v.manager_id, v.retailer_id)].append(v)

    checks: list[CrossCheck] = []
    discrepancies: list[Discrepancy] = []
    for r in sorted(records, key=lambda r: r.audit_id):
        found = sorted(
            (v for v in by_pair.get((r.manager_id, r.retailer_id), []) if _before(v, r)),
            key=lambda v: v.visit_id,
        )
        verified = tuple(v.visit_id for v in found if v.proof is VisitProof.VERIFIED)
        inconclusive = tuple(v.visit_id for v in found if v.proof is VisitProof.INCONCLUSIVE)
        verdict, kind = _verdict(r.manager_visited, bool(verified), bool(inconclusive))
        checks.append(
            CrossCheck(
                r.audit_id,
                r.retailer_id,
                r.manager_id,
                r.manager_visited,
                verdict,
                verified,
                inconclusive,
            )
        )
        if kind is not None:
            cited = (
                verified
                if kind is DiscrepancyKind.RETAILER_DENIES_VERIFIED_VISIT
                else (inconclusive)
            )
            discrepancies.append(Discrepancy(r.audit_id, r.retailer_id, r.manager_id, kind, cited))
    return CrossCheckResult(first_day, last_day, tuple(checks), tuple(discrepancies))


def _before(visit: VisitEvidence, record: AuditRecord) -> bool:
    """The visit started before the audit (or one of the two times is unknown)."""
    return visit.at is None or record.audited_at is None or visit.at <= record.audited_at


def findings_from(
    result: CrossCheckResult,
    records: Sequence[AuditRecord],
    *,
    recorded_by: str,
    recorded_at: datetime,
) -> tuple[AuditFinding, ...]:
    """Turn a cross-check and its records into score events (R5.5).

    A NOT_IN_PLACE verdict, missing price tags and undone policy promotion each become an
    :class:`~gql.services.evaluations.rules.events.AuditFinding` dated on the day of its audit
    (a record is dated when it was made, so the finding lands in the month the team found it),
    with id ``"<audit_id>:<kind>"``. INCONCLUSIVE verdicts produce no finding: they go to
    review through the discrepancy list first.
    """
    by_id = {r.audit_id: r for r in records}
    out: list[AuditFinding] = []
    for check in result.checks:
        record = by_id.get(check.audit_id)
        if record is None:
            raise CrossCheckError(f"no record for audit {check.audit_id}")
        kinds: list[AuditFindingKind] = []
        if check.verdict is AuditVerdict.NOT_IN_PLACE:
            kinds.append(AuditFindingKind.VISIT_NOT_IN_PLACE)
        if not record.price_tags_shown:
            kinds.append(AuditFindingKind.PRICE_TAGS_MISSING)
        if not record.policy_promoted:
            kinds.append(AuditFindingKind.POLICY_NOT_PROMOTED)
        out.extend(
            AuditFinding(
                event_id=f"{record.audit_id}:{kind.value}",
                manager_id=record.manager_id,
                occurred_on=record.audited_on,
                recorded_by=recorded_by,
                recorded_at=recorded_at,
                kind=kind,
                audit_id=record.audit_id,
            )
            for kind in kinds
        )
    return tuple(out)
