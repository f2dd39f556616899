"""Queries for scores, files, scoreboards, targets, reviews, goals, leaderboard (R7)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from gql.context import Context
from gql.domain.evaluations import PeriodKind, ScoreEventStatus
from gql.schema.inputs import pk_of
from gql.schema.types.audit_enums import LeaderboardMetricEnum, PeriodKindEnum
from gql.schema.types.score_enums import ScoreEventStatusEnum
from gql.schema.types.scores import (
    ClassificationType,
    EvaluationResultType,
    EvaluationReviewType,
    GoalType,
    LeaderboardEntryType,
    MonthlyScoreType,
    OverdueReviewType,
    SalesTargetType,
    ScoreboardType,
    ScoreEventType,
    SupervisorDeductionType,
)
from gql.services.evaluations import rules as scoring
from gql.services.evaluations.periods import any_period, parse_period

__all__ = ["ScoreQuery"]

Info = strawberry.Info[Context, None]
ManagerArg = Annotated[strawberry.ID, strawberry.argument(description="Manager ID.")]
DepartmentArg = Annotated[strawberry.ID, strawberry.argument(description="Department ID.")]
BoardDepartmentArg = Annotated[
    strawberry.ID | None,
    strawberry.argument(description="Department ID; null (the default) for the whole company."),
]


def _decimals(info: Info) -> int:
    return info.context.evaluations.policy.ranking.score_decimals


def _department(value: strawberry.ID | None) -> int | None:
    return None if value is None else pk_of(value, "Department", "departmentId")


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
        return MonthlyScoreType.from_domain(view, _decimals(info))

    @strawberry.field(
        description="A manager's score events in a period (every status unless filtered)."
    )
    def score_events(
        self,
        info: Info,
        manager_id: ManagerArg,
        period: Annotated[str, strawberry.argument(description="2026-10, 2026-Q4 or 2026.")],
        statuses: Annotated[
            list[ScoreEventStatusEnum] | None,
            strawberry.argument(description="Only these statuses (RECORDED: those that count)."),
        ] = None,
    ) -> list[ScoreEventType]:
        """Event list."""
        events = info.context.evaluations.events(
            pk_of(manager_id, "Manager", "managerId"),
            any_period(period),
            None if statuses is None else [ScoreEventStatus(s) for s in statuses],
        )
        return [ScoreEventType.from_domain(e) for e in events]

    @strawberry.field(
        description="Held audit findings and amendment proposals waiting for marketing."
    )
    def pending_score_events(
        self, info: Info, department_id: BoardDepartmentArg = None
    ) -> list[ScoreEventType]:
        """Marketing's queue."""
        events = info.context.evaluations.pending(_department(department_id))
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
        return [EvaluationResultType.from_domain(v, _decimals(info)) for v in views]

    @strawberry.field(description="One closed result; null if missing or not yours to read.")
    def evaluation_result(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="EvaluationResult ID.")],
    ) -> EvaluationResultType | None:
        """Result by ID."""
        view = info.context.evaluations.result_views_by_ids([pk_of(id, "EvaluationResult")])[0]
        return None if view is None else EvaluationResultType.from_domain(view, _decimals(info))

    @strawberry.field(
        description="A department's or the company's ranking for a month, quarter or year; "
        "rows carry the rank on the board and in the company."
    )
    def scoreboard(
        self,
        info: Info,
        kind: Annotated[PeriodKindEnum, strawberry.argument(description="Kind of period.")],
        period: Annotated[str, strawberry.argument(description="2026-10, 2026-Q4 or 2026.")],
        department_id: BoardDepartmentArg = None,
    ) -> ScoreboardType:
        """Scoreboard."""
        board = info.context.boards.scoreboard(_department(department_id), PeriodKind(kind), period)
        return ScoreboardType.from_domain(board, _decimals(info))

    @strawberry.field(description="Monthly sales targets of the months of a period.")
    def sales_targets(
        self,
        info: Info,
        period: Annotated[str, strawberry.argument(description="2026-12, 2026-Q4 or 2026.")],
        manager_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only this manager.")
        ] = None,
        department_id: Annotated[
            strawberry.ID | None, strawberry.argument(description="Only this department.")
        ] = None,
    ) -> list[SalesTargetType]:
        """Targets (managers: their own; heads: their department; marketing: all)."""
        targets = info.context.targets.targets(
            period,
            manager_id=None if manager_id is None else pk_of(manager_id, "Manager", "managerId"),
            department_id=_department(department_id),
        )
        return [SalesTargetType.from_domain(t) for t in targets]

    @strawberry.field(description="Review meetings recorded for a month or quarter.")
    def evaluation_reviews(
        self,
        info: Info,
        kind: Annotated[PeriodKindEnum, strawberry.argument(description="MONTH or QUARTER.")],
        period: Annotated[str, strawberry.argument(description="2026-11 or 2026-Q4.")],
    ) -> list[EvaluationReviewType]:
        """Reviews (heads: their department's and the quarter's; marketing: all)."""
        periods = info.context.periods
        reviews = periods.reviews(PeriodKind(kind), period)
        return [
            EvaluationReviewType.from_domain(
                r, periods.deadline(r.kind, parse_period(r.kind, r.period))
            )
            for r in reviews
        ]

    @strawberry.field(
        description="Review meetings past their deadline with none recorded (monthly: 3 days, "
        "quarterly: 7 days after the period), oldest first."
    )
    def overdue_reviews(
        self,
        info: Info,
        since: Annotated[
            dt.date | None,
            strawberry.argument(description="Deadlines from this day on; default 92 days ago."),
        ] = None,
    ) -> list[OverdueReviewType]:
        """Overdue reviews (heads: their department's; marketing: all)."""
        return [
            OverdueReviewType.from_domain(o) for o in info.context.periods.overdue_reviews(since)
        ]

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

    @strawberry.field(
        description="A department's or the company's managers ranked on their daily results."
    )
    def leaderboard(
        self,
        info: Info,
        first_day: Annotated[dt.date, strawberry.argument(description="First day (inclusive).")],
        last_day: Annotated[dt.date, strawberry.argument(description="Last day (inclusive).")],
        department_id: BoardDepartmentArg = None,
        metric: Annotated[
            LeaderboardMetricEnum, strawberry.argument(description="What to rank on.")
        ] = scoring.Metric.VERIFIED_VISITS,
    ) -> list[LeaderboardEntryType]:
        """Daily (or day-range) leaderboard."""
        entries = info.context.performance.leaderboard(
            _department(department_id),
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
