"""Audit findings as score events: evidence they must cite, and where they go (R5.5, issue 15).

A finding cites an existing audit record of the caller's own plan (marketing: any plan) for
that manager's retailer, and only what the record shows (missing price tags, undone policy
promotion, a visit the retailer did not confirm and the manager cannot prove). It is dated on
the day of its audit. It scores at once, unless the auditor's own position check was
``NOT_IN_PLACE`` (then it is ``HELD`` for marketing's review) or its month is closed (then it
is a ``PROPOSED`` amendment for marketing, never a silent write to a closed month).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gql.domain import Verdict
from gql.domain.audits import RetailerAnswer
from gql.domain.evaluations import ScoreEventKind, ScoreEventStatus
from gql.services.errors import InvalidInput
from gql.services.evaluations import rules as scoring
from gql.store.repositories.evaluations import ScoreEventDraft

if TYPE_CHECKING:
    from datetime import datetime

    from gql.domain.audits import AuditRecordInfo

__all__ = ["check_evidence", "finding_draft", "finding_key", "finding_status"]


def finding_key(record_id: int, kind: scoring.AuditFindingKind) -> str:
    """The idempotency key of a finding: one per audit record and kind."""
    return f"audit:{record_id}:{kind.value}"


def finding_status(
    record: AuditRecordInfo, *, month_closed: bool
) -> tuple[ScoreEventStatus, str | None]:
    """Whether a finding scores now, waits for review, or is an amendment proposal."""
    if record.auditor_verdict is Verdict.NOT_IN_PLACE:
        return (
            ScoreEventStatus.HELD,
            "the auditor's own position check was NOT_IN_PLACE: held for marketing's review",
        )
    if month_closed:
        month = record.audited_on.strftime("%Y-%m")
        return (
            ScoreEventStatus.PROPOSED,
            f"{month} is closed for the manager: a pending amendment proposal for marketing",
        )
    return ScoreEventStatus.RECORDED, None


def finding_draft(
    record: AuditRecordInfo,
    kind: scoring.AuditFindingKind,
    *,
    recorded_by: int,
    now: datetime,
    month_closed: bool,
    note: str = "",
) -> ScoreEventDraft:
    """The event to store for one finding of one audit record."""
    status, reason = finding_status(record, month_closed=month_closed)
    details: dict[str, object] = {
        "finding": kind.value,
        "audit_id": record.id,
        "plan_id": record.plan_id,
    }
    if note:
        details["note"] = note
    return ScoreEventDraft(
        manager_id=record.manager_id,
        kind=ScoreEventKind.AUDIT_FINDING,
        occurred_on=record.audited_on,
        recorded_by=recorded_by,
        recorded_at=now,
        details=details,
        source_key=finding_key(record.id, kind),
        status=status,
        status_reason=reason,
    )


def check_evidence(
    record: AuditRecordInfo,
    kind: scoring.AuditFindingKind,
    *,
    manager_id: int,
    verified_visit: bool,
) -> None:
    """Refuse a finding the cited record does not show.

    ``verified_visit``: the manager has a verified visit to the retailer up to the audit (a
    "not in place" finding would then contradict the visit's own proof: that is a discrepancy
    to review, not a finding).

    Raises
    ------
    InvalidInput
        Naming ``audit_id`` or ``finding``.
    """
    if record.manager_id != manager_id:
        raise InvalidInput(
            "the audit record is about another manager's retailer", field=("audit_id",)
        )
    if kind is scoring.AuditFindingKind.PRICE_TAGS_MISSING and record.price_tags_shown:
        raise InvalidInput("the audit record shows the price tags were shown", field=("finding",))
    if kind is scoring.AuditFindingKind.POLICY_NOT_PROMOTED and record.policy_promoted:
        raise InvalidInput("the audit record shows the policy was promoted", field=("finding",))
    if kind is scoring.AuditFindingKind.VISIT_NOT_IN_PLACE:
        if record.manager_visited is RetailerAnswer.YES:
            raise InvalidInput("the retailer confirmed the manager's visit", field=("finding",))
        if verified_visit:
            raise InvalidInput(
                "the manager has a verified visit to this retailer before the audit: review "
                "the discrepancy instead",
                field=("finding",),
            )
