"""Domain types the whole service shares: plain frozen dataclasses and enums.

They carry no ORM state and do no I/O; the store maps its rows to them and the API layer
maps them to GraphQL types.
"""

from gql.domain.organisation import AccountManager, Carrier, Department, DepartmentKind, Role, Staff
from gql.domain.plans import PlanStatus, PlanStop, VisitPlan
from gql.domain.retailers import (
    MAX_GRADE,
    BusinessType,
    OpeningWindow,
    Retailer,
    RetailerDraft,
    RetailerStatus,
    canonical_windows,
    format_opening_hours,
    hh_mm,
    parse_opening_hours,
)
from gql.domain.sales import (
    MonthlyTarget,
    SalesOrder,
    SalesOrderDraft,
    fen_from_yuan,
    yuan_from_fen,
)
from gql.domain.visits import CoordinateSystem, FixPhase, FixSource, PositionFix, Verdict, Visit

__all__ = [
    "MAX_GRADE",
    "AccountManager",
    "BusinessType",
    "Carrier",
    "CoordinateSystem",
    "Department",
    "DepartmentKind",
    "FixPhase",
    "FixSource",
    "MonthlyTarget",
    "OpeningWindow",
    "PlanStatus",
    "PlanStop",
    "PositionFix",
    "Retailer",
    "RetailerDraft",
    "RetailerStatus",
    "Role",
    "SalesOrder",
    "SalesOrderDraft",
    "Staff",
    "Verdict",
    "Visit",
    "VisitPlan",
    "canonical_windows",
    "fen_from_yuan",
    "format_opening_hours",
    "hh_mm",
    "parse_opening_hours",
    "yuan_from_fen",
]
