"""Repositories: one small class per aggregate, each taking a ``Session``.

They return domain dataclasses from :mod:`gql.domain`; ORM rows never leave
:mod:`gql.store`. They flush but never commit: the request (or CLI command) boundary does.
"""

from gql.store.repositories._paging import MAX_PAGE_SIZE, InvalidPageRequest, Keyset, Page
from gql.store.repositories.activity import ActivityRepository
from gql.store.repositories.assignments import AssignmentRepository
from gql.store.repositories.audits import AuditRepository
from gql.store.repositories.departments import DepartmentRepository
from gql.store.repositories.evaluations import EvaluationRepository
from gql.store.repositories.managers import ManagerRepository
from gql.store.repositories.org_changes import OrgChange, OrgChangeRepository
from gql.store.repositories.plan_lifecycle import (
    PlanLifecycleRepository,
    Publication,
    Skip,
    StopVisit,
)
from gql.store.repositories.retailers import (
    BoundingBox,
    RetailerFilter,
    RetailerRepository,
    StaleRetailer,
    UpsertCounts,
)
from gql.store.repositories.sales import SalesRepository
from gql.store.repositories.staff import StaffRepository

__all__ = [
    "MAX_PAGE_SIZE",
    "ActivityRepository",
    "AssignmentRepository",
    "AuditRepository",
    "BoundingBox",
    "DepartmentRepository",
    "EvaluationRepository",
    "InvalidPageRequest",
    "Keyset",
    "ManagerRepository",
    "OrgChange",
    "OrgChangeRepository",
    "Page",
    "PlanLifecycleRepository",
    "Publication",
    "RetailerFilter",
    "RetailerRepository",
    "SalesRepository",
    "Skip",
    "StaffRepository",
    "StaleRetailer",
    "StopVisit",
    "UpsertCounts",
]
