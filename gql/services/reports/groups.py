"""What a report is about: the request's subject and period, and a row's group."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gql.services.reports import rules

if TYPE_CHECKING:
    from datetime import date

__all__ = ["GroupBy", "ReportGroup", "ReportRequest"]


class GroupBy(enum.StrEnum):
    """What one report row is about."""

    MANAGER = "MANAGER"
    DEPARTMENT = "DEPARTMENT"
    COMPANY = "COMPANY"


@dataclass(frozen=True, slots=True)
class ReportRequest:
    """Which managers, which days, cut how, grouped how."""

    first: date
    last: date
    grain: rules.Grain = rules.Grain.MONTH
    by: GroupBy = GroupBy.MANAGER
    manager_id: int | None = None
    department_id: int | None = None


@dataclass(frozen=True, slots=True, order=True)
class ReportGroup:
    """A row's subject: a manager, a department, or the company (``id`` ``None``)."""

    kind: GroupBy
    id: int | None
    code: str
    name: str
