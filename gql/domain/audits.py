"""Audit plans and records as stored (片区考核, R5): ids are the database's integers.

The pure rules (sampling, edits, cross-check) live in :mod:`gql.services.audits.rules` and work on
string ids; these types are what the store returns and the API shows.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import date, datetime

    from gql.domain.visits import Verdict

__all__ = [
    "AuditEdit",
    "AuditEditAction",
    "AuditPlanInfo",
    "AuditPlanStatus",
    "AuditRecordInfo",
    "AuditStop",
    "RetailerAnswer",
]


class AuditPlanStatus(enum.StrEnum):
    """An audit plan is open until every retailer on it has a record."""

    OPEN = "OPEN"
    COMPLETED = "COMPLETED"


class AuditEditAction(enum.StrEnum):
    """A manual change to the drawn list."""

    ADD = "ADD"
    REMOVE = "REMOVE"


class RetailerAnswer(enum.StrEnum):
    """The retailer's answer to "did your account manager visit in the period?"."""

    YES = "YES"
    NO = "NO"
    NOT_SURE = "NOT_SURE"


@dataclass(frozen=True, slots=True)
class AuditStop:
    """A retailer on the plan, in visiting order, with its stratum and expected times."""

    seq: int
    retailer_id: int
    manager_id: int
    drawn: bool
    stratum: tuple[str, ...]
    eta_s: int | None
    etd_s: int | None
    leg_distance_m: int | None


@dataclass(frozen=True, slots=True)
class AuditEdit:
    """One recorded manual addition or removal."""

    seq: int
    action: AuditEditAction
    retailer_id: int
    author_id: int
    reason: str
    at: datetime


@dataclass(frozen=True, slots=True)
class AuditPlanInfo:
    """A stored audit plan: the draw (seed, design, digest), the route and the edits.

    ``sample`` holds the draw as :func:`gql.services.audits.rules.draw_sample` returned it
    (selected, excluded, per-stratum allocation), so the plan can be replayed and checked.
    """

    id: int
    plan_date: date
    seed: int
    design: Mapping[str, Any]
    inputs_digest: str
    department_id: int | None
    area_code: str | None
    manager_ids: tuple[int, ...]
    auditor_ids: tuple[int, ...]
    status: AuditPlanStatus
    start_lat: float
    start_lon: float
    start_label: str
    method: str
    proven_optimal: bool
    gap: float | None
    length_m: int
    duration_s: int
    baseline_length_m: int | None
    optimised_against: Mapping[str, Any]
    sample: Mapping[str, Any]
    created_by: int
    created_at: datetime
    stops: tuple[AuditStop, ...] = field(default=())
    edits: tuple[AuditEdit, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class AuditRecordInfo:
    """One retailer's audit on site, with the auditor's own verified position."""

    id: int
    plan_id: int
    retailer_id: int
    manager_id: int
    auditor_id: int
    audited_on: date
    recorded_at: datetime
    price_tags_shown: bool
    policy_promoted: bool
    satisfaction: int
    manager_visited: RetailerAnswer
    notes: str
    auditor_verdict: Verdict
    auditor_distance_m: float | None
    auditor_evidence: Mapping[str, Any]
    audited_at: datetime | None = None
    """When the audit was made (the device's time, bounded); ``audited_on`` is its day."""
