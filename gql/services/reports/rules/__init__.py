"""The report measures (R8), pure: facts in, numbers out; no database, API or clock."""

from gql.services.reports.rules.discipline import (
    DWELL_EDGES_S,
    VERDICTS,
    DisciplineMeasures,
    DwellBucket,
    PlannedStopFact,
    VisitFact,
    discipline,
    dwell_buckets,
)
from gql.services.reports.rules.errors import ReportRuleError
from gql.services.reports.rules.periods import (
    MAX_REPORT_DAYS,
    Bucket,
    Grain,
    ReportPeriod,
    bucket_of,
    buckets,
)
from gql.services.reports.rules.routes import (
    RouteDay,
    RouteMeasures,
    in_order_count,
    kendall_tau,
    route_day,
    routes,
    tour_length_m,
)

__all__ = [
    "DWELL_EDGES_S",
    "MAX_REPORT_DAYS",
    "VERDICTS",
    "Bucket",
    "DisciplineMeasures",
    "DwellBucket",
    "Grain",
    "PlannedStopFact",
    "ReportPeriod",
    "ReportRuleError",
    "RouteDay",
    "RouteMeasures",
    "VisitFact",
    "bucket_of",
    "buckets",
    "discipline",
    "dwell_buckets",
    "in_order_count",
    "kendall_tau",
    "route_day",
    "routes",
    "tour_length_m",
]
