"""Scoring rules of the account-manager evaluation (考评): pure functions, events in, scores out.

No database, no network and no clock: every input (events, policy, times) is passed in, so a
result can be recomputed and checked line by line. The rules come from essay 7 of the source
paper (客户经理管理办法) via the versioned ``policy.toml``; see docs/scoring.md.
"""

from gql.services.scoring.amendments import (
    Amendment,
    ClosedResult,
    FieldChange,
    FieldValue,
    ResultFile,
    Version,
    close_monthly,
)
from gql.services.scoring.annual import AnnualStanding, Honour, evaluate_year
from gql.services.scoring.classification import (
    CHANNELS,
    CareerChannel,
    Classification,
    Quadrant,
    classify,
)
from gql.services.scoring.errors import (
    AmendmentError,
    EventError,
    GoalError,
    PeriodError,
    PolicyError,
    ScoringError,
)
from gql.services.scoring.events import (
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
from gql.services.scoring.goals import (
    Direction,
    Goal,
    check_goals,
    goal_achievement,
    goal_progress,
)
from gql.services.scoring.leaderboard import DailyResult, LeaderboardEntry, Metric, leaderboard
from gql.services.scoring.monthly import score_month
from gql.services.scoring.periods import (
    Month,
    Quarter,
    monthly_review_deadline,
    quarterly_review_deadline,
)
from gql.services.scoring.policy import ScoringPolicy, default_policy, load_policy, parse_policy
from gql.services.scoring.quarterly import (
    Elimination,
    EliminationReason,
    QuarterEvaluation,
    QuarterStanding,
    evaluate_quarter,
    target_missed_streaks,
)
from gql.services.scoring.ranking import competition_ranks
from gql.services.scoring.result import (
    Dismissal,
    DismissalReason,
    MonthlyScore,
    Part,
    ScoreLine,
)
from gql.services.scoring.supervisors import (
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
