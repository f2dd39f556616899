"""Audit rules (片区考核, R5): sample, plan edits, records, cross-check; pure, no I/O.

The seed of every draw is an input (the caller generates and stores it), so a plan can be
replayed exactly. Routing the plan with ``tsp/`` is wired by the service layer, not here.
"""

from gql.services.audits.rules.crosscheck import (
    AuditVerdict,
    CrossCheck,
    CrossCheckResult,
    Discrepancy,
    DiscrepancyKind,
    VisitEvidence,
    VisitProof,
    cross_check,
    findings_from,
)
from gql.services.audits.rules.errors import (
    AuditError,
    CrossCheckError,
    PlanEditError,
    RecordError,
    SamplingError,
)
from gql.services.audits.rules.plan import AuditPlan, EditAction, PlanEdit, create_plan
from gql.services.audits.rules.records import AuditRecord, VisitAnswer
from gql.services.audits.rules.risk import RiskCoefficients, risk_weight
from gql.services.audits.rules.sampling import (
    MAX_SEED,
    Allocation,
    Candidate,
    Exclusion,
    Sample,
    SampleDesign,
    Selected,
    StratumAllocation,
    StratumBy,
    draw_sample,
    expected_allocation,
)

__all__ = [
    "MAX_SEED",
    "Allocation",
    "AuditError",
    "AuditPlan",
    "AuditRecord",
    "AuditVerdict",
    "Candidate",
    "CrossCheck",
    "CrossCheckError",
    "CrossCheckResult",
    "Discrepancy",
    "DiscrepancyKind",
    "EditAction",
    "Exclusion",
    "PlanEdit",
    "PlanEditError",
    "RecordError",
    "RiskCoefficients",
    "Sample",
    "SampleDesign",
    "SamplingError",
    "Selected",
    "StratumAllocation",
    "StratumBy",
    "VisitAnswer",
    "VisitEvidence",
    "VisitProof",
    "create_plan",
    "cross_check",
    "draw_sample",
    "expected_allocation",
    "findings_from",
    "risk_weight",
]
