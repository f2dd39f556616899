"""Quarterly evaluation (季度评价): totals, ranking and elimination flags (第十条).

Rules (the paper's, with the choices it leaves open marked *ours*):

* The quarterly total is the sum of the three monthly totals. *Ours:* a manager who joined
  mid-quarter (fewer months scored) gets the mean of their months × 3, so a full quarter and a
  partial one are on the same scale; a month void by veto counts as 0.
* Ranking is standard competition ranking on totals rounded to ``score_decimals``.
* Elimination: the two lowest quarterly totals (季度考评总分最低的两名). *Ours:* everyone tied
  at the cut is flagged (the review meeting decides) and a joiner with fewer than
  ``min_months_for_elimination`` months is ranked but kept out of the cut (``provisional``);
  when no more managers are eligible than the cut size, nobody is cut on this ground.
* Elimination: target missed two months running (连续两个月完不成销售任务目标). The month just
  before the quarter may be passed in so that a streak across quarters is seen.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gql.services.evaluations.rules.errors import PeriodError
from gql.services.evaluations.rules.periods import Month, quarterly_review_deadline
from gql.services.evaluations.rules.ranking import competition_ranks

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date

    from gql.services.evaluations.rules.periods import Quarter
    from gql.services.evaluations.rules.policy import ScoringPolicy
    from gql.services.evaluations.rules.result import MonthlyScore

__all__ = [
    "Elimination",
    "EliminationReason",
    "QuarterEvaluation",
    "QuarterStanding",
    "evaluate_quarter",
    "target_missed_streaks",
]


class EliminationReason(enum.StrEnum):
    """Why a manager is flagged for elimination (淘汰辞退)."""

    LOWEST_QUARTERLY_TOTAL = "lowest_quarterly_total"
    TARGET_MISSED_RUNNING = "target_missed_running"


@dataclass(frozen=True, slots=True)
class Elimination:
    """One elimination flag; ``months`` are the months that caused it."""

    reason: EliminationReason
    months: tuple[Month, ...]
    tied_at_cut: bool = False


@dataclass(frozen=True, slots=True)
class QuarterStanding:
    """One manager's line of the quarterly evaluation."""

    manager_id: str
    months_served: int
    monthly_totals: tuple[tuple[Month, float], ...]
    total: float
    rank: int
    provisional: bool
    eliminations: tuple[Elimination, ...]


@dataclass(frozen=True, slots=True)
class QuarterEvaluation:
    """The quarterly scoreboard, best first, and the deadline of its review meeting."""

    quarter: Quarter
    policy_version: str
    standings: tuple[QuarterStanding, ...]
    review_deadline: date


def target_missed_streaks(
    scores: Sequence[MonthlyScore], *, months_running: int
) -> tuple[tuple[Month, ...], ...]:
    """Find runs of at least ``months_running`` consecutive calendar months with target missed.

    Parameters
    ----------
    scores : Sequence[MonthlyScore]
        One manager's monthly results, any order, one per month.
    months_running : int
        Minimum run length (2 in the paper).

    Returns
    -------
    tuple[tuple[Month, ...], ...]
        Each maximal run, in calendar order.
    """
    missed = sorted(s.month for s in scores if s.target_missed)
    runs: list[list[Month]] = []
    for month in missed:
        if runs and runs[-1][-1].next() == month:
            runs[-1].append(month)
        else:
            runs.append([month])
    return tuple(tuple(run) for run in runs if len(run) >= months_running)


def _previous_month(month: Month) -> Month:
    if month.month == 1:
        return Month(month.year - 1, 12)
    return Month(month.year, month.month - 1)


def evaluate_quarter(
    quarter: Quarter, scores: Sequence[MonthlyScore], policy: ScoringPolicy
) -> QuarterEvaluation:
    """Total, rank and flag every manager for one quarter.

    Parameters
    ----------
    quarter : Quarter
        The quarter evaluated.
    scores : Sequence[MonthlyScore]
        Monthly results of all managers of the department for the quarter's months; results of
        the month just before the quarter may be included and are used only for the
        target-missed streak.
    policy : ScoringPolicy
        Ranking rules; its version must match the monthly results'.

    Returns
    -------
    QuarterEvaluation
        Standings ordered by rank, then manager id.

    Raises
    ------
    PeriodError
        For a result outside the quarter (and its preceding month), two results for the same
        manager and month, or results computed under another policy version.
    """
    rules = policy.ranking
    before = _previous_month(quarter.months[0])
    allowed = {*quarter.months, before}
    by_manager: dict[str, dict[Month, MonthlyScore]] = defaultdict(dict)
    for s in scores:
        if s.month not in allowed:
            raise PeriodError(f"result of {s.manager_id} for {s.month} is outside {quarter}")
        if s.month in by_manager[s.manager_id]:
            raise PeriodError(f"two results for {s.manager_id} in {s.month}")
        if s.policy_version != policy.version:
            raise PeriodError(
                f"result of {s.manager_id} for {s.month} used policy {s.policy_version!r}, "
                f"not {policy.version!r}"
            )
        by_manager[s.manager_id][s.month] = s

    totals: dict[str, float] = {}
    served: dict[str, tuple[MonthlyScore, ...]] = {}
    for manager, results in by_manager.items():
        inside = tuple(results[m] for m in quarter.months if m in results)
        if not inside:
            continue  # only the preceding month: not in this quarter's scoreboard
        served[manager] = inside
        totals[manager] = sum(s.total for s in inside) * len(quarter.months) / len(inside)

    ranks = competition_ranks(totals, decimals=rules.score_decimals)
    eligible = {
        m: t for m, t in totals.items() if len(served[m]) >= rules.min_months_for_elimination
    }
    low_ranks = competition_ranks(eligible, decimals=rules.score_decimals, descending=False)
    cut = {m for m, r in low_ranks.items() if r <= rules.eliminate_lowest}
    if len(eligible) <= rules.eliminate_lowest:
        cut = set()  # ours: with no more managers than the cut, "the lowest" means nothing
    tied = len(cut) > rules.eliminate_lowest

    standings: list[QuarterStanding] = []
    for manager, total in totals.items():
        flags: list[Elimination] = []
        if manager in cut:
            months = tuple(s.month for s in served[manager])
            flags.append(Elimination(EliminationReason.LOWEST_QUARTERLY_TOTAL, months, tied))
        streaks = target_missed_streaks(
            list(by_manager[manager].values()), months_running=rules.target_missed_months_running
        )
        flags.extend(
            Elimination(EliminationReason.TARGET_MISSED_RUNNING, run)
            for run in streaks
            if any(m in quarter.months for m in run[rules.target_missed_months_running - 1 :])
        )
        standings.append(
            QuarterStanding(
                manager_id=manager,
                months_served=len(served[manager]),
                monthly_totals=tuple((s.month, s.total) for s in served[manager]),
                total=total,
                rank=ranks[manager],
                provisional=manager not in eligible,
                eliminations=tuple(flags),
            )
        )
    standings.sort(key=lambda s: (s.rank, s.manager_id))
    return QuarterEvaluation(
        quarter=quarter,
        policy_version=policy.version,
        standings=tuple(standings),
        review_deadline=quarterly_review_deadline(
            quarter, days_after=policy.review.quarterly_days_after
        ),
    )
