"""Goals (R7.7), the daily leaderboard (R7.8) and the four-quadrant classification (R7.6).

Goals are agreed between a manager and their supervisors, so the manager, the department's
head or deputy and the marketing department may set and track them; the leaderboard and the
classification are read with the same scope as scores.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from gql.domain import Role, Verdict
from gql.domain.evaluations import PeriodKind, ScoreEventKind
from gql.services.access import signed_in
from gql.services.calendar import local_day, local_midnight
from gql.services.errors import Forbidden, InvalidInput, NotFound
from gql.services.evaluations import rules as scoring
from gql.services.evaluations.periods import any_period
from gql.services.evaluations.results import monthly_from_result, view_of
from gql.services.evaluations.score_events import to_scoring
from gql.services.evaluations.service import EvaluationService
from gql.store.repositories import ActivityRepository, EvaluationRepository, StaffRepository

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.orm import Session

    from gql.domain.evaluations import GoalInfo
    from gql.services.access import Principal

__all__ = ["MAX_LEADERBOARD_DAYS", "GoalCommand", "GoalView", "PerformanceService", "any_period"]

MAX_LEADERBOARD_DAYS = 92
"""Longest day range of one leaderboard (a quarter)."""
_GOAL_SETTERS = frozenset(
    {Role.ACCOUNT_MANAGER, Role.DEPARTMENT_HEAD, Role.DEPUTY_HEAD, Role.MARKETING}
)


@dataclass(frozen=True, slots=True)
class GoalCommand:
    """A quantified goal to set."""

    manager_id: int
    period: str
    title: str
    unit: str
    baseline: float
    target: float
    direction: scoring.Direction
    lowest: float | None = None
    highest: float | None = None


@dataclass(frozen=True, slots=True)
class GoalView:
    """A goal and its progress (share of the way from baseline to target), if measured."""

    goal: GoalInfo
    progress: float | None

    @property
    def value_range(self) -> tuple[float, float]:
        """The values a measurement may take (declared, or the documented default)."""
        return _pure_goal(self.goal).value_range


def _pure_goal(goal: GoalInfo) -> scoring.Goal:
    return scoring.Goal(
        str(goal.id),
        str(goal.manager_id),
        goal.period,
        goal.title,
        goal.unit,
        goal.baseline,
        goal.target,
        scoring.Direction(goal.direction),
        goal.lowest,
        goal.highest,
    )


def _progress(goal: GoalInfo) -> float | None:
    return None if goal.current is None else scoring.goal_progress(_pure_goal(goal), goal.current)


class PerformanceService:
    """Goals, daily leaderboard and classification within the caller's scope."""

    def __init__(
        self,
        session: Session,
        principal: Principal | None,
        *,
        policy: scoring.ScoringPolicy | None = None,
        clock: Callable[[], datetime] | None = None,
        evaluations: EvaluationService | None = None,
    ) -> None:
        self._evaluations = evaluations or EvaluationService(
            session, principal, policy=policy, clock=clock
        )
        self._principal = principal
        self._policy = self._evaluations.policy
        self._clock = self._evaluations.now
        self._store = EvaluationRepository(session)
        self._activity = ActivityRepository(session)
        self._staff = StaffRepository(session)

    def _goal_setter(self, manager_id: int) -> Principal:
        principal = signed_in(self._principal)
        self._evaluations.visible_manager(manager_id)
        if principal.role not in _GOAL_SETTERS:
            raise Forbidden("set or track goals")
        return principal

    # -- goals ----------------------------------------------------------------------------

    def set_goal(self, command: GoalCommand) -> GoalView:
        """Add a goal; at most the policy's number per manager and period."""
        principal = self._goal_setter(command.manager_id)
        period = any_period(command.period)
        existing = self._store.goals([command.manager_id], [period.text])
        try:
            new = scoring.Goal(
                "new",
                str(command.manager_id),
                period.text,
                command.title.strip(),
                command.unit.strip(),
                command.baseline,
                command.target,
                command.direction,
                command.lowest,
                command.highest,
            )
            scoring.check_goals([*(_pure_goal(g) for g in existing), new], self._policy)
        except scoring.ScoringError as exc:
            raise InvalidInput(str(exc), field=(exc.field or "period",)) from exc
        goal_id = self._store.add_goal(
            manager_id=command.manager_id,
            period=period.text,
            title=new.title,
            unit=new.unit,
            baseline=float(new.baseline),
            target=float(new.target),
            direction=new.direction.value,
            created_by=principal.staff_id,
            at=self._clock(),
            lowest=command.lowest,
            highest=command.highest,
        )
        return self._view(goal_id)

    def track_goal(self, goal_id: int, current: float) -> GoalView:
        """Record the goal's latest measured value."""
        goal = self._goal(goal_id)
        self._goal_setter(goal.manager_id)
        try:
            scoring.goal_progress(_pure_goal(goal), current)
        except scoring.ScoringError as exc:
            raise InvalidInput(str(exc), field=(exc.field or "current",)) from exc
        self._store.set_goal_current(goal_id, float(current), at=self._clock())
        return self._view(goal_id)

    def _goal(self, goal_id: int) -> GoalInfo:
        goal = self._store.get_goals([goal_id])[0]
        if goal is None:
            raise NotFound("goal", field=("goal_id",))
        self._evaluations.visible_manager(goal.manager_id)
        return goal

    def _view(self, goal_id: int) -> GoalView:
        goal = self._goal(goal_id)
        return GoalView(goal, _progress(goal))

    def goals(self, manager_id: int, period: str | None = None) -> list[GoalView]:
        """A manager's goals (of one period, or all)."""
        self._evaluations.visible_manager(manager_id)
        periods = None if period is None else [any_period(period).text]
        return [GoalView(g, _progress(g)) for g in self._store.goals([manager_id], periods)]

    # -- leaderboard ----------------------------------------------------------------------

    def leaderboard(
        self, department_id: int | None, first_day: date, last_day: date, metric: scoring.Metric
    ) -> tuple[scoring.LeaderboardEntry, ...]:
        """Rank a department's managers, or the company's (``None``), on their daily results.

        Ranks are over the whole department or company; the caller gets the rows they may
        read (a manager: their own, with their rank among everyone).
        """
        if last_day < first_day:
            raise InvalidInput(
                f"the last day {last_day} is before the first {first_day}", field=("last_day",)
            )
        if (last_day - first_day).days + 1 > MAX_LEADERBOARD_DAYS:
            raise InvalidInput(
                f"a leaderboard covers at most {MAX_LEADERBOARD_DAYS} days", field=("last_day",)
            )
        population, visible = self._evaluations.board_population(department_id)
        ids = [m.staff_id for m in population]
        planned = self._activity.planned_stops(ids, first_day, last_day)
        verified: defaultdict[tuple[int, date], int] = defaultdict(int)
        visits = self._activity.visits(
            ids, local_midnight(first_day), local_midnight(last_day + timedelta(days=1))
        )
        for v in visits:
            if v.verdict is Verdict.IN_PLACE:
                verified[(v.manager_id, local_day(v.at))] += 1
        sales = self._activity.sales_by_day(ids, first_day, last_day)
        keys = {(m, first_day) for m in ids} | set(planned) | set(verified) | set(sales)
        results = [
            scoring.DailyResult(
                str(m),
                day,
                planned.get((m, day), 0),
                verified.get((m, day), 0),
                float(sales[(m, day)].amount_yuan) if (m, day) in sales else 0.0,
            )
            for m, day in sorted(keys)
        ]
        ranked = scoring.leaderboard(
            results,
            first_day=first_day,
            last_day=last_day,
            metric=metric,
            decimals=self._policy.ranking.score_decimals,
        )
        return tuple(e for e in ranked if int(e.manager_id) in visible)

    # -- classification -------------------------------------------------------------------

    def classify(self, manager_id: int, period_text: str) -> scoring.Classification:
        """Ability × initiative from the closed months of a period, visits and goals."""
        self._evaluations.visible_manager(manager_id)
        period = any_period(period_text)
        results = self._store.results(
            kind=PeriodKind.MONTH, periods=[str(m) for m in period.months], manager_ids=[manager_id]
        )
        if not results:
            raise InvalidInput(f"no closed month in {period.text} to classify on")
        scores = [monthly_from_result(r, view_of(r).current) for r in results]
        planned = sum(
            self._activity.planned_stops([manager_id], period.first_day, period.last_day).values()
        )
        visits = self._activity.visits(
            [manager_id],
            local_midnight(period.first_day),
            local_midnight(period.last_day + timedelta(days=1)),
        )
        verified = sum(1 for v in visits if v.verdict is Verdict.IN_PLACE)
        base = planned or len(visits)
        share = min(1.0, verified / base) if base else 0.0
        goals = self._store.goals([manager_id], [period.text])
        achievement = scoring.goal_achievement(
            [
                0.0 if g.current is None else scoring.goal_progress(_pure_goal(g), g.current)
                for g in goals
            ]
        )
        try:
            return scoring.classify(
                str(manager_id),
                scores,
                verified_visit_share=share,
                goal_achievement=achievement,
                policy=self._policy,
            )
        except scoring.ScoringError as exc:
            raise InvalidInput(str(exc)) from exc

    def goals_by_ids(self, ids: list[int]) -> list[GoalView | None]:
        """Goals by id; ``None`` where missing or about a manager the caller may not read."""
        out: list[GoalView | None] = []
        for goal in self._store.get_goals(ids):
            try:
                if goal is not None:
                    self._evaluations.visible_manager(goal.manager_id)
            except NotFound:
                goal = None
            out.append(None if goal is None else GoalView(goal, _progress(goal)))
        return out

    # -- supervisors ----------------------------------------------------------------------

    def supervisor_deductions(
        self, department_id: int, period_text: str
    ) -> tuple[scoring.SupervisorTotal, ...]:
        """What the managers' subjective complaints and vetoes cost the head and deputy.

        Heads and deputies read their own department, marketing every department; managers
        are refused (it is their supervisors' file, not theirs).
        """
        principal = self._evaluations.caller()
        if principal.role not in (Role.DEPARTMENT_HEAD, Role.DEPUTY_HEAD, Role.MARKETING):
            raise Forbidden("read supervisors' deductions")
        managers = self._evaluations.department_managers(department_id)
        period = any_period(period_text)
        heads = self._staff.by_department(department_id, role=Role.DEPARTMENT_HEAD)
        deputies = self._staff.by_department(department_id, role=Role.DEPUTY_HEAD)
        active_heads = [h for h in heads if h.active]
        if not active_heads:
            raise InvalidInput("the department has no active head to charge")
        chain = scoring.DepartmentHeads(
            str(department_id),
            str(active_heads[0].id),
            tuple(str(d.id) for d in deputies if d.active),
        )
        events = [
            to_scoring(e)
            for e in self._store.events(
                [m.staff_id for m in managers],
                period.first_day,
                period.last_day,
                kinds=(ScoreEventKind.COMPLAINT, ScoreEventKind.COMPLIANCE_VETO),
            )
        ]
        charged = scoring.supervisor_deductions(
            events, {str(m.staff_id): chain for m in managers}, self._policy
        )
        return scoring.supervisor_totals(charged)
