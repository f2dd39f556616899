"""What a closed result stores, per kind of period: scalar values plus their provenance.

Months keep every score line (with the events it cites and each business item's sales
figures) and the dismissal flags; quarters the monthly totals and elimination reasons; years
the monthly totals, eligibility reasons and the rank that decided the honour. The values are
the fields an amendment may change (or derives); the detail explains them and is never amended.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gql.domain.evaluations import PeriodKind, RankScope
from gql.services.evaluations import rules as scoring
from gql.services.evaluations.explanations import line_json
from gql.store.repositories.evaluations import ResultDraft

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime

    from gql.services.evaluations.scorer import ScoredMonth

__all__ = ["month_draft", "quarter_drafts", "year_drafts"]


def month_draft(
    scored: ScoredMonth,
    *,
    period: str,
    manager_id: int,
    department_id: int,
    closed_by: int,
    closed_at: datetime,
) -> ResultDraft:
    """The closed month: :func:`scoring.close_monthly` values, lines and flags as detail."""
    score = scored.score
    closed = scoring.close_monthly(score, closed_by=str(closed_by), closed_at=closed_at)
    return ResultDraft(
        kind=PeriodKind.MONTH,
        period=period,
        manager_id=manager_id,
        department_id=department_id,
        policy_version=score.policy_version,
        values=dict(closed.values),
        detail={
            "lines": [line_json(line) for line in scored.lines],
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
    departments: Mapping[int, int],
    scope: RankScope,
    closed_by: int,
    closed_at: datetime,
) -> list[ResultDraft]:
    """The closed quarter of each manager in ``departments`` (manager → department)."""
    return [
        ResultDraft(
            kind=PeriodKind.QUARTER,
            period=period,
            manager_id=int(s.manager_id),
            department_id=departments[int(s.manager_id)],
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
            scope=scope,
        )
        for s in evaluation.standings
        if int(s.manager_id) in departments
    ]


def year_drafts(
    standings: tuple[scoring.AnnualStanding, ...],
    *,
    policy_version: str,
    period: str,
    departments: Mapping[int, int],
    scope: RankScope,
    closed_by: int,
    closed_at: datetime,
) -> list[ResultDraft]:
    """The closed year of each manager in ``departments``: total, rank, eligibility, honour."""
    return [
        ResultDraft(
            kind=PeriodKind.YEAR,
            period=period,
            manager_id=int(s.manager_id),
            department_id=departments[int(s.manager_id)],
            policy_version=policy_version,
            values={
                "policy_version": policy_version,
                "total": s.total,
                "rank": s.rank,
                "months_served": s.months_served,
                "eligible": s.eligible,
                "honour": None if s.honour is None else s.honour.value,
            },
            detail={
                "monthly_totals": [[str(m), t] for m, t in s.monthly_totals],
                "ineligible": [
                    {"reason": i.reason.value, "months": [str(m) for m in i.months]}
                    for i in s.ineligible
                ],
                "honour_rank": s.honour_rank,
            },
            closed_by=closed_by,
            closed_at=closed_at,
            scope=scope,
        )
        for s in standings
        if int(s.manager_id) in departments
    ]
