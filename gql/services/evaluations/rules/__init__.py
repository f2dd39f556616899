"""Scoring rules of the account-manager evaluation (考评): pure functions, events in, scores out.

No database, no network and no clock: every input (events, policy, times) is passed in, so a
result can be recomputed and checked line by line. The rules come from essay 7 of the source
paper (客户经理管理办法) via the versioned ``policy.toml``; see docs/scoring.md.
"""

from gql.services.evaluations.rules.amendments import (
    Amendment,
    ClosedResult,
    FieldChange,
    FieldValue,
    ResultFile,
    Version,
    close_monthly,
)
from gql.services.evaluations.rules.annual import AnnualStanding, Honour, evaluate_year
from gql.services.evaluations.rules.classification import (
    CHANNELS,
    CareerChannel,
    Classification,
    Quadrant,
    classify,
)
from gql.services.evaluations.rules.errors import (
    AmendmentError,
    EventError,
    GoalError,
    PeriodError,
    PolicyError,
    ScoringError,
)
from gql.services.evaluations.rules.events import (
    GRAVE_BREACHES,
    AuditFinding,
    AuditFindingKind,
    BasicWorkCheck,
    BreachKind,
    Complaint,
    ComplianceVeto,
    LeaveRecord,
    RuleBreach,
    SalesSettlement,
    ScoreEvent,
    TrainingKind,
    TrainingResult,
    VetoKind,
)
from gql.services.evaluations.rules.goals import (
    Direction,
    Goal,
    check_goals,
    goal_achievement,
    goal_progress,
)
from gql.services.evaluations.rules.leaderboard import (
    DailyResult,
    LeaderboardEntry,
    Metric,
    leaderboard,
)
from gql.services.evaluations.rules.monthly import score_month
from gql.services.evaluations.rules.periods import (
    Month,
    Quarter,
    monthly_review_deadline,
    quarterly_review_deadline,
)
from gql.services.evaluations.rules.policy import (
    ScoringPolicy,
    default_policy,
    load_policy,
    parse_policy,
)
from gql.services.evaluations.rules.quarterly import (
    Elimination,
    EliminationReason,
    QuarterEvaluation,
    QuarterStanding,
    evaluate_quarter,
    target_missed_streaks,
)
from gql.services.evaluations.rules.ranking import competition_ranks
from gql.services.evaluations.rules.result import (
    Dismissal,
    DismissalReason,
    MonthlyScore,
    Part,
    ScoreLine,
)
from gql.services.evaluations.rules.supervisors import (
    DepartmentHeads,
    SupervisorDeduction,
    SupervisorRole,
    SupervisorTotal,
    supervisor_deductions,
    supervisor_totals,
)

__all__ = [
    "CHANNELS",
    "GRAVE_BREACHES",
    "Amendment",
    "AmendmentError",
    "AnnualStanding",
    "AuditFinding",
    "AuditFindingKind",
    "BasicWorkCheck",
    "BreachKind",
    "CareerChannel",
    "Classification",
    "ClosedResult",
    "Complaint",
    "ComplianceVeto",
    "DailyResult",
    "DepartmentHeads",
    "Direction",
    "Dismissal",
    "DismissalReason",
    "Elimination",
    "EliminationReason",
    "EventError",
    "FieldChange",
    "FieldValue",
    "Goal",
    "GoalError",
    "Honour",
    "LeaderboardEntry",
    "LeaveRecord",
    "Metric",
    "Month",
    "MonthlyScore",
    "Part",
    "PeriodError",
    "PolicyError",
    "Quadrant",
    "Quarter",
    "QuarterEvaluation",
    "QuarterStanding",
    "ResultFile",
    "RuleBreach",
    "SalesSettlement",
    "ScoreEvent",
    "ScoreLine",
    "ScoringError",
    "ScoringPolicy",
    "SupervisorDeduction",
    "SupervisorRole",
    "SupervisorTotal",
    "TrainingKind",
    "TrainingResult",
    "Version",
    "VetoKind",
    "check_goals",
    "classify",
    "close_monthly",
    "competition_ranks",
    "default_policy",
    "evaluate_quarter",
    "evaluate_year",
    "goal_achievement",
    "goal_progress",
    "leaderboard",
    "load_policy",
    "monthly_review_deadline",
    "parse_policy",
    "quarterly_review_deadline",
    "score_month",
    "supervisor_deductions",
    "supervisor_totals",
    "target_missed_streaks",
]
