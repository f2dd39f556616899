"""Annual ranking and honours (第十条): 1 model worker (工作标兵), 2 advanced workers (先进工作者).

Rules, with the open choices marked *ours*:

* The annual total is the sum of the monthly totals. *Ours:* a manager who served fewer than
  twelve months gets the mean of their months × 12, and needs ``min_months_for_honours`` months
  to be eligible for honours.
* *Ours:* a manager with any month void by veto, or any dismissal flag in the year, is ranked but
  not eligible for honours (the paper's 取消年终评先资格 applied to the offender as well).
* Honours go by competition rank among the eligible: rank ≤ 1 → model worker, rank ≤ 3 →
  advanced worker. Ties share the honour: two tied first are both model workers and the next
  eligible person is ranked 3rd, an advanced worker.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gql.services.evaluations.rules.errors import PeriodError
from gql.services.evaluations.rules.ranking import competition_ranks

if TYPE_CHECKING:
    from collections.abc import Sequence

    from gql.services.evaluations.rules.periods import Month
    from gql.services.evaluations.rules.policy import ScoringPolicy
    from gql.services.evaluations.rules.result import MonthlyScore

__all__ = ["AnnualStanding", "Honour", "Ineligibility", "IneligibilityReason", "evaluate_year"]


class Honour(enum.StrEnum):
    """Year-end honours."""

    MODEL_WORKER = "model_worker"  # 单位工作标兵
    ADVANCED_WORKER = "advanced_worker"  # 先进工作者


class IneligibilityReason(enum.StrEnum):
    """Why a manager cannot win a year-end honour."""

    FEW_MONTHS = "few_months"  # ours: fewer than ranking.min_months_for_honours months served
    VOID_MONTH = "void_month"  # a month void by veto (一票否决)
    DISMISSAL_FLAG = "dismissal_flag"  # a month with a dismissal flag
    HONOURS_LOST = "honours_lost"  # a month whose honours were taken (取消年终评先资格)


@dataclass(frozen=True, slots=True)
class Ineligibility:
    """One reason a manager is not eligible, with the months that caused it.

    ``FEW_MONTHS`` names no month.
    """

    reason: IneligibilityReason
    months: tuple[Month, ...] = ()


@dataclass(frozen=True, slots=True)
class AnnualStanding:
    """One manager's line of the annual ranking.

    ``monthly_totals`` are the months served and their totals; ``ineligible`` says why an
    ineligible manager is (empty when eligible); ``honour_rank`` is the rank among the
    eligible that decided the honour.
    """

    manager_id: str
    months_served: int
    total: float
    rank: int
    eligible: bool
    honour: Honour | None
    monthly_totals: tuple[tuple[Month, float], ...] = ()
    ineligible: tuple[Ineligibility, ...] = ()
    honour_rank: int | None = None


def _ineligibility(months: dict[Month, MonthlyScore], min_months: int) -> tuple[Ineligibility, ...]:
    out: list[Ineligibility] = []
    if len(months) < min_months:
        out.append(Ineligibility(IneligibilityReason.FEW_MONTHS))
    ordered = sorted(months)
    checks = {
        IneligibilityReason.VOID_MONTH: [m for m in ordered if months[m].void_by_veto],
        IneligibilityReason.DISMISSAL_FLAG: [m for m in ordered if months[m].dismissal_flag],
        IneligibilityReason.HONOURS_LOST: [
            m for m in ordered if months[m].honours_lost and not months[m].void_by_veto
        ],
    }
    out.extend(Ineligibility(reason, tuple(found)) for reason, found in checks.items() if found)

    return tuple(out)


def evaluate_year(
    year: int, scores: Sequence[MonthlyScore], policy: ScoringPolicy
) -> tuple[AnnualStanding, ...]:
    """Rank all managers over a year and award the honours.

    Parameters
    ----------
    year : int
        Calendar year.
    scores : Sequence[MonthlyScore]
        Every monthly result of the year (one per manager and month).
    policy : ScoringPolicy
        Ranking rules and honours counts.

    Returns
    -------
    tuple[AnnualStanding, ...]
        Ordered by overall rank, then manager id.

    Raises
    ------
    PeriodError
        For a result of another year or a duplicate manager-month.
    """
    rules = policy.ranking
    by_manager: dict[str, dict[Month, MonthlyScore]] = defaultdict(dict)
    for s in scores:
        if s.month.year != year:
            raise PeriodError(f"result of {s.manager_id} for {s.month} is outside {year}")
        if s.month in by_manager[s.manager_id]:
            raise PeriodError(f"two results for {s.manager_id} in {s.month}")
        by_manager[s.manager_id][s.month] = s
    totals = {m: sum(s.total for s in ms.values()) * 12 / len(ms) for m, ms in by_manager.items()}
    reasons = {m: _ineligibility(ms, rules.min_months_for_honours) for m, ms in by_manager.items()}
    eligible = {m: totals[m] for m in by_manager if not reasons[m]}
    ranks = competition_ranks(totals, decimals=rules.score_decimals)
    honour_ranks = competition_ranks(eligible, decimals=rules.score_decimals)
    standings = []
    for manager, total in totals.items():
        honour: Honour | None = None
        r = honour_ranks.get(manager)
        if r is not None and r <= rules.model_workers:
            honour = Honour.MODEL_WORKER
        elif r is not None and r <= rules.model_workers + rules.advanced_workers:
            honour = Honour.ADVANCED_WORKER
        standings.append(
            AnnualStanding(
                manager_id=manager,
                months_served=len(by_manager[manager]),
                total=total,
                rank=ranks[manager],
                eligible=manager in eligible,
                honour=honour,
                monthly_totals=tuple(
                    (m, by_manager[manager][m].total) for m in sorted(by_manager[manager])
                ),
                ineligible=reasons[manager],
                honour_rank=r,
            )
        )
    standings.sort(key=lambda s: (s.rank, s.manager_id))
    return tuple(standings)
