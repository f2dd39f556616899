"""Standings and scoreboards: who ranks where, in a department or the company (R7, 第十条).

A period's standing of a manager comes from their current closed result, or is previewed: a
month from its events so far, a quarter or year from the closed months of the population the
policy names for the rule (``scope.quarterly_elimination``, ``scope.annual_honours``: the
company by default, as essay 7 has marketing run the quarterly review and names one model
worker of the unit). A quarter or year is never extrapolated: each of its months must be closed
for everyone it ranks. Boards rank on the board's population and always give the company rank.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from gql.domain.evaluations import PeriodKind, RankScope
from gql.services.errors import ErrorCode, InvalidInput
from gql.services.evaluations import rules as scoring
from gql.services.evaluations.periods import Period, parse_period
from gql.services.evaluations.results import monthly_from_result, view_of

if TYPE_CHECKING:
    from collections.abc import Sequence

    from gql.domain import AccountManager
    from gql.domain.evaluations import EvaluationResultInfo
    from gql.services.evaluations.service import EvaluationService

__all__ = ["BoardRow", "BoardService", "Scoreboard", "Standing"]


@dataclass(frozen=True, slots=True)
class Standing:
    """One manager's values for a period: from a current closed result, or a preview."""

    manager_id: int
    department_id: int
    total: float
    values: dict[str, scoring.FieldValue]
    result: EvaluationResultInfo | None


@dataclass(frozen=True, slots=True)
class BoardRow:
    """One manager's line of a scoreboard: rank on the board and in the company."""

    manager_id: int
    department_id: int
    rank: int
    company_rank: int
    total: float
    values: dict[str, scoring.FieldValue]
    result_id: int | None


@dataclass(frozen=True, slots=True)
class Scoreboard:
    """A department's or the company's (``department_id`` ``None``) ranking for a period.

    ``closed`` when every row comes from a current closed result.
    """

    department_id: int | None
    kind: PeriodKind
    period: str
    closed: bool
    rows: tuple[BoardRow, ...]
    review_deadline: date | None
    unscored: tuple[tuple[int, str], ...]
    scope: RankScope


