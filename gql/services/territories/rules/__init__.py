"""Partition first, then route: territories, weekday zones, schedules and district zones.

Pure functions over plain inputs (:class:`RetailerSet` of numpy arrays) that return frozen
proposals with their metrics; no database, network or clock. The service layer stores the
proposals and applies them on an authorised user's request.
"""

from __future__ import annotations

from ._geometry import project_local_m
from .district_zones import DistrictZones, district_zones
from .errors import (
    InfeasibleCapError,
    InvalidRetailersError,
    LockedRetailerError,
    MissingPositionError,
    PlanningError,
    TooManyManagersError,
)
from .metrics import Balance, Progress, balance_of
from .move_reasons import MoveReason
from .retailers import NO_MANAGER, NO_ORDER_DAY, RetailerSet, WorkloadClass
from .routing import DayRoute, route_day, warm_up
from .schedule import DayPlan, Schedule, ScheduleMetrics, plan_schedule, route_schedule
from .synthetic_city import synthetic_city
from .territories import (
    PartitionSettings,
    TerritoryMetrics,
    TerritoryProposal,
    evaluate_partition,
    match_homes,
    partition_territories,
)
from .weekdays import WeekdayPlan, split_weekdays, visit_weeks
from .workload import CYCLE_WEEKS, Workload, WorkloadPolicy, estimate_workload

__all__ = [
    "CYCLE_WEEKS",
    "NO_MANAGER",
    "NO_ORDER_DAY",
    "Balance",
    "DayPlan",
    "DayRoute",
    "DistrictZones",
    "InfeasibleCapError",
    "InvalidRetailersError",
    "LockedRetailerError",
    "MissingPositionError",
    "MoveReason",
    "PartitionSettings",
    "PlanningError",
    "Progress",
    "RetailerSet",
    "Schedule",
    "ScheduleMetrics",
    "TerritoryMetrics",
    "TerritoryProposal",
    "TooManyManagersError",
    "WeekdayPlan",
    "Workload",
    "WorkloadClass",
    "WorkloadPolicy",
    "balance_of",
    "district_zones",
    "estimate_workload",
    "evaluate_partition",
    "match_homes",
    "partition_territories",
    "plan_schedule",
    "project_local_m",
    "route_day",
    "route_schedule",
    "split_weekdays",
    "synthetic_city",
    "visit_weeks",
    "warm_up",
]
