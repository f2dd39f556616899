"""Queries for scores, files, scoreboards, goals, leaderboard and classification (R7)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from gql.context import Context
from gql.domain.evaluations import PeriodKind
from gql.schema.inputs import pk_of
from gql.schema.types.audit_enums import LeaderboardMetricEnum, PeriodKindEnum
from gql.schema.types.scores import (
    ClassificationType,
    EvaluationResultType,
    GoalType,
    LeaderboardEntryType,
    MonthlyScoreType,
    ScoreboardType,
    ScoreEventType,
    SupervisorDeductionType,
)
from gql.services.evaluations import rules as scoring
from gql.services.evaluations.performance import any_period

__all__ = ["ScoreQuery"]

Info = strawberry.Info[Context, None]
ManagerArg = Annotated[strawberry.ID, strawberry.argument(description="Manager ID.")]
DepartmentArg = Annotated[strawberry.ID, strawberry.argument(description="Department ID.")]


@strawberry.type
class ScoreQuery:
    """Scores: managers read their own, heads their department, marketing everything."""

    @strawberry.field(
        description="A manager's monthly score with breakdown and provenance (closed values "
        "as amended, or a preview from the events so far)."
    )
    def manager_month_score(
        self,
        info: Info,
        manager_id: ManagerArg,
        month: Annotated[str, strawberry.argument(description="The month, e.g. 2026-10.")],
    ) -> MonthlyScoreType:
        """Monthly score."""
        view = info.context.evaluations.month(pk_of(manager_id, "Manager", "managerId"), month)
        return MonthlyScoreType.from_domain(view)

    @strawberry.field(description="A manager's recorded score events in a period.")
    def score_events(
        self,
        info: Info,
        manager_id: ManagerArg,
        period: Annotated[str, strawberry.argument(description="2026-10, 2026-Q4 or 2026.")],
    ) -> list[ScoreEventType]:
        """Event list."""
        events = info.context.evaluations.events(
            pk_of(manager_id, "Manager", "managerId"), any_period(period)
        )
        return [ScoreEventType.from_domain(e) for e in events]

    @strawberry.field(description="A manager's file: every closed result with its history (R7.5).")
    def manager_file(
        self,
        info: Info,
        manager_id: ManagerArg,
        kind: Annotated[
            PeriodKindEnum | None, strawberry.argument(description="Only this kind of period.")
        ] = None,
    ) -> list[EvaluationResultType]:
        """Closed results, oldest first."""
        views = info.context.evaluations.file(
            pk_of(manager_id, "Manager", "managerId"), None if kind is None else PeriodKind(kind)
        )
        return [EvaluationResultType.from_domain(v) for v in views]

    @strawberry.field(description="One closed result; null if missing or not yours to read.")
    def evaluation_result(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="EvaluationResult ID.")],
    ) -> EvaluationResultType | None:
        """Result by ID."""
        view = info.context.evaluations.result_views_by_ids([pk_of(id, "EvaluationResult")])[0]
        return None if view is None else EvaluationResultType.from_domain(view)

    @strawberry.field(description="A department's ranking for a month, quarter or year.")
    def scoreboard(
        self,
        info: Info,
        department_id: DepartmentArg,
        kind: Annotated[PeriodKindEnum, strawberry.argument(description="Kind of period.")],
        period: Annotated[str, strawberry.argument(description="2026-10, 2026-Q4 or 2026.")],
    ) -> ScoreboardType:
        """Scoreboard."""
        board = info.context.evaluations.scoreboard(
            pk_of(department_id, "Department", "departmentId"), PeriodKind(kind), period
        )
        return ScoreboardType.from_domain(board)

    @strawberry.field(description="A manager's quantified goals (of one period, or all).")
    def goals(
        self,
        info: Info,
        manager_id: ManagerArg,
        period: Annotated[
            str | None, strawberry.argument(description="2026-10, 2026-Q4 or 2026.")
        ] = None,
    ) -> list[GoalType]:
        """Goal list."""
        views = info.context.performance.goals(pk_of(manager_id, "Manager", "managerId"), period)
        return [GoalType.from_domain(v) for v in views]

    @strawberry.field(description="The department's managers ranked on their daily results.")
    def leaderboard(
        self,
        info: Info,
        department_id: DepartmentArg,
        first_day: Annotated[dt.date, strawberry.argument(description="First day (inclusive).")],
        last_day: Annotated[dt.date, strawberry.argument(description="Last day (inclusive).")],
        metric: Annotated[
            LeaderboardMetricEnum, strawberry.argument(description="What to rank on.")
        ] = scoring.Metric.VERIFIED_VISITS,
    ) -> list[LeaderboardEntryType]:
        """Daily (or day-range) leaderboard."""
        entries = info.context.performance.leaderboard(
            pk_of(department_id, "Department", "departmentId"),
            first_day,
            last_day,
            scoring.Metric(metric),
        )
        return [LeaderboardEntryType.from_domain(e) for e in entries]

    @strawberry.field(description="A manager's ability × initiative quadrant and career channel.")
    def manager_classification(
        self,
        info: Info,
        manager_id: ManagerArg,
        period: Annotated[
            str, strawberry.argument(description="Closed months of 2026-Q4, 2026 or 2026-10.")
        ],
    ) -> ClassificationType:
        """Classification."""
        result = info.context.performance.classify(
            pk_of(manager_id, "Manager", "managerId"), period
        )
        return ClassificationType.from_domain(result)

    @strawberry.field(
        description="What the department's head and deputy are charged for their managers' "
        "subjective complaints (−3 / −1) and compliance vetoes with bad effect (−10, honours)."
    )
    def supervisor_deductions(
        self,
        info: Info,
        department_id: DepartmentArg,
        period: Annotated[str, strawberry.argument(description="2026-10, 2026-Q4 or 2026.")],
    ) -> list[SupervisorDeductionType]:
        """Supervisors' deductions."""
        totals = info.context.performance.supervisor_deductions(
            pk_of(department_id, "Department", "departmentId"), period
        )
        return [SupervisorDeductionType.from_domain(t) for t in totals]
