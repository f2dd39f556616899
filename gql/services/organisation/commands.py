"""What callers send to change the organisation; checked by :mod:`.rules`, applied by the service.

``None`` in a change keeps the field as it is. Coordinates arrive in ``coordinate_system``
(WGS84, GCJ02, BD09) and are stored in WGS-84, as for retailers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import date

    from gql.domain import Carrier, DepartmentKind, Role

__all__ = [
    "CarrierChange",
    "DepartmentChange",
    "DepartmentCommand",
    "ManagerCommand",
    "StaffChange",
    "StaffCommand",
    "StartMove",
]


@dataclass(frozen=True, slots=True)
class DepartmentCommand:
    """A new department below ``parent_id`` (``None`` only for the company itself)."""

    code: str
    name: str
    kind: DepartmentKind
    parent_id: int | None


@dataclass(frozen=True, slots=True)
class DepartmentChange:
    """Rename or move a department."""

    department_id: int
    name: str | None = None
    parent_id: int | None = None


@dataclass(frozen=True, slots=True)
class StaffCommand:
    """A new staff member (account managers come through :class:`ManagerCommand`)."""

    staff_no: str
    name: str
    role: Role
    department_id: int
    joined_on: date


@dataclass(frozen=True, slots=True)
class StaffChange:
    """A transfer, a new role, a rename, a deactivation or a return, effective on a date."""

    staff_id: int
    name: str | None = None
    role: Role | None = None
    department_id: int | None = None
    active: bool | None = None
    effective_on: date | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class ManagerCommand:
    """A new account manager: the staff member plus phone and start point."""

    staff_no: str
    name: str
    department_id: int
    joined_on: date
    msisdn: str
    carrier: Carrier
    start_lat: float
    start_lon: float
    start_label: str
    coordinate_system: str = "WGS84"


@dataclass(frozen=True, slots=True)
class StartMove:
    """A manager's routes start somewhere else from now on (moved office, moved home)."""

    manager_id: int
    start_lat: float
    start_lon: float
    start_label: str
    coordinate_system: str = "WGS84"
    reason: str = ""


@dataclass(frozen=True, slots=True)
class CarrierChange:
    """A number ported to another carrier (or a new work number); in force at once."""

    manager_id: int
    carrier: Carrier
    msisdn: str | None = None
    reason: str = ""
