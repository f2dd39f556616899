"""geo: coordinate systems, distances, the retailer R-tree and visit verification.

A pure library (no I/O, no database, no clock, no global state): inputs in, values out.
Positions are stored and measured in WGS-84; GCJ-02 and BD-09 exist only at the edges, as
their own point types. Every error raised for bad input is a :class:`GeoError`.
"""

from __future__ import annotations

from geo.batch import BatchVerdicts, verify_batch
from geo.convert import convert, convert_arrays, from_wgs84, in_china, to_wgs84
from geo.coords import Bd09, CoordSystem, Gcj02, Point, Wgs84, point_in
from geo.cost import DEFAULT_SPEED_MPS, cost_matrix
from geo.distance import (
    EARTH_RADIUS_M,
    distance_m,
    haversine_m,
    haversine_m_array,
    haversine_m_to_many,
)
from geo.dwell import record_visit
from geo.error_model import (
    MAX_ACCURACY_M,
    MIN_ACCURACY_M,
    ErrorModel,
    outside_p_value,
    pair_threshold_m,
    probability_within,
    sigma_m,
    student_t_dof,
)
from geo.errors import (
    GeoError,
    InvalidAccuracy,
    InvalidArgument,
    InvalidCoordinate,
    InvalidRadius,
    InvalidTimestamp,
    ShapeMismatch,
    SwappedCoordinates,
    UnknownCoordSystem,
    UnknownRetailer,
)
from geo.fix import FixSource, PositionFix
from geo.index import RetailerIndex
from geo.policy import DEFAULT_SOURCE_RULES, SourceRule, VisitPolicy
from geo.spacing import SpacingConflict, SpacingRule, spacing_conflicts
from geo.verdict import (
    FixEvidence,
    Flag,
    NearerRetailer,
    Reason,
    Verdict,
    VerdictKind,
    VisitRecord,
)
from geo.verify import Neighbour, PreviousEvent, verify_visit
from geo.warm import warm_up

__all__ = [
    "DEFAULT_SOURCE_RULES",
    "DEFAULT_SPEED_MPS",
    "EARTH_RADIUS_M",
    "MAX_ACCURACY_M",
    "MIN_ACCURACY_M",
    "BatchVerdicts",
    "Bd09",
    "CoordSystem",
    "ErrorModel",
    "FixEvidence",
    "FixSource",
    "Flag",
    "Gcj02",
    "GeoError",
    "InvalidAccuracy",
    "InvalidArgument",
    "InvalidCoordinate",
    "InvalidRadius",
    "InvalidTimestamp",
    "NearerRetailer",
    "Neighbour",
    "Point",
    "PositionFix",
    "PreviousEvent",
    "Reason",
    "RetailerIndex",
    "ShapeMismatch",
    "SourceRule",
    "SpacingConflict",
    "SpacingRule",
    "SwappedCoordinates",
    "UnknownCoordSystem",
    "UnknownRetailer",
    "Verdict",
    "VerdictKind",
    "VisitPolicy",
    "VisitRecord",
    "Wgs84",
    "convert",
    "convert_arrays",
    "cost_matrix",
    "distance_m",
    "from_wgs84",
    "haversine_m",
    "haversine_m_array",
    "haversine_m_to_many",
    "in_china",
    "outside_p_value",
    "pair_threshold_m",
    "point_in",
    "probability_within",
    "record_visit",
    "sigma_m",
    "spacing_conflicts",
    "student_t_dof",
    "to_wgs84",
    "verify_batch",
    "verify_visit",
    "warm_up",
]
