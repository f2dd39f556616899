"""ORM row classes; private to :mod:`gql.store` (repositories map them to domain types)."""

from gql.store.models.assignments import RetailerAssignmentRow
from gql.store.models.audits import (
    AuditEditRow,
    AuditPlanRetailerRow,
    AuditPlanRow,
    AuditRecordRow,
)
from gql.store.models.base import Base
from gql.store.models.carrier_fixes import SharedFixRow
from gql.store.models.evaluations import (
    AmendmentRow,
    EvaluationResultRow,
    GoalRow,
    ReopeningRow,
    ReviewRow,
    ScoreEventRow,
)
from gql.store.models.jobs import JobRow
from gql.store.models.org_changes import OrgChangeRow
from gql.store.models.organisation import AccountManagerRow, DepartmentRow, StaffRow
from gql.store.models.plan_lifecycle import PlanPublicationRow, PlanStopSkipRow
from gql.store.models.plans import PlanStopRow, VisitPlanRow
from gql.store.models.privacy import EvidenceReadRow
from gql.store.models.report_days import (
    ReportAggregateStateRow,
    ReportManagerDayRow,
    ReportManagerMonthRow,
    ReportRetailerDayRow,
    ReportRetailerMonthRow,
    ReportStaleDayRow,
)
from gql.store.models.retailer_lifecycle import PlanRetailerSourceRow, RetailerStatusChangeRow
from gql.store.models.retailers import OpeningWindowRow, RetailerRow
from gql.store.models.sales import MonthlyTargetRow, SalesOrderRow
from gql.store.models.territories import (
    DistrictBarriersRow,
    ProposalAssignmentRow,
    ScheduleDayRow,
    TerritoryProposalRow,
)
from gql.store.models.visits import PositionFixRow, VisitRow

__all__ = [
    "AccountManagerRow",
    "AmendmentRow",
    "AuditEditRow",
    "AuditPlanRetailerRow",
    "AuditPlanRow",
    "AuditRecordRow",
    "Base",
    "DepartmentRow",
    "DistrictBarriersRow",
    "EvaluationResultRow",
    "EvidenceReadRow",
    "GoalRow",
    "JobRow",
    "MonthlyTargetRow",
    "OpeningWindowRow",
    "OrgChangeRow",
    "PlanPublicationRow",
    "PlanRetailerSourceRow",
    "PlanStopRow",
    "PlanStopSkipRow",
    "PositionFixRow",
    "ProposalAssignmentRow",
    "ReopeningRow",
    "ReportAggregateStateRow",
    "ReportManagerDayRow",
    "ReportManagerMonthRow",
    "ReportRetailerDayRow",
    "ReportRetailerMonthRow",
    "ReportStaleDayRow",
    "RetailerAssignmentRow",
    "RetailerRow",
    "RetailerStatusChangeRow",
    "ReviewRow",
    "SalesOrderRow",
    "ScheduleDayRow",
    "ScoreEventRow",
    "SharedFixRow",
    "StaffRow",
    "TerritoryProposalRow",
    "VisitPlanRow",
    "VisitRow",
]
