"""Commands of the audit use cases, as the API layer builds them (plain, typed, immutable)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from gql.services.audits import rules as audits
from gql.services.visits.device_fixes import DeviceFix

if TYPE_CHECKING:
    from datetime import date, datetime

    from gql.domain.audits import RetailerAnswer

__all__ = ["AuditDesign", "AuditFix", "AuditPlanAdjust", "AuditPlanCreate", "AuditRecordSubmit"]


@dataclass(frozen=True, slots=True)
class AuditDesign:
    """The sampling design as the API takes it (see :class:`audits.SampleDesign`)."""

    allocation: audits.Allocation = audits.Allocation.PROPORTIONAL
    size: int | None = None
    per_stratum: int | None = None
    stratify_by: tuple[audits.StratumBy, ...] = ()
    exclude_audited_within_days: int | None = None
    weighted: bool = False


@dataclass(frozen=True, slots=True)
class AuditPlanCreate:
    """Draw and route an audit plan; at least one of department, managers or area."""

    plan_date: date
    design: AuditDesign
    start_lat: float
    start_lon: float
    start_label: str
    department_id: int | None = None
    manager_ids: tuple[int, ...] = ()
    area_code: str | None = None
    auditor_ids: tuple[int, ...] = ()
    seed: int | None = None
    start_time_s: int = 9 * 3600


@dataclass(frozen=True, slots=True)
class AuditPlanAdjust:
    """Manual additions and removals, all with one reason."""

    plan_id: int
    reason: str
    add: tuple[int, ...] = ()
    remove: tuple[int, ...] = ()


AuditFix = DeviceFix
"""The auditor's handheld fix: the same as a manager's (auditors are audited too)."""


@dataclass(frozen=True, slots=True)
class AuditRecordSubmit:
    """The R5.3 answers at one retailer of a plan."""

    plan_id: int
    retailer_id: int
    price_tags_shown: bool
    policy_promoted: bool
    satisfaction: int
    manager_visited: RetailerAnswer
    notes: str = ""
    fix: AuditFix | None = None
    device_time: datetime | None = None
