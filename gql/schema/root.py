"""The root types, merged from one class per area so each area owns its own file.

To add an area: write its ``...Query`` / ``...Mutations`` / ``...Subscription`` class in its
own module and list it here.
"""

from __future__ import annotations

from strawberry.tools import merge_types

from gql.schema.audit_queries import AuditQuery
from gql.schema.density_queries import DensityQuery
from gql.schema.directory_queries import DirectoryQuery
from gql.schema.licence_site_queries import LicenceSiteQuery
from gql.schema.mutations.fields import (
    AuditMutations,
    OrganisationMutations,
    PlanMutations,
    RetailerMutations,
    ScoreMutations,
    TerritoryMutations,
    VisitMutations,
)
from gql.schema.organisation_queries import OrganisationQuery
from gql.schema.plan_queries import PlanQuery
from gql.schema.privacy_queries import PrivacyQuery
from gql.schema.report_queries import ReportQuery
from gql.schema.sales_queries import SalesQuery
from gql.schema.score_queries import ScoreQuery
from gql.schema.territory_queries import JobSubscription, TerritoryQuery
from gql.schema.visit_queries import VisitQuery, VisitSubscription

__all__ = ["Mutation", "Query", "Subscription"]

Query = merge_types(
    "Query",
    (
        DirectoryQuery,
        PlanQuery,
        VisitQuery,
        AuditQuery,
        ScoreQuery,
        TerritoryQuery,
        OrganisationQuery,
        ReportQuery,
        SalesQuery,
        PrivacyQuery,
        LicenceSiteQuery,
        DensityQuery,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        RetailerMutations,
        PlanMutations,
        VisitMutations,
        AuditMutations,
        ScoreMutations,
        TerritoryMutations,
        OrganisationMutations,
    ),
)
Subscription = merge_types("Subscription", (VisitSubscription, JobSubscription))
