"""Who may see and do what (R9; the access rules of the API).

Every service takes a :class:`Principal` and asks this module, so ``node(id)``, connections and
mutations obey one rule set. A denied object is reported exactly like a missing one.
"""

from __future__ import annotations

from dataclasses import dataclass

from gql.domain import Role, Staff
from gql.services.errors import Forbidden, Unauthenticated

__all__ = [
    "ASSIGNMENT_EDITORS",
    "REFERENCE_EDITORS",
    "Principal",
    "Scope",
    "require_role",
    "scope_of",
    "signed_in",
    "staff_scope",
]


REFERENCE_EDITORS = frozenset({Role.ADMIN})
"""Who creates departments and people and changes who they are (names, employment)."""
ASSIGNMENT_EDITORS = frozenset({Role.ADMIN, Role.MARKETING})
"""Who assigns people: roles, departments, account managers and their phones."""


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller, read from the database on every request."""

    staff_id: int
    staff_no: str
    name: str
    role: Role
    department_id: int

    @classmethod
    def from_staff(cls, staff: Staff) -> Principal:
        """Build from the staff record that the token names."""
        return cls(
            staff_id=staff.id,
            staff_no=staff.staff_no,
            name=staff.name,
            role=staff.role,
            department_id=staff.department_id,
        )


@dataclass(frozen=True, slots=True)
class Scope:
    """The slice of managers (and so of their retailers, plans, visits) a caller may read.

    ``everything`` wins; otherwise a row is visible when its manager is in ``manager_ids`` or
    in ``department_ids``. An empty scope sees nothing.
    """

    everything: bool = False
    manager_ids: frozenset[int] = frozenset()
    department_ids: frozenset[int] = frozenset()

    def allows(self, manager_id: int | None, department_id: int | None) -> bool:
        """Whether a row owned by this manager / department is visible."""
        if self.everything:
            return True
        if manager_id is not None and manager_id in self.manager_ids:
            return True
        return department_id is not None and department_id in self.department_ids

    @property
    def is_empty(self) -> bool:
        """Nothing is visible."""
        return not (self.everything or self.manager_ids or self.department_ids)


def scope_of(principal: Principal) -> Scope:
    """The rows a role may read.

    Managers see their own; heads and deputies their department; the marketing department
    and administrators everything; auditors see only what their audit plans assign them (added
    by the audits service), so their base scope is empty.
    """
    role = principal.role
    if role in (Role.MARKETING, Role.ADMIN):
        return Scope(everything=True)
    if role in (Role.DEPARTMENT_HEAD, Role.DEPUTY_HEAD):
        return Scope(department_ids=frozenset({principal.department_id}))
    if role is Role.ACCOUNT_MANAGER:
        return Scope(manager_ids=frozenset({principal.staff_id}))
    return Scope()


def staff_scope(principal: Principal) -> tuple[bool, int | None]:
    """Which staff records a caller may read: ``(everything, department_id)``.

    Marketing and administrators read everyone; heads and deputies their department; everyone
    else only themselves (``(False, None)``).
    """
    scope = scope_of(principal)
    if scope.everything:
        return True, None
    if principal.role in (Role.DEPARTMENT_HEAD, Role.DEPUTY_HEAD):
        return False, principal.department_id
    return False, None


def signed_in(principal: Principal | None) -> Principal:
    """The caller, or :class:`Unauthenticated` when nobody valid signed in (one rule for all)."""
    if principal is None:
        raise Unauthenticated
    return principal


def require_role(principal: Principal, allowed: frozenset[Role], action: str) -> None:
    """Raise :class:`Forbidden` unless the caller's role is allowed to ``action``."""
    if principal.role not in allowed:
        raise Forbidden(action)
