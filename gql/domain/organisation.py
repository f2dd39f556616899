"""Organisation: departments, staff and their roles, account managers (R1.1, R1.2).

The city company sits at the root; the marketing department and the customer-service
departments (each with one head and one deputy) hang below it; audit teams are separate.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gql.domain._checks import check_lat_lon

if TYPE_CHECKING:
    from datetime import date

__all__ = [
    "AccountManager",
    "Carrier",
    "Department",
    "DepartmentKind",
    "Role",
    "Staff",
]


class DepartmentKind(enum.StrEnum):
    """What a department does; decides which roles belong in it."""

    COMPANY = "COMPANY"
    MARKETING = "MARKETING"
    CUSTOMER_SERVICE = "CUSTOMER_SERVICE"
    AUDIT_TEAM = "AUDIT_TEAM"


class Role(enum.StrEnum):
    """A staff member's role; authorisation and scoring rules key on it."""

    ACCOUNT_MANAGER = "ACCOUNT_MANAGER"
    DEPARTMENT_HEAD = "DEPARTMENT_HEAD"
    DEPUTY_HEAD = "DEPUTY_HEAD"
    MARKETING = "MARKETING"
    AUDITOR = "AUDITOR"
    ADMIN = "ADMIN"


class Carrier(enum.StrEnum):
    """The mobile carrier whose location service can locate a manager's phone (R4)."""

    TELECOM = "TELECOM"
    MOBILE = "MOBILE"


@dataclass(frozen=True, slots=True)
class Department:
    """A unit of the company; ``parent_id`` is ``None`` only for the company itself."""

    id: int
    code: str
    name: str
    kind: DepartmentKind
    parent_id: int | None


@dataclass(frozen=True, slots=True)
class Staff:
    """A person on the payroll, identified to people by ``staff_no``."""

    id: int
    staff_no: str
    name: str
    role: Role
    department_id: int
    active: bool
    joined_on: date


@dataclass(frozen=True, slots=True)
class AccountManager:
    """A staff member with role ACCOUNT_MANAGER plus what routing and locating need.

    ``staff_id`` is the manager's id everywhere (plans, visits, retailers' assignment):
    a manager *is* a staff member, so there is no second identifier to mix up.
    The start point is where a day's route begins (office or home, R2.3).
    """

    staff_id: int
    staff_no: str
    name: str
    department_id: int
    active: bool
    msisdn: str
    carrier: Carrier
    start_lat: float
    start_lon: float
    start_label: str

    def __post_init__(self) -> None:
        check_lat_lon(self.start_lat, self.start_lon)
