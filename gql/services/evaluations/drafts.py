"""What a closed result stores, per kind of period: scalar values plus their provenance.

Months keep every score line (with the events it cites) and the dismissal flags; quarters the
monthly totals and elimination reasons; years the rank and honour. The values are the fields an
amendment may change; the detail explains them and is never amended.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gql.domain.evaluations import PeriodKind
from gql.services.evaluations import rules as scoring
from gql.services.evaluations.results import line_json
from gql.store.repositories.evaluations import ResultDraft

if TYPE_CHECKING:
    from collections.abc import Collection
    from datetime import datetime

__all__ = ["month_draft", "quarter_drafts", "year_drafts"]


def month_draft(
    score: scoring.MonthlyScore,
    *,
    period: str,
    manager_id: int,
    department_id: int,
    closed_by: int,
    closed_at: datetime,
) -> ResultDraft:
    """The closed month: :func:`scoring.close_monthly` values, lines and flags as detail."""
    closed = scoring.close_monthly(score, closed_by=str(closed_by), closed_at=closed_at)
    return ResultDraft(
        kind=PeriodKind.MONTH,
        period=period,
        manager_id=manager_id,
        department_id=department_id,
        policy_version=score.policy_version,
        values=dict(closed.values),
        detail={
            "lines": [line_json(line) for line in score.lines],
            "dismissals": [
                {"reason": d.reason.value, "event_ids": list(d.event_ids)} for d in score.dismissals
            ],
            "sales_completion": score.sales_completion,
            "review_deadline": score.review_deadline.isoformat(),
        },
        closed_by=closed_by,
        closed_at=closed_at,
    )


def quarter_drafts(
    evaluation: scoring.QuarterEvaluation,
    *,
    period: str,
    manager_ids: Collection[int],
    department_id: int,
    closed_by: int,
    closed_at: datetime,
) -> list[ResultDraft]:
    """The closed quarter of each of ``manager_ids``: total, rank, flags and their months."""
    return [
        ResultDraft(
            kind=PeriodKind.QUARTER,
            period=period,
            manager_id=int(s.manager_id),
            department_id=department_id,
            policy_version=evaluation.policy_version,
            values={
                "policy_version": evaluation.policy_version,
                "total": s.total,
                "rank": s.rank,
                "months_served": s.months_served,
                "provisional": s.provisional,
                "eliminated": bool(s.eliminations),
            },
            detail={
                "monthly_totals": [[str(m), t] for m, t in s.monthly_totals],
                "eliminations": [
                    {
                        "reason": e.reason.value,
                        "months": [str(m) for m in e.months],
                        "tied_at_cut": e.tied_at_cut,
                    }
                    for e in s.eliminations
                ],
                "review_deadline": evaluation.review_deadline.isoformat(),
            },
            closed_by=closed_by,
            closed_at=closed_at,
        )
        for s in evaluation.standings
        if int(s.manager_id) in manager_ids
    ]


def year_drafts(
    standings: tuple[scoring.AnnualStanding, ...],
    *,
    policy_version: str,
    period: str,
    manager_ids: Collection[int],
    department_id: int,
    closed_by: int,
    closed_at: datetime,
) -> list[ResultDraft]:
    """The closed year of each of ``manager_ids``: total, rank, eligibility and honour."""
    return [
        ResultDraft(
            kind=PeriodKind.YEAR,
            period=period,
            manager_id=int(s.manager_id),
            department_id=department_id,
            policy_version=policy_version,
            values={
                "policy_version": policy_version,
                "total": s.total,
                "rank": s.rank,
                "months_served": s.months_served,
                "eligible": s.eligible,
                "honour": None if s.honour is None else s.honour.value,
            },
            detail={},
            closed_by=closed_by,
            closed_at=closed_at,
        )
        for s in standings
        if int(s.manager_id) in manager_ids
    ]