class BoardService:
    """Standings, evaluations of quarters and years, and scoreboards."""

    def __init__(self, evaluations: EvaluationService) -> None:
        self._e = evaluations

    def scoreboard(
        self, department_id: int | None, kind: PeriodKind, period_text: str
    ) -> Scoreboard:
        """A department's or the company's ranking: closed results as amended, else previews.

        Ranks are competition ranks on the board's population (the department, or the
        company); ``company_rank`` is always the rank in the company. Rows are the managers
        the caller may read.
        """
        population, visible = self._e.board_population(department_id)
        period = parse_period(kind, period_text)
        standings, unscored, deadline = self.standings(kind, period, self._e.company_managers())
        decimals = self._e.policy.ranking.score_decimals
        company = scoring.competition_ranks(
            {str(m): s.total for m, s in standings.items()}, decimals=decimals
        )
        members = {m.staff_id for m in population}
        board = scoring.competition_ranks(
            {str(m): s.total for m, s in standings.items() if m in members}, decimals=decimals
        )
        rows = [
            BoardRow(
                m,
                s.department_id,
                board[str(m)],
                company[str(m)],
                s.total,
                s.values,
                None if s.result is None else s.result.id,
            )
            for m, s in standings.items()
            if m in members and m in visible
        ]
        rows.sort(key=lambda r: (r.rank, r.manager_id))
        scope = RankScope.DEPARTMENT if department_id is not None else RankScope.COMPANY
        return Scoreboard(
            department_id,
            kind,
            period.text,
            bool(rows) and all(r.result_id is not None for r in rows),
            tuple(rows),
            deadline,
            tuple((m, why) for m, why in unscored if m in members and m in visible),
            scope,
        )

    def standings(
        self, kind: PeriodKind, period: Period, managers: Sequence[AccountManager]
    ) -> tuple[dict[int, Standing], list[tuple[int, str]], date | None]:
        """Each manager's values for a period: closed where closed, else a preview.

        Quarter and year previews are evaluated from the closed months over the population
        the policy names for the rule (``scope``); a month preview scores the events so far.
        """
        ids = [m.staff_id for m in managers]
        departments = {m.staff_id: m.department_id for m in managers}
        out: dict[int, Standing] = {}
        for r in self._e.store.results(kind=kind, periods=[period.text], manager_ids=ids):
            current = view_of(r).current
            out[r.manager_id] = Standing(
                r.manager_id, r.department_id, scoring.as_number(current.get("total")), current, r
            )
        unscored: list[tuple[int, str]] = []
        deadline: date | None = None
        if kind is PeriodKind.MONTH:
            month = period.months[0]
            deadline = scoring.monthly_review_deadline(
                month, days_after=self._e.policy.review.monthly_days_after
            )
            for manager_id in ids:
                if manager_id in out or not self._e.joined_by(manager_id, period.last_day):
                    continue
                try:
                    scored = self._e.score(manager_id, month)
                except InvalidInput as exc:
                    unscored.append((manager_id, str(exc)))
                    continue
                values = dict(
                    scoring.close_monthly(
                        scored.score, closed_by="preview", closed_at=self._e.now()
                    ).values
                )
                out[manager_id] = Standing(
                    manager_id, departments[manager_id], scored.score.total, values, None
                )
            return out, unscored, deadline
        missing = [m for m in ids if m not in out]
        if kind is PeriodKind.QUARTER:
            deadline = scoring.quarterly_review_deadline(
                period.quarter, days_after=self._e.policy.review.quarterly_days_after
            )
        if missing:
            for group in self._rule_groups(kind, managers):
                if not set(missing) & {m.staff_id for m in group}:
                    continue
                for standing in self.evaluate(kind, period, group):
                    if standing.manager_id in missing:
                        out[standing.manager_id] = standing
        return out, unscored, deadline

    def _rule_groups(
        self, kind: PeriodKind, managers: Sequence[AccountManager]
    ) -> list[list[AccountManager]]:
        if self.rule_scope(kind) is RankScope.COMPANY:
            return [list(managers)]
        groups: dict[int, list[AccountManager]] = {}
        for m in managers:
            groups.setdefault(m.department_id, []).append(m)
        return list(groups.values())

    def rule_scope(self, kind: PeriodKind) -> RankScope:
        """The population the policy ranks a quarter or year in (months: the department)."""
        if kind is PeriodKind.QUARTER:
            name = self._e.policy.scope.quarterly_elimination
        elif kind is PeriodKind.YEAR:
            name = self._e.policy.scope.annual_honours
        else:
            name = "department"
        return RankScope.COMPANY if name == "company" else RankScope.DEPARTMENT

    def closed_months(
        self, months: Sequence[scoring.Month], manager_ids: Sequence[int]
    ) -> list[scoring.MonthlyScore]:
        """The current closed months of these managers, as amended."""
        results = self._e.store.results(
            kind=PeriodKind.MONTH, periods=[str(m) for m in months], manager_ids=manager_ids
        )
        return [monthly_from_result(r, view_of(r).current) for r in results]

    def quarter_evaluation(
        self, period: Period, managers: Sequence[AccountManager]
    ) -> scoring.QuarterEvaluation:
        """The quarter over ``managers`` from their closed months (each must be closed)."""
        self.require_months_closed(period, managers)
        before = period.months[0].first_day - timedelta(days=1)
        scores = self.closed_months(
            [scoring.Month.of(before), *period.months], [m.staff_id for m in managers]
        )
        try:
            return scoring.evaluate_quarter(period.quarter, scores, self._e.policy)
        except scoring.ScoringError as exc:
            raise InvalidInput(str(exc)) from exc

    def year_standings(
        self, period: Period, managers: Sequence[AccountManager]
    ) -> tuple[scoring.AnnualStanding, ...]:
        """The year over ``managers`` from their closed months (each must be closed)."""
        self.require_months_closed(period, managers)
        scores = self.closed_months(period.months, [m.staff_id for m in managers])
        try:
            return scoring.evaluate_year(int(period.text), scores, self._e.policy)
        except scoring.ScoringError as exc:
            raise InvalidInput(str(exc)) from exc

    def evaluate(
        self, kind: PeriodKind, period: Period, managers: Sequence[AccountManager]
    ) -> list[Standing]:
        """Evaluate a quarter or year over ``managers`` from their closed months."""
        departments = {m.staff_id: m.department_id for m in managers}
        if kind is PeriodKind.QUARTER:
            evaluation = self.quarter_evaluation(period, managers)
            return [
                Standing(
                    int(s.manager_id),
                    departments[int(s.manager_id)],
                    s.total,
                    {
                        "policy_version": evaluation.policy_version,
                        "total": s.total,
                        "rank": s.rank,
                        "months_served": s.months_served,
                        "provisional": s.provisional,
                        "eliminated": bool(s.eliminations),
                    },
                    None,
                )
                for s in evaluation.standings
            ]
        return [
            Standing(
                int(a.manager_id),
                departments[int(a.manager_id)],
                a.total,
                {
                    "policy_version": self._e.policy.version,
                    "total": a.total,
                    "rank": a.rank,
                    "months_served": a.months_served,
                    "eligible": a.eligible,
                    "honour": None if a.honour is None else a.honour.value,
                },
                None,
            )
            for a in self.year_standings(period, managers)
        ]

    def require_months_closed(self, period: Period, managers: Sequence[AccountManager]) -> None:
        """Refuse a quarter or year before its months are closed (no extrapolated year).

        Each month must be closed for every manager who had joined by the month's end.
        """
        ids = [m.staff_id for m in managers]
        closed = self._e.store.closed_periods(
            PeriodKind.MONTH, [str(m) for m in period.months], ids
        )
        for month in period.months:
            due = [m for m in ids if self._e.joined_by(m, month.last_day)]
            missing = [m for m in due if m not in closed[str(month)]]
            if missing:
                raise InvalidInput(
                    f"close {month} first: {len(missing)} manager(s) still open "
                    f"(e.g. manager {missing[0]})",
                    field=("period",),
                    code=ErrorCode.CONFLICT,
                )
