"""Checks of organisation commands that need no database: formats, ranges, role vs department.

Each adds its faults to a :class:`~gql.services.errors.Problems` so a caller (a mutation or a
CSV row) hears every fault at once.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import geo
from gql.domain import DepartmentKind, Role
from gql.services.errors import ErrorCode, Problems

if TYPE_CHECKING:
    from gql.services.errors import FieldPath

__all__ = [
    "MAX_CODE_CHARS",
    "MAX_NAME_CHARS",
    "MAX_STAFF_NO_CHARS",
    "ROLE_HOME",
    "check_code",
    "check_msisdn",
    "check_name",
    "check_role_fits",
    "check_staff_no",
    "start_in_wgs84",
]

MAX_CODE_CHARS = 16
MAX_STAFF_NO_CHARS = 16
MAX_NAME_CHARS = 40
MAX_START_LABEL_CHARS = 80
_MSISDN = re.compile(r"1[3-9]\d{9}")
"""A mainland mobile number, 11 digits: what the carriers' location services accept."""
_CODE = re.compile(r"[A-Za-z0-9_-]+")

ROLE_HOME: dict[Role, frozenset[DepartmentKind]] = {
    Role.ACCOUNT_MANAGER: frozenset({DepartmentKind.CUSTOMER_SERVICE}),
    Role.DEPARTMENT_HEAD: frozenset({DepartmentKind.CUSTOMER_SERVICE, DepartmentKind.MARKETING}),
    Role.DEPUTY_HEAD: frozenset({DepartmentKind.CUSTOMER_SERVICE, DepartmentKind.MARKETING}),
    Role.MARKETING: frozenset({DepartmentKind.MARKETING}),
    Role.AUDITOR: frozenset({DepartmentKind.AUDIT_TEAM}),
    Role.ADMIN: frozenset(DepartmentKind),
}
"""The kinds of department each role belongs in (scopes and scoring key on it)."""


def check_code(found: Problems, code: str, where: FieldPath) -> None:
    """A department code: 1..16 letters, digits, ``-`` or ``_``."""
    if not 0 < len(code) <= MAX_CODE_CHARS or not _CODE.fullmatch(code):
        found.add(where, f"code must be 1..{MAX_CODE_CHARS} letters, digits, '-' or '_'")


def check_staff_no(found: Problems, staff_no: str, where: FieldPath) -> None:
    """A staff number: 1..16 letters, digits, ``-`` or ``_`` (it is the token's subject)."""
    if not 0 < len(staff_no) <= MAX_STAFF_NO_CHARS or not _CODE.fullmatch(staff_no):
        found.add(
            where, f"staff number must be 1..{MAX_STAFF_NO_CHARS} letters, digits, '-' or '_'"
        )


def check_name(found: Problems, name: str, where: FieldPath, limit: int = MAX_NAME_CHARS) -> None:
    """A non-empty name of at most ``limit`` characters."""
    if not name.strip() or len(name.strip()) > limit:
        found.add(where, f"name must be 1..{limit} characters")


def check_msisdn(found: Problems, msisdn: str, where: FieldPath) -> None:
    """An 11-digit mainland mobile number."""
    if not _MSISDN.fullmatch(msisdn):
        found.add(where, "phone number must be an 11-digit mobile number starting 13..19")


def check_role_fits(
    found: Problems, role: Role, kind: DepartmentKind | None, where: FieldPath
) -> None:
    """The role belongs in this kind of department (``None``: unknown, reported elsewhere)."""
    if kind is not None and kind not in ROLE_HOME[role]:
        allowed = ", ".join(sorted(k.value for k in ROLE_HOME[role]))
        found.add(where, f"role {role.value} belongs in a department of kind {allowed}")


def start_in_wgs84(
    found: Problems, lat: float, lon: float, system: str, where: FieldPath
) -> tuple[float, float]:
    """The start point in WGS-84, or a fault at ``where`` (and the values back)."""
    try:
        point = geo.to_wgs84(geo.point_in(system, lat, lon))
    except geo.GeoError as exc:
        found.add(where, str(exc), ErrorCode.INVALID_COORDINATE)
        return lat, lon
    return point.lat, point.lon
